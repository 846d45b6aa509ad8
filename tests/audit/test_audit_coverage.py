"""The audit trail is complete: every route that changes something, and every page that shows an assuré's data to
someone else (an agent, a representative acting for them), writes an audit line naming who acted.

Every (endpoint, method) of the application is classified here: either AUDITED, with a scenario that uses it for
real and checks the lines it wrote, or EXEMPT, with the reason. A new route fails
`test_every_route_is_classified` until it is put in one of the two.
"""

import io
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.careers.models import PeriodVersion
from portal.documents.models import Document
from portal.intake.models import IntakeConflict
from portal.notifications.models import Notification
from portal.representation import context
from portal.representation.models import Measure
from portal.signalements import instruction, justificatifs
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from tests.backoffice.helpers import CAMILLE, FRANCOIS, JEROME, MEHDI, filed_request, requested_mandate
from tests.builders import (
    create_agent,
    create_assure,
    create_citizen_account,
    create_period,
    create_representative_account,
)
from tests.conftest import csrf_token
from tests.fc import login, login_agent, login_and_bind
from tests.files import pdf_bytes
from tests.representation.helpers import active

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Routes that write no audit line, and why. Anything not here must be in AUDITED.
EXEMPT = {
    # Public pages and files: nobody's data.
    ("static", "GET"): "fichiers statiques",
    ("dsfr.static", "GET"): "fichiers statiques du système de design",
    ("main.home", "GET"): "page publique",
    ("main.health", "GET"): "sonde de supervision, sans donnée",
    ("main.legal_notice", "GET"): "page publique",
    ("main.personal_data", "GET"): "page publique",
    ("main.accessibility", "GET"): "page publique",
    # Logins: the start of a login changes nothing; the callbacks are audited by themselves (auth.login,
    # auth.login_refused, agent.login_refused) with the account or agent once it is known.
    ("auth.login_franceconnect", "POST"): "départ vers FranceConnect : rien n'est enregistré",
    ("auth.franceconnect_callback", "GET"): "auditée à part : auth.login ou auth.login_refused",
    ("auth.logout_callback", "GET"): "retour de FranceConnect après la déconnexion (auditée par auth.logout)",
    ("auth.bind_nir", "GET"): "formulaire du NIR : la personne elle-même, rien n'est montré",
    ("backoffice.login_page", "GET"): "page publique de connexion des agents",
    ("backoffice.login_proconnect", "POST"): "départ vers ProConnect : rien n'est enregistré",
    ("backoffice.proconnect_callback", "GET"): "auditée à part : auth.login ou agent.login_refused",
    ("backoffice.logout_callback", "GET"): "retour de ProConnect après la déconnexion (auditée par auth.logout)",
    # The public simulation API computes on the figures it is sent, stores nothing and reads no one's file.
    ("simulator_api.run_simulation", "POST"): "API publique : calcul sur les chiffres envoyés, rien n'est lu ni écrit",
    ("simulator_api.show_openapi", "GET"): "description publique de l'API",
    # The back-office simulator in « mode résumé »: figures typed by the agent, no assuré's file read or written.
    ("backoffice.simulate_summary", "GET"): "formulaire vide",
    ("backoffice.simulate_summary", "POST"): "calcul sur des chiffres saisis : aucun dossier lu ni modifié",
    # Aggregate figures: counts, agents' workload, request numbers; no assuré's identity or career.
    ("backoffice.show_dashboard", "GET"): "chiffres agrégés, sans donnée d'assuré",
    ("backoffice.export_dashboard", "GET"): "chiffres agrégés, sans donnée d'assuré",
    # The outbox's failed e-mails: masked addresses and subjects that carry a request number, nothing more.
    ("backoffice.list_failed_emails", "GET"): "adresses masquées et objets des e-mails, sans donnée d'assuré",
    # A citizen's own pages that only show their own data or a blank form.
    ("representation.list_mandates", "GET"): "les demandes de mandat du représentant lui-même",
    ("representation.request_mandate", "GET"): "formulaire vide",
    ("representation.list_actions_on_my_behalf", "GET"): "la personne elle-même, sur ses représentants",
    # Step 1 of a draft: the kind chosen is passed on to the form of step 2 in the address; nothing is stored.
    ("signalements.choose_type", "POST"): "choix du type de demande : rien n'est enregistré",
}


