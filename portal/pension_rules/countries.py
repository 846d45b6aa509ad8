"""Periods abroad: which social-security agreement binds each country to France (docs/pension-rules.md §17).

The table is data/countries.csv: every ISO 3166-1 code (plus XK, Kosovo) with its French name, the kind of agreement,
its label, the date it entered into force, its source and an `uncertain` flag where the sources disagree or were not
found. The kinds follow the Cnav's types of convention (legislation.cnav.fr « Accords internationaux ») and the
CFDT's list (fiche 59): the kind says how the French caisse computes its share, not what the foreign scheme pays.

Periods completed before an agreement entered into force still count once it applies (Cnav): `in_force_from` dates
the text, it does not cut the career.
"""

import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType

from portal.pension_rules import parameters


class AgreementKind(enum.StrEnum):
    # Regulation (EC) 883/2004: EU, EEA (Iceland, Liechtenstein, Norway) and Switzerland. Foreign periods count for
    # the taux; the caisse computes a national pension (French periods only) and a prorated one, and pays the higher.
    EU = "eu"
    # The EU–UK protocol on social security coordination, applied since 1 January 2021: computed like EU.
    UK = "uk"
    # Convention with a separate computation (CFDT type C): foreign periods count for the taux only, the French amount
    # is SAM × taux × French quarters / required quarters (Cnav, circulaire 117/83).
    SEPARATE = "separate"
    # Convention leaving the choice between the separate computation and totalisation-proratisation (CFDT type B).
    CHOICE = "choice"
    # Convention with totalisation-proratisation (CFDT type A): a theoretical pension on all periods, then × French
    # periods / all periods. Where the convention also provides the national computation and pays the higher (Japon,
    # Corée du Sud, Chili, Uruguay: the Cnav's « comparaison » type), Agreement.national_comparison says so.
    PRORATA = "prorata"
    # No agreement: periods there count for nothing (Carsat « Autres pays »), save équivalences, rachat and CFE.
    NONE = "none"
    # France and the overseas territories under a French scheme: these are French periods, not periods abroad.
    FRANCE = "france"


# What each kind does to the French pension; national_comparison and third_states depend on the text, hence the CSV.
_COUNTS_FOR_RATE = frozenset(
    {
        AgreementKind.EU,
        AgreementKind.UK,
        AgreementKind.SEPARATE,
        AgreementKind.CHOICE,
        AgreementKind.PRORATA,
        AgreementKind.FRANCE,
    }
)
_PRORATED = frozenset({AgreementKind.EU, AgreementKind.UK, AgreementKind.CHOICE, AgreementKind.PRORATA})
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Agreement:
    """The agreement under which a country's periods are taken into account by the French caisse.

    counts_for_rate: the foreign periods count in the durée d'assurance that sets the taux (and the décote).
    prorated_amount: the French amount may be a theoretical pension on all periods × French periods / all periods.
    national_comparison: the caisse also computes the pension on French periods alone and pays the higher.
    third_states: periods in a third state linked to both states by a convention may be added (CFDT 2025, CLEISS).
    """

    kind: AgreementKind
    label: str
    counts_for_rate: bool
    prorated_amount: bool
    national_comparison: bool
    third_states: bool
    in_force_from: date | None
    uncertain: bool
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    agreement: Agreement


def _flag(value: str, column: str, code: str) -> bool:
    try:
        return _BOOLEANS[value]
    except KeyError:
        raise ValueError(f"countries.csv, {code}: {column} must be true or false, not {value!r}.") from None


def _sort_key(name: str) -> tuple[str, str]:
    # Accents and case aside, as a French reader expects: « Égypte » sorts among the E, before « Espagne ».
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain.casefold(), name


