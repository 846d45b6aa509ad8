"""Matching an identité pivot with an assuré through the NIR typed at first login.

Never on e-mail or name alone: the NIR must be valid (key included) and consistent with the pivot identity
(sex, year and month of birth, commune or country of birth), and the assuré it designates must have the same
birth date, birth name and first given name as the pivot identity.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.fr import nir as nir_checker

FRANCE_COG = "99100"

# Paris, Marseille and Lyon: the NIR carries the arrondissement, while an identity provider may send the code
# of the commune as a whole (COG: 75056, 13055, 69123).
_CITY_ARRONDISSEMENTS = {
    "75056": {f"751{n:02d}" for n in range(1, 21)},
    "13055": {f"132{n:02d}" for n in range(1, 17)},
    "69123": {f"6938{n}" for n in range(1, 10)},
}


def normalize_nir(value: str) -> str:
    """Remove the spaces, dots and dashes a person types, and upper-case the Corsican 2A/2B."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def is_valid_nir(value: str) -> bool:
    return nir_checker.is_valid(normalize_nir(value))


def normalize_name(value: str) -> str:
    """Compare names without accents, case, hyphens or apostrophes: "D'Aubigné" == "D AUBIGNE"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", ascii_only.upper()).split())


def first_given_name(value: str) -> str:
    """The first of the given names, compared without accents, case or hyphens: "Jean-Pierre Marc" and
    "JEAN PIERRE" differ, "Jean-Pierre Marc" and "jeanpierre" agree. The civil registry lists given names separated
    by spaces (a compound name keeps its hyphen), as FranceConnect's `given_name` and the fund's record do."""
    names = (value or "").split()
    return normalize_name(names[0] if names else "").replace(" ", "")


@dataclass(frozen=True, slots=True)
class PivotIdentity:
    given_name: str
    family_name: str
    birthdate: date
    gender: str
    birthplace: str
    birthcountry: str

    @classmethod
    def from_claims(cls, claims: dict[str, str]) -> "PivotIdentity | None":
        """Build from FranceConnect's claims; None when a claim needed for the match is missing or malformed."""
        try:
            birthdate = date.fromisoformat(claims["birthdate"])
        except (KeyError, ValueError):
            return None
        gender = claims.get("gender", "")
        country = claims.get("birthcountry", "")
        if gender not in {"male", "female"} or not country or not claims.get("family_name"):
            return None
        return cls(
            given_name=claims.get("given_name", ""),
            family_name=claims["family_name"],
            birthdate=birthdate,
            gender=gender,
            birthplace=claims.get("birthplace", ""),
            birthcountry=country,
        )


def nir_mismatches(nir: str, pivot: PivotIdentity) -> list[str]:
    """Return the names of the pivot fields the NIR contradicts (empty list: consistent)."""
    nir = normalize_nir(nir)
    mismatches = []
    # Odd first digit: man; even: woman (1/2, and 3/4, 7/8 for provisional numbers).
    nir_gender = "male" if int(nir[0]) % 2 == 1 else "female"
    if nir_gender != pivot.gender:
        mismatches.append("gender")
    if int(nir[1:3]) != pivot.birthdate.year % 100:
        mismatches.append("birth_year")
    nir_month = int(nir[3:5])
    # Months 20 and above stand for a birth month unknown to the civil registry: nothing to compare.
    if 1 <= nir_month <= 12 and nir_month != pivot.birthdate.month:
        mismatches.append("birth_month")
    if not _birth_place_matches(nir[5:10], pivot):
        mismatches.append("birth_place")
    return mismatches


def _birth_place_matches(nir_place: str, pivot: PivotIdentity) -> bool:
    if pivot.birthcountry != FRANCE_COG:
        # Born abroad: department 99 followed by the last three digits of the COG country code.
        return nir_place == "99" + pivot.birthcountry[2:]
    place = pivot.birthplace.upper()
    if not place:
        return False
    if nir_place == place or nir_place in _CITY_ARRONDISSEMENTS.get(place, ()):
        return True
    # Born in Corsica before 1976: the NIR says department 20, the COG today says 2A or 2B.
    return nir_place[:2] == "20" and place[:2] in {"2A", "2B"} and nir_place[2:] == place[2:]


def registry_mismatches(assure, pivot: PivotIdentity) -> list[str]:
    """Fields on which the assuré's record contradicts the pivot identity."""
    mismatches = []
    if assure.birth_date != pivot.birthdate:
        mismatches.append("birth_date")
    if normalize_name(assure.birth_name) != normalize_name(pivot.family_name):
        mismatches.append("birth_name")
    # Twins share a birth date, a commune and a birth name, and their NIRs differ only by the order number: the
    # given name is what tells one from the other.
    if first_given_name(assure.given_names) != first_given_name(pivot.given_name):
        mismatches.append("given_name")
    return mismatches
