"""Uploads under pressure: a file over the size limit, many uploads at once, a forged document type.

Through the test client, and through a real threaded server on 127.0.0.1 (tests/documents/conftest.py) where the
body travels over a socket and the requests really run at the same time, on SQLite and on PostgreSQL.
"""

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.auth.models import Account
from portal.db import atomic
from portal.db import db as _db
from portal.documents.models import Document
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import SignalementMessage as Message
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.documents.conftest import TIMEOUT
from tests.fc import login_and_bind
from tests.files import pdf_bytes
from tests.pages import assert_page
from tests.signalements.helpers import draft_id, new_draft, post_form, upload

LIMIT_MESSAGE = "Le fichier envoyé dépasse la taille autorisée (10 Mo) : rien n'a été enregistré."


def count(model, **where) -> int:
    statement = select(func.count()).select_from(model).filter_by(**where)
    return _db.session.execute(statement).scalar_one()


def post_multipart(client, path: str, fields: dict):
    """POST a multipart body built in memory: the test client would spool a large one to a temporary file it then
    leaves open."""
    values = {
        name: FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value
        for name, value in fields.items()
    }
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def oversize(app) -> bytes:
    """A PDF header followed by more than the request size limit (the file limit plus the form's margin)."""
    return b"%PDF-1.7\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1024)


@pytest.fixture
def period(db):
    assure = create_assure(identity="demo-jean-pierre-martin")
    return create_period(assure, year=2012, earnings=Decimal("9000"), quarters=4)


@pytest.fixture
def person(client, period):
    assert login_and_bind(client).status_code == 303
    return client


@pytest.fixture
def draft(person, period):
    response = new_draft(person, period_ids=str(period.period_id), earnings="10000", explanation="Mon salaire de 2012")
    return draft_id(response)


def stored_objects(app) -> set[str]:
    return {path.name for path in Path(app.config["DOCUMENTS_LOCAL_DIR"]).rglob("*") if path.is_file()}


# --- Over the size limit ---


def test_an_oversize_justificatif_is_answered_on_the_drafts_page_with_the_limit(app, person, draft):
    page = person.get(f"/mes-demandes/{draft}")
    fields = {"csrf_token": csrf_token(page.text), "kind": "Autre document"}
    fields["file"] = (io.BytesIO(oversize(app)), "scan.pdf")
    response = post_multipart(person, f"/mes-demandes/{draft}/pieces", fields)
    # The draft's page, not a bare 413 page on the form's address (a reload there was a 405).
    assert response.status_code == 303
    assert response.headers["Location"] == f"/mes-demandes/{draft}#justificatifs"
    page = person.get(response.headers["Location"])
    assert_page(
        page,
        shows=(
            LIMIT_MESSAGE,
            "Mon salaire de 2012",  # the draft, intact
        ),
    )
    assert count(Document) == 0
    assert person.get(f"/mes-demandes/{draft}").status_code == 200


