"""The French explanations of one departure of the régime général and the aligned schemes: how its quarters, rate,
surcote, proratisation, amount and net figure were obtained. Written only when read: the engine hands `build` the
facts it computed (`Facts`) and what every departure of the career shares (`Career`)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.pension_rules import abroad, parameters, text
from portal.pension_rules import complementary as complementary_rules
from portal.pension_rules.model import Age, Explanation
from portal.pension_rules.quarters import ZERO, YearRecord


@dataclass(frozen=True, slots=True)
class Career:
    """What the explanations of every departure of one simulation share."""

    summary_quarters: int | None  # the quarters given in the summary mode, None for a career
    last_recorded_year: int
    children_quarters_steps: tuple[str, ...]
    automatic_full_rate_age: Age
    automatic_full_rate_date: date
    abroad_without_agreement: tuple[str, ...]
    abroad_unknown: int


# Not frozen: a simulation makes some twenty of them, and a frozen dataclass sets each of its 39 fields through
# object.__setattr__.
@dataclass(slots=True)
class Facts:
    """What one departure's computation found, as the engine computed it."""

    day: date
    quarters_all: int
    quarters_aligned: int
    quarters_contributed: int
    children_quarters: int
    projected: Mapping[int, YearRecord]
    required_row: parameters.CohortRow[int]
    required: int
    full: bool
    by_quarters: bool
    is_long_career: bool
    decote: int
    missing_by_quarters: int
    missing_by_age: int
    months_to_full_rate_age: int
    rate: Decimal
    reduction: Decimal
    full_rate_value: Decimal
    surcote: int
    surcote_rate: Decimal
    sam: Decimal
    sam_explanation: Explanation
    proratisation_quarters: int
    raw: Decimal
    cap: Decimal
    capped: Decimal
    majoration: Decimal
    base: Decimal
    minimum_contributif_applied: bool
    minimum_contributif_explanation: Explanation
    national: abroad.Computation
    agreements: tuple[abroad.Computation, ...]
    paid: abroad.Computation
    before_majoration: Decimal
    points: Decimal
    service_value: parameters.DatedValue
    anticipation: parameters.AnticipationCoefficient
    complementary: Decimal
    net: Decimal
    # A catégorie active departure before the legal age: the date the pensions computed here can start.
    not_before: date | None = None


def build(career: Career, facts: Facts) -> dict[str, Explanation]:
    f = facts
    day = f.day
    explanations = {
        "quarters": _quarters(career, f),
        "rate": _rate(career, f),
        "surcote": Explanation(
            f"Surcote : {text.quarters(f.surcote)}, soit +{text.percent(f.surcote_rate * f.surcote)} sur la pension.",
            (
                "Chaque trimestre cotisé après l'âge légal et au-delà de la durée requise ajoute 1,25 % à la "
                "pension de base, compté par trimestre civil à partir de celui qui suit votre anniversaire.",
            ),
            ("CSS L351-1-2", "CSS D351-1-4"),
        ),
        "sam": f.sam_explanation,
        "proratisation": Explanation(
            f"Proratisation : {f.proratisation_quarters} / {f.required}.",
            (
                f"Trimestres au régime général et aux régimes alignés (enfants compris) : {f.quarters_aligned}, "
                f"limités à la durée requise de {f.required}.",
            ),
            ("CSS R351-6", "service-public F21552"),
        ),
        "base": _base(f),
        "minimum_contributif": f.minimum_contributif_explanation,
    }
    if f.agreements or career.abroad_without_agreement or career.abroad_unknown:
        explanations["abroad"] = abroad.explanation(
            f.national,
            f.agreements,
            f.paid,
            f.before_majoration,
            career.abroad_without_agreement,
            career.abroad_unknown,
        )
    explanations["complementary"] = complementary_rules.explanation(
        day, f.points, f.service_value, f.anticipation, f.complementary, f.missing_by_age, f.missing_by_quarters
    )
    if f.not_before is not None:
        waiting = Explanation(
            f"Pas avant le {text.day(f.not_before)}, l'âge légal : seule votre pension de fonctionnaire de la "
            "catégorie active commence à cette date.",
            (
                "Le régime général, Agirc-Arrco, la RAFP et l'Ircantec ne versent rien avant l'âge légal ; leur "
                "montant est celui du départ à cette date, plus bas dans le tableau.",
            ),
            ("CSS L161-17-2", "CPCM L24 I 1°"),
        )
        explanations["rate"] = Explanation(
            "Taux : celui de votre pension de fonctionnaire, détaillé plus bas.", (), ("CPCM L13", "CPCM L14")
        )
        for name in ("base", "minimum_contributif", "complementary"):
            explanations[name] = waiting
    explanations["net"] = Explanation(
        f"Montant net estimé : {text.euros(f.net)} par mois.",
        (
            "Prélèvements au taux normal : CSG "
            f"{text.percent(parameters.rule('csg_pension_normal_rate', day).value)}, "
            f"CRDS {text.percent(parameters.rule('crds_rate', day).value)}, CASA "
            f"{text.percent(parameters.rule('casa_rate', day).value)}, "
            f"et {text.percent(parameters.rule('complementary_health_contribution', day).value)} "
            "d'assurance maladie sur la complémentaire.",
            "Selon votre revenu fiscal de référence, la CSG peut être de 0 %, 3,8 % ou 6,6 % ; l'impôt sur "
            "le revenu n'est pas déduit.",
        ),
        ("CSS L136-8", "CSS L14-10-4", "CSS L131-2"),
    )
    return explanations


