"""French formatting of the figures quoted in explanations."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.pension_rules.model import Age

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
CENT = Decimal("0.01")


def euros(amount: Decimal) -> str:
    """1 464,00 € (a narrow no-break space between thousands, as French typography wants)."""
    text = f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def number(value: Decimal, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def percent(fraction: Decimal) -> str:
    """0.43125 → 43,125 %; trailing zeros dropped (50 %, 48,75 %)."""
    text = f"{(fraction * 100).normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0%"


def day(value: date) -> str:
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


def age(value: Age) -> str:
    years = f"{value.years} ans"
    if value.months:
        return f"{years} et {value.months} mois"
    return years


def quarters(count: int) -> str:
    return f"{count} trimestre" + ("s" if abs(count) > 1 else "")


def quarters_as(count: int, participle: str) -> str:
    """« 1 trimestre inscrit », « 3 trimestres inscrits »: the participle agrees."""
    return f"{quarters(count)} {participle}" + ("s" if abs(count) > 1 else "")