@dataclass
class Expected:
    """Who the audit lines must name."""

    agent_id: int | None = None
    account_id: int | None = None
    acting_for_id: int | None = None


@dataclass
class Call:
    client: object
    method: str
    path: str
    data: dict = field(default_factory=dict)
    multipart: bool = False


class World:
    """Jean-Pierre MARTIN of the Carsat Rhône-Alpes, with two periods, and whoever a scenario needs, logged in
    through the sandboxes as a browser would be."""

    def __init__(self, app, db):
        self.app, self.db = app, db
        self.assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
        self.period_id = create_period(self.assure, year=2001).period_id
        create_period(self.assure, year=2010)
        self.agents = {
            "camille": create_agent(CAMILLE[1], "technicien"),
            "mehdi": create_agent(MEHDI[1], "technicien"),
            "jerome": create_agent(JEROME[1], "superviseur"),
            "francois": create_agent(FRANCOIS[1], "administrateur", "CNAV"),
        }
        self._clients = {}

    def agent(self, who) -> tuple[object, Expected]:
        client = self.app.test_client()
        assert login_agent(client, who[0]).status_code == 303
        agent = self.agents[{CAMILLE: "camille", MEHDI: "mehdi", JEROME: "jerome", FRANCOIS: "francois"}[who]]
        return client, Expected(agent_id=agent.id)

    def citizen(self) -> tuple[object, Expected]:
        client = self.app.test_client()
        login_and_bind(client)
        account = self.db.session.execute(select(Account).where(Account.assure_id == self.assure.id)).scalar_one()
        return client, Expected(account_id=account.id)

    def representative(self, *, acting: bool = True) -> tuple[object, Expected, object]:
        """Jules INCONNU, tuteur of Jean-Pierre MARTIN under an active mandate, acting for him (or not yet)."""
        client = self.app.test_client()
        login(client, "demo-jules-inconnu")
        account = (
            self.db.session.execute(select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc()))
            .scalars()
            .first()
        )
        mandate = active(account, self.assure, agent=self.agents["camille"], today=clock.today(),
                         start=clock.today() - timedelta(days=30), end=clock.today() + timedelta(days=3000),
                         decided=clock.today() - timedelta(days=40))  # fmt: skip
        self.db.session.commit()
        if acting:
            with client.session_transaction() as session:
                session[context.SESSION_KEY] = mandate.id
        return client, Expected(account_id=account.id, acting_for_id=self.assure.id), mandate

    def draft(self) -> tuple[int, int]:
        """A draft of Jean-Pierre MARTIN's on his 2001 period, with one justificatif: (signalement id, document
        id). Written with his account (the one bound at login when he is logged in)."""
        account = create_citizen_account(self.assure)
        signalement = signalements_services.create_draft(
            self.assure, actor=account, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[self.period_id],
            proposal=signalements_services.Proposal(earnings_cents=1_000_000), explanation="", today=clock.today(),
        )  # fmt: skip
        document = justificatifs.add_document(
            signalement, actor=account, stream=io.BytesIO(pdf_bytes()), original_name="a.pdf", kind="x", period_ids=[]
        )
        return signalement.id, document.id

    def filed(self):
        return filed_request(self.assure, account=create_citizen_account(self.assure), today=clock.today())

    def in_review(self):
        signalement = self.filed()
        instruction.take(signalement, agent=self.agents["camille"], today=clock.today())
        return signalement

    def awaiting_validation(self):
        signalement = self.in_review()
        instruction.decide(signalement, agent=self.agents["camille"], decisions=[
            instruction.ItemDecision(item_id=signalement.items[0].id, decision="accepted")
        ], expected_version=signalement.version_id, today=clock.today())  # fmt: skip
        return signalement

    def complement_requested(self):
        signalement = self.in_review()
        signalements_services.request_complement(
            signalement, actor=self.agents["camille"], message="Le contrat, s'il vous plaît.",
            due_date=clock.today() + timedelta(days=20), today=clock.today(),
        )  # fmt: skip
        return signalement


