"""Flag an anomaly, attach justificatifs, file, follow, answer, withdraw: through the pages, as a person would."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time
from pypdf import PdfReader
from sqlalchemy import func, select

from portal import clock
from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.careers import services as careers_services
from portal.documents import services as documents_services
from portal.documents.models import Document
from portal.formatting import format_date
from portal.notifications.models import Notification
from portal.signalements import justificatifs, services
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind
from tests.files import bomb_png_bytes, jpeg_bytes, pdf_bytes, png_bytes
from tests.pages import assert_page
from tests.signalements.helpers import draft_id, new_draft, post_form, upload


class Technician:
    """Stands for an agent of the back-office (its own feature): the Actor interface (portal/actors.py) the services
    read, without a row of its own."""

    id = None
    display_name = "Technicien de la caisse"
    is_agent = True
    account_id = None
    assure_id = None
    mandate = None
    acting_for = None


@pytest.fixture
def assure(db):
    return create_assure(identity="demo-jean-pierre-martin")


@pytest.fixture
def period(assure):
    return create_period(assure, year=2012, earnings=Decimal("9000"), quarters=4, employer_name="Garage Moderne")


@pytest.fixture
def person(client, assure, period):
    assert login_and_bind(client).status_code == 303
    return client


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def stored_objects() -> list[str]:
    return [key for key, _modified in documents_services.storage().iter_objects()]


def signalement(db) -> Signalement:
    return db.session.execute(select(Signalement)).scalar_one()


def test_from_the_career_page_a_person_flags_wrong_earnings_and_files_it(person, db, period, mail_sink):
    career = text_of(person.get("/ma-carriere"))
    assert f"periodes={period.period_id}" in career  # each period has its "Signaler" link

    choose = person.get(f"/mes-demandes/nouvelle?annee=2012&periodes={period.period_id}")
    assert "Le salaire ou le revenu est faux" in text_of(choose)
    form = person.get(f"/mes-demandes/nouvelle/wrong_earnings?annee=2012&periodes={period.period_id}")
    assert "checked" in form.text  # the period comes pre-ticked
    response = new_draft(
        person,
        query=f"?annee=2012&periodes={period.period_id}",
        period_ids=str(period.period_id),
        earnings="21 450,75",
        explanation="Mon bulletin de décembre porte un cumul de 21 450,75 €.",
    )
    signalement_id = draft_id(response)
    page = text_of(person.get(f"/mes-demandes/{signalement_id}"))
    assert "Brouillon" in page
    assert "Le brouillon est conservé jusqu'au" in page
    assert "21\u202f450,75\u00a0€" in page
    assert "Bulletins de salaire de l'année" in page  # accepted justificatifs for this kind
    assert "Document perdu ?" in page

    response = upload(person, signalement_id, pdf_bytes(pages=2), "Bulletin décembre 2012.pdf",
                      kind="Attestation de salaire de l'employeur", period_ids=str(period.period_id))  # fmt: skip
    assert response.status_code == 303
    document = db.session.execute(select(Document)).scalar_one()
    assert document.original_name == "Bulletin décembre 2012.pdf"
    assert document.content_type == "application/pdf"
    assert [p.id for p in document.periods] == [period.period_id]
    assert document.storage_key in stored_objects()
    assert "Bulletin décembre 2012.pdf" not in document.storage_key

    response = post_form(person, signalement_id, "deposer")
    assert response.status_code == 303
    filed = signalement(db)
    assert filed.state is SignalementState.FILED
    assert filed.complete_date == clock.today()
    assert filed.due_date == clock.today() + timedelta(days=60)
    page = text_of(person.get(f"/mes-demandes/{signalement_id}"))
    assert "Réponse attendue au plus tard le" in page
    assert format_date(filed.due_date, "long") in page
    assert "Déposée" in page

    (mail,) = mail_sink.messages
    assert mail["To"] == "jean-pierre.martin@example.fr"
    assert f"n° {filed.reference}" in mail["Subject"]
    body = mail.get_content()
    assert f"http://localhost/mes-demandes/{signalement_id}" in body
    for private in ("Garage Moderne", "21 450", "9 000", "2012", "MARTIN"):
        assert private not in body  # no career detail in an e-mail
    assert db.session.execute(select(Notification)).scalar_one().sent_at is not None

    again = post_form(person, signalement_id, "deposer")
    assert_page(again, status=422, shows="déjà été déposée")


def test_a_missing_period_can_be_declared_from_scratch(person, db):
    response = new_draft(
        person,
        anomaly_type="missing_period",
        start_date="1999-03-01",
        end_date="1999-08-31",
        employer_name="Conserverie du Port",
        employer_siret="73282932000074",
        earnings="5400",
        nature="salaried",
    )
    created = db.session.get(Signalement, draft_id(response))
    (item,) = created.items
    assert item.period_id is None
    assert item.proposed_start_date == date(1999, 3, 1)
    assert item.proposed_employer_name == "Conserverie du Port"
    assert item.year == 1999


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_date": "1999-08-31", "end_date": "1999-03-01", "employer_name": "X"}, "antérieure à la date de début"),
        ({"start_date": "2099-01-01", "end_date": "2099-02-01", "employer_name": "X"}, "dans le futur"),
        ({"start_date": "1970-01-01", "end_date": "1970-02-01", "employer_name": "X"}, "antérieure à vos 14 ans"),
        ({"start_date": "1999-03-01", "end_date": "1999-08-31"}, "Indiquez le nom de l'employeur."),
        ({"start_date": "1999-03-01", "end_date": "1999-08-31", "employer_name": "X", "employer_siret": "123"},
         "SIRET n'est pas valide"),
        ({"start_date": "1999-03-01", "end_date": "1999-08-31", "employer_name": "X", "earnings": "douze"},
         "Saisissez un montant en euros"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_and_the_form_keeps_what_was_typed(person, db, fields, message):
    response = new_draft(person, anomaly_type="missing_period", explanation="Saisonnier l'été 1999", **fields)
    assert_page(
        response,
        status=422,
        shows=(
            message,
            "Saisonnier l'été 1999",
        ),
    )
    assert count(db, Signalement) == 0


def test_someone_elses_period_cannot_be_pointed_at(person, db):
    other = create_assure(identity="demo-karim-benali")
    theirs = create_period(other, year=2010)
    response = new_draft(person, period_ids=str(theirs.period_id), earnings="100")
    assert_page(response, status=422, shows="n'existe pas dans votre carrière")
    assert count(db, Signalement) == 0


def test_a_request_cannot_be_filed_without_a_justificatif(person, db, period):
    signalement_id = draft_id(new_draft(person, period_ids=str(period.period_id), earnings="10000"))
    response = post_form(person, signalement_id, "deposer")
    assert_page(response, status=422, shows="Joignez au moins un justificatif")
    assert signalement(db).state is SignalementState.DRAFT


@pytest.fixture
def draft(person, period):
    return draft_id(new_draft(person, period_ids=str(period.period_id), earnings="10000"))


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7 nothing else", "releve.pdf", "endommagé"),
        (b"Bonjour, ceci est un texte", "bulletin.pdf", "Ce type de fichier n'est pas accepté"),
        (b"", "vide.pdf", "Le fichier est vide."),
        ("encrypted", "protege.pdf", "mot de passe"),
        ("bomb", "immense.png", "L'image est trop grande"),
        (png_bytes()[:40], "coupee.png", "endommag"),
        ("pdf", "../../etc/passwd.pdf", "nom"),
        ("pdf", "bulletin\x07.pdf", "nom"),
    ],
)
def test_every_refused_file_gets_a_french_message_and_stores_nothing(person, db, draft, content, name, message):
    content = {"encrypted": pdf_bytes(password="secret"), "bomb": bomb_png_bytes(), "pdf": pdf_bytes()}.get(
        content, content
    )
    before = stored_objects()
    response = upload(person, draft, content, name)
    assert_page(response, status=422, shows=message)
    assert count(db, Document) == 0
    assert stored_objects() == before


def test_a_file_over_the_limit_is_refused_before_being_stored(person, db, draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 50_000)
    response = upload(person, draft, pdf_bytes() + b"0" * 60_000, "gros.pdf")
    assert_page(response, status=422, shows="dépasse")
    assert count(db, Document) == 0


def test_a_request_body_over_the_limit_is_refused_in_french(person, db, draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20_000)
    response = upload(person, draft, b"%PDF" + b"0" * 30_000, "gros.pdf")
    # Back to the draft's own page with the limit stated (tests/documents/test_uploads.py has the details).
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/mes-demandes/{draft}#justificatifs")
    assert "dépasse la taille autorisée" in text_of(person.get(response.headers["Location"]))
    assert count(db, Document) == 0


def test_one_file_too_many_is_refused(person, db, draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENTS_PER_SIGNALEMENT", 2)
    assert upload(person, draft, pdf_bytes(), "a.pdf").status_code == 303
    assert upload(person, draft, jpeg_bytes(), "b.jpg").status_code == 303
    response = upload(person, draft, png_bytes(), "c.png")
    assert_page(response, status=422, shows="2 justificatifs au plus")
    assert count(db, Document) == 2


def test_the_type_comes_from_the_content_not_the_name(person, db, draft):
    assert upload(person, draft, pdf_bytes(), "photo.jpg").status_code == 303
    assert db.session.execute(select(Document.content_type)).scalar_one() == "application/pdf"


def test_an_upload_without_csrf_token_stores_nothing(person, db, draft):
    before = stored_objects()
    response = person.post(
        f"/mes-demandes/{draft}/pieces",
        data={"kind": "Autre document", "file": (io.BytesIO(pdf_bytes()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert count(db, Document) == 0
    assert stored_objects() == before


def test_a_justificatif_can_be_removed_from_a_draft_and_its_file_goes(person, db, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    document = db.session.execute(select(Document)).scalar_one()
    key = document.storage_key
    assert post_form(person, draft, f"pieces/{document.id}/supprimer").status_code == 303
    assert count(db, Document) == 0
    assert key not in stored_objects()


def test_a_justificatif_is_downloaded_as_an_attachment(person, db, draft):
    content = pdf_bytes()
    upload(person, draft, content, "Attestation employeur.pdf")
    document = db.session.execute(select(Document)).scalar_one()
    response = person.get(f"/justificatifs/{document.id}")
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_stored_file_is_deleted_when_its_transaction_rolls_back(app, db, assure, period):

    account = Account(assure=assure, pivot_identity={})
    db.session.add(account)
    db.session.flush()
    draft = services.create_draft(
        assure,
        actor=account,
        anomaly_type=services.AnomalyType.WRONG_EARNINGS,
        period_ids=[period.period_id],
        proposal=services.Proposal(earnings_cents=100),
        explanation="",
        today=date(2026, 1, 1),
    )
    before = set(stored_objects())
    stored_during = []

    def fail_after_storing():
        with db.session.begin_nested():
            justificatifs.add_document(
                draft, actor=account, stream=io.BytesIO(pdf_bytes()), original_name="a.pdf", kind="x", period_ids=[]
            )
            stored_during.extend(set(stored_objects()) - before)
            raise RuntimeError("the database failed after the file was stored")

    with pytest.raises(RuntimeError):
        fail_after_storing()
    assert len(stored_during) == 1
    assert set(stored_objects()) == before


def test_drafts_can_be_deleted_with_their_files(person, db, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    key = db.session.execute(select(Document.storage_key)).scalar_one()
    assert post_form(person, draft, "supprimer").status_code == 303
    assert count(db, Signalement) == 0
    assert count(db, Document) == 0
    assert key not in stored_objects()


@pytest.fixture
def filed(person, db, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    assert post_form(person, draft, "deposer").status_code == 303
    return draft


def test_a_filed_request_cannot_be_changed(person, db, filed):
    assert upload(person, filed, pdf_bytes(), "b.pdf").status_code == 422
    response = person.get(f"/mes-demandes/{filed}/modifier")
    assert response.status_code == 303
    assert count(db, Document) == 1


def test_a_person_withdraws_a_filed_request(person, db, filed, mail_sink):
    response = post_form(person, filed, "retirer", reason="Erreur de ma part")
    assert response.status_code == 303
    assert signalement(db).state is SignalementState.WITHDRAWN
    page = text_of(person.get(f"/mes-demandes/{filed}"))
    assert "Retirée" in page
    assert "Erreur de ma part" in page
    assert "a été retirée" in mail_sink.messages[-1]["Subject"]
    assert post_form(person, filed, "retirer").status_code == 303  # refused with a message, nothing changes
    assert signalement(db).state is SignalementState.WITHDRAWN


def test_complement_requested_then_answered_with_a_file_pauses_the_deadline(person, db, filed, mail_sink):
    request = signalement(db)
    services.take(request, actor=Technician())
    asked_on = clock.today() - timedelta(days=10)  # asked ten days ago, answered today
    services.request_complement(
        request, actor=Technician(), message="Merci de joindre le bulletin de décembre 2012.",
        due_date=asked_on + timedelta(days=30), today=asked_on,
    )  # fmt: skip
    db.session.commit()  # the back-office's request commits, and the e-mail leaves after it
    page = text_of(person.get(f"/mes-demandes/{filed}"))
    assert "Un complément vous est demandé" in page
    assert "Merci de joindre le bulletin de décembre 2012." in page
    assert format_date(asked_on + timedelta(days=30), "long") in page
    assert "Un complément est demandé" in mail_sink.messages[-1]["Subject"]

    page = person.get(f"/mes-demandes/{filed}")
    response = person.post(
        f"/mes-demandes/{filed}/complement",
        data={"csrf_token": csrf_token(page.text), "body": "Voici le bulletin.",
              "file": (io.BytesIO(pdf_bytes()), "decembre.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 303
    answered = signalement(db)
    assert answered.state is SignalementState.IN_REVIEW
    assert answered.paused_days == 10
    assert answered.due_date == answered.complete_date + timedelta(days=70)
    assert count(db, Document) == 2
    assert "Voici le bulletin." in text_of(person.get(f"/mes-demandes/{filed}"))


def test_a_refused_attachment_undoes_the_answer(person, db, filed):
    request = signalement(db)
    services.take(request, actor=Technician())
    services.request_complement(request, actor=Technician(), message="Bulletin ?", due_date=date(2099, 1, 1),
                                today=clock.today())  # fmt: skip
    db.session.flush()
    page = person.get(f"/mes-demandes/{filed}")
    response = person.post(
        f"/mes-demandes/{filed}/complement",
        data={"csrf_token": csrf_token(page.text), "body": "Voici", "file": (io.BytesIO(b"texte"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert_page(
        response,
        status=422,
        shows=(
            "Ce type de fichier n'est pas accepté",
            "Voici",  # what was typed is kept
        ),
    )
    assert signalement(db).state is SignalementState.COMPLEMENT_REQUESTED
    assert len(signalement(db).messages) == 1  # only the technician's


def test_messages_go_both_ways(person, db, filed, mail_sink):
    assert post_form(person, filed, "messages", body="Bonjour, avez-vous reçu mon bulletin ?").status_code == 303
    services.post_message(signalement(db), actor=Technician(), author_kind="agent", body="Oui, merci.")
    db.session.commit()  # the back-office's request commits, and the e-mail leaves after it
    page = text_of(person.get(f"/mes-demandes/{filed}"))
    assert "avez-vous reçu mon bulletin ?" in page
    assert "Oui, merci." in page
    assert "Nouveau message" in mail_sink.messages[-1]["Subject"]
    empty = post_form(person, filed, "messages", body="")
    assert_page(empty, status=422, shows="Écrivez votre message.")


def test_the_decision_shows_each_period_its_motive_and_the_recourse(person, db, filed):
    request = signalement(db)
    services.take(request, actor=Technician())
    request.state = SignalementState.REFUSED  # the decision itself is the back-office's feature
    request.decided_at = request.updated_at.replace(year=2026, month=5, day=15)
    item = request.items[0]
    item.decision, item.decision_motive = "refused", "Justificatif illisible"
    db.session.flush()
    page = text_of(person.get(f"/mes-demandes/{filed}"))
    assert "Décision du 15 mai 2026 : refusée" in page
    assert "Justificatif illisible" in page
    assert "commission de recours amiable" in page
    assert "15 juillet 2026" in page


def test_each_step_is_audited_with_its_actor(person, db, filed):
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions[-3:] == ["signalement.created", "document.added", "signalement.transition"]


def test_the_list_shows_every_request_with_its_state(person, db, filed, period):
    other = draft_id(new_draft(person, period_ids=str(period.period_id), earnings="1"))
    page = text_of(person.get("/mes-demandes"))
    assert "Déposée" in page
    assert "Brouillon conservé jusqu'au" in page
    assert f"/mes-demandes/{other}" in page


def test_expired_drafts_are_purged_by_the_scheduled_command(app, person, db, draft):
    runner = app.test_cli_runner()
    with freeze_time(date.today() + timedelta(days=91)):
        result = runner.invoke(args=["signalements", "purge-drafts"])
    assert result.exit_code == 0, result.output
    assert "1 brouillon(s) expiré(s) supprimé(s)." in result.output
    assert count(db, Signalement) == 0


def test_a_year_can_be_confirmed_until_it_changes(person, db, assure, period):
    page = person.get("/ma-carriere")
    response = person.post("/ma-carriere/confirmer", data={"csrf_token": csrf_token(page.text), "annee": "2012"})
    assert response.status_code == 303
    assert "Confirmée le" in text_of(person.get("/ma-carriere"))
    careers_services.supersede_period(period.period, recorded_by="Caisse", reason="Rectification", quarters=3)
    db.session.flush()
    assert "Confirmée le" not in text_of(person.get("/ma-carriere"))


def test_uploads_are_rate_limited(person, db, draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_LIMIT", "2 per hour")
    assert upload(person, draft, pdf_bytes(), "a.pdf").status_code == 303
    assert upload(person, draft, pdf_bytes(), "b.pdf").status_code == 303
    response = upload(person, draft, pdf_bytes(), "c.pdf")
    assert_page(response, status=429, shows="Trop de tentatives")
    assert count(db, Document) == 2


def test_the_orphan_sweep_deletes_files_without_rows_and_reports_rows_without_files(app, person, db, draft):
    upload(person, draft, pdf_bytes(), "a.pdf")
    kept = db.session.execute(select(Document)).scalar_one()
    orphan = documents_services.storage().put(io.BytesIO(b"left by a crash"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "sweep", "--older-than-hours", "0"])
    assert result.exit_code == 0, result.output
    assert orphan.key not in stored_objects()
    assert kept.storage_key in stored_objects()

    documents_services.storage().delete(kept.storage_key)
    result = runner.invoke(args=["documents", "sweep", "--older-than-hours", "0"])
    assert result.exit_code == 1
    assert str(kept.id) in result.output


def test_the_releve_downloads_as_a_pdf_with_the_career(person, period):
    response = person.get("/ma-carriere/releve.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="releve-de-carriere-')
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Garage Moderne" in text
    assert "1 62 05 69 383 045 84" in text