def _quarters(career: Career, facts: Facts) -> Explanation:
    day, required_row = facts.day, facts.required_row
    steps = []
    if career.summary_quarters is not None:
        steps.append(f"Trimestres indiqués (mode résumé) : {career.summary_quarters} tous régimes.")
    else:
        steps.append(f"Trimestres inscrits à votre carrière jusqu'à {career.last_recorded_year}.")
    projected = sum(record.all for record in facts.projected.values())
    if projected:
        steps.append(f"Trimestres prévus d'ici le départ : {projected}.")
    if facts.children_quarters:
        steps.append(f"Trimestres pour enfants (majorations de durée d'assurance) : {facts.children_quarters}.")
        steps.extend(career.children_quarters_steps)
    steps.append(
        f"Durée requise pour votre génération et un départ au {text.day(day)} : {required_row.value[0]} "
        f"trimestres ({required_row.source.split(';')[0]})."
    )
    return Explanation(
        f"{facts.quarters_all} trimestres tous régimes, dont {facts.quarters_aligned} au régime général "
        f"et {facts.quarters_contributed} cotisés.",
        tuple(steps),
        ("CSS L161-17-3", "CSS R351-9", "CSS L351-4"),
    )


def _rate(career: Career, facts: Facts) -> Explanation:
    f = facts
    full, is_long_career, by_quarters, decote, rate = f.full, f.is_long_career, f.by_quarters, f.decote, f.rate
    quarters, required, full_rate_value, reduction = f.quarters_all, f.required, f.full_rate_value, f.reduction
    missing_by_quarters, missing_by_age, months_to_full_rate_age = (
        f.missing_by_quarters,
        f.missing_by_age,
        f.months_to_full_rate_age,
    )
    references = ("CSS L351-1", "CSS L351-8", "CSS R351-27")
    if full:
        if is_long_career:
            reason = "vous partez au titre des carrières longues"
        elif by_quarters:
            reason = f"vous avez {quarters} trimestres pour {required} requis"
        else:
            reason = f"vous avez atteint {text.age(career.automatic_full_rate_age)}, l'âge du taux plein automatique"
        return Explanation(
            f"Taux plein de {text.percent(full_rate_value)} : {reason}.",
            ("Le taux plein est de 50 % du salaire annuel moyen.",),
            references,
        )
    steps = (
        f"Trimestres manquants par rapport à la durée requise : {required} − {quarters} = {missing_by_quarters}.",
        "Trimestres manquants jusqu'à l'âge du taux plein automatique "
        f"({text.age(career.automatic_full_rate_age)}, le {text.day(career.automatic_full_rate_date)}) : "
        f"{months_to_full_rate_age} mois, soit {text.quarters(missing_by_age)} (arrondi au trimestre supérieur).",
        "Le nombre le plus avantageux est retenu, 20 au plus : " + text.quarters(decote) + ".",
        f"Décote : {text.percent(reduction)} de la pension par trimestre manquant, soit "
        f"{text.percent(full_rate_value)} × (1 − {text.percent(reduction)} × {decote}) = {text.percent(rate)}.",
    )
    return Explanation(f"Taux de {text.percent(rate)} : une décote de {text.quarters(decote)}.", steps, references)


def _base(facts: Facts) -> Explanation:
    f = facts
    sam, rate, proratisation_quarters, required, raw, cap, capped = (
        f.sam,
        f.rate,
        f.proratisation_quarters,
        f.required,
        f.raw,
        f.cap,
        f.capped,
    )
    surcote, surcote_rate, majoration, base = f.surcote, f.surcote_rate, f.majoration, f.base
    minimum_contributif_applied = f.minimum_contributif_applied
    abroad_amount = None if f.paid is f.national else f.paid.amount
    if abroad_amount is not None:
        steps = [
            f"Calcul selon l'accord international, plus favorable que le calcul national : "
            f"{text.euros(abroad_amount)} par an (détail dans « Périodes à l'étranger »)."
        ]
        raw = ZERO
        surcote = 0
    else:
        steps = [
            f"Salaire annuel moyen × taux × proratisation : {text.euros(sam)} × {text.percent(rate)} × "
            f"{proratisation_quarters}/{required} = {text.euros(raw)} par an."
        ]
    if raw > cap:
        steps.append(f"Plafonné à la moitié du PASS de l'année : {text.euros(cap)} par an.")
    if surcote:
        steps.append(
            f"Surcote de {text.quarters(surcote)} : × (1 + {text.percent(surcote_rate)} × {surcote}) = "
            f"{text.euros(capped * (1 + surcote_rate * surcote))}."
        )
    if minimum_contributif_applied:
        steps.append("Portée au minimum contributif (voir ce détail).")
    if majoration:
        steps.append(
            f"Majoration pour trois enfants ou plus : + {text.percent(majoration)}, calculée en dernier, sur la "
            "retraite déjà portée au minimum ou ramenée au maximum."
        )
    return Explanation(
        f"Retraite de base : {text.euros(base)} brut par an, {text.euros(base / 12)} par mois.",
        tuple(steps),
        ("CSS R351-29", "CSS L351-12", "service-public F21552"),
    )