def token(client, path: str) -> str:
    return csrf_token(client.get(path).text)


# One scenario per audited route: it prepares what the route needs, and says who must be named. --------------------


def _backoffice_post(action: str, prepare, who=CAMILLE, **data):
    def scenario(w: World):
        signalement = prepare(w)
        w.db.session.commit()
        client, expected = w.agent(who)
        path = f"/espace-agents/demandes/{signalement.id}"
        fields = {key: value(signalement, w) if callable(value) else value for key, value in data.items()}
        return Call(client, "POST", f"{path}/{action}", {"csrf_token": token(client, path), **fields}), expected

    return scenario


def _decision_fields(signalement, _w):
    return {"version_id": str(signalement.version_id), "items-0-item_id": str(signalement.items[0].id),
            "items-0-decision": "refused", "items-0-motive": "Justificatif insuffisant"}  # fmt: skip


def _decide(w: World):
    signalement = w.in_review()
    w.db.session.commit()
    client, expected = w.agent(CAMILLE)
    path = f"/espace-agents/demandes/{signalement.id}"
    data = {"csrf_token": token(client, path), **_decision_fields(signalement, w)}
    return Call(client, "POST", f"{path}/decision", data), expected


def _validate(verdict: str, note: str = ""):
    def scenario(w: World):
        signalement = w.awaiting_validation()
        w.db.session.commit()
        client, expected = w.agent(MEHDI)
        path = f"/espace-agents/demandes/{signalement.id}"
        data = {"csrf_token": token(client, path), "version_id": str(signalement.version_id), "verdict": verdict,
                "note": note}  # fmt: skip
        return Call(client, "POST", f"{path}/validation", data), expected

    return scenario


def _mandate_action(action: str, **data):
    def scenario(w: World):
        if action == "revoquer":
            claire = create_representative_account("claire.rousseau@example.fr", "Claire ROUSSEAU")
            mandate = active(claire, w.assure, agent=w.agents["camille"], today=clock.today(),
                             start=clock.today() - timedelta(days=30), end=clock.today() + timedelta(days=3000),
                             decided=clock.today() - timedelta(days=40))  # fmt: skip
        else:
            mandate = requested_mandate(w.assure, start_date=clock.today() - timedelta(days=10),
                                        end_date=clock.today() + timedelta(days=3000))  # fmt: skip
        w.db.session.commit()
        client, expected = w.agent(CAMILLE)
        path = f"/espace-agents/mandats/{mandate.id}"
        return Call(client, "POST", f"{path}/{action}", {"csrf_token": token(client, path), **data}), expected

    return scenario


def _agent_read(path_of, who=CAMILLE):
    def scenario(w: World):
        path = path_of(w)
        w.db.session.commit()
        client, expected = w.agent(who)
        return Call(client, "GET", path), expected

    return scenario


def _document_path(w: World) -> str:
    signalement = w.filed()
    document = w.db.session.execute(select(Document).where(Document.signalement_id == signalement.id)).scalar_one()
    return f"/espace-agents/demandes/{signalement.id}/justificatifs/{document.id}"


def _request_path(w: World) -> str:
    """A request filed by Jean-Pierre MARTIN: its page in the back-office."""
    return f"/espace-agents/demandes/{w.filed().id}"


