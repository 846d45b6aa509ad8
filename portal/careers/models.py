"""Assurés, régimes and career periods.

A career period is never updated in place: each change adds a PeriodVersion that supersedes the previous one
(superseded_at set), recording who decided it, when and why. The current state of a career is the set of
versions with superseded_at NULL; the history of a period is all its versions in order.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow
from portal.pension_rules import countries
from portal.pension_rules.civil_service import Category, CivilServiceScheme


class RegimeKind(enum.StrEnum):
    BASE = "base"
    COMPLEMENTARY = "complementaire"
    FOREIGN = "etranger"

    @property
    def label(self) -> str:
        return {"base": "Régime de base", "complementaire": "Régime complémentaire", "etranger": "Hors de France"}[
            self.value
        ]

    @property
    def is_base(self) -> bool:
        return self is RegimeKind.BASE


class PeriodNature(enum.StrEnum):
    SALARIED = "salaried"
    APPRENTICESHIP = "apprenticeship"
    SELF_EMPLOYED = "self_employed"
    PUBLIC_SERVICE = "public_service"
    UNEMPLOYMENT = "unemployment"
    SICKNESS = "sickness"
    MATERNITY = "maternity"
    INVALIDITY = "invalidity"
    NATIONAL_SERVICE = "national_service"
    AVPF = "avpf"
    ABROAD = "abroad"

    @property
    def label(self) -> str:
        return NATURE_LABELS[self]

    @property
    def is_assimilated(self) -> bool:
        """Périodes assimilées: quarters validated without contributions (CSS L351-3)."""
        return self in ASSIMILATED_NATURES


NATURE_LABELS = {
    PeriodNature.SALARIED: "Activité salariée",
    PeriodNature.APPRENTICESHIP: "Apprentissage",
    PeriodNature.SELF_EMPLOYED: "Activité indépendante",
    PeriodNature.PUBLIC_SERVICE: "Fonction publique",
    PeriodNature.UNEMPLOYMENT: "Chômage indemnisé",
    PeriodNature.SICKNESS: "Maladie",
    PeriodNature.MATERNITY: "Maternité",
    PeriodNature.INVALIDITY: "Invalidité",
    PeriodNature.NATIONAL_SERVICE: "Service national",
    PeriodNature.AVPF: "Assurance vieillesse des parents au foyer (AVPF)",
    PeriodNature.ABROAD: "Activité à l'étranger",
}
ASSIMILATED_NATURES = frozenset(
    {
        PeriodNature.UNEMPLOYMENT,
        PeriodNature.SICKNESS,
        PeriodNature.MATERNITY,
        PeriodNature.INVALIDITY,
        PeriodNature.NATIONAL_SERVICE,
    }
)


class DataSource(enum.StrEnum):
    DSN = "dsn"
    DADS = "dads"
    ANNUAL_REPORT = "annual_report"
    SELF_EMPLOYED_DECLARATION = "self_employed_declaration"
    FRANCE_TRAVAIL = "france_travail"
    HEALTH_INSURANCE = "health_insurance"
    FAMILY_ALLOWANCE = "family_allowance"
    MILITARY_RECORD = "military_record"
    FOREIGN_INSTITUTION = "foreign_institution"
    PUBLIC_EMPLOYER = "public_employer"
    CORRECTION = "correction"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]

    @property
    def short_label(self) -> str:
        return SOURCE_SHORT_LABELS[self]


SOURCE_SHORT_LABELS = {
    DataSource.DSN: "DSN de l'employeur",
    DataSource.DADS: "DADS de l'employeur",
    DataSource.ANNUAL_REPORT: "Report annuel",
    DataSource.SELF_EMPLOYED_DECLARATION: "Déclaration d'indépendant",
    DataSource.FRANCE_TRAVAIL: "France Travail",
    DataSource.HEALTH_INSURANCE: "Assurance maladie",
    DataSource.FAMILY_ALLOWANCE: "Caisse d'allocations familiales",
    DataSource.MILITARY_RECORD: "État des services militaires",
    DataSource.FOREIGN_INSTITUTION: "Organisme étranger",
    DataSource.PUBLIC_EMPLOYER: "Employeur public",
    DataSource.CORRECTION: "Correction",
}
SOURCE_LABELS = {
    DataSource.DSN: "Déclaration sociale nominative (DSN)",
    DataSource.DADS: "Déclaration annuelle des données sociales (DADS)",
    DataSource.ANNUAL_REPORT: "Report annuel au compte",
    DataSource.SELF_EMPLOYED_DECLARATION: "Déclaration de revenus d'indépendant",
    DataSource.FRANCE_TRAVAIL: "Signalement de France Travail",
    DataSource.HEALTH_INSURANCE: "Signalement de l'Assurance maladie",
    DataSource.FAMILY_ALLOWANCE: "Signalement de la Caisse d'allocations familiales",
    DataSource.MILITARY_RECORD: "État signalétique et des services",
    DataSource.FOREIGN_INSTITUTION: "Organisme de retraite étranger",
    DataSource.PUBLIC_EMPLOYER: "Employeur public",
    DataSource.CORRECTION: "Correction après vérification",
}


class Assure(Base):
    """A person insured by the pension fund, known by their NIR."""

    __tablename__ = "assure"

    id: Mapped[int] = mapped_column(primary_key=True)
    nir: Mapped[str] = mapped_column(String(15), unique=True)
    sex: Mapped[str] = mapped_column(String(1))  # "1" man, "2" woman, as the first digit of the NIR
    birth_name: Mapped[str] = mapped_column(String(120))
    usage_name: Mapped[str | None] = mapped_column(String(120))
    given_names: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    birth_place_code: Mapped[str | None] = mapped_column(String(5))  # COG commune code, None when born abroad
    birth_country_code: Mapped[str] = mapped_column(String(5))  # COG country code, 99100 for France
    # The caisse (CARSAT...) that manages the person's file and instructs their requests.
    caisse_id: Mapped[int | None] = mapped_column(ForeignKey("caisse.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    periods: Mapped[list["CareerPeriod"]] = relationship(back_populates="assure", order_by="CareerPeriod.id")

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.usage_name or self.birth_name}"

    def __repr__(self) -> str:
        return f"<Assure {self.id}>"


class Regime(Base):
    """A pension scheme (régime de base, complémentaire) or a foreign institution."""

    __tablename__ = "regime"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[RegimeKind] = mapped_column(enum_column(RegimeKind))
    # Quarters (base schemes) or points (complementary schemes): which column of a period carries its rights.
    counts_points: Mapped[bool] = mapped_column(default=False)


class CareerPeriod(Base):
    """The stable identity of one period of a career; its content lives in its versions."""

    __tablename__ = "career_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    assure: Mapped[Assure] = relationship(back_populates="periods")
    versions: Mapped[list["PeriodVersion"]] = relationship(
        back_populates="period", order_by="PeriodVersion.number", cascade="all, delete-orphan"
    )


class PeriodVersion(Base):
    """One version of a career period, as declared or as corrected. Rows are only ever added."""

    __tablename__ = "period_version"
    __table_args__ = (
        UniqueConstraint("period_id", "number"),
        Index("ix_period_version_current", "assure_id", "superseded_at", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("career_period.id"))
    # Denormalised from the period so that a career is read with one indexed query.
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"))
    number: Mapped[int] = mapped_column(Integer)
    regime_id: Mapped[int] = mapped_column(ForeignKey("regime.id"))
    nature: Mapped[PeriodNature] = mapped_column(enum_column(PeriodNature))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_siret: Mapped[str | None] = mapped_column(String(14))
    earnings_cents: Mapped[int | None] = mapped_column(BigInteger)
    quarters: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    days: Mapped[int | None] = mapped_column(Integer)  # indemnified days, for assimilated periods
    # A period abroad: the country, ISO 3166-1 alpha-2 (pension_rules.countries); `quarters` are then those the
    # foreign scheme validated, as its liaison body reported them. None when the country is not on record.
    country: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[DataSource] = mapped_column(enum_column(DataSource))
    source_reference: Mapped[str | None] = mapped_column(String(120))
    # A version may record that a period was found not to exist (a duplicate, say): it then counts for nothing.
    is_withdrawn: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(String(500))
    # The request whose decision produced this version, when it comes from one.
    signalement_id: Mapped[int | None] = mapped_column(ForeignKey("signalement.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)

    period: Mapped[CareerPeriod] = relationship(back_populates="versions")
    regime: Mapped[Regime] = relationship(lazy="joined")

    @property
    def earnings(self) -> Decimal | None:
        return None if self.earnings_cents is None else Decimal(self.earnings_cents) / 100

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def country_name(self) -> str | None:
        """The French name of the country of a period abroad, None when it is not on record."""
        return countries.country(self.country).name if self.country else None

    @property
    def is_abroad(self) -> bool:
        return self.nature is PeriodNature.ABROAD or self.regime.kind is RegimeKind.FOREIGN

    @property
    def nature_label(self) -> str:
        """The nature as the pages show it: with its country for a period abroad."""
        if self.is_abroad:
            return f"{self.nature.label} : {self.country_name or 'pays non indiqué'}"
        return self.nature.label


class Child(Base):
    """A child known to the fund (birth or adoption): it can give quarters (majorations de durée d'assurance,
    CSS L351-4 and L351-5), and a mother's career should show a maternity period around the birth."""

    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    is_adopted: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(120))


