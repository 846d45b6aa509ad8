"""Loading the demo assurés and their careers (`flask seed-demo`). Idempotent; flushes only, the caller commits."""

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypedDict

from pypdf import PdfWriter
from sqlalchemy import select

from portal import clock
from portal.agents.models import Agent, AgentRole
from portal.agents.services import add_agent, ensure_caisse
from portal.audit.services import AuditAction, record
from portal.auth.models import Account
from portal.careers.models import Assure, Child, PeriodNature, Regime
from portal.careers.queries import list_current_versions
from portal.careers.services import record_period, set_civil_service_profile, supersede_period
from portal.db import db
from portal.demo.agents import AGENT_IDENTITIES
from portal.demo.careers import CAREERS, PeriodSpec, build_periods, reported_on
from portal.demo.identities import IDENTITIES, DemoIdentity
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from portal.pension_rules.parameters import GENERAL_SCHEME
from portal.signalements import justificatifs
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType


class CivilServiceProfileValues(TypedDict):
    """The keywords of careers.services.set_civil_service_profile."""

    scheme: CivilServiceScheme
    category: Category
    index_majore: int
    index_start_date: date
    previous_index_majore: int | None
    active_years: int
    children_before_2004: int
    annual_bonuses_cents: int | None


RECORDED_BY = "Reprise des déclarations"
CORRECTED_BY = "Caisse (reprise historique)"
# Versions are dated when the fund received them (careers.reported_on), at this hour (naive UTC, as stored): the
# history of a period reads as it happened, not as the day the demo was loaded.
RECORDED_AT_HOUR = time(8)


@dataclass
class SeedReport:
    assures_created: int = 0
    assures_existing: int = 0
    periods_created: int = 0


class MissingRegime(RuntimeError):
    """A régime the careers need is absent: the reference data comes from the migrations."""


def seed_demo() -> SeedReport:
    """Create the assurés of the demo identities that have a NIR, with their careers.

    An assuré whose NIR is already known is left as it is, so a second run adds nothing.
    """
    report = SeedReport()
    to_create: list[tuple[DemoIdentity, list[PeriodSpec]]] = []
    for identity in IDENTITIES:
        if identity.nir is None:
            continue
        if _find_assure(identity.nir) is not None:
            report.assures_existing += 1
        else:
            to_create.append((identity, build_periods(CAREERS[identity.sub])))
    if to_create:
        regimes = _load_regimes({spec.regime for _identity, specs in to_create for spec in specs})
    created = {}
    for identity, specs in to_create:
        assure = _create_assure(identity)
        created[identity.sub] = assure
        report.assures_created += 1
        for spec in specs:
            _record(assure, spec, regimes)
            report.periods_created += 1
        for birth_date, adopted in CHILDREN.get(identity.sub, ()):
            db.session.add(
                Child(
                    assure_id=assure.id, birth_date=birth_date, is_adopted=adopted, source="État civil (démonstration)"
                )
            )
        if identity.sub in CIVIL_SERVICE:
            set_civil_service_profile(assure, **CIVIL_SERVICE[identity.sub])
    _register_demo_agents()
    _file_demo_signalements(created)
    record(AuditAction.DEMO_SEEDED, assures=report.assures_created)
    db.session.flush()
    return report


# Children known to the fund. Marie-Hélène's maternities are in her career; Brigitte's daughter, born while she
# worked in Switzerland, has no maternity period in France: "À vérifier" points at it.
CHILDREN: dict[str, tuple[tuple[date, bool], ...]] = {
    "demo-marie-helene-lefevre-dubois": ((date(2003, 5, 12), False), (date(2007, 10, 2), False)),
    "demo-chloe-rousseau": ((date(2021, 4, 18), False),),
    "demo-anne-sophie-girard": ((date(2006, 2, 9), False),),
    "demo-brigitte-fernandes": ((date(1998, 7, 23), False),),
    "demo-eric-le-gall": ((date(1995, 3, 30), False), (date(1998, 11, 5), True)),
}


# The civil-service profile of the fonctionnaires, as the SRE's compte individuel de retraite would hold it.
# Pierre-Yves D'AUBIGNÉ, professeur certifié in a lycée since 2001 (CAREERS): sédentaire, near the top of the classe
# normale (indice majoré 673 since his last step on 1 September 2023, 640 before), no child (CHILDREN), and the
# bonuses his RAFP lines assume, 9 % of the traitement indiciaire: 673 × 59,0734 € (the point since 1 July 2023) =
# 39 756,40 € a year, of which 9 % is 3 578,08 €.
CIVIL_SERVICE: dict[str, CivilServiceProfileValues] = {
    "demo-pierre-yves-daubigne": {
        "scheme": CivilServiceScheme.SRE,
        "category": Category.SEDENTARY,
        "index_majore": 673,
        "index_start_date": date(2023, 9, 1),
        "previous_index_majore": 640,
        "active_years": 0,
        "children_before_2004": 0,
        "annual_bonuses_cents": 357_808,
    },
}


