"""The portal's French formatting (portal.formatting): the exact strings pages, e-mails and messages show."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from portal.formatting import (
    MONTHS,
    NARROW_NBSP,
    NBSP,
    format_cents,
    format_date,
    format_datetime,
    format_euros,
    format_filesize,
    format_number,
    format_points,
    plural,
)


def test_the_spaces_are_the_no_break_ones_of_french_typography():
    assert NBSP == "\u00a0"
    assert NARROW_NBSP == "\u202f"


@pytest.mark.parametrize(
    ("value", "always", "whole_without_cents"),
    [
        (Decimal("12345.67"), "12\u202f345,67\u00a0€", "12\u202f345,67\u00a0€"),
        (Decimal("12345"), "12\u202f345,00\u00a0€", "12\u202f345\u00a0€"),
        (Decimal("1429.5"), "1\u202f429,50\u00a0€", "1\u202f429,50\u00a0€"),
        (Decimal("0.125"), "0,12\u00a0€", "0,12\u00a0€"),  # to the cent, half to even
        (1234567, "1\u202f234\u202f567,00\u00a0€", "1\u202f234\u202f567\u00a0€"),
        (Fraction(1, 3), "0,33\u00a0€", "0,33\u00a0€"),
        (None, "", ""),
    ],
)
def test_euros_with_or_without_cents(value, always, whole_without_cents):
    assert format_euros(value) == always
    assert format_euros(value, drop_zero_cents=True) == whole_without_cents


def test_cents_are_shown_in_euros():
    assert format_cents(123456) == "1\u202f234,56\u00a0€"
    assert format_cents(150000, drop_zero_cents=True) == "1\u202f500\u00a0€"
    assert format_cents(Fraction(100001, 2), drop_zero_cents=True) == "500\u00a0€"  # 500,005 to the cent
    assert format_cents(None) == ""


def test_numbers_and_points():
    assert format_number(Decimal("12345.50")) == "12\u202f345,5"
    assert format_number(1000) == "1\u202f000"
    assert format_points(Decimal("19.2")) == "19,20"
    assert format_points(None) == format_number(None) == ""


def test_dates_short_and_long():
    assert format_date(date(2024, 3, 5)) == "05/03/2024"
    assert format_date(date(2024, 3, 5), "long") == "5 mars 2024"
    assert format_date(date(2024, 8, 1), "long") == "1er août 2024"
    assert format_date(None) == ""
    assert MONTHS[0] == "janvier"
    assert MONTHS[11] == "décembre"


def test_a_stored_timestamp_is_shown_in_paris_time():
    assert format_datetime(datetime(2026, 11, 24, 20, 5)) == "24/11/2026 à 21h05"
    assert format_datetime(datetime(2026, 7, 1, 8, 0)) == "01/07/2026 à 10h00"


def test_file_sizes():
    assert format_filesize(100) == "1 ko"
    assert format_filesize(2_621_440) == "2,5 Mo"


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [
        (0, "trimestre", "0 trimestre"),
        (1, "trimestre ajouté", "1 trimestre ajouté"),
        (2, "trimestre ajouté", "2 trimestres ajoutés"),
        (3, "autre assuré", "3 autres assurés"),
        (2, "mois", "2 mois"),
    ],
)
def test_french_takes_the_singular_for_zero_and_one(count, words, expected):
    assert plural(count, words) == expected