class CivilServiceProfile(Base):
    """What a fonctionnaire's pension needs beyond the periods (pension_rules.model.CivilService): the scheme, the
    category of the jobs, the indice majoré held and since when, the one before (the six-month rule, CPCM L15), the
    children born before 2004 for whom the activity was interrupted or reduced (bonification, CPCM L12 b), and the
    yearly bonuses on which the RAFP is paid. One per assuré, as the employer or the scheme reported it."""

    __tablename__ = "civil_service_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), unique=True)
    scheme: Mapped[CivilServiceScheme] = mapped_column(enum_column(CivilServiceScheme))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    # Years of services in the active or super-active category (the 17 or 27 years that open the earlier age).
    active_years: Mapped[int] = mapped_column(Integer, default=0)
    index_majore: Mapped[int] = mapped_column(Integer)
    index_start_date: Mapped[date] = mapped_column(Date)
    previous_index_majore: Mapped[int | None] = mapped_column(Integer)
    children_before_2004: Mapped[int] = mapped_column(Integer, default=0)
    annual_bonuses_cents: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @property
    def annual_bonuses(self) -> Decimal | None:
        return None if self.annual_bonuses_cents is None else Decimal(self.annual_bonuses_cents) / 100


class Confirmation(Base):
    """The person confirmed a year (period_version_id None) or a period version as correct."""

    __tablename__ = "confirmation"
    __table_args__ = (Index("ix_confirmation_assure_year", "assure_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    year: Mapped[int] = mapped_column(Integer)
    # The versions confirmed, comma-separated: a later correction makes the confirmation stale, not wrong.
    period_version_ids: Mapped[str] = mapped_column(String(2000))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