def _mandate_path(w: World) -> str:
    """A mandate waiting for verification: its page in the back-office."""
    return f"/espace-agents/mandats/{requested_mandate(w.assure).id}"


def _mandate_document_path(w: World) -> str:
    return f"/espace-agents/mandats/{requested_mandate(w.assure).id}/decision"


def _resend_email(w: World):
    notification = Notification(recipient="jean-pierre.martin@example.fr", subject="Demande n° 2026-000001",
                                body="Bonjour", attempts=3, last_error="Connexion refusée")  # fmt: skip
    w.db.session.add(notification)
    w.db.session.commit()
    client, expected = w.agent(FRANCOIS)
    return Call(client, "POST", f"/espace-agents/e-mails-en-echec/{notification.id}/renvoyer",
                {"csrf_token": token(client, "/espace-agents/e-mails-en-echec")}), expected  # fmt: skip


def _waiting_declaration(w: World) -> int:
    """A DSN report of Jean-Pierre MARTIN's, a request received by post on its period, then the report corrected:
    the correction waits in « Conflits d'alimentation ». Its id."""
    header = "source,report_id,declarant,declarant_name,nir,nature,regime,start_date,end_date,earnings,days,country"
    line = "DSN,DSN-AUDIT,73282932000074,,162056938304584,salaried,CNAV,2026-01-01,2026-06-30,{},,"
    with tempfile.TemporaryDirectory() as directory:
        for step, earnings in enumerate(("16250.00", "17000.00")):
            path = Path(directory) / f"{step}.csv"
            path.write_text(f"{header}\n{line.format(earnings)}\n", encoding="utf-8")
            if step == 1:
                period_id = w.db.session.execute(
                    select(PeriodVersion.period_id).where(PeriodVersion.source_reference == "DSN-AUDIT")
                ).scalar_one()
                post = Account(pivot_identity={"given_name": "Demande reçue", "family_name": "par courrier"})
                w.db.session.add(post)
                w.db.session.flush()
                draft = signalements_services.create_draft(
                    w.assure, actor=post, anomaly_type=AnomalyType.DUPLICATE, period_ids=[period_id],
                    proposal=signalements_services.Proposal(), explanation="En double",
                    today=clock.today(),
                )  # fmt: skip
                signalements_services.submit(draft, actor=post, today=clock.today())
            assert w.app.test_cli_runner().invoke(args=["careers", "import", str(path)]).exit_code == 0
    return w.db.session.execute(select(IntakeConflict.id)).scalar_one()


def _resolve_conflict(w: World):
    conflict_id = _waiting_declaration(w)
    w.db.session.commit()
    client, expected = w.agent(CAMILLE)
    return Call(client, "POST", f"/espace-agents/conflits-d-alimentation/{conflict_id}/ecarter",
                {"csrf_token": token(client, "/espace-agents/demandes")}), expected  # fmt: skip


def _agent_logout(w: World):
    client, expected = w.agent(CAMILLE)
    return Call(client, "POST", "/espace-agents/deconnexion",
                {"csrf_token": token(client, "/espace-agents/demandes")}), expected  # fmt: skip


def _citizen_post(path_of, *, prepare=None, multipart=False, **data):
    def scenario(w: World):
        client, expected = w.citizen()  # first: the account bound at login is the one that files
        ids = prepare(w) if prepare else {}
        w.db.session.commit()
        fields = {key: value(ids) if callable(value) else value for key, value in data.items()}
        return Call(client, "POST", path_of(ids), {"csrf_token": token(client, "/mes-demandes/nouvelle"), **fields},
                    multipart=multipart), expected  # fmt: skip

    return scenario


def _draft_ids(w: World) -> dict:
    signalement_id, document_id = w.draft()
    return {"signalement": signalement_id, "document": document_id, "period": w.period_id}


def _filed_ids(w: World) -> dict:
    return {"signalement": w.filed().id}