def _country(row: dict[str, str]) -> Country:
    code = row["code"]
    kind = AgreementKind(row["agreement"])
    agreement = Agreement(
        kind=kind,
        label=row["label"],
        counts_for_rate=kind in _COUNTS_FOR_RATE,
        prorated_amount=kind in _PRORATED,
        national_comparison=_flag(row["national_comparison"], "national_comparison", code),
        third_states=_flag(row["third_states"], "third_states", code),
        in_force_from=date.fromisoformat(row["in_force"]) if row["in_force"] else None,
        uncertain=_flag(row["uncertain"], "uncertain", code),
        note=row["note"],
        source=row["source"],
    )
    if not (code.isascii() and code.isalpha() and code.isupper() and len(code) == 2):
        raise ValueError(f"countries.csv: {code!r} is not a two-letter code.")
    if not (row["name_fr"] and agreement.label and agreement.source):
        raise ValueError(f"countries.csv, {code}: the name, the label and the source are required.")
    if agreement.uncertain and not agreement.note:
        raise ValueError(f"countries.csv, {code}: an uncertain row says why in its note.")
    return Country(code=code, name=row["name_fr"], agreement=agreement)


@cache
def countries() -> MappingProxyType[str, Country]:
    """Every country of data/countries.csv by code, in the order of their French names (for a select list)."""
    table: dict[str, Country] = {}
    for row in parameters.rows("countries.csv"):
        entry = _country(row)
        if entry.code in table:
            raise ValueError(f"countries.csv: {entry.code} appears twice.")
        table[entry.code] = entry
    ordered = sorted(table.values(), key=lambda entry: _sort_key(entry.name))
    return MappingProxyType({entry.code: entry for entry in ordered})


def country(code: str) -> Country:
    """The country of a two-letter code (ISO 3166-1, case and spaces ignored). ValueError with a French message for a
    code that is not in the table, which the engine reports as an input error."""
    key = code.strip().upper()
    try:
        return countries()[key]
    except KeyError:
        raise ValueError(
            f"Pays inconnu : « {code} ». Indiquez le code du pays en deux lettres (norme ISO 3166-1), par exemple "
            "« DZ » pour l'Algérie."
        ) from None


def foreign_countries() -> MappingProxyType[str, Country]:
    """The countries a period abroad can be in: every country but France and the overseas territories under a
    French scheme, whose periods are French ones (ordered by French name, as countries())."""
    return _foreign_countries()


@cache
def _foreign_countries() -> MappingProxyType[str, Country]:
    return MappingProxyType(
        {code: place for code, place in countries().items() if place.agreement.kind is not AgreementKind.FRANCE}
    )


def foreign_country(code: str) -> Country:
    """country(code) for a period abroad: ValueError with a French message for France and its overseas
    territories (their periods are French periods, to be recorded as such) as for an unknown code."""
    place = country(code)
    if place.agreement.kind is AgreementKind.FRANCE:
        raise ValueError(
            f"{place.name} : une période là-bas est une période en France, pas à l'étranger ; elle doit figurer à "
            "la carrière comme les autres périodes en France."
        )
    return place


def same_agreement(a: str, b: str) -> bool:
    """Whether periods in a and in b fall under one and the same agreement, so that they add up.

    True for two states under the European regulation, for France and its overseas departments, and for two rows of
    one convention (the United States and Puerto Rico). Two different conventions never add here: a convention may let
    periods of a third state count (Agreement.third_states) only if that state is bound to both by a convention, which
    this table does not record, so the caisse works agreement by agreement (docs/pension-rules.md §17.1 and §17.4).
    The United Kingdom and an EU state are treated apart too: adding their periods under the protocol was not confirmed.
    Without an agreement there is nothing to add. ValueError for an unknown code.
    """
    first, second = country(a).agreement, country(b).agreement
    if AgreementKind.NONE in (first.kind, second.kind):
        return False
    return first.kind is second.kind and first.label == second.label


