"""Junk sent to every route, by every kind of visitor: never a 5xx, always a French answer.

The test walks app.url_map, so a new route is covered as soon as it exists. For each route and each role (nobody,
the assuré, a tuteur acting for the assuré, an agent), it sends junk in the path (huge, negative and non-numeric
ids, unknown enum values, NUL bytes, unicode), in the query string and in the form body (with a valid CSRF token,
so that the junk reaches the view). The parameter names tried are those the portal reads: every form field and
link parameter of the pages the role can see, and every name the views read from `request.args` or `request.form`.
"""

import base64
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, PathConverter

from portal import clock
from portal.agents.services import ensure_caisse
from portal.auth.models import Account
from portal.db import db as _db
from portal.documents.models import Document
from portal.signalements.views import PREFILL_KEYS
from tests.backoffice.helpers import filed_request, requested_mandate
from tests.builders import create_agent, create_assure, create_period
from tests.conftest import csrf_token
from tests.fc import login, login_agent, login_and_bind
from tests.representation.helpers import active
from tests.test_routes import create_signalement_with_document

ANONYMOUS, ASSURE, REPRESENTATIVE, AGENT = "anonyme", "assuré", "tuteur agissant pour l'assuré", "agent"
ROLES = (ANONYMOUS, ASSURE, REPRESENTATIVE, AGENT)
ADMINISTRATEUR = "demo-agent-francois-nguyen-van", "francois.nguyen-van@cnav.example.fr"

PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal"
LONG = "x" * 10_000


def _cursor(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


# Each is sent as the value of every parameter at once; a value a view must refuse, not choke on.
JUNK_VALUES = [
    "",
    "-1",
    "2147483648",  # beyond a 32-bit column
    "99999999999999999999999999999999",  # beyond anything a database binds
    "NaN",
    "!abc=",  # not a number, a date, a value of any list, nor base64
    LONG,
    "a\x00b",
    "é\u202e\u200b🙂\ufffe",
    "2024-02-30",
    "1,2,-3,abc",
    # Forged keyset cursors: valid base64 of junk bytes, and of JSON of the wrong shape with a huge number.
    _cursor(b"\xff\xfe\x00garbage"),
    _cursor(json.dumps([10**40, "9999-99-99", {"id": None}]).encode()),
]
# Rendering a PDF takes seconds, and a download reads nothing from the query: a few values are enough there.
FEW = JUNK_VALUES[:4]
# Sent as files, in a multipart body.
FILE_VALUES = [LONG, "a\x00b\u202e"]
# Raw query strings that no dict of str can produce: invalid UTF-8 and a lone surrogate, percent-encoded.
RAW_QUERIES = ["{name}=%ff%fe%00&{name}[]=1&{name}", "{name}=%ED%A0%80&{name}=%"]
# Path values: an int converter only matches digits, so these reach the view (too large for any column); the
# others must be answered by routing, or by the view for a string converter.
JUNK_INTS = ["0", "2147483648", "9223372036854775808", "99999999999999999999999999999999"]
JUNK_SEGMENTS = ["-1", "abc", "%00", "a%00b", "%C3%A9%F0%9F%99%82", "%ff%fe", quote(LONG), "..%2F..%2Fetc%2Fpasswd"]

# Werkzeug's and WTForms' own English texts: a page that shows one has not been translated for the person.
ENGLISH = (
    "Bad Request",
    "Not Found",
    "Method Not Allowed",
    "Internal Server Error",
    "The browser (or proxy)",
    "The requested URL",
    "Not a valid",
    "This field is required",
    "is not a valid choice",
    "Invalid Choice",
    "Invalid date",
    "Field must be",
    "could not coerce",
    "CSRF token",
)

_NAME_IN_SOURCE = re.compile(r"""request\.(?:args|form|values|files)(?:\.get(?:list)?\(|\[)\s*["']([\w-]+)["']""")
_NAME_IN_HTML = re.compile(r"""<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)\"""")
_QUERY_IN_HTML = re.compile(r"""href="[^"?]*\?([^"#]*)""")


def names_read_by_views() -> set[str]:
    """Every parameter name a view reads from the request by hand (the forms' fields come from the pages)."""
    names = set()
    for path in PORTAL_DIR.rglob("*.py"):
        names.update(_NAME_IN_SOURCE.findall(path.read_text(encoding="utf-8")))
    return names | set(PREFILL_KEYS)


def names_in_page(text: str) -> set[str]:
    names = set(_NAME_IN_HTML.findall(text))
    for query in _QUERY_IN_HTML.findall(text):
        for pair in html.unescape(query).split("&"):
            if pair:
                names.add(pair.split("=", 1)[0])
    return names - {"csrf_token"}


# --- The visitors ---


class Visit:
    """A logged-in client, the ids of real objects its paths can name, and what its pages taught about names."""

    def __init__(self, role, client, ids, home):
        self.role = role
        self.client = client
        self.ids = ids
        self.home = home
        self.names: set[str] = set()

    def token(self) -> str:
        # Once junk sent to « Se déconnecter » has been obeyed, the public pages still carry a token.
        for page in (self.home, "/", "/espace-agents/connexion"):
            response = self.client.get(page)
            if response.status_code == 200:
                return csrf_token(response.text)
        raise AssertionError("no page with a CSRF token")


def _accounts_without_assure():
    statement = select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc())
    return _db.session.execute(statement).scalars().first()


