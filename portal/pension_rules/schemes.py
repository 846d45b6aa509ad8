"""The schemes of a career: their codes and labels, the aligned schemes liquidated as one, and the pensions this
simulation lists without computing them (pension-rules §15, §16.11, §19)."""

from collections.abc import Iterable

from portal.pension_rules import parameters
from portal.pension_rules.model import CareerEntry, Explanation, Pension, PensionKind

REGIME_GENERAL = parameters.ALIGNED_SCHEMES
CIVIL_SERVICE_SCHEMES = frozenset({parameters.CIVIL_SERVICE_SCHEME, "CNRACL"})
OTHER_BASE = frozenset({"MSA_EXPLOITANTS"}) | CIVIL_SERVICE_SCHEMES
COMPLEMENTARY = frozenset({"AGIRC_ARRCO", "IRCANTEC", "RAFP"})
FOREIGN = frozenset({parameters.ABROAD_SCHEME})
REGIMES = REGIME_GENERAL | OTHER_BASE | COMPLEMENTARY | FOREIGN
REGIME_LABELS = {
    parameters.GENERAL_SCHEME: "régime général",
    parameters.SELF_EMPLOYED_SCHEME: "indépendants (ex-RSI)",
    parameters.FARM_EMPLOYEES_SCHEME: "MSA salariés",
    "MSA_EXPLOITANTS": "MSA exploitants",
    parameters.CIVIL_SERVICE_SCHEME: "fonction publique d'État",
    "CNRACL": "CNRACL",
    "AGIRC_ARRCO": "Agirc-Arrco",
    "IRCANTEC": "Ircantec",
    "RAFP": "RAFP",
    parameters.ABROAD_SCHEME: "étranger",
}
ALIGNED_ORDER = (parameters.GENERAL_SCHEME, parameters.SELF_EMPLOYED_SCHEME, parameters.FARM_EMPLOYEES_SCHEME)
_INFO_RETRAITE = (
    "Le simulateur de tous vos régimes, sur info-retraite.fr, en donne une estimation avec vos données de tous les "
    "régimes."
)
# The pensions this simulation does not compute, by scheme: (kind, summary, steps, references).
NOT_COMPUTED: dict[str, tuple[PensionKind, str, tuple[str, ...], tuple[str, ...]]] = {
    "MSA_EXPLOITANTS": (
        PensionKind.BASE,
        "Retraite MSA des non-salariés agricoles : non calculée ici.",
        (
            "Vos périodes de chef d'exploitation, conjoint collaborateur ou aide familial agricole (MSA non-salariés) "
            "comptent pour votre durée d'assurance tous régimes, donc pour le taux de votre retraite du régime "
            "général. La pension MSA elle-même (retraite de base et retraite complémentaire obligatoire) n'est pas "
            "calculée ici.",
            "Depuis 2026, elle se calcule sur vos 25 meilleures années ; les retraites prises en 2026 et 2027 seront "
            "recalculées en 2028. Consultez votre MSA (msa.fr) ou info-retraite.fr.",
        ),
        ("CRPM L732-18", "décret 2025-1409"),
    ),
    parameters.CIVIL_SERVICE_SCHEME: (
        PensionKind.BASE,
        "Pension de la fonction publique d'État (SRE) : non calculée ici.",
        (
            "Vos services de fonctionnaire comptent pour votre durée d'assurance tous régimes, donc pour le taux de "
            "vos autres retraites ; la pension civile elle-même n'est pas calculée ici.",
            "Votre compte individuel retraite est sur l'Ensap (ensap.gouv.fr) ; " + _INFO_RETRAITE,
        ),
        ("CPCM L13", "CPCM L14"),
    ),
    "CNRACL": (
        PensionKind.BASE,
        "Pension CNRACL (fonction publique territoriale ou hospitalière) : non calculée ici.",
        (
            "Vos services de fonctionnaire comptent pour votre durée d'assurance tous régimes, donc pour le taux de "
            "vos autres retraites ; la pension CNRACL elle-même n'est pas calculée ici.",
            "La CNRACL (cnracl.retraites.fr) vous renseigne ; " + _INFO_RETRAITE,
        ),
        ("décret 2003-1306",),
    ),
    "RAFP": (
        PensionKind.ADDITIONAL,
        "Retraite additionnelle de la fonction publique (RAFP) : non calculée ici.",
        ("Elle est en points, acquis sur vos primes ; votre relevé de points est sur rafp.fr.",),
        ("décret 2004-569",),
    ),
    "IRCANTEC": (
        PensionKind.COMPLEMENTARY,
        "Retraite complémentaire Ircantec : non calculée ici.",
        (
            "Elle est en points, acquis comme agent contractuel du public ; votre relevé de points est sur "
            "ircantec.retraites.fr.",
        ),
        ("décret 70-1277",),
    ),
    parameters.ABROAD_SCHEME: (
        PensionKind.BASE,
        "Retraite des pays étrangers : non calculée ici.",
        (
            "La retraite d'un pays étranger est versée par l'organisme de ce pays, selon ses règles : elle n'est pas "
            "calculée ici.",
            "Selon le pays, un règlement européen ou une convention bilatérale retient vos périodes à l'étranger "
            "pour le taux de votre retraite française, une fois validées par votre caisse.",
        ),
        ("règlement (CE) 883/2004",),
    ),
}


def aligned_schemes(career: Iterable[CareerEntry]) -> tuple[tuple[str, ...], str]:
    """The aligned schemes of the career, liquidated as one pension (CSS L173-1-2), and the one that pays it: the
    last of affiliation (R173-4-4 1°), the Assurance retraite for the régime général and the artisans and commerçants
    (in the régime général since 2020), the MSA for the salariés agricoles (pension-rules §15)."""
    last: tuple[int, str] | None = None
    present = set()
    for entry in career:
        if entry.regime in REGIME_GENERAL:
            present.add(entry.regime)
            if last is None or entry.year >= last[0]:
                last = (entry.year, entry.regime)
    payer = (
        parameters.FARM_EMPLOYEES_SCHEME
        if last and last[1] == parameters.FARM_EMPLOYEES_SCHEME
        else (parameters.GENERAL_SCHEME)
    )
    ordered = tuple(scheme for scheme in ALIGNED_ORDER if scheme in present) or (parameters.GENERAL_SCHEME,)
    return ordered, payer


def not_computed_pensions(schemes: Iterable[str]) -> tuple[Pension, ...]:
    """The pensions of the person's other schemes, which this simulation does not compute: listed with what the
    person should do, never silently left out of a total (pension-rules §19, §16.11, §17.4)."""
    schemes = set(schemes)
    return tuple(
        Pension(
            scheme=scheme,
            kind=kind,
            computed=False,
            rate=None,
            decote_quarters=None,
            surcote_quarters=None,
            annual_gross=None,
            monthly_gross=None,
            explanation=Explanation(summary, steps, references),
        )
        for scheme, (kind, summary, steps, references) in NOT_COMPUTED.items()
        if scheme in schemes
    )