def test_an_oversize_attachment_to_a_message_changes_nothing(app, person, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    assert post_form(person, draft, "deposer").status_code == 303
    page = person.get(f"/mes-demandes/{draft}")
    data = {"csrf_token": csrf_token(page.text), "body": "Voici", "file": (io.BytesIO(oversize(app)), "b.pdf")}
    response = post_multipart(person, f"/mes-demandes/{draft}/messages", data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/mes-demandes/{draft}#messages"
    assert LIMIT_MESSAGE in text_of(person.get(response.headers["Location"]))
    assert count(Message, signalement_id=draft) == 0
    assert count(Document) == 1


def test_an_oversize_body_on_another_form_comes_back_to_that_form(app, person):
    page = person.get("/mes-representations/nouvelle")
    data = {"csrf_token": csrf_token(page.text), "decision": (io.BytesIO(oversize(app)), "jugement.pdf")}
    response = post_multipart(person, "/mes-representations/nouvelle", data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/mes-representations/nouvelle"
    assert LIMIT_MESSAGE in text_of(person.get(response.headers["Location"]))


def test_an_oversize_body_with_nowhere_to_go_back_gets_the_french_413_page(app, person):
    page = person.get("/mes-demandes")
    data = {"csrf_token": csrf_token(page.text), "annee": "2012", "x": "0" * app.config["MAX_CONTENT_LENGTH"]}
    response = post_multipart(person, "/ma-carriere/confirmer", data)
    assert_page(response, status=413, shows=LIMIT_MESSAGE)


# --- A forged document type ---


def test_a_message_attachment_with_a_type_outside_the_list_stores_nothing(app, person, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    assert post_form(person, draft, "deposer").status_code == 303
    page = person.get(f"/mes-demandes/{draft}")
    objects = stored_objects(app)
    data = {
        "csrf_token": csrf_token(page.text),
        "body": "Voici le bulletin",
        "kind": "<b>Document officiel</b> de la préfecture",
        "file": (io.BytesIO(pdf_bytes()), "b.pdf"),
    }
    response = person.post(f"/mes-demandes/{draft}/messages", data=data, content_type="multipart/form-data")
    assert_page(response, status=422, shows="Choisissez le type du document joint dans la liste proposée.")
    assert count(Message, signalement_id=draft) == 0
    assert count(Document) == 1
    assert stored_objects(app) == objects


def test_a_message_attachment_with_a_type_of_the_list_is_kept_with_it(app, person, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    assert post_form(person, draft, "deposer").status_code == 303
    page = person.get(f"/mes-demandes/{draft}")
    kind = AnomalyType.WRONG_EARNINGS.spec.justificatifs[0]
    data = {"csrf_token": csrf_token(page.text), "body": "Voici", "kind": kind}
    data["file"] = (io.BytesIO(pdf_bytes()), "b.pdf")
    response = person.post(f"/mes-demandes/{draft}/messages", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    kinds = _db.session.execute(select(Document.kind).where(Document.message_id.is_not(None))).scalars().all()
    assert kinds == [kind]


# --- Through a real server ---


@pytest.fixture(scope="module")
def live_draft(live_portal):
    """A logged-in browser session and an empty draft of its person, committed in the live portal's database."""
    with live_portal.app.app_context(), atomic():
        assure = create_assure(identity="demo-jean-pierre-martin")
        create_period(assure, year=2012, earnings=Decimal("9000"), quarters=4)
    browser = live_portal.login()
    with live_portal.app.app_context(), atomic():
        account = _db.session.execute(select(Account).where(Account.assure_id.is_not(None))).scalar_one()
        period_id = account.assure.periods[0].id
        draft = signalements_services.create_draft(
            account.assure, actor=account, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[period_id],
            proposal=signalements_services.Proposal(earnings_cents=1_000_000), explanation="", today=date(2026, 1, 5),
        )  # fmt: skip
        _db.session.flush()
        draft_id_ = draft.id
    return browser, draft_id_


def live_counts(live_portal, signalement_id: int) -> tuple[int, set[str]]:
    with live_portal.app.app_context():
        keys = set(
            _db.session.execute(select(Document.storage_key).where(Document.signalement_id == signalement_id)).scalars()
        )
        _db.session.remove()
    return len(keys), keys


def test_over_a_socket_an_oversize_upload_is_read_to_the_end_and_answered_on_the_draft(live_portal, live_draft):
    browser, draft = live_draft
    page = browser.get(f"{live_portal.url}/mes-demandes/{draft}", timeout=TIMEOUT)
    data = {"csrf_token": csrf_token(page.text), "kind": "Autre document"}
    files = {"file": ("scan.pdf", oversize(live_portal.app), "application/pdf")}
    # Sent whole while the server answers: without draining the body, the answer is lost to a connection reset.
    response = browser.post(f"{live_portal.url}/mes-demandes/{draft}/pieces", data=data, files=files,
                            allow_redirects=False, timeout=TIMEOUT)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"] == f"/mes-demandes/{draft}#justificatifs"
    page = browser.get(f"{live_portal.url}{response.headers['Location']}", timeout=TIMEOUT)
    assert_page(page, shows="dépasse la taille autorisée (10 Mo)")
    assert live_counts(live_portal, draft)[0] == 0
    assert live_portal.stored_files() == set()


def test_twenty_five_uploads_at_once_store_twenty_and_refuse_five_in_french(live_portal, live_draft):
    browser, draft = live_draft
    assert live_counts(live_portal, draft)[0] == 0
    page = browser.get(f"{live_portal.url}/mes-demandes/{draft}", timeout=TIMEOUT)
    token = csrf_token(page.text)
    content = pdf_bytes()

    def send(index: int) -> requests.Response:
        # One connection each, with the person's session cookie: 25 tabs sending at the same moment.
        with requests.Session() as tab:
            tab.cookies.update(browser.cookies)
            return tab.post(
                f"{live_portal.url}/mes-demandes/{draft}/pieces",
                data={"csrf_token": token, "kind": "Autre document"},
                files={"file": (f"bulletin-{index}.pdf", content, "application/pdf")},
                allow_redirects=False,
                timeout=120,
            )

    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(send, range(25)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [303] * 20 + [422] * 5, statuses
    for response in responses:
        if response.status_code == 422:
            assert "Une demande peut contenir 20 justificatifs au plus." in response.text
    stored, keys = live_counts(live_portal, draft)
    assert stored == 20
    # Every row has its object and no object is left without a row.
    assert live_portal.stored_files() == keys