@pytest.fixture
def visit(request, app, client, db, monkeypatch):
    # The junk is sent many times over: limits per hour or per day would answer 429 (a French page, but then the
    # view itself would no longer be reached).
    for key in ("UPLOAD_RATE_LIMIT", "SUBMISSION_RATE_LIMIT", "MESSAGE_RATE_LIMIT", "NIR_BINDING_RATE_LIMIT"):
        if key in app.config:
            monkeypatch.setitem(app.config, key, "100000 per hour")
    role = request.param
    caisse = ensure_caisse("CARSAT-RA")
    own = create_assure(identity="demo-jean-pierre-martin", caisse_id=caisse.id)
    period = create_period(own, year=2010).period_id
    create_period(own, year=2012)
    draft, document = create_signalement_with_document(own, period)
    agent = create_agent(ADMINISTRATEUR[1], "administrateur", "CNAV")
    # Filed by an account of the assuré on another device: the account the test logs in with is bound afterwards.
    author = Account(pivot_identity={}, assure_id=own.id)
    db.session.add(author)
    db.session.flush()
    filed = filed_request(own, account=author, today=clock.today()).id
    author.assure_id = None
    db.session.flush()
    ids = {
        "period_id": [period],
        "signalement_id": [draft, filed],
        "document_id": [document],
        "anomaly_type": ["wrong_earnings"],
        "mandate_id": [],
        "filename": ["css/portal.css"],
    }
    home = "/"
    if role == ASSURE:
        login_and_bind(client)
        home = "/mes-demandes"
    elif role == REPRESENTATIVE:
        login(client, "demo-jules-inconnu")
        mandate = active(_accounts_without_assure(), own, agent=agent)
        page = client.get("/mes-representations")
        response = client.post(f"/mes-representations/{mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
        assert response.status_code == 303, response.text
        ids["mandate_id"] = [mandate.id]
        home = "/mes-demandes"
    elif role == AGENT:
        ids["signalement_id"] = [filed, draft]  # a draft is not the back-office's: the filed request first
        ids["mandate_id"] = [requested_mandate(own).id]
        ids["document_id"] = [document, *_documents_of(filed)]
        assert login_agent(client, ADMINISTRATEUR[0]).status_code == 303
        home = "/espace-agents/demandes"
    db.session.flush()
    landing = client.get(home)
    assert landing.status_code == 200, f"{role}: {home} answers {landing.status_code} {landing.location}"
    return Visit(role, client, ids, home)


def _documents_of(signalement_id: int) -> list[int]:
    statement = select(Document.id).where(Document.signalement_id == signalement_id)
    return list(_db.session.execute(statement).scalars())


# --- Checking an answer ---


def problem(response) -> str | None:
    """What is wrong with the answer, or None: a 5xx, an error that is not a French page, English text, or the
    10 000-character junk repeated in full where a person reads it."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if 300 <= status < 400 or (status < 300 and response.mimetype != "text/html"):
        return None  # a redirect (its body is Werkzeug's, never shown), a download, a static file
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        try:
            messages = [f"{error['field']} {error['message']}" for error in json.loads(body)["errors"]]
        except (ValueError, KeyError, TypeError):
            return f"{status}: JSON without its French messages"
        text = " ".join(messages)
    elif response.mimetype == "text/html":
        if 'lang="fr"' not in body:
            return f"{status}: not a portal page"
        text = html.unescape(read_text(body))
    else:
        return f"{status}: a {response.mimetype} answer, not a page"
    if LONG[:ECHO] in text:
        return f"{status}: the 10 000-character value is repeated in full, not as an excerpt"
    if status < 400:
        return None
    english = [phrase for phrase in ENGLISH if phrase in text]
    if english:
        return f"{status}: English text {english}"
    return None


# An error says which value is wrong with a short excerpt of it; a refused form keeps what was typed, in its fields.
ECHO = 200


def read_text(page: str) -> str:
    """What a person reads in a page: its text, without the values kept in form fields (attributes, textareas)
    nor the page's scripts."""
    page = re.sub(r"<(textarea|script)\b.*?</\1>", "", page, flags=re.DOTALL)
    return re.sub(r"<[^>]*>", "", page)


def send(visit: Visit, method: str, url: str, failures: list, label: str, **kwargs):
    try:
        response = visit.client.open(url, method=method, **kwargs)
    except Exception as error:  # under TESTING an unhandled error propagates instead of giving a 500 page
        failures.append(f"{visit.role} {method} {url[:120]} [{label}]: raised {error!r}"[:400])
        return None
    found = problem(response)
    response.close()
    # A body over 500 kB (every harvested name with 10 kB of junk) is spooled by werkzeug's EnvironBuilder into a
    # temporary file that nothing closes: close it here, or the suite reports unclosed files.
    response.request.environ["wsgi.input"].close()
    if found:
        failures.append(f"{visit.role} {method} {url[:120]} [{label}]: {found}")
    return response


# --- The walk ---


FINAL_ACTIONS = ("/deposer", "/retirer", "/supprimer", "/decision", "/validation", "/refuser", "/revoquer", "/valider")

LEAVING = ("/deconnexion", "/revenir")


def rules(app):
    # The API has its own contract test (tests/simulator/test_schemathesis.py); static files are only read.
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "simulator_api.run_simulation"),
        # Routes that end a draft or a request come late, so that the others still find them open; the ones that
        # end the session or the acting-for context last of all.
        key=lambda rule: (rule.rule.endswith(LEAVING) * 2 or rule.rule.endswith(FINAL_ACTIONS), rule.rule),
    )


