"""The relevé de carrière as a PDF: the same content as the career page, laid out for print by WeasyPrint.

The document is rendered offline: the only resources it may load are local files under a few folders of the
project (the DSFR's Marianne fonts); any other URL, remote or local, is refused by `LocalFileFetcher`.
"""

import mimetypes
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import render_template
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.careers.queries import CareerView
from portal.clock import PARIS
from portal.paths import ROOT_DIR

# WeasyPrint switches Pillow, process-wide, to accepting truncated images. The relevé embeds no image, and the
# justificatifs' check (portal.documents.validation) relies on Pillow refusing a truncated one: switch it back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

TEMPLATE = "careers/releve.html"
DSFR_DIST_DIR = ROOT_DIR / "node_modules" / "@gouvfr" / "dsfr" / "dist"
FONTS_DIR = DSFR_DIST_DIR / "fonts"
# Folders whose files the document may load; nothing else, and never the network.
ALLOWED_DIRS = (DSFR_DIST_DIR, ROOT_DIR / "static")

# (file stem, font-weight, font-style) of the Marianne faces the template uses.
MARIANNE_FACES = (
    ("Marianne-Regular", 400, "normal"),
    ("Marianne-Regular_Italic", 400, "italic"),
    ("Marianne-Bold", 700, "normal"),
)


class ResourceRefused(ValueError):
    """The document asked for a resource it may not load (a remote URL, or a file outside the allowed folders)."""


class LocalFileFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under `allowed_dirs` and refuses everything else.

    WeasyPrint catches the exception, logs that the resource could not be loaded and renders without it.
    """

    def __init__(self, allowed_dirs: Iterable[Path] = ALLOWED_DIRS):
        super().__init__(allowed_protocols=("file",))
        self.allowed_dirs = tuple(Path(directory).resolve() for directory in allowed_dirs)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Ressource non locale refusée : {url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(directory) for directory in self.allowed_dirs):
            raise ResourceRefused(f"Fichier hors des dossiers autorisés refusé : {url}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime_type})


def marianne_faces(fonts_dir: Path | None = None) -> list[dict]:
    """The @font-face descriptors of the Marianne files present; empty (so sans-serif) when the DSFR is absent."""
    fonts_dir = fonts_dir or FONTS_DIR
    faces = []
    for stem, weight, style in MARIANNE_FACES:
        path = fonts_dir / f"{stem}.woff2"
        if path.is_file():
            faces.append({"url": path.resolve().as_uri(), "weight": weight, "style": style})
    return faces


def html_to_pdf(html: str, *, fetcher: URLFetcher | None = None) -> bytes:
    """PDF bytes of a print HTML document, its relative URLs resolved against the project's root folder."""
    document = HTML(string=html, base_url=ROOT_DIR.as_uri() + "/", url_fetcher=fetcher or LocalFileFetcher())
    return document.write_pdf(pdf_tags=True)


def render_releve_pdf(
    career: CareerView, *, generated_at: datetime, version_counts: Mapping[int, int] | None = None
) -> bytes:
    """The relevé de carrière of `career` as PDF bytes, issued at `generated_at`.

    `generated_at` is shown as a date in Paris time; a naive datetime is taken as UTC, as `portal.db.utcnow()`
    gives. `version_counts` maps a period id to its number of versions, to mark corrected periods. Call inside an
    app or request context: the template uses the app's filters and settings.
    """
    if generated_at.tzinfo is None:
        generated_at = generated_at.replace(tzinfo=UTC)
    generated_at = generated_at.astimezone(PARIS).replace(microsecond=0)
    html = render_template(
        TEMPLATE,
        career=career,
        generated_at=generated_at,
        version_counts=version_counts or {},
        font_faces=marianne_faces(),
    )
    return html_to_pdf(html)
