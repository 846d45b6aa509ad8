"""The relevé de carrière in PDF: the career page's content, paginated, rendered without any network access."""

import io
import logging
import re
import socket
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portal.careers import queries
from portal.careers import releve as releve_module
from portal.careers import services as careers_services
from portal.careers.models import DataSource, PeriodNature
from portal.careers.releve import FONTS_DIR, LocalFileFetcher, ResourceRefused, html_to_pdf, render_releve_pdf
from tests.builders import create_assure, create_period

ISSUED = datetime(2025, 3, 12, 9, 30)


@pytest.fixture
def assure(db):
    return create_assure(
        nir="162056938304584", given_names="Jean-Pierre", birth_name="Martin", usage_name=None, sex="1",
        birth_date=date(1962, 5, 14),
    )  # fmt: skip


def render(app, assure, **kwargs) -> PdfReader:
    with app.test_request_context():
        career = queries.get_career(assure)
        pdf = render_releve_pdf(
            career,
            generated_at=kwargs.pop("generated_at", ISSUED),
            version_counts=queries.count_versions_by_period(assure.id),
        )
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def pages_text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_the_releve_holds_the_whole_career(app, assure, caplog):
    create_period(assure, year=2015, employer_name="Transports Rhône-Alpes", earnings=Decimal("28450.50"))
    create_period(assure, year=2015, regime="AGIRC_ARRCO", quarters=None, points=Decimal("84.35"),
                  employer_name="Transports Rhône-Alpes")  # fmt: skip
    create_period(assure, start=date(2018, 2, 1), end=date(2018, 6, 30), nature=PeriodNature.UNEMPLOYMENT,
                  quarters=2, earnings=None, employer_name=None, employer_siret=None, days=120,
                  source=DataSource.FRANCE_TRAVAIL, source_reference="Attestation France Travail 2018")  # fmt: skip
    corrected = create_period(assure, year=2019, earnings=9000, employer_name="Imprimerie Lyonnaise",
                              source=DataSource.DADS)  # fmt: skip
    careers_services.supersede_period(
        corrected.period, recorded_by="Technicienne A. Morel", reason="Salaire rectifié", earnings_cents=1_250_000
    )

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        reader = render(app, assure)
    assert [record.getMessage() for record in caplog.records if record.name == "weasyprint"] == []
    text = "\n".join(pages_text(reader)).replace("\n", " ")  # lines wrapped in table cells read as one

    assert "Relevé de carrière" in text
    assert "Jean-Pierre Martin" in text
    assert "1 62 05 69 383 045 84" in text
    assert "Jean-Pierre Martin, né le 14 mai 1962" in text
    assert "10 trimestres" in text  # 4 in 2015, 2 in 2018, 4 in 2019
    assert "2015 – 2019" in text
    assert "2 années sans période (2016, 2017)" in text
    for year in range(2015, 2020):
        assert f"{year} — " in text  # each year has its section in the detail
    assert "Transports Rhône-Alpes" in text
    assert "Imprimerie Lyonnaise" in text
    assert "SIRET 732 829 320 00074" in text
    assert "28\u202f450,50\u00a0€" in text
    assert "12\u202f500,00\u00a0€" in text  # the current version of the corrected period
    assert "9\u202f000,00\u00a0€" not in text  # never the superseded one
    assert "84,35 points" in text
    assert "120 jours indemnisés" in text
    assert "Signalement de France Travail" in text
    assert "Attestation France Travail 2018" in text
    assert "Moins de 4 trimestres" in text
    assert "Agirc-Arrco, retraite complémentaire des salariés" in text

    detail = text[text.index("Le détail de chaque année") :]
    gap = detail[detail.index("2016 — ") : detail.index("2017 — ")]
    assert "Aucune période enregistrée" in gap
    correction = detail[detail.index("2019 — ") :]
    assert "Corrigée (2 versions)" in correction
    assert detail.count("Corrigée") == 1  # the other periods have a single version

    assert "Ma carrière retraite — Assurance retraite" in text
    assert "Édité le 12 mars 2025" in text
    assert "n'est pas une décision sur vos droits à retraite" in text
    assert "« Signaler une anomalie »" in text
    assert reader.metadata.title == "Relevé de carrière de Jean-Pierre Martin, au 12 mars 2025"


def test_a_long_career_runs_over_numbered_pages(app, assure, db):
    create_period(assure, year=1980, employer_name="Premier Employeur")
    short = render(app, assure)

    for year in range(1981, 2020):
        create_period(assure, year=year, employer_name=f"Employeur {year}")
        create_period(assure, year=year, regime="AGIRC_ARRCO", quarters=None, points=Decimal(50))
    long = render(app, assure)

    assert len(long.pages) > len(short.pages)
    assert len(long.pages) >= 4
    texts = pages_text(long)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} / {total}" in text
        assert "Ma carrière retraite — Assurance retraite" in text  # the running header on every page
        assert "Édité le 12 mars 2025" in text
    everything = "\n".join(texts)
    assert "160 trimestres" in everything
    assert "1980 – 2019" in everything
    for year in range(1981, 2020):
        assert f"Employeur {year}" in everything
    # The column headings of the detail table are repeated on the pages it runs over.
    assert sum("Origine de l'information" in text for text in texts) >= 2