def fill(rule, ids, overrides=None) -> list[str]:
    """The rule's path with real ids (one path per combination of the first two ids), or the overrides."""
    overrides = overrides or {}
    paths = [rule.rule]
    for name in rule.arguments:
        values = [overrides[name]] if name in overrides else ids.get(name) or ["1"]
        paths = [path.replace(f"<{_converter_text(rule, name)}>", str(value)) for path in paths for value in values]
    return paths


def _converter_text(rule, name: str) -> str:
    match = re.search(rf"<([\w]+(?:\([^)]*\))?:)?{name}>", rule.rule)
    return match.group(0)[1:-1]


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


_HARVESTED: dict[str, set[str]] = {}


def harvest(app, visit: Visit) -> None:
    """GET every page the role can see, and keep the parameter names its forms and links use (once per role)."""
    if visit.role in _HARVESTED:
        visit.names = _HARVESTED[visit.role]
        return
    names = names_read_by_views()
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("static", "dsfr.static") or is_download(rule):
            continue
        for path in fill(rule, visit.ids):
            response = visit.client.get(path)
            if response.mimetype == "text/html":
                names |= names_in_page(response.get_data(as_text=True))
            response.close()
    visit.names = _HARVESTED[visit.role] = names


def is_download(rule) -> bool:
    return bool(re.search(r"\.\w+$", rule.rule))


