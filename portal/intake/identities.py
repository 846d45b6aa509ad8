"""Identity records, as the fund's identity register sends them (docs/intake.md): a person's civil state, postal
address in France or abroad, e-mail address, date of death and whether a pension is being paid. A record creates
the assuré when the NIR is new, and replaces what the register said before otherwise; the same record again changes
nothing. The campaigns (who is retired, deceased, reachable by e-mail) and the door for people abroad (the postal
address a code is sent to) read them."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from stdnum.fr import nir as nir_checker

from portal.agents.models import Caisse
from portal.careers.models import Assure
from portal.db import db
from portal.intake.models import IdentityRecord
from portal.intake.reports import Refused
from portal.pension_rules import countries

COLUMNS = (
    "nir",
    "birth_name",
    "usage_name",
    "given_names",
    "birth_date",
    "birth_place",
    "birth_country",
    "address_1",
    "address_2",
    "postal_code",
    "city",
    "country",
    "email",
    "death_date",
    "pension_in_payment",
    "caisse",
)
FRANCE_COG = "99100"
# An address a person gave: something before and after one @, a dot in the domain, no space (RFC 5321 length).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES = {"oui": True, "non": False, "1": True, "0": False, "true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Identity:
    line: int
    nir: str
    birth_name: str
    usage_name: str | None
    given_names: str
    birth_date: date
    birth_place: str | None
    birth_country: str
    address_1: str
    address_2: str | None
    postal_code: str | None
    city: str
    country: str
    email: str | None
    death_date: date | None
    pension_in_payment: bool
    caisse: str | None

    @property
    def digest(self) -> str:
        content = {key: str(value) for key, value in asdict(self).items() if key != "line"}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _text(row: dict[str, str | None], name: str, *, limit: int = 200) -> str:
    value = " ".join((row.get(name) or "").split())
    if len(value) > limit:
        raise Refused(f"La colonne {name} dépasse {limit} caractères.")
    return value


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Refused(f"La date {label} « {value} » n'est pas une date réelle au format AAAA-MM-JJ.") from None


def parse(line: int, row: dict[str, str | None]) -> Identity:
    """One identity record; raises Refused with the reason in French."""
    if None in row:
        raise Refused("La ligne a plus de colonnes que l'en-tête.")
    nir = _text(row, "nir").replace(" ", "")
    if not nir_checker.is_valid(nir):
        raise Refused("Le NIR est invalide (13 chiffres et une clé de 2 chiffres qui correspond).")
    if nir[0] not in "12":
        raise Refused("Un NIR provisoire (commençant par 7 ou 8) ne crée pas de dossier : envoyez le NIR définitif.")
    birth_name, given_names = _text(row, "birth_name", limit=120), _text(row, "given_names")
    if not birth_name or not given_names:
        raise Refused("Le nom de naissance et les prénoms sont obligatoires.")
    birth_date = _date(_text(row, "birth_date"), "de naissance")
    if int(nir[1:3]) != birth_date.year % 100 or (1 <= int(nir[3:5]) <= 12 and int(nir[3:5]) != birth_date.month):
        raise Refused("La date de naissance ne correspond pas à l'année et au mois du NIR.")
    birth_country = _text(row, "birth_country") or FRANCE_COG
    birth_place = _text(row, "birth_place").upper() or None
    if not re.fullmatch(r"99\d{3}", birth_country):
        raise Refused("Le pays de naissance est un code COG à 5 chiffres commençant par 99 (99100 pour la France).")
    if birth_country == FRANCE_COG and (birth_place is None or not re.fullmatch(r"\d[\dAB]\d{3}", birth_place)):
        raise Refused("Né en France : la commune de naissance est un code COG à 5 caractères.")
    address_1, city = _text(row, "address_1"), _text(row, "city", limit=120)
    if not address_1 or not city:
        raise Refused("L'adresse postale (première ligne et ville) est obligatoire.")
    country = (_text(row, "country") or "FR").upper()
    postal_code = _text(row, "postal_code", limit=20) or None
    if country == "FR":
        if postal_code is None or not re.fullmatch(r"\d{5}", postal_code):
            raise Refused("Une adresse en France a un code postal à 5 chiffres.")
    else:
        try:
            country = countries.foreign_country(country).code
        except ValueError as error:
            raise Refused(str(error)) from None
    email = _text(row, "email", limit=254) or None
    if email is not None and not EMAIL.fullmatch(email):
        raise Refused(f"L'adresse électronique « {email} » n'est pas une adresse valide.")
    death = _text(row, "death_date")
    death_date = _date(death, "de décès") if death else None
    if death_date is not None and death_date < birth_date:
        raise Refused("La date de décès est antérieure à la date de naissance.")
    paid = _text(row, "pension_in_payment").lower() or "non"
    if paid not in YES:
        raise Refused("La colonne pension_in_payment vaut oui ou non.")
    return Identity(
        line=line,
        nir=nir,
        birth_name=birth_name,
        usage_name=_text(row, "usage_name", limit=120) or None,
        given_names=given_names,
        birth_date=birth_date,
        birth_place=birth_place if birth_country == FRANCE_COG else None,
        birth_country=birth_country,
        address_1=address_1,
        address_2=_text(row, "address_2") or None,
        postal_code=postal_code,
        city=city,
        country=country,
        email=email,
        death_date=death_date,
        pension_in_payment=YES[paid],
        caisse=_text(row, "caisse", limit=32).upper() or None,
    )


def apply_chunk(file_id: int, lines: list[tuple[int, dict[str, str | None]]]) -> tuple[dict[str, int], list]:
    """Apply one chunk of identity records: (counts, rejects as (line, reason))."""
    parsed: list[Identity] = []
    rejects: list[tuple[int, str]] = []
    for line, row in lines:
        try:
            parsed.append(parse(line, row))
        except Refused as refusal:
            rejects.append((line, str(refusal)))
    nirs = {identity.nir for identity in parsed}
    assures = {a.nir: a for a in db.session.execute(select(Assure).where(Assure.nir.in_(nirs))).scalars()}
    records = {
        record.assure_id: record
        for record in db.session.execute(
            select(IdentityRecord).where(IdentityRecord.assure_id.in_({a.id for a in assures.values()}))
        ).scalars()
    }
    caisses = {caisse.code: caisse.id for caisse in db.session.execute(select(Caisse)).scalars()}
    counts = {"created": 0, "corrected": 0, "unchanged": 0, "conflicts": 0}
    for identity in parsed:
        if identity.caisse is not None and identity.caisse not in caisses:
            rejects.append((identity.line, f"Caisse inconnue « {identity.caisse} »."))
            continue
        assure = assures.get(identity.nir)
        civil_state: dict[str, object] = {
            "sex": identity.nir[0],
            "birth_name": identity.birth_name,
            "usage_name": identity.usage_name,
            "given_names": identity.given_names,
            "birth_date": identity.birth_date,
            "birth_place_code": identity.birth_place,
            "birth_country_code": identity.birth_country,
        }
        if identity.caisse is not None:
            civil_state["caisse_id"] = caisses[identity.caisse]
        record = records.get(assure.id) if assure is not None else None
        if record is not None and record.content_digest == identity.digest:
            counts["unchanged"] += 1
            continue
        if assure is None:
            assure = assures[identity.nir] = Assure(nir=identity.nir, **civil_state)
            db.session.add(assure)
            db.session.flush()
            counts["created"] += 1
        else:
            for name, value in civil_state.items():
                setattr(assure, name, value)
            counts["corrected"] += 1
        if record is None:
            record = records[assure.id] = IdentityRecord(assure_id=assure.id)
            db.session.add(record)
        record.address_1, record.address_2 = identity.address_1, identity.address_2
        record.postal_code, record.city, record.country = identity.postal_code, identity.city, identity.country
        record.email, record.death_date = identity.email, identity.death_date
        record.pension_in_payment = identity.pension_in_payment
        record.content_digest, record.file_id = identity.digest, file_id
    db.session.flush()
    return counts, rejects
