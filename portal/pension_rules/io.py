"""The JSON face of the engine: parse a request into a SimulationInput, refusing bad input with precise French
messages, and turn a SimulationResult into JSON-ready data. The web page, the API and `flask simulate` all go
through here, so that they accept and refuse exactly the same things (schema: docs/simulation.md)."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal.pension_rules import buy_back, countries, parameters
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.model import (
    BuyBackOption,
    CareerEntry,
    ChildInput,
    CivilService,
    Departure,
    Explanation,
    FutureWork,
    Kind,
    Pension,
    Sex,
    SimulationInput,
    SimulationResult,
    Summary,
    YearQuarters,
)
from portal.pension_rules.schemes import CIVIL_SERVICE_SCHEMES, REGIMES

MAX_CAREER_ENTRIES = 1000
MAX_CHILDREN = 20
MAX_FUTURE = 20
MAX_COMPARE = 4
# The indices majorés of the grilles go up to about 1 500 (hors échelle letters beyond): a bound against typos.
MAX_INDEX = 2000
MAX_AMOUNT = Decimal("100000000")
CENT = Decimal("0.01")
# ASCII digits only, as the schema says: \d would also take other scripts' digits (« ２０２８-０１-０１ »).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates the simulator can reason about: people born from 1950, pensions until the end of the century.
MIN_YEAR, MAX_YEAR = 1900, 2100
# An error message repeats at most this much of what was sent: enough to recognise the value, never a 10 kB echo.
EXCERPT_LENGTH = 40


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """What a message may repeat of a value that was sent: at most `limit` characters, then « … »; characters that
    cannot be shown (controls, such as a terminal's escape sequences) are replaced by « � »."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    shown = "".join(char if char.isprintable() else "\ufffd" for char in text[:limit])
    return shown + "…" if len(text) > limit else shown


@dataclass(frozen=True)
class InputError:
    field: str
    message: str


class InvalidInput(ValueError):
    """The input is refused; `errors` lists each field with its French message."""

    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(f"{error.field} : {error.message}" for error in errors))
        self.errors = errors


class _Reader:
    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(InputError(field, message))

    def date(self, data: dict[str, object], key: str, path: str, *, required: bool = False) -> date | None:
        value = data.get(key)
        if value is None or (value == "" and required):
            if required:
                self.fail(path, "Ce champ est obligatoire (date au format AAAA-MM-JJ).")
            return None
        if value == "":
            # The schema says a date or null: an empty string is neither, rather than silently "no date".
            self.fail(path, "Indiquez une date au format AAAA-MM-JJ, ou null.")
            return None
        if not isinstance(value, str):
            self.fail(path, "Indiquez une date au format AAAA-MM-JJ, par exemple 1964-03-15.")
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"« {excerpt(value)} » n'est pas une date qui existe (format AAAA-MM-JJ).")
            return None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.fail(path, f"Indiquez une date entre {MIN_YEAR} et {MAX_YEAR}.")
            return None
        return parsed

    def integer(
        self, data: dict[str, object], key: str, path: str, *, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "Indiquez un nombre entier.")
            return None
        if value < minimum:
            self.fail(path, "Ce nombre ne peut pas être négatif." if minimum == 0 else f"Au moins {minimum}.")
            return None
        if maximum is not None and value > maximum:
            self.fail(path, f"Au plus {maximum}.")
            return None
        return value

    def amount(self, data: dict[str, object], key: str, path: str, *, required: bool = False) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, "Ce montant est obligatoire.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(path, "Indiquez un montant en euros, par exemple 24500.50.")
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(path, f"« {excerpt(value)} » n'est pas un montant.")
            return None
        if not amount.is_finite():
            self.fail(path, "Indiquez un montant en euros.")
            return None
        if amount < 0:
            self.fail(path, "Un montant ne peut pas être négatif.")
            return None
        if amount > MAX_AMOUNT:
            self.fail(path, "Ce montant est trop élevé.")
            return None
        return amount


