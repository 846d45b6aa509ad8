"""Builders for test data: keyword-only, one object each, nothing left for another test."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.careers import services as careers_services
from portal.careers.models import Assure, DataSource, PeriodNature, Regime
from portal.demo.identities import DemoIdentity, get_identity
from portal.extensions import db


def get_regime(code: str) -> Regime:
    return db.session.execute(select(Regime).where(Regime.code == code)).scalar_one()


def create_assure(*, identity: DemoIdentity | str | None = None, **overrides) -> Assure:
    """An assuré matching a sandbox identity (by default Jean-Pierre Martin), or built from `overrides`."""
    if isinstance(identity, str) or identity is None:
        identity = get_identity(identity or "demo-jean-pierre-martin")
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