def junk_path_values(rule, name: str) -> list[str]:
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return JUNK_INTS + JUNK_SEGMENTS
    if isinstance(converter, PathConverter):
        return [*JUNK_SEGMENTS, "%2e%2e/%2e%2e/config.py", "dsfr/..%5c..%5cconfig.py"]
    return [*JUNK_SEGMENTS, "__inconnu__", "WRONG_EARNINGS"]


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_junk_in_paths_gets_a_french_answer_never_a_server_error(app, visit):
    failures: list[str] = []
    token = visit.token()
    for rule in rules(app):
        for name in rule.arguments:
            for value in junk_path_values(rule, name):
                for method in methods(rule):
                    # With a valid CSRF token, so that a POST reaches its view.
                    data = {"csrf_token": token} if method == "POST" else None
                    for path in fill(rule, visit.ids, {name: value}):
                        send(visit, method, path, failures, f"{name}={value[:20]}", data=data)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_junk_in_query_strings_gets_a_french_answer_never_a_server_error(app, visit):
    harvest(app, visit)
    names = sorted(visit.names)
    failures: list[str] = []
    for rule in rules(app):
        if rule.endpoint in ("static", "dsfr.static"):
            continue
        path = fill(rule, visit.ids)[0]
        for method in methods(rule):
            data = {"csrf_token": visit.token()} if method == "POST" else None
            for value in FEW if rule.rule.endswith(".pdf") else JUNK_VALUES:
                query = "&".join(f"{quote(name)}={quote(value)}" for name in names)
                send(visit, method, f"{path}?{query}", failures, f"all={value[:20]!r}", data=data)
            for raw in RAW_QUERIES:
                query = "&".join(raw.format(name=quote(name)) for name in names)
                send(visit, method, f"{path}?{query}", failures, f"raw {raw}", data=data)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_junk_in_form_bodies_gets_a_french_answer_never_a_server_error(app, visit):
    harvest(app, visit)
    names = sorted(visit.names)
    failures: list[str] = []
    for rule in rules(app):
        if "POST" not in rule.methods:
            continue
        for path in fill(rule, visit.ids):
            post_junk(visit, path, names, failures)
    assert not failures, "\n".join(failures)


def post_junk(visit: Visit, path: str, names: list[str], failures: list[str]) -> None:
    """Junk in every name of a form body: urlencoded, as lists, and as files in a multipart body."""
    token = visit.token()
    for value in JUNK_VALUES:
        data = dict.fromkeys(names, value) | {"csrf_token": token}
        send(visit, "POST", path, failures, f"form {value[:20]!r}", data=data)
    # Several values for every name: a view that reads one value must not choke on a list, nor the reverse.
    data = dict.fromkeys(names, ["1", LONG, "a\x00b", "-1"]) | {"csrf_token": token}
    send(visit, "POST", path, failures, "lists", data=data)
    for value in FILE_VALUES:
        content = value.encode("utf-8", "surrogatepass")
        files = {name: (io.BytesIO(content), value[:300] or "f") for name in names}
        send(visit, "POST", path, failures, f"multipart {value[:20]!r}", data=files | {"csrf_token": token},
             content_type="multipart/form-data")  # fmt: skip