def parse_input(data: object, *, today: date) -> SimulationInput:
    """Read a JSON object into a SimulationInput. Raises InvalidInput listing every problem found."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise InvalidInput([InputError("", "La requête doit être un objet JSON.")])
    known = {
        "birth_date", "as_of", "sex", "pension_date", "compare_dates", "children", "career", "summary",
        "future_earnings", "buy_back", "civil_service",
    }  # fmt: skip
    for key in data:
        if key not in known:
            reader.fail(excerpt(key), "Ce champ n'existe pas dans le schéma de simulation.")
    as_of = reader.date(data, "as_of", "as_of") or today
    birth_date = reader.date(data, "birth_date", "birth_date", required=True)
    if birth_date is not None:
        if birth_date > as_of:
            reader.fail("birth_date", "La date de naissance est dans le futur.")
        elif birth_date < parameters.FIRST_SUPPORTED_BIRTH_DATE:
            reader.fail("birth_date", "Le simulateur couvre les personnes nées à partir du 1er janvier 1950.")
        elif as_of.year - birth_date.year < 14:
            reader.fail("birth_date", "Le simulateur s'adresse aux personnes d'au moins 14 ans.")
    if as_of.year > MAX_YEAR - 60:
        reader.fail("as_of", f"Indiquez une date de simulation avant {MAX_YEAR - 60}.")
    if as_of < parameters.FIRST_SUPPORTED_PENSION_DATE:
        reader.fail("as_of", "Le simulateur applique les règles en vigueur depuis le 1er septembre 2023.")
    sex = None
    if data.get("sex") is not None:
        try:
            sex = Sex(data["sex"])
        except ValueError:
            reader.fail("sex", "Indiquez « F » ou « M ».")
    pension_date = reader.date(data, "pension_date", "pension_date")
    _check_departure(reader, pension_date, "pension_date", as_of)
    compare_dates: list[date] = []
    raw_compare = data.get("compare_dates")
    if raw_compare is None:
        raw_compare = []
    if not isinstance(raw_compare, list):
        reader.fail("compare_dates", "Indiquez une liste de dates.")
        raw_compare = []
    if len(raw_compare) > MAX_COMPARE:
        reader.fail("compare_dates", f"Comparez au plus {MAX_COMPARE} dates.")
        raw_compare = []
    for index, value in enumerate(raw_compare):
        path = f"compare_dates[{index}]"
        compared = reader.date({"d": value}, "d", path, required=True)
        _check_departure(reader, compared, path, as_of)
        if compared is not None:
            compare_dates.append(compared)
    children = _children(reader, data.get("children"), birth_date, as_of)
    career = _career(reader, data.get("career"), birth_date, as_of)
    summary = _summary(reader, data.get("summary"))
    future = _future(reader, data.get("future_earnings"), as_of)
    civil = _civil_service(reader, data.get("civil_service"), as_of)
    if not career and summary is None and not any(error.field.startswith("career") for error in reader.errors):
        reader.fail(
            "career",
            "La carrière est vide : ajoutez au moins une année, ou un résumé (trimestres, salaire annuel moyen).",
        )
    if reader.errors:
        raise InvalidInput(reader.errors)
    assert birth_date is not None
    return SimulationInput(
        birth_date=birth_date,
        as_of=as_of,
        career=tuple(career),
        sex=sex,
        pension_date=pension_date,
        compare_dates=tuple(compare_dates),
        children=tuple(children),
        summary=summary,
        future=tuple(future),
        civil_service=civil,
    )


def _check_departure(reader: _Reader, value: date | None, path: str, as_of: date) -> None:
    if value is None:
        return
    if value.day != 1:
        reader.fail(path, "Une retraite commence toujours le 1er jour d'un mois.")
    elif value <= as_of:
        reader.fail(path, "La date de départ doit être dans le futur.")
    elif value.year > as_of.year + 60:
        reader.fail(path, "Cette date de départ est trop lointaine.")


def _refuse_unknown(reader: _Reader, item: dict[str, object], path: str, known: set[str]) -> None:
    for key in item:
        if key not in known:
            reader.fail(f"{path}.{excerpt(key)}", "Ce champ n'existe pas dans le schéma de simulation.")


def _list(reader: _Reader, value: object, path: str, maximum: int) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        reader.fail(path, "Indiquez une liste.")
        return []
    if len(value) > maximum:
        reader.fail(path, f"Au plus {maximum} éléments.")
        return []
    return value


def _children(reader: _Reader, value: object, birth_date: date | None, as_of: date) -> list[ChildInput]:
    children = []
    for index, item in enumerate(_list(reader, value, "children", MAX_CHILDREN)):
        path = f"children[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, "Chaque enfant est un objet avec sa date de naissance.")
            continue
        _refuse_unknown(reader, item, path, {"birth_date", "adopted", "mda_quarters"})
        born = reader.date(item, "birth_date", f"{path}.birth_date", required=True)
        if born is not None and born > as_of:
            reader.fail(f"{path}.birth_date", "La date de naissance de l'enfant est dans le futur.")
        if born is not None and birth_date is not None and born <= birth_date:
            reader.fail(f"{path}.birth_date", "L'enfant ne peut pas être né avant son parent.")
        adopted = item.get("adopted", False)
        if not isinstance(adopted, bool):
            reader.fail(f"{path}.adopted", "Indiquez true ou false.")
        mda = reader.integer(item, "mda_quarters", f"{path}.mda_quarters", maximum=8)
        if born is not None:
            children.append(ChildInput(birth_date=born, adopted=bool(adopted), mda_quarters=mda))
    return children


def _career(reader: _Reader, value: object, birth_date: date | None, as_of: date) -> list[CareerEntry]:
    entries = []
    kinds = ", ".join(kind.value for kind in Kind)
    for index, item in enumerate(_list(reader, value, "career", MAX_CAREER_ENTRIES)):
        path = f"career[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, "Chaque ligne de carrière est un objet {year, regime, kind…}.")
            continue
        for key in item:
            if key not in {"year", "regime", "kind", "earnings", "days", "quarters", "points", "country"}:
                reader.fail(f"{path}.{excerpt(key)}", "Ce champ n'existe pas pour une ligne de carrière.")
        year = reader.integer(item, "year", f"{path}.year", minimum=1)
        if year is None and item.get("year") is None:
            reader.fail(f"{path}.year", "L'année est obligatoire.")
        elif year is not None:
            if year > as_of.year:
                reader.fail(
                    f"{path}.year", f"{excerpt(year)} n'est pas encore passée : indiquez-la en revenus à venir."
                )
                year = None
            elif birth_date is not None and year < birth_date.year + 14:
                reader.fail(f"{path}.year", f"En {year}, vous n'aviez pas 14 ans.")
                year = None
        regime = item.get("regime")
        if not isinstance(regime, str) or regime not in REGIMES:
            reader.fail(f"{path}.regime", f"Régime inconnu. Valeurs possibles : {', '.join(sorted(REGIMES))}.")
            regime = None
        raw_kind = item.get("kind")
        kind: Kind | None
        try:
            kind = Kind(raw_kind) if isinstance(raw_kind, str) else Kind("")
        except ValueError:
            reader.fail(f"{path}.kind", f"Nature inconnue « {excerpt(raw_kind)} ». Valeurs possibles : {kinds}.")
            kind = None
        earnings = reader.amount(item, "earnings", f"{path}.earnings")
        days = reader.integer(item, "days", f"{path}.days", maximum=366)
        quarters = reader.integer(item, "quarters", f"{path}.quarters", maximum=4)
        points = reader.amount(item, "points", f"{path}.points")
        if (
            year is not None
            and kind in (Kind.SALARIED, Kind.SELF_EMPLOYED, Kind.AVPF)
            and quarters is None
            and earnings is not None
            and year not in parameters.quarter_thresholds()
            and year <= max(parameters.quarter_thresholds())
        ):
            reader.fail(
                f"{path}.quarters", f"Le seuil de validation de {year} n'est pas connu : indiquez les trimestres."
            )
        country = _country(reader, item, path, regime, kind)
        if year is not None and regime is not None and kind is not None:
            entries.append(CareerEntry(year, regime, kind, earnings, days, quarters, points, country))
    return entries


def _country(reader: _Reader, item: dict[str, object], path: str, regime: str | None, kind: Kind | None) -> str | None:
    """The country of a period abroad, ISO 3166-1 alpha-2; only for such a period (`kind: abroad` or the ETRANGER
    régime), where it says which agreement counts its quarters (pension-rules §17)."""
    value = item.get("country")
    if value is None:
        return None
    if kind is not Kind.ABROAD and regime != parameters.ABROAD_SCHEME:
        reader.fail(f"{path}.country", "Le pays ne s'indique que pour une période à l'étranger (kind « abroad »).")
        return None
    if not isinstance(value, str):
        reader.fail(f"{path}.country", "Indiquez le code du pays en deux lettres (ISO 3166-1), par exemple « PT ».")
        return None
    try:
        return countries.foreign_country(value).code
    except ValueError as error:
        reader.fail(f"{path}.country", str(error))
        return None


def _summary(reader: _Reader, value: object) -> Summary | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.fail("summary", "Le résumé est un objet {quarters_all_regimes, …}.")
        return None
    before = len(reader.errors)
    _refuse_unknown(
        reader,
        value,
        "summary",
        {
            "quarters_all_regimes", "quarters_regime_general", "quarters_contributed", "sam", "agirc_arrco_points",
            "quarters_by_scheme", "quarters_abroad",
        },
    )  # fmt: skip
    quarters_all = reader.integer(value, "quarters_all_regimes", "summary.quarters_all_regimes", maximum=400)
    quarters_rg = reader.integer(value, "quarters_regime_general", "summary.quarters_regime_general", maximum=400)
    contributed = reader.integer(value, "quarters_contributed", "summary.quarters_contributed", maximum=400)
    sam = reader.amount(value, "sam", "summary.sam", required=True)
    points = reader.amount(value, "agirc_arrco_points", "summary.agirc_arrco_points") or Decimal(0)
    for key in ("quarters_all_regimes", "quarters_regime_general", "quarters_contributed"):
        # Absent or null alike (a null was let through as "no value", then failed an assertion: a 500).
        if value.get(key) is None:
            reader.fail(f"summary.{key}", "Ce nombre de trimestres est obligatoire.")
    if len(reader.errors) > before:
        return None
    assert quarters_all is not None
    assert quarters_rg is not None
    assert contributed is not None
    assert sam is not None
    if quarters_rg > quarters_all:
        reader.fail("summary.quarters_regime_general", "Le régime général ne peut pas dépasser le total.")
    if contributed > quarters_all:
        reader.fail("summary.quarters_contributed", "Les trimestres cotisés ne peuvent pas dépasser le total.")
    by_scheme = _quarters_map(reader, value.get("quarters_by_scheme"), "summary.quarters_by_scheme", _scheme_code)
    abroad = _quarters_map(reader, value.get("quarters_abroad"), "summary.quarters_abroad", _country_code)
    if sum(by_scheme.values()) > quarters_all:
        reader.fail("summary.quarters_by_scheme", "Les trimestres par régime ne peuvent pas dépasser le total.")
    return Summary(quarters_all, quarters_rg, contributed, sam, points, by_scheme, abroad)


def _scheme_code(value: str) -> str:
    if value not in CIVIL_SERVICE_SCHEMES:
        raise ValueError(f"Régime « {excerpt(value)} » : indiquez SRE ou CNRACL (les autres sont dans les totaux).")
    return value


def _country_code(value: str) -> str:
    return countries.foreign_country(value).code


def _quarters_map(reader: _Reader, value: object, path: str, key_of: Callable[[str], str]) -> dict[str, int]:
    """{code: quarters} of the summary mode: quarters of a civil-service scheme, quarters abroad by country."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        reader.fail(path, "Indiquez un objet {code: nombre de trimestres}.")
        return {}
    result: dict[str, int] = {}
    for raw, count in value.items():
        try:
            code = key_of(raw)
        except ValueError as error:
            reader.fail(f"{path}.{excerpt(raw)}", str(error))
            continue
        quarters = reader.integer(value, raw, f"{path}.{excerpt(raw)}", maximum=400)
        if quarters is None and count is None:
            reader.fail(f"{path}.{excerpt(raw)}", "Indiquez un nombre de trimestres.")
        if quarters is not None:
            result[code] = result.get(code, 0) + quarters
    return result


