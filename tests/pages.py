"""Assertions about the pages the test client gets back."""

import html
import re
from collections.abc import Iterable

EXCERPT_LENGTH = 600
_HIDDEN = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_MAIN = re.compile(r"<main\b.*?</main\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def assert_page(response, status: int = 200, *, shows: Iterable[str] | str = (), markup: Iterable[str] | str = ()):
    """Assert that the page answers `status` and shows each of `shows`; return its text (as `text_of` gives it).

    `response` is the test client's (Flask) or, for a server on a socket, a `requests` response.

    `shows` is read as a person reads the page: HTML entities decoded (« l'assuré », not « l&#39;assuré »).
    `markup` is looked for in the HTML as sent (attributes, tags, escaped entities). A failure names the request,
    the status, what is missing and an excerpt of what the page says.
    """
    shows = (shows,) if isinstance(shows, str) else tuple(shows)
    markup = (markup,) if isinstance(markup, str) else tuple(markup)
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    text = html.unescape(body)
    if response.status_code != status:
        location = response.headers.get("Location")
        redirect = f" (Location: {location})" if location else ""
        raise AssertionError(
            f"{_request_of(response)} answered {response.status_code}{redirect}, expected {status}\n{_excerpt(body)}"
        )
    missing = [f"text {wanted!r}" for wanted in shows if wanted not in text]
    missing += [f"markup {wanted!r}" for wanted in markup if wanted not in body]
    if missing:
        raise AssertionError(
            f"{_request_of(response)} answered {status} without " + ", ".join(missing) + f"\n{_excerpt(body)}"
        )
    return text


def _request_of(response) -> str:
    request = getattr(response, "request", None)
    if request is None:
        return "the page"
    if hasattr(request, "path_url"):  # requests
        return f"{request.method} {request.path_url}"
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    return f"{request.method} {request.path}{query}"


def _excerpt(body: str) -> str:
    """What the page says, tags left out: its <main> if it has one, cut to EXCERPT_LENGTH characters."""
    main = _MAIN.search(body)
    visible = _TAG.sub(" ", _HIDDEN.sub(" ", main.group(0) if main else body))
    words = " ".join(html.unescape(visible).split())
    if not words:
        return "(the page says nothing)"
    cut = words if len(words) <= EXCERPT_LENGTH else words[:EXCERPT_LENGTH] + " […]"
    return f"page: {cut}"