def test_an_empty_career_says_there_is_no_period_yet(app, assure):
    reader = render(app, assure)
    text = "\n".join(pages_text(reader))
    assert len(reader.pages) == 1
    assert "Jean-Pierre Martin" in text
    assert "Aucune période enregistrée pour le moment" in text
    assert "Page 1 / 1" in text
    assert "Le détail de chaque année" not in text


@pytest.mark.parametrize(
    "generated_at",
    [datetime(2025, 3, 11, 23, 30, tzinfo=UTC), datetime(2025, 3, 11, 23, 30)],  # naive: UTC, as utcnow() gives
)
def test_the_date_of_issue_is_the_date_in_paris(app, assure, generated_at):
    create_period(assure, year=2020)
    reader = render(app, assure, generated_at=generated_at)
    text = "\n".join(pages_text(reader))
    assert "Édité le 12 mars 2025" in text  # 00:30 in Paris
    assert "11 mars 2025" not in text
    assert reader.metadata["/CreationDate"] == "D:20250312003000+01'00"


@pytest.mark.skipif(not FONTS_DIR.is_dir(), reason="DSFR fonts not installed (npm ci)")
def test_the_text_is_set_in_marianne(app, assure):
    create_period(assure, year=2020)
    reader = render(app, assure)
    fonts = {
        str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("Marianne" in name for name in fonts), fonts


def test_without_the_dsfr_fonts_the_releve_falls_back_to_sans_serif(app, assure, monkeypatch, tmp_path):
    monkeypatch.setattr(releve_module, "FONTS_DIR", tmp_path)
    assert releve_module.marianne_faces() == []
    create_period(assure, year=2020, employer_name="Boulangerie Dupain")
    reader = render(app, assure)
    assert "Boulangerie Dupain" in reader.pages[0].extract_text() + reader.pages[-1].extract_text()
    fonts = {
        str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert not any("Marianne" in name for name in fonts)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/x.png",
        "https://example.invalid/style.css",
        "ftp://example.invalid/font.woff2",
        "data:image/png;base64,iVBORw0KGgo=",
        "file://example.invalid/etc/passwd",
        "file:///etc/passwd",
        "file:///work/../etc/hostname",
    ],
)
def test_the_fetcher_refuses_anything_but_the_allowed_local_files(url):
    with pytest.raises(ResourceRefused):
        LocalFileFetcher().fetch(url)


def test_the_fetcher_serves_files_of_the_allowed_folders(tmp_path):
    font = tmp_path / "Police.woff2"
    font.write_bytes(b"wOF2-font")
    response = LocalFileFetcher(allowed_dirs=[tmp_path]).fetch(font.as_uri())
    assert response.read() == b"wOF2-font"
    assert response.content_type == "font/woff2"
    with pytest.raises(ResourceRefused):
        LocalFileFetcher(allowed_dirs=[tmp_path / "ailleurs"]).fetch(font.as_uri())


def test_a_remote_resource_in_the_document_is_never_fetched(monkeypatch):
    connections = []

    def no_network(*args, **kwargs):
        connections.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    refused = []

    class RecordingFetcher(LocalFileFetcher):
        def fetch(self, url, headers=None):
            try:
                return super().fetch(url, headers)
            except ResourceRefused:
                refused.append(url)
                raise

    html = (
        '<html lang="fr"><head><style>body { background: url("https://example.invalid/fond.png"); }</style>'
        '<link rel="stylesheet" href="http://example.invalid/style.css"></head>'
        '<body><p>Relevé sans image</p><img src="http://example.invalid/x.png" alt="logo"></body></html>'
    )
    pdf = html_to_pdf(html, fetcher=RecordingFetcher())

    assert "Relevé sans image" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "http://example.invalid/x.png" in refused
    assert "http://example.invalid/style.css" in refused
    assert "https://example.invalid/fond.png" in refused
    assert connections == []


def test_the_template_only_references_local_files(app, assure):
    create_period(assure, year=2020)
    with app.test_request_context():
        from flask import render_template

        html = render_template(
            "careers/releve.html",
            career=queries.get_career(assure),
            generated_at=ISSUED,
            version_counts={},
            font_faces=releve_module.marianne_faces(),
        )
    urls = re.findall(r"""(?:url\(|src=|href=)["']?([^"')\s>]+)""", html)
    assert all(url.startswith("file://") for url in urls), urls