def _civil_service(reader: _Reader, value: object, as_of: date) -> CivilService | None:
    """The civil-service block (pension-rules §16.11): what the pension of a fonctionnaire needs beyond the
    quarters of the career."""
    if value is None:
        return None
    path = "civil_service"
    if not isinstance(value, dict):
        reader.fail(path, "La situation de fonctionnaire est un objet {scheme, category, index, index_since…}.")
        return None
    before = len(reader.errors)
    _refuse_unknown(
        reader,
        value,
        path,
        {
            "scheme", "category", "active_years", "index", "index_since", "previous_index", "children_before_2004",
            "annual_bonuses",
        },
    )  # fmt: skip
    scheme = value.get("scheme")
    if not isinstance(scheme, str) or scheme not in CIVIL_SERVICE_SCHEMES:
        reader.fail(
            f"{path}.scheme", "Indiquez « SRE » (fonction publique d'État) ou « CNRACL » (territoriale, hospitalière)."
        )
    category = value.get("category")
    if category is None:
        category = "sedentary"
    if not isinstance(category, str) or category not in {"sedentary", "active", "super_active"}:
        reader.fail(f"{path}.category", "Indiquez « sedentary », « active » ou « super_active ».")
    active_years = reader.integer(value, "active_years", f"{path}.active_years", maximum=50)
    index = reader.integer(value, "index", f"{path}.index", minimum=1, maximum=MAX_INDEX)
    if value.get("index") is None:
        reader.fail(f"{path}.index", "Indiquez l'indice majoré détenu (il figure sur votre bulletin de paie).")
    index_since = reader.date(value, "index_since", f"{path}.index_since", required=True)
    if index_since is not None and index_since > as_of:
        reader.fail(f"{path}.index_since", "Cette date est dans le futur.")
    previous = reader.integer(value, "previous_index", f"{path}.previous_index", minimum=1, maximum=MAX_INDEX)
    children = reader.integer(value, "children_before_2004", f"{path}.children_before_2004", maximum=MAX_CHILDREN)
    bonuses = reader.amount(value, "annual_bonuses", f"{path}.annual_bonuses")
    if len(reader.errors) > before:
        return None
    assert isinstance(scheme, str)
    assert isinstance(category, str)
    assert index is not None
    assert index_since is not None
    return CivilService(
        scheme=scheme,
        category=category,
        index=index,
        index_since=index_since,
        previous_index=previous,
        active_years=active_years or 0,
        children_before_2004=children or 0,
        annual_bonuses=bonuses,
    )


