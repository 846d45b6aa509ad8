"""Recording career periods and their versions. A version is never modified once written."""

from datetime import date, datetime
from decimal import Decimal

from portal.actors import Actor
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.careers import queries
from portal.careers.exceptions import InvalidCivilServiceProfile, InvalidPeriod, YearNotConfirmable
from portal.careers.models import (
    Assure,
    CareerPeriod,
    CivilServiceProfile,
    Confirmation,
    DataSource,
    PeriodNature,
    PeriodVersion,
    Regime,
)
from portal.db import db, utcnow
from portal.pension_rules import countries
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from portal.pension_rules.parameters import MAX_QUARTERS_PER_YEAR

VERSIONED_FIELDS = (
    "regime",
    "nature",
    "start_date",
    "end_date",
    "employer_name",
    "employer_siret",
    "earnings_cents",
    "quarters",
    "points",
    "days",
    "country",
    "source",
    "source_reference",
    "is_withdrawn",
)


def _check(
    start_date: date, end_date: date, quarters: int | None, earnings_cents: int | None, country: str | None = None
) -> None:
    if end_date < start_date:
        raise InvalidPeriod("La date de fin de la période est antérieure à sa date de début.")
    # Rights are reported per calendar year (annual reports, DSN aggregated by year): a period never crosses one.
    if start_date.year != end_date.year:
        raise InvalidPeriod("Une période est déclarée par année civile : elle ne peut pas changer d'année.")
    if quarters is not None and not 0 <= quarters <= MAX_QUARTERS_PER_YEAR:
        raise InvalidPeriod(f"Une période valide entre 0 et {MAX_QUARTERS_PER_YEAR} trimestres.")
    if earnings_cents is not None and earnings_cents < 0:
        raise InvalidPeriod("Les revenus d'une période ne peuvent pas être négatifs.")
    if country is not None:
        try:
            known = countries.foreign_country(country).code
        except ValueError as error:
            raise InvalidPeriod(str(error)) from None
        if known != country:
            raise InvalidPeriod(f"Le pays s'écrit en deux lettres capitales (norme ISO 3166-1) : « {known} ».")


