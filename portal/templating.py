"""Template globals and filters: French formatting of dates and amounts."""

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_date(value: date | datetime | None, style: str = "short") -> str:
    if value is None:
        return ""
    if style == "long":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


def format_euros(value: Decimal | int | float | None) -> str:
    """`12 345,67 €` with the narrow no-break space French typography uses between thousands."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}"
    integer, decimals = text.split(".")
    return f"{integer.replace(',', NARROW_NBSP)},{decimals}{NBSP}€"


def format_number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")
    if "." in text:
        integer, decimals = text.split(".")
        return f"{integer.replace(',', NARROW_NBSP)},{decimals}"
    return text.replace(",", NARROW_NBSP)


def format_points(value: Decimal | int | None) -> str:
    """Retirement points always with their two decimals, as on the scheme's statements: `19,20`."""
    if value is None:
        return ""
    integer, decimals = f"{Decimal(value):,.2f}".split(".")
    return f"{integer.replace(',', NARROW_NBSP)},{decimals}"


def format_datetime(value: datetime | None) -> str:
    """A stored timestamp (naive UTC) shown in Paris time: `24/11/2026 à 21h05`."""
    if value is None:
        return ""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    return f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"


def format_filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def recourse_deadline(decided_at: datetime) -> date:
    """Two months after the decision (CSS R142-1: the recours amiable is open for two months)."""
    month = decided_at.month + 2
    year = decided_at.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    import calendar

    day = min(decided_at.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def format_siret(value: str | None) -> str:
    if not value or len(value) != 14:
        return value or ""
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_fr=format_date,
        euros=format_euros,
        number_fr=format_number,
        points_fr=format_points,
        siret=format_siret,
        nir=format_nir,
        iso_date_fr=iso_date_fr,
        birth_place_fr=birth_place_fr,
        datetime_fr=format_datetime,
        filesize_fr=format_filesize,
        recourse_deadline=recourse_deadline,
    )

    @app.context_processor
    def _globals():
        return {
            "csp_nonce": g.get("csp_nonce", ""),
            "service_name": app.config["SERVICE_NAME"],
            "operator_name": app.config["OPERATOR_NAME"],
        }


# COG codes of the countries of birth most often seen; others are shown by their code.
COUNTRY_NAMES = {
    "99100": "France",
    "99109": "Allemagne",
    "99127": "Italie",
    "99131": "Belgique",
    "99134": "Espagne",
    "99139": "Portugal",
    "99341": "Sénégal",
    "99350": "Maroc",
    "99351": "Tunisie",
    "99352": "Algérie",
}


def iso_date_fr(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return value or ""


def birth_place_fr(pivot: dict) -> str:
    country = pivot.get("birthcountry", "")
    if country and country != "99100":
        return COUNTRY_NAMES.get(country, f"pays de code INSEE {country}")
    place = pivot.get("birthplace", "")
    return f"France, commune de code INSEE {place}" if place else "France"


def format_nir(value: str | None) -> str:
    """`1 62 05 69 383 045 84`, grouped as on the carte Vitale."""
    if not value or len(value) != 15:
        return value or ""
    return " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]))