def _future(reader: _Reader, value: object, as_of: date) -> list[FutureWork]:
    future = []
    for index, item in enumerate(_list(reader, value, "future_earnings", MAX_FUTURE)):
        path = f"future_earnings[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, "Chaque période à venir est un objet {start_date, annual_earnings…}.")
            continue
        _refuse_unknown(
            reader, item, path, {"start_date", "end_date", "annual_earnings", "part_time_percent", "regime"}
        )
        regime = item.get("regime")
        if regime is None:
            regime = parameters.GENERAL_SCHEME
        if not isinstance(regime, str) or (regime != parameters.GENERAL_SCHEME and regime not in CIVIL_SERVICE_SCHEMES):
            reader.fail(f"{path}.regime", "Indiquez « CNAV » (salarié), « SRE » ou « CNRACL » (fonctionnaire).")
            regime = parameters.GENERAL_SCHEME
        start = reader.date(item, "start_date", f"{path}.start_date") or date(as_of.year, 1, 1)
        if start < date(as_of.year - 1, 1, 1):
            reader.fail(
                f"{path}.start_date",
                f"Les revenus à venir commencent au plus tôt le 1er janvier {as_of.year - 1} : les années "
                "passées font partie de la carrière.",
            )
        end = reader.date(item, "end_date", f"{path}.end_date")
        if end is not None and end.year > as_of.year + 60:
            reader.fail(f"{path}.end_date", "Cette date est trop lointaine.")
        elif end is not None and end < start:
            reader.fail(f"{path}.end_date", "La date de fin est avant la date de début.")
        earnings = reader.amount(item, "annual_earnings", f"{path}.annual_earnings", required=True)
        part_time = reader.integer(item, "part_time_percent", f"{path}.part_time_percent", minimum=1, maximum=100)
        if earnings is not None:
            future.append(FutureWork(start, earnings, end, 100 if part_time is None else part_time, str(regime)))
    return future