def _complement_ids(w: World) -> dict:
    return {"signalement": w.complement_requested().id}


def _bind_nir(w: World):
    client = w.app.test_client()
    login(client, "demo-jean-pierre-martin")
    account = w.db.session.execute(select(Account).order_by(Account.id.desc())).scalars().first()
    data = {"csrf_token": token(client, "/premiere-connexion"), "nir": w.assure.nir}
    return Call(client, "POST", "/premiere-connexion", data), Expected(account_id=account.id)


def _citizen_logout(w: World):
    client, expected = w.citizen()
    return Call(client, "POST", "/deconnexion", {"csrf_token": token(client, "/mes-demandes/nouvelle")}), expected


def _request_mandate(w: World):
    client = w.app.test_client()
    login(client, "demo-jules-inconnu")
    account = w.db.session.execute(select(Account).order_by(Account.id.desc())).scalars().first()
    data = {
        "csrf_token": token(client, "/mes-representations/nouvelle"), "measure": Measure.TUTELLE.value,
        "birth_name": w.assure.birth_name, "given_names": w.assure.given_names,
        "birth_date": w.assure.birth_date.isoformat(), "nir": w.assure.nir, "court_name": "Tribunal judiciaire de Lyon",
        "decision_date": (clock.today() - timedelta(days=40)).isoformat(), "decision_number": "RG 25/04321",
        "start_date": (clock.today() - timedelta(days=30)).isoformat(),
        "end_date": (clock.today() + timedelta(days=3000)).isoformat(), "sworn": "y",
        "decision": (io.BytesIO(pdf_bytes()), "jugement.pdf"),
    }  # fmt: skip
    return Call(client, "POST", "/mes-representations/nouvelle", data, multipart=True), Expected(account_id=account.id)


def _declare_representative(w: World):
    client = w.app.test_client()
    login(client, "demo-jules-inconnu")
    account = w.db.session.execute(select(Account).order_by(Account.id.desc())).scalars().first()
    data = {"csrf_token": token(client, "/mes-representations")}
    return Call(client, "POST", "/mes-representations/je-represente", data), Expected(account_id=account.id)


def _act_for(w: World):
    client, expected, mandate = w.representative(acting=False)
    data = {"csrf_token": token(client, "/mes-representations")}
    path = f"/mes-representations/{mandate.id}/agir"
    return Call(client, "POST", path, data), Expected(account_id=expected.account_id)


def _stop_acting(w: World):
    client, expected, _mandate = w.representative()
    data = {"csrf_token": token(client, "/mes-representations")}
    return Call(client, "POST", "/mes-representations/revenir", data), Expected(account_id=expected.account_id)


def _representative_read(path_of, method="GET", **data):
    def scenario(w: World):
        path = path_of(w)
        w.db.session.commit()
        client, expected, _mandate = w.representative()
        fields = dict(data)
        if method == "POST":
            fields["csrf_token"] = token(client, "/mes-demandes/nouvelle")
        return Call(client, method, path, fields), expected

    return scenario


SIMULATION: dict = {}  # the form as it comes: every field is optional

