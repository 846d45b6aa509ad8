"""Template globals and filters. The French formatting of amounts, dates and plurals is portal.formatting's,
registered here as filters; the rest (elision, possessives, places of birth, NIR, SIRET) is the pages' own."""

import calendar
import csv
import json
import logging
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType

from flask import Flask, g
from jinja2 import pass_context

from portal.formatting import (
    format_cents,
    format_date,
    format_datetime,
    format_euros,
    format_filesize,
    format_number,
    format_points,
    plural,
)
from portal.paths import ROOT_DIR

logger = logging.getLogger(__name__)


def recourse_deadline(decided_at: datetime) -> date:
    """Two months after the decision (CSS R142-1: the recours amiable is open for two months)."""
    month = decided_at.month + 2
    year = decided_at.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(decided_at.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def format_siret(value: str | None) -> str:
    if not value or len(value) != 14:
        return value or ""
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"


# Words that elide their vowel before a vowel sound: "de Anne" is written "d'Anne", "le hôpital" "l'hôpital".
ELIDING_WORDS = {"de": "d'", "le": "l'", "la": "l'", "que": "qu'", "je": "j'", "ne": "n'", "me": "m'", "te": "t'",
                 "se": "s'", "ce": "c'", "jusque": "jusqu'", "lorsque": "lorsqu'", "puisque": "puisqu'"}  # fmt: skip
# The h aspiré forbids the elision ("de Hongrie", "le haut"); every other h is mute ("d'Hélène", "l'hôpital"). The
# common words and names of places that begin with one, compared without accents.
ASPIRATED_H = frozenset({
    "hache", "haie", "haine", "hall", "halte", "hameau", "hanche", "handicap", "hangar", "hareng", "haricot",
    "hasard", "hate", "hausse", "haut", "haute", "hauteur", "havre", "heros", "hetre", "hibou", "hierarchie",
    "hollande", "homard", "hongrie", "honte", "hors", "hotte", "houx", "huit", "huitieme", "hurlement",
})  # fmt: skip


def _starts_with_vowel_sound(text: str) -> bool:
    word = "".join(c for c in unicodedata.normalize("NFKD", text.strip()) if not unicodedata.combining(c)).lower()
    if not word:
        return False
    if word[0] in "aeiou":
        return True
    if word[0] == "h":
        return word.split()[0].split("-")[0].strip(".,;:!?'") not in ASPIRATED_H
    # A y before a consonant is a vowel (d'Yves, d'Yvonne), before a vowel a consonant (de Yann, le yaourt).
    return word[0] == "y" and len(word) > 1 and word[1] not in "aeiouy"


def elide(word: str, following: str) -> str:
    """`word` joined to `following` as French writes it: elide("de", "Anne-Sophie GIRARD") is "d'Anne-Sophie
    GIRARD", elide("de", "Jean-Pierre MARTIN") "de Jean-Pierre MARTIN", elide("De", "Hélène") "D'Hélène". The one
    place where the portal elides; templates use it as the `elide` filter: {{ "de"|elide(name) }}."""
    elided = ELIDING_WORDS.get(word.lower())
    if elided is None or not _starts_with_vowel_sound(following):
        return f"{word} {following}"
    if word[:1].isupper():
        elided = elided[:1].upper() + elided[1:]
    return f"{elided}{following}"


POSSESSIVES = (("les ", "vos "), ("la ", "votre "), ("le ", "votre "), ("l'", "votre "), ("l’", "votre "))


@pass_context
def possessive(context, phrase: str) -> str:
    """Speak of the person whose space it is: "la carrière" is "votre carrière" to the person, and "la carrière
    d'Anne-Sophie GIRARD" to a representative acting for her (the `acting` of the page's context). Capitals follow:
    "Les droits" gives "Vos droits"."""
    acting = context.get("acting")
    if acting:
        return f"{phrase} {elide('de', acting.assure.display_name)}"
    for article, yours in POSSESSIVES:
        if phrase.lower().startswith(article):
            rest = phrase[len(article) :]
            return (yours.capitalize() if phrase[:1].isupper() else yours) + rest
    return phrase


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        elide=elide,
        possessive=possessive,
        date_fr=format_date,
        euros=format_euros,
        cents=format_cents,
        number_fr=format_number,
        points_fr=format_points,
        siret=format_siret,
        nir=format_nir,
        iso_date_fr=iso_date_fr,
        birth_place_fr=birth_place_fr,
        datetime_fr=format_datetime,
        filesize_fr=format_filesize,
        recourse_deadline=recourse_deadline,
        plural=plural,
    )

    @app.context_processor
    def _globals():
        return {
            "csp_nonce": g.get("csp_nonce", ""),
            "service_name": app.config["SERVICE_NAME"],
            "operator_name": app.config["OPERATOR_NAME"],
        }


def iso_date_fr(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return value or ""


# Places of birth are sent as codes of the INSEE's code officiel géographique (COG): a commune's code for a person
# born in France, 99 followed by the country's code for one born abroad. The communes come from the npm package
# @etalab/decoupage-administratif (package.json, installed by `make install`), the countries from a small file of
# our own (data/pays_insee.csv, its source in its header); each is read once per process, when first needed.
FRANCE_COG = "99100"
COMMUNES_FILE = ROOT_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "communes.json"
COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "pays_insee.csv"
# A code may name several entries (a commune nouvelle shares its code with its commune déléguée chef-lieu): the
# first kind in this order wins.
COMMUNE_KINDS = ("commune-actuelle", "arrondissement-municipal", "commune-deleguee", "commune-associee")


@cache
def commune_names() -> MappingProxyType[str, str]:
    """COG code of each commune (and Paris, Lyon and Marseille arrondissement) to « Nom (département) »."""
    try:
        with COMMUNES_FILE.open(encoding="utf-8") as file:
            communes = json.load(file)
    except FileNotFoundError:
        # The page still reads (codes instead of names); the log says what to install.
        logger.error("%s is missing: `make install` (npm ci) installs @etalab/decoupage-administratif", COMMUNES_FILE)
        return MappingProxyType({})
    rank = {kind: index for index, kind in enumerate(COMMUNE_KINDS)}
    chosen: dict[str, tuple[int, str]] = {}
    for commune in communes:
        kind = rank.get(commune.get("type"), len(rank))
        if commune["code"] not in chosen or kind < chosen[commune["code"]][0]:
            chosen[commune["code"]] = (kind, f"{commune['nom']} ({commune['departement']})")
    return MappingProxyType({code: name for code, (_kind, name) in chosen.items()})


@cache
def country_names() -> MappingProxyType[str, str]:
    """COG code (99xxx) of each foreign country or territory to its name."""
    with COUNTRIES_FILE.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        return MappingProxyType({row["code"]: row["libelle"] for row in rows})


def birth_place_fr(pivot: Mapping[str, str]) -> str:
    """The place of birth of an identité pivot (claims `birthplace`, `birthcountry`), in words: « Rennes (35) »,
    « Algérie »; a code the data lacks (a Corsican commune before 1976, coded 20xxx then) keeps its code."""
    country = pivot.get("birthcountry") or FRANCE_COG
    if country != FRANCE_COG:
        return country_names().get(country, f"pays (code INSEE {country})")
    place = pivot.get("birthplace") or ""
    if not place:
        return "France"
    return commune_names().get(place.upper(), f"commune (code INSEE {place})")


def format_nir(value: str | None) -> str:
    """`1 62 05 69 383 045 84`, grouped as on the carte Vitale."""
    if not value or len(value) != 15:
        return value or ""
    return " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]))