def parse_buy_back(data: object) -> buy_back.BuyBackRequest | None:
    """The optional `buy_back` object of an input: a versement pour la retraite to price (pension-rules §22).
    Raises InvalidInput listing every problem found."""
    if not isinstance(data, dict) or data.get("buy_back") is None:
        return None
    item = data["buy_back"]
    reader = _Reader()
    if not isinstance(item, dict):
        raise InvalidInput([InputError("buy_back", "Le rachat est un objet {reason, quarters, average_earnings…}.")])
    _refuse_unknown(
        reader,
        item,
        "buy_back",
        {"reason", "quarters", "option", "average_earnings", "request_date", "reduced_tariff", "already_bought"},
    )
    reason = None
    try:
        reason = buy_back.BuyBackReason(str(item.get("reason")))
    except ValueError:
        reader.fail(
            "buy_back.reason", "Indiquez « studies » (années d'études) ou « incomplete_years » (années incomplètes)."
        )
    quarters = reader.integer(item, "quarters", "buy_back.quarters", minimum=1, maximum=buy_back.MAX_QUARTERS)
    if item.get("quarters") is None:
        reader.fail("buy_back.quarters", "Indiquez le nombre de trimestres à racheter, de 1 à 12.")
    option = None
    if item.get("option") is not None:
        try:
            option = BuyBackOption(item["option"])
        except ValueError:
            reader.fail("buy_back.option", "Indiquez « rate » (taux seul) ou « rate_and_duration » (taux et durée).")
    earnings = reader.amount(item, "average_earnings", "buy_back.average_earnings", required=True)
    request_date = reader.date(item, "request_date", "buy_back.request_date")
    reduced = item.get("reduced_tariff", False)
    if not isinstance(reduced, bool):
        reader.fail("buy_back.reduced_tariff", "Indiquez true ou false.")
    already = reader.integer(item, "already_bought", "buy_back.already_bought", maximum=buy_back.MAX_QUARTERS)
    if reader.errors:
        raise InvalidInput(reader.errors)
    assert reason is not None
    assert quarters is not None
    assert earnings is not None
    return buy_back.BuyBackRequest(
        reason=reason,
        quarters=quarters,
        option=option,
        average_earnings=earnings,
        request_date=request_date,
        reduced_tariff=bool(reduced),
        already_bought=already or 0,
    )