def record_period(
    assure: Assure,
    *,
    regime: Regime,
    nature: PeriodNature,
    start_date: date,
    end_date: date,
    source: DataSource,
    recorded_by: str,
    employer_name: str | None = None,
    employer_siret: str | None = None,
    earnings_cents: int | None = None,
    quarters: int | None = None,
    points: Decimal | None = None,
    days: int | None = None,
    country: str | None = None,
    source_reference: str | None = None,
    reason: str | None = None,
    signalement_id: int | None = None,
    recorded_at: datetime | None = None,
) -> PeriodVersion:
    """Add a new period with its first version, recorded now or, for data taken over from an earlier system (the
    demo's careers), at `recorded_at` (naive UTC). `country` is the ISO code of a period abroad. Raises
    InvalidPeriod on inconsistent values (an unknown country among them)."""
    _check(start_date, end_date, quarters, earnings_cents, country)
    assure_id = assure.id
    period = CareerPeriod(assure_id=assure_id)
    db.session.add(period)
    version = PeriodVersion(
        period=period,
        assure_id=assure_id,
        number=1,
        regime=regime,
        nature=nature,
        start_date=start_date,
        end_date=end_date,
        employer_name=employer_name,
        employer_siret=employer_siret,
        earnings_cents=earnings_cents,
        quarters=quarters,
        points=points,
        days=days,
        country=country,
        source=source,
        source_reference=source_reference,
        recorded_at=recorded_at or utcnow(),
        recorded_by=recorded_by,
        reason=reason,
        signalement_id=signalement_id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def supersede_period(
    period: CareerPeriod,
    *,
    recorded_by: str,
    reason: str,
    signalement_id: int | None = None,
    recorded_at: datetime | None = None,
    **changes,
) -> PeriodVersion:
    """Add a version of `period` carrying `changes`, and mark the current one as superseded, now or, for a
    correction taken over from an earlier system, at `recorded_at` (naive UTC).

    The previous version stays as it was, readable in the history. Raises InvalidPeriod on inconsistent values
    and ValueError on a field that is not versioned or on a correction dated before the version it replaces.
    """
    unknown = set(changes) - set(VERSIONED_FIELDS)
    if unknown:
        raise ValueError(f"not versioned: {sorted(unknown)}")
    current = next(version for version in period.versions if version.superseded_at is None)
    values = {name: getattr(current, name) for name in VERSIONED_FIELDS} | changes
    # A correction is its own source of data, unless the caller records a new declaration.
    values["source"] = changes.get("source", DataSource.CORRECTION)
    _check(values["start_date"], values["end_date"], values["quarters"], values["earnings_cents"], values["country"])
    if recorded_at is not None and recorded_at < current.recorded_at:
        raise ValueError(f"a correction on {recorded_at} cannot replace a version recorded on {current.recorded_at}")
    now = recorded_at or utcnow()
    current.superseded_at = now
    version = PeriodVersion(
        period=period,
        assure_id=period.assure_id,
        number=current.number + 1,
        recorded_at=now,
        recorded_by=recorded_by,
        reason=reason,
        signalement_id=signalement_id,
        **values,
    )
    db.session.add(version)
    db.session.flush()
    return version


def confirm_year(assure: Assure, *, actor: Actor, year: int) -> Confirmation:
    """Record that the person checked `year` and found it right, with the versions they saw.

    Raises YearNotConfirmable for a year without any period (nothing to confirm: a gap is reported, not confirmed).
    """
    versions = [v for v in queries.list_current_versions(assure.id) if v.start_date.year == year]
    if not versions:
        raise YearNotConfirmable(
            f"Aucune période n'est enregistrée en {year} : s'il en manque une, signalez-la plutôt."
        )
    confirmation = Confirmation(
        assure_id=assure.id,
        account_id=actor.id,
        year=year,
        period_version_ids=",".join(str(version.id) for version in versions),
    )
    db.session.add(confirmation)
    db.session.flush()
    audit(AuditAction.CAREER_CONFIRMED, actor=actor, subject=assure, year=year)
    return confirmation


def set_civil_service_profile(
    assure: Assure,
    *,
    scheme: CivilServiceScheme,
    category: Category,
    index_majore: int,
    index_start_date: date,
    previous_index_majore: int | None = None,
    active_years: int = 0,
    children_before_2004: int = 0,
    annual_bonuses_cents: int | None = None,
) -> CivilServiceProfile:
    """Record a fonctionnaire's civil-service profile as the employer or the scheme reports it, replacing the one
    held (a profile describes the situation now, it has no history of its own). Raises InvalidCivilServiceProfile on
    values no fonctionnaire can have."""
    if index_majore <= 0 or (previous_index_majore is not None and previous_index_majore <= 0):
        raise InvalidCivilServiceProfile("Un indice majoré est un nombre entier positif.")
    if active_years < 0 or children_before_2004 < 0:
        raise InvalidCivilServiceProfile("Les années de services actifs et les enfants ne peuvent pas être négatifs.")
    if annual_bonuses_cents is not None and annual_bonuses_cents < 0:
        raise InvalidCivilServiceProfile("Les primes annuelles ne peuvent pas être négatives.")
    profile = queries.get_civil_service_profile(assure.id)
    if profile is None:
        profile = CivilServiceProfile(assure_id=assure.id)
        db.session.add(profile)
    profile.scheme, profile.category, profile.active_years = scheme, category, active_years
    profile.index_majore, profile.index_start_date = index_majore, index_start_date
    profile.previous_index_majore = previous_index_majore
    profile.children_before_2004 = children_before_2004
    profile.annual_bonuses_cents = annual_bonuses_cents
    db.session.flush()
    return profile