_FOREIGN_PENSION = (
    "La retraite du pays étranger est versée par sa propre caisse : elle n'est pas comprise dans cette simulation."
)
_VALIDATION = (
    "Le résultat dépend des périodes étrangères que votre caisse retiendra après vérification auprès du pays concerné."
)
_AGIRC_ARRCO_ABROAD = (
    "Les points Agirc-Arrco ne s'acquièrent que sur les salaires versés en France. Vos périodes à l'étranger jouent "
    "seulement sur le taux de votre retraite de base, et par lui sur une éventuelle minoration Agirc-Arrco."
)
_APART = (
    "Les périodes de deux pays liés à la France par des conventions différentes ne s'additionnent pas, sauf si la "
    "convention le prévoit : chaque convention est appliquée séparément."
)
_TWO_AMOUNTS = (
    "La caisse calcule deux montants : l'un sur vos seules périodes françaises, l'autre comme si toute votre carrière "
    "avait eu lieu en France, réduit à la part de vos périodes françaises. Le plus élevé vous est versé."
)

_ADVICE: Mapping[AgreementKind, tuple[str, ...]] = MappingProxyType(
    {
        AgreementKind.EU: (
            "Vos périodes dans un pays de l'Union européenne, de l'Espace économique européen ou en Suisse comptent "
            "pour le taux de votre retraite française, et celles de ces pays s'additionnent.",
            _TWO_AMOUNTS,
            _FOREIGN_PENSION,
            _VALIDATION,
            _AGIRC_ARRCO_ABROAD,
        ),
        AgreementKind.UK: (
            "Depuis le 1er janvier 2021, un accord entre l'Union européenne et le Royaume-Uni s'applique : vos "
            "périodes au Royaume-Uni comptent pour le taux de votre retraite française, comme dans l'Union.",
            _TWO_AMOUNTS,
            _FOREIGN_PENSION,
            _VALIDATION,
            _AGIRC_ARRCO_ABROAD,
        ),
        AgreementKind.SEPARATE: (
            "Vos périodes dans ce pays comptent pour le taux de votre retraite française, mais le montant français "
            "n'est calculé que sur vos trimestres en France.",
            _APART,
            _FOREIGN_PENSION,
            _VALIDATION,
            _AGIRC_ARRCO_ABROAD,
        ),
        AgreementKind.CHOICE: (
            "La convention prévoit deux calculs : l'un où vos périodes dans ce pays comptent seulement pour le taux, "
            "l'autre comme si toute votre carrière avait eu lieu en France, réduit à la part de vos périodes "
            "françaises. Vous pouvez choisir le plus avantageux.",
            _APART,
            _FOREIGN_PENSION,
            _VALIDATION,
            _AGIRC_ARRCO_ABROAD,
        ),
        AgreementKind.PRORATA: (
            "Vos périodes dans ce pays comptent pour le taux : la caisse calcule votre retraite comme si toute votre "
            "carrière avait eu lieu en France, puis la réduit à la part de vos périodes françaises.",
            _APART,
            _FOREIGN_PENSION,
            _VALIDATION,
            _AGIRC_ARRCO_ABROAD,
        ),
        AgreementKind.NONE: (
            "La France n'a pas de convention de sécurité sociale avec ce pays : vos périodes de travail là-bas ne "
            "comptent pas pour votre retraite française.",
            "Si vous y avez travaillé avant le 1er avril 1983, ces périodes peuvent, sous conditions, compter pour le "
            "taux comme « périodes équivalentes ».",
            "Vous pouvez, sous conditions, racheter des cotisations pour ces périodes.",
            "Les périodes où vous avez cotisé à l'assurance volontaire vieillesse, par exemple avec la Caisse des "
            "Français de l'étranger (CFE), comptent comme des périodes en France, de même que celles où votre "
            "employeur français vous avait détaché.",
            "Les points Agirc-Arrco ne s'acquièrent que sur les salaires versés en France.",
        ),
        AgreementKind.FRANCE: ("Ces périodes sont des périodes en France : elles comptent comme toutes les autres.",),
    }
)


def advice(kind: AgreementKind) -> tuple[str, ...]:
    """The French sentences the simulation page shows for periods in a country of this kind (§17.4 points 2 to 6)."""
    return _ADVICE[kind]