def run(data: object, *, today: date) -> dict[str, object]:
    """Parse, simulate and serialise, with the buy-back when the input asks for one. Raises InvalidInput for input
    the schema refuses, including a requested date before the first possible departure."""
    errors: list[InputError] = []
    simulation_input = request = None
    try:
        simulation_input = parse_input(data, today=today)
    except InvalidInput as invalid:
        errors.extend(invalid.errors)
    try:
        request = parse_buy_back(data)
    except InvalidInput as invalid:
        errors.extend(invalid.errors)
    if errors:
        raise InvalidInput(errors)
    assert simulation_input is not None
    try:
        if request is None:
            return result_to_dict(simulate(simulation_input))
        evaluation = buy_back.evaluate(simulation_input, request)
    except SimulationError as error:
        raise InvalidInput([InputError(error.field or "", error.message)]) from None
    return {**result_to_dict(evaluation.base), "buy_back": buy_back_to_dict(evaluation)}


# --- Output ---


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, ROUND_HALF_UP))


def _explanation(value: Explanation) -> dict[str, object]:
    return {"summary": value.summary, "steps": list(value.steps), "references": list(value.references)}


def _year(row: YearQuarters) -> dict[str, object]:
    return {
        "year": row.year,
        "quarters": row.quarters,
        "quarters_regime_general": row.quarters_regime_general,
        "quarters_contributed": row.quarters_contributed,
        "agirc_arrco_points": _money(row.agirc_arrco_points),
        "projected": row.projected,
        "explanation": _explanation(row.explanation),
    }


def _pension(pension: Pension) -> dict[str, object]:
    return {
        "scheme": pension.scheme,
        "label": pension.label,
        "kind": pension.kind.value,
        "computed": pension.computed,
        "rate": float(pension.rate) if pension.rate is not None else None,
        "decote_quarters": pension.decote_quarters,
        "surcote_quarters": pension.surcote_quarters,
        "annual_gross": _money(pension.annual_gross) if pension.annual_gross is not None else None,
        "monthly_gross": _money(pension.monthly_gross) if pension.monthly_gross is not None else None,
        "merged": list(pension.merged),
        "not_before": pension.not_before.isoformat() if pension.not_before is not None else None,
        "explanation": _explanation(pension.explanation),
    }