def _file_demo_signalements(created: dict[str, Assure]) -> None:
    """A few requests already filed, so that the back-office has something to instruct on a fresh `make run`.

    They are keyed in as received by post (an account bound to nobody files them): the person can still bind
    their own FranceConnect account at first login, and then sees them in « Mes demandes ».
    """
    if not created:
        return
    today = clock.today()
    post = Account(pivot_identity={"given_name": "Demande reçue", "family_name": "par courrier"})
    db.session.add(post)
    db.session.flush()

    def scan() -> io.BytesIO:
        writer, buffer = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(buffer)
        buffer.seek(0)
        return buffer

    def file(assure, anomaly_type, *, period_ids=(), proposal, explanation, document):
        draft = signalements_services.create_draft(
            assure, actor=post, anomaly_type=anomaly_type, period_ids=list(period_ids), proposal=proposal,
            explanation=explanation, today=today,
        )  # fmt: skip
        justificatifs.add_document(
            draft, actor=post, stream=scan(), original_name=document, kind=document.rsplit(".", 1)[0], period_ids=[]
        )
        signalements_services.submit(draft, actor=post, today=today)

    if (jean_pierre := created.get("demo-jean-pierre-martin")) is not None:
        period = next(v for v in list_current_versions(jean_pierre.id)
                      if v.start_date.year == 2005 and v.regime.code == GENERAL_SCHEME)  # fmt: skip
        assert period.earnings_cents is not None  # the demo career declares the 2005 earnings (CAREERS)
        file(jean_pierre, AnomalyType.WRONG_EARNINGS, period_ids=[period.period_id],
             proposal=signalements_services.Proposal(earnings_cents=round(period.earnings_cents * 1.18)),
             explanation="Mon bulletin de décembre 2005 porte un cumul plus élevé (prime de fin d'année).",
             document="Bulletin de paie décembre 2005.pdf")  # fmt: skip
    if (sophie := created.get("demo-sophie-nguyen")) is not None:
        file(sophie, AnomalyType.UNEMPLOYMENT_MISSING,
             proposal=signalements_services.Proposal(start_date=date(2009, 3, 2), end_date=date(2009, 9, 30),
                                                     days=213, nature=PeriodNature.UNEMPLOYMENT),
             explanation="Inscrite et indemnisée par Pôle emploi de mars à septembre 2009.",
             document="Attestation Pôle emploi 2009.pdf")  # fmt: skip
    if (karim := created.get("demo-karim-benali")) is not None:
        file(karim, AnomalyType.MISSING_PERIOD,
             proposal=signalements_services.Proposal(start_date=date(2005, 2, 1), end_date=date(2005, 11, 30),
                                                     employer_name="Bureau d'études Alpes Ingénierie",
                                                     earnings_cents=2_450_000, nature=PeriodNature.SALARIED),
             explanation="Premier emploi en France après mon retour d'Algérie.",
             document="Certificat de travail 2005.pdf")  # fmt: skip


def _register_demo_agents() -> None:
    """The agents of the ProConnect sandbox, registered in the portal as an administrator would (`flask agents
    add`), except the one meant to be refused. Idempotent."""
    for agent in AGENT_IDENTITIES:
        if agent.portal_role is None:
            continue
        if db.session.execute(select(Agent).where(Agent.email == agent.email)).scalar_one_or_none() is not None:
            continue
        role, caisse = agent.portal_role
        add_agent(email=agent.email, role=AgentRole(role), caisse_code=caisse, given_name=agent.given_name,
                  usual_name=agent.usual_name)  # fmt: skip


def _find_assure(nir: str) -> Assure | None:
    return db.session.execute(select(Assure).where(Assure.nir == nir)).scalar_one_or_none()


def _load_regimes(needed: set[str]) -> dict[str, Regime]:
    regimes = {regime.code: regime for regime in db.session.execute(select(Regime)).scalars()}
    missing = sorted(needed - regimes.keys())
    if missing:
        raise MissingRegime(
            f"Régime(s) absent(s) de la base : {', '.join(missing)}. Appliquer les migrations (flask db upgrade) "
            "avant de charger les données de démonstration."
        )
    return regimes


# The caisse that manages each demo file: Brittany's people at the Carsat Bretagne, the South-East's at the Carsat
# Sud-Est, everyone else at the Carsat Rhône-Alpes (where most demo agents work).
CAISSE_BY_IDENTITY = {
    "demo-marie-helene-lefevre-dubois": "CARSAT-BRETAGNE",
    "demo-eric-le-gall": "CARSAT-BRETAGNE",
    "demo-pierre-yves-daubigne": "CARSAT-SUD-EST",
    "demo-dominique-santoni": "CARSAT-SUD-EST",
}


def _create_assure(identity: DemoIdentity) -> Assure:
    assert identity.nir is not None  # seed_demo creates only the identities that have a NIR
    assure = Assure(
        caisse_id=ensure_caisse(CAISSE_BY_IDENTITY.get(identity.sub, "CARSAT-RA")).id,
        nir=identity.nir,
        sex=identity.nir[0],
        birth_name=identity.family_name,
        usage_name=identity.preferred_username or None,
        given_names=identity.given_name,
        birth_date=date.fromisoformat(identity.birthdate),
        birth_place_code=identity.birthplace or None,
        birth_country_code=identity.birthcountry,
    )
    db.session.add(assure)
    db.session.flush()
    return assure


def _record(assure: Assure, spec: PeriodSpec, regimes: dict[str, Regime]) -> None:
    first = spec.first_declaration
    version = record_period(
        assure,
        regime=regimes[spec.regime],
        nature=spec.nature,
        start_date=spec.start_date,
        end_date=spec.end_date,
        source=spec.source,
        recorded_by=RECORDED_BY,
        employer_name=spec.employer_name,
        employer_siret=spec.employer_siret,
        earnings_cents=first.earnings_cents if first else spec.earnings_cents,
        quarters=first.quarters if first else spec.quarters,
        points=spec.points,
        days=spec.days,
        country=spec.country,
        source_reference=spec.source_reference,
        recorded_at=datetime.combine(reported_on(spec), RECORDED_AT_HOUR),
    )
    if first is not None:
        supersede_period(
            version.period,
            recorded_by=CORRECTED_BY,
            reason=first.reason,
            recorded_at=datetime.combine(first.corrected_on, RECORDED_AT_HOUR),
            earnings_cents=spec.earnings_cents,
            quarters=spec.quarters,
        )