AUDITED = {
    # The back-office: every action names the agent.
    ("backoffice.take_request", "POST"): _backoffice_post("prendre", World.filed),
    ("backoffice.assign_request", "POST"): _backoffice_post(
        "attribuer", World.filed, who=JEROME, agent_id=lambda _s, w: str(w.agents["camille"].id)
    ),
    ("backoffice.request_complement", "POST"): _backoffice_post(
        "complement", World.in_review, message="Le contrat, s'il vous plaît.",
        due_date=(date.today() + timedelta(days=20)).isoformat(),
    ),  # fmt: skip
    ("backoffice.post_message", "POST"): _backoffice_post("messages", World.in_review, body="Bonjour Monsieur."),
    ("backoffice.annotate", "POST"): _backoffice_post("annotations", World.in_review, body="Contrat à vérifier."),
    ("backoffice.decide", "POST"): _decide,
    ("backoffice.validate", "POST"): _validate("approve"),
    ("backoffice.approve_mandate", "POST"): _mandate_action("valider"),
    ("backoffice.refuse_mandate", "POST"): _mandate_action("refuser", motive="La décision jointe est illisible."),
    ("backoffice.revoke_mandate", "POST"): _mandate_action("revoquer", motive="Mainlevée de la mesure."),
    ("backoffice.resend_email", "POST"): _resend_email,
    ("backoffice.resolve_conflict", "POST"): _resolve_conflict,
    ("backoffice.logout", "POST"): _agent_logout,
    # The back-office's reads of an assuré's data.
    ("backoffice.queue", "GET"): _agent_read(lambda w: _request_path(w).rsplit("/", 1)[0]),
    ("backoffice.show_request", "GET"): _agent_read(_request_path),
    ("backoffice.show_document", "GET"): _agent_read(_document_path),
    ("backoffice.simulate_request", "GET"): _agent_read(lambda w: f"{_request_path(w)}/simulation"),
    ("backoffice.list_mandates", "GET"): _agent_read(lambda w: _mandate_path(w).rsplit("/", 1)[0]),
    ("backoffice.show_mandate", "GET"): _agent_read(_mandate_path),
    ("backoffice.show_mandate_document", "GET"): _agent_read(_mandate_document_path),
    ("backoffice.audit_trail", "GET"): _agent_read(lambda w: "/espace-agents/journal", who=FRANCOIS),
    ("backoffice.list_conflicts", "GET"): _agent_read(
        lambda w: "/espace-agents/conflits-d-alimentation" if _waiting_declaration(w) else ""
    ),
    ("backoffice.show_conflict", "GET"): _agent_read(
        lambda w: f"/espace-agents/conflits-d-alimentation/{_waiting_declaration(w)}"
    ),
    # The citizen side: every change names the person (or their representative, and whom they act for).
    ("auth.bind_nir", "POST"): _bind_nir,
    ("auth.logout", "POST"): _citizen_logout,
    ("careers.confirm_year", "POST"): _citizen_post(lambda _ids: "/ma-carriere/confirmer", annee="2001"),
    ("signalements.new_signalement", "POST"): _citizen_post(
        lambda _ids: "/mes-demandes/nouvelle/wrong_earnings", prepare=lambda w: {"period": w.period_id},
        period_ids=lambda ids: str(ids["period"]), earnings="12 000", explanation="Mon salaire de 2001 est plus élevé.",
    ),  # fmt: skip
    ("signalements.edit_signalement", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/modifier", prepare=_draft_ids, earnings="13 000",
        period_ids=lambda ids: str(ids["period"]), explanation="Corrigé.",
    ),  # fmt: skip
    ("signalements.delete_signalement", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/supprimer", prepare=_draft_ids
    ),
    ("signalements.upload_document", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/pieces", prepare=_draft_ids, multipart=True,
        kind="Autre document", file=lambda _ids: (io.BytesIO(pdf_bytes()), "bulletin.pdf"),
    ),  # fmt: skip
    ("signalements.remove_document", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/pieces/{ids['document']}/supprimer", prepare=_draft_ids
    ),
    ("signalements.submit_signalement", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/deposer", prepare=_draft_ids
    ),
    ("signalements.withdraw_signalement", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/retirer", prepare=_filed_ids, reason="Erreur de ma part."
    ),
    ("signalements.post_message", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/messages", prepare=_filed_ids, body="Bonjour."
    ),
    ("signalements.answer_complement", "POST"): _citizen_post(
        lambda ids: f"/mes-demandes/{ids['signalement']}/complement", prepare=_complement_ids, body="Le voici."
    ),
    ("representation.request_mandate", "POST"): _request_mandate,
    ("representation.declare_representative", "POST"): _declare_representative,
    ("representation.act_for", "POST"): _act_for,
    ("representation.stop_acting", "POST"): _stop_acting,
    # A representative reading the protected person's space.
    ("careers.show_career", "GET"): _representative_read(lambda w: "/ma-carriere"),
    ("careers.show_period", "GET"): _representative_read(lambda w: f"/ma-carriere/periodes/{w.period_id}"),
    ("careers.show_checks", "GET"): _representative_read(lambda w: "/ma-carriere/a-verifier"),
    ("careers.download_releve", "GET"): _representative_read(lambda w: "/ma-carriere/releve.pdf"),
    ("signalements.list_signalements", "GET"): _representative_read(lambda w: "/mes-demandes"),
    ("signalements.choose_type", "GET"): _representative_read(lambda w: "/mes-demandes/nouvelle"),
    ("signalements.new_signalement", "GET"): _representative_read(lambda w: "/mes-demandes/nouvelle/wrong_earnings"),
    ("signalements.show_signalement", "GET"): _representative_read(lambda w: f"/mes-demandes/{w.draft()[0]}"),
    ("signalements.edit_signalement", "GET"): _representative_read(lambda w: f"/mes-demandes/{w.draft()[0]}/modifier"),
    ("documents.download_document", "GET"): _representative_read(lambda w: f"/justificatifs/{w.draft()[1]}"),
    ("simulator.simulate_retirement", "GET"): _representative_read(lambda w: "/ma-retraite/simulation"),
    ("simulator.simulate_retirement", "POST"): _representative_read(
        lambda w: "/ma-retraite/simulation", method="POST", **SIMULATION
    ),
    ("simulator.show_signalement_effect", "GET"): _representative_read(
        lambda w: f"/mes-demandes/{w.draft()[0]}/effet-sur-ma-retraite"
    ),
    ("simulator_buy_back.show_buy_back", "GET"): _representative_read(lambda w: "/ma-retraite/rachat-de-trimestres"),
    ("simulator_buy_back.show_buy_back", "POST"): _representative_read(
        lambda w: "/ma-retraite/rachat-de-trimestres",
        method="POST",
        reason="studies", quarters="1", option="both", average_earnings="30000",
    ),
}  # fmt: skip


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_classified(app):
    routes = _routes(app)
    unclassified = routes - AUDITED.keys() - EXEMPT.keys()
    assert not unclassified, f"routes ni auditées ni exemptées : {sorted(unclassified)}"
    assert not AUDITED.keys() & EXEMPT.keys()
    assert not (AUDITED.keys() | EXEMPT.keys()) - routes, "classified routes that no longer exist"


def test_every_state_changing_route_is_audited_unless_exempt_with_a_reason(app):
    for endpoint, method in _routes(app):
        if method in STATE_CHANGING and (endpoint, method) not in AUDITED:
            assert EXEMPT[endpoint, method].strip(), f"{method} {endpoint}"


@pytest.mark.parametrize("route", sorted(AUDITED), ids=[f"{method} {endpoint}" for endpoint, method in sorted(AUDITED)])
def test_the_route_writes_audit_lines_that_name_who_acted(app, db, route):
    world = World(app, db)
    call, expected = AUDITED[route](world)
    db.session.commit()
    last = db.session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one()
    response = call.client.open(
        call.path,
        method=call.method,
        data=call.data,
        content_type="multipart/form-data" if call.multipart else None,
    )
    response.close()
    assert response.status_code < 400, f"{route}: {response.status_code}"
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id)).scalars().all()
    assert rows, f"{route} wrote no audit line"
    for row in rows:
        named = (row.actor_agent_id, row.actor_account_id)
        assert named == (expected.agent_id, expected.account_id), f"{route}: {row.action} names {named}"
        if expected.acting_for_id is not None:
            assert row.acting_for_assure_id == expected.acting_for_id, f"{route}: {row.action} for whom?"
