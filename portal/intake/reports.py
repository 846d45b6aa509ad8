"""The lines of a file of period reports (docs/intake.md): read, checked, and turned into what a career period
records, or refused with the reason in French. No database here: what needs it (the assuré behind the NIR, the
scheme's code) is checked by services.py, a chunk at a time."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from stdnum.fr import nir as nir_checker
from stdnum.fr import siret as siret_checker

from portal.careers.corrections import YearPart, new_part_quarters
from portal.careers.models import DataSource, PeriodNature
from portal.pension_rules import countries

COLUMNS = (
    "source",
    "report_id",
    "declarant",
    "declarant_name",
    "nir",
    "nature",
    "regime",
    "start_date",
    "end_date",
    "earnings",
    "days",
    "country",
)
# The senders of reports, as the file names them.
SOURCES = {
    "DSN": DataSource.DSN,
    "FRANCE_TRAVAIL": DataSource.FRANCE_TRAVAIL,
    "CPAM": DataSource.HEALTH_INSURANCE,
    "REGIME": DataSource.ANNUAL_REPORT,
}
# A report with earnings validates quarters by them (CSS R351-9); one with days of benefit, by them (R351-12).
EARNINGS_NATURES = frozenset(
    {PeriodNature.SALARIED, PeriodNature.APPRENTICESHIP, PeriodNature.SELF_EMPLOYED, PeriodNature.PUBLIC_SERVICE}
)
MAX_EARNINGS = Decimal("100000000")


# A file repeats the same NIR for every period of a person and the same SIRET for every employee: each is checked
# once (python-stdnum's checks cost more than the rest of a line).
_valid_nir = lru_cache(maxsize=100_000)(nir_checker.is_valid)
_valid_siret = lru_cache(maxsize=100_000)(siret_checker.is_valid)


class Refused(ValueError):
    """A line that cannot be taken; the message, in French, goes to the reject file."""


@dataclass(frozen=True, slots=True)
class Report:
    """One line read and checked: what the period will record, once the assuré and the scheme are found."""

    line: int
    source: DataSource
    report_id: str
    nir: str
    regime_code: str
    nature: PeriodNature
    start_date: date
    end_date: date
    employer_siret: str | None
    employer_name: str | None
    earnings_cents: int | None
    days: int | None
    quarters: int | None
    country: str | None

    def values(self) -> dict[str, Any]:
        """careers.services.record_period's keywords (the scheme aside), as they go into a period version."""
        return {
            "nature": self.nature,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "employer_siret": self.employer_siret,
            "employer_name": self.employer_name,
            "earnings_cents": self.earnings_cents,
            "days": self.days,
            "quarters": self.quarters,
            "country": self.country,
            "source": self.source,
            "source_reference": self.report_id,
        }

    @property
    def digest(self) -> str:
        """What tells a repeat of the report (same digest) from a correction of it."""
        content = {"regime": self.regime_code} | {
            name: value.isoformat() if isinstance(value, date) else str(value) for name, value in self.values().items()
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _text(row: dict[str, str | None], name: str) -> str:
    return (row.get(name) or "").strip()


def _date(row: dict[str, str | None], name: str, label: str) -> date:
    value = _text(row, name)
    if not value:
        raise Refused(f"La date de {label} manque.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Refused(f"La date de {label} « {value} » n'est pas une date réelle au format AAAA-MM-JJ.") from None


def parse(line: int, row: dict[str, str | None]) -> Report:
    """One line of the file (`line`: its number, the header being line 1). Raises Refused."""
    if None in row:
        raise Refused("La ligne a plus de colonnes que l'en-tête.")
    source_code = _text(row, "source").upper()
    source = SOURCES.get(source_code)
    if source is None:
        raise Refused(f"Source inconnue « {source_code} » : DSN, FRANCE_TRAVAIL, CPAM ou REGIME.")
    report_id = _text(row, "report_id")
    if not report_id or len(report_id) > 120:
        raise Refused("L'identifiant de la déclaration manque (ou dépasse 120 caractères).")
    nir = _text(row, "nir").replace(" ", "")
    if not _valid_nir(nir):
        raise Refused("Le NIR est invalide (13 chiffres et une clé de 2 chiffres qui correspond).")
    nature_code = _text(row, "nature")
    try:
        nature = PeriodNature(nature_code)
    except ValueError:
        raise Refused(f"Nature de période inconnue « {nature_code} ».") from None
    regime_code = _text(row, "regime").upper()
    if not regime_code:
        raise Refused("Le régime manque.")
    start = _date(row, "start_date", "début")
    end = _date(row, "end_date", "fin")
    if end < start:
        raise Refused("La date de fin est antérieure à la date de début.")
    if start.year != end.year:
        raise Refused("Une déclaration couvre une seule année civile : envoyez une ligne par année.")
    declarant = _text(row, "declarant").replace(" ", "")
    siret = None
    if source is DataSource.DSN:
        if not _valid_siret(declarant):
            raise Refused("Le SIRET du déclarant est invalide (14 chiffres et une clé de Luhn).")
        siret = declarant
    elif not declarant:
        raise Refused("Le déclarant manque (SIRET ou nom de l'organisme).")
    name = _text(row, "declarant_name") or (None if siret else declarant)
    earnings_cents = days = None
    earnings = _text(row, "earnings")
    if earnings:
        try:
            amount = Decimal(earnings)
        except InvalidOperation:
            raise Refused(f"Le montant « {earnings} » n'est pas un nombre d'euros (point décimal).") from None
        if not amount.is_finite() or amount < 0 or amount > MAX_EARNINGS or amount != amount.quantize(Decimal("0.01")):
            raise Refused(f"Le montant « {earnings} » n'est pas un montant en euros et centimes positif.")
        earnings_cents = int(amount * 100)
    day_count = _text(row, "days")
    if day_count:
        if not day_count.isdigit() or int(day_count) > 366:
            raise Refused(f"Le nombre de jours « {day_count} » n'est pas un nombre entier entre 0 et 366.")
        days = int(day_count)
    if nature in EARNINGS_NATURES and earnings_cents is None:
        raise Refused("Une période de travail déclare ses revenus bruts (colonne earnings).")
    if nature.is_assimilated and days is None:
        raise Refused("Une période indemnisée déclare ses jours (colonne days).")
    country = _text(row, "country").upper() or None
    if country is not None:
        try:
            country = countries.foreign_country(country).code
        except ValueError as error:
            raise Refused(str(error)) from None
    part = YearPart(start.year, start, end, earnings_cents)
    try:
        quarters = new_part_quarters(nature, part, declared_days=days, single_year=True)
    except KeyError:
        raise Refused(f"L'année {start.year} est hors des barèmes de validation des trimestres.") from None
    return Report(
        line=line,
        source=source,
        report_id=report_id,
        nir=nir,
        regime_code=regime_code,
        nature=nature,
        start_date=start,
        end_date=end,
        employer_siret=siret,
        employer_name=name[:200] if name else None,
        earnings_cents=earnings_cents,
        days=days,
        quarters=quarters,
        country=country,
    )
