"""French formatting: amounts, numbers, dates and plurals as the portal writes them in pages, e-mails and messages.

The portal's one definition of each. portal.templating registers them as Jinja filters; Python code imports them
from here. A base module: it imports nothing of the portal. (The rules engine keeps its own formatting, in
portal.pension_rules.text, since it imports nothing of the portal either.)
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

# Between a figure and its unit (12 €, 43 %).
NBSP = "\u00a0"
# Between the thousands of a figure (12 345), as French typography wants.
NARROW_NBSP = "\u202f"

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_euros(value: Decimal | Fraction | int | float | None, *, drop_zero_cents: bool = False) -> str:
    """`12 345,67 €`, rounded to the cent. With `drop_zero_cents`, a whole amount loses its cents: `12 345 €`, but
    `1 429,50 €`. None gives an empty string."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    integer, cents = f"{Decimal(value):,.2f}".split(".")
    integer = integer.replace(",", NARROW_NBSP)
    if drop_zero_cents and cents == "00":
        return f"{integer}{NBSP}€"
    return f"{integer},{cents}{NBSP}€"


def format_cents(cents: int | Fraction | None, *, drop_zero_cents: bool = False) -> str:
    """An amount stored in cents (12345) in euros: `123,45 €`; see format_euros."""
    if cents is None:
        return ""
    return format_euros(Fraction(cents) / 100, drop_zero_cents=drop_zero_cents)


def format_number(value: Decimal | int | None) -> str:
    """`12 345`, `1 234,5`: at most two decimals, trailing zeros dropped."""
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


def format_date(value: date | datetime | None, style: str = "short") -> str:
    """`05/03/2024`, or with style "long" `5 mars 2024` (`1er mars 2024` on the first of the month)."""
    if value is None:
        return ""
    if style == "long":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """A stored timestamp (naive UTC) shown in Paris time: `24/11/2026 à 21h05`."""
    if value is None:
        return ""
    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    return f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"


def format_filesize(size: int | None) -> str:
    """`12 ko`, `2,5 Mo`."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def plural(count: int, words: str) -> str:
    """`count` followed by `words`, every one of them agreeing with it: French takes the singular for 0 and 1.
    plural(1, "trimestre ajouté") is "1 trimestre ajouté", plural(3, "trimestre ajouté") "3 trimestres ajoutés".
    Regular plurals only (an s added, none after s, x or z): pass no word whose plural is irregular."""
    if count > 1:
        words = " ".join(word if word.endswith(("s", "x", "z")) else f"{word}s" for word in words.split(" "))
    return f"{count} {words}"