def _departure(row: Departure) -> dict[str, object]:
    return {
        "date": row.date.isoformat(),
        "age": {"years": row.age.years, "months": row.age.months},
        "quarters_all_regimes": row.quarters_all_regimes,
        "quarters_regime_general": row.quarters_regime_general,
        "quarters_contributed": row.quarters_contributed,
        "required_quarters": row.required_quarters,
        "full_rate": row.full_rate,
        "long_career": row.long_career,
        "decote_quarters": row.decote_quarters,
        "surcote_quarters": row.surcote_quarters,
        "rate": float(row.rate),
        "proratisation": float(row.proratisation.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
        "sam": _money(row.sam),
        "minimum_contributif": row.minimum_contributif,
        "base_annual_gross": _money(row.base_annual_gross),
        "base_monthly_gross": _money(row.base_monthly_gross),
        "agirc_arrco_points": _money(row.agirc_arrco_points),
        "complementary_annual_gross": _money(row.complementary_annual_gross),
        "complementary_monthly_gross": _money(row.complementary_monthly_gross),
        "complementary_upper_bound": row.complementary_upper_bound,
        "total_monthly_gross": _money(row.total_monthly_gross),
        "total_monthly_net": _money(row.total_monthly_net),
        "pensions": [_pension(pension) for pension in row.pensions],
        "explanation": {name: _explanation(value) for name, value in row.explanation.items()},
    }


def result_to_dict(result: SimulationResult) -> dict[str, object]:
    return {
        "rules_version": result.rules_version,
        "mode": result.mode,
        "birth_date": result.birth_date.isoformat(),
        "as_of": result.as_of.isoformat(),
        "legal_age": {"years": result.legal_age.years, "months": result.legal_age.months},
        "legal_age_date": result.legal_age_date.isoformat(),
        "earliest_date": result.earliest_date.isoformat(),
        "required_quarters": result.required_quarters,
        "automatic_full_rate_age": {
            "years": result.automatic_full_rate_age.years,
            "months": result.automatic_full_rate_age.months,
        },
        "automatic_full_rate_date": result.automatic_full_rate_date.isoformat(),
        "quarters_by_year": [_year(row) for row in result.quarters_by_year],
        "long_career": {
            "eligible": result.long_career.eligible,
            "earliest_date": result.long_career.earliest_date.isoformat() if result.long_career.earliest_date else None,
            "started_before": result.long_career.started_before,
            "explanation": _explanation(result.long_career.explanation),
        },
        "departures": [_departure(row) for row in result.departures],
        "explanation": {name: _explanation(value) for name, value in result.explanation.items()},
        "limits": list(result.limits),
    }


def buy_back_to_dict(evaluation: buy_back.BuyBackResult) -> dict[str, object]:
    return {
        "reason": evaluation.request.reason.value,
        "quarters": evaluation.request.quarters,
        "request_date": evaluation.request_date.isoformat(),
        "age": evaluation.age,
        "options": [
            {
                "option": option.option.value,
                "cost": {
                    "bracket": option.cost.bracket.value,
                    "quarter_cost": _money(option.cost.quarter_cost),
                    "quarters": option.cost.quarters,
                    "full_total": _money(option.cost.full_total),
                    "abatement": _money(option.cost.abatement),
                    "total": _money(option.cost.total),
                    "instalments": [
                        {"years": plan.years, "monthly": _money(plan.monthly)} for plan in option.cost.instalments
                    ],
                    "explanation": _explanation(option.cost.explanation),
                },
                "departures": [
                    {
                        "date": row.date.isoformat(),
                        "before_monthly_gross": _money(row.before_monthly_gross),
                        "after_monthly_gross": _money(row.after_monthly_gross),
                        "monthly_gain": _money(row.monthly_gain),
                        "annual_gain": _money(row.annual_gain),
                        "years_to_recover": (
                            float(row.years_to_recover.quantize(Decimal("0.1"), ROUND_HALF_UP))
                            if row.years_to_recover is not None
                            else None
                        ),
                        "quarters_without_effect": row.quarters_without_effect,
                        "explanation": _explanation(row.explanation),
                    }
                    for row in option.departures
                ],
                "explanation": _explanation(option.explanation),
            }
            for option in evaluation.options
        ],
        "explanation": _explanation(evaluation.explanation),
        "limits": list(evaluation.limits),
    }
