"""Builders for test data: keyword-only, one object each, nothing left for another test."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.agents.models import Agent, AgentRole
from portal.agents.services import add_agent, ensure_caisse
from portal.auth.models import Account
from portal.careers import services as careers_services
from portal.careers.models import Assure, DataSource, PeriodNature, Regime
from portal.db import db
from portal.demo.identities import DemoIdentity, get_identity
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import Signalement


def get_regime(code: str) -> Regime:
    return db.session.execute(select(Regime).where(Regime.code == code)).scalar_one()


def create_assure(*, identity: DemoIdentity | str | None = None, caisse: str | None = None, **overrides) -> Assure:
    """An assuré matching a sandbox identity (by default Jean-Pierre Martin), or built from `overrides`; attached to
    the caisse of code `caisse` (created if need be) when given."""
    if isinstance(identity, str) or identity is None:
        identity = get_identity(identity or "demo-jean-pierre-martin")
    if caisse is not None:
        overrides = {"caisse_id": ensure_caisse(caisse).id} | overrides
    values = {
        "nir": identity.nir,
        "sex": "1" if identity.gender == "male" else "2",
        "birth_name": identity.family_name,
        "usage_name": identity.preferred_username or None,
        "given_names": identity.given_name,
        "birth_date": date.fromisoformat(identity.birthdate),
        "birth_place_code": identity.birthplace or None,
        "birth_country_code": identity.birthcountry,
    } | overrides
    assure = Assure(**values)
    db.session.add(assure)
    db.session.flush()
    return assure


def create_period(
    assure: Assure,
    *,
    year: int = 2020,
    start: date | None = None,
    end: date | None = None,
    regime: str = "CNAV",
    nature: PeriodNature = PeriodNature.SALARIED,
    quarters: int | None = 4,
    earnings: Decimal | int | None = 30000,
    points: Decimal | None = None,
    employer_name: str | None = "Boulangerie Dupain",
    employer_siret: str | None = "73282932000074",
    source: DataSource = DataSource.DSN,
    **extra,
):
    return careers_services.record_period(
        assure,
        regime=get_regime(regime),
        nature=nature,
        start_date=start or date(year, 1, 1),
        end_date=end or date(year, 12, 31),
        employer_name=employer_name,
        employer_siret=employer_siret,
        earnings_cents=None if earnings is None else int(Decimal(earnings) * 100),
        quarters=quarters,
        points=points,
        source=source,
        source_reference=extra.pop("source_reference", f"DSN {year}"),
        recorded_by=extra.pop("recorded_by", "Test"),
        **extra,
    )


def create_civil_service_profile(
    assure: Assure,
    *,
    scheme: CivilServiceScheme = CivilServiceScheme.SRE,
    category: Category = Category.SEDENTARY,
    index_majore: int = 673,
    index_start_date: date = date(2023, 9, 1),
    previous_index_majore: int | None = 640,
    active_years: int = 0,
    children_before_2004: int = 0,
    annual_bonuses_cents: int | None = 357_808,
):
    """A fonctionnaire's civil-service profile, by default a professeur certifié's (the demo's Pierre-Yves)."""
    return careers_services.set_civil_service_profile(
        assure,
        scheme=scheme,
        category=category,
        index_majore=index_majore,
        index_start_date=index_start_date,
        previous_index_majore=previous_index_majore,
        active_years=active_years,
        children_before_2004=children_before_2004,
        annual_bonuses_cents=annual_bonuses_cents,
    )


def create_agent(email: str, role: str = "technicien", caisse: str = "CARSAT-RA") -> Agent:
    """An agent registered as `flask agents add` registers one (the caisse created if need be)."""
    return add_agent(email=email, role=AgentRole(role), caisse_code=caisse)


def create_citizen_account(assure: Assure) -> Account:
    """The assuré's own account (FranceConnect, address assure@example.fr), created unless there is one already."""
    existing = db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    account = Account(assure=assure, pivot_identity={"email": "assure@example.fr", "given_name": "Jean-Pierre"})
    db.session.add(account)
    db.session.flush()
    return account


def create_representative_account(email: str = "tuteur@example.fr", name: str = "Claire DUPONT") -> Account:
    """A representative's account, known through FranceConnect and bound to no assuré: `name` is « Given FAMILY »."""
    given, family = name.split(" ", 1)
    account = Account(pivot_identity={"email": email, "given_name": given, "family_name": family})
    db.session.add(account)
    db.session.flush()
    return account


def create_draft(
    assure: Assure,
    *,
    actor,
    anomaly_type: AnomalyType = AnomalyType.DUPLICATE,
    period_ids: Sequence[int] = (),
    proposal: signalements_services.Proposal | None = None,
    explanation: str = "En double",
    today: date = date(2026, 11, 2),
) -> Signalement:
    """A draft request written by `actor` (an account, or an ActingFor) as the pages write one: by default, the
    periods `period_ids` reported as counted twice."""
    return signalements_services.create_draft(
        assure,
        actor=actor,
        anomaly_type=anomaly_type,
        period_ids=list(period_ids),
        proposal=proposal if proposal is not None else signalements_services.Proposal(),
        explanation=explanation,
        today=today,
    )
