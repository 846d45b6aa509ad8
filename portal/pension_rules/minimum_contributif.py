"""The minimum contributif of the régime général and the aligned schemes (CSS L351-10, D351-2-1): at the taux plein,
a small pension is raised to a minimum prorated like it, with a majorée part for long careers cotisées, as long as
all the person's pensions together stay under a ceiling."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.pension_rules import parameters, text
from portal.pension_rules.model import Explanation
from portal.pension_rules.quarters import CENT, ZERO

# What decides it, for its explanation: quarters of the régime général and the aligned schemes, quarters cotisés,
# required quarters, quarters cotisés for the majorée part, whether it applies, the pension before it, the minimum,
# the supplement, the excess over the ceiling, the supplement after it.
_Facts = tuple[int, int, int, int, bool, Decimal, Decimal, Decimal, Decimal, Decimal]


def apply(
    day: date, full: bool, base: Decimal, aligned: int, contributed: int, required: int, other_pensions: Decimal
) -> tuple[bool, Decimal, Explanation]:
    """The minimum contributif (CSS L351-10): at the taux plein, the pension is raised to it, prorated like the
    pension; the majorée part needs 120 quarters cotisés and is prorated on them; the supplement shrinks when all
    pensions together pass the ceiling. Returns (applied, the pension after it, its explanation)."""
    row = parameters.minimum_contributif(day)
    if not full:
        return False, base, Explanation.later(explanation, row, None)
    proratisation = Decimal(min(aligned, required)) / Decimal(required)
    minimum = row.monthly * 12 * proratisation
    threshold = int(parameters.rule("minimum_contributif_contributed_quarters", day).value)
    majore = contributed >= threshold
    if majore:
        # Prorated on the quarters cotisés of the régime général and the aligned schemes only, which cannot
        # exceed theirs: a fonctionnaire's services make no majorée part here.
        contributed_proratisation = Decimal(min(contributed, aligned, required)) / Decimal(required)
        minimum += (row.monthly_majore - row.monthly) * 12 * contributed_proratisation
    minimum = minimum.quantize(CENT, ROUND_HALF_UP)
    supplement = max(ZERO, minimum - base)
    excess = base + supplement + other_pensions - row.ceiling_monthly * 12 if supplement else ZERO
    reduced = max(ZERO, supplement - excess) if excess > 0 else supplement
    facts = (
        aligned,
        contributed,
        required,
        threshold,
        majore,
        base,
        minimum,
        supplement,
        excess,
        reduced,
    )
    if reduced <= 0:
        return False, base, Explanation.later(explanation, row, facts)
    return True, base + reduced, Explanation.later(explanation, row, facts)


def explanation(row: parameters.MinimumContributif, facts: _Facts | None) -> Explanation:
    references = ("CSS L351-10", "CSS D351-2-1")
    if facts is None:
        return Explanation(
            "Minimum contributif : non, il ne s'applique qu'à une pension au taux plein.", (), references
        )
    aligned, contributed, required, threshold, majore, base, minimum, supplement, excess, reduced = facts
    steps = [f"Minimum de base : {text.euros(row.monthly)} par mois × {min(aligned, required)}/{required}."]
    if majore:
        steps.append(
            f"Majoration ({contributed} trimestres cotisés, au moins {threshold}) : "
            f"({text.euros(row.monthly_majore)} − {text.euros(row.monthly)}) × "
            f"{min(contributed, required)}/{required}."
        )
    if not supplement:
        return Explanation(
            f"Minimum contributif : non, votre pension ({text.euros(base)} par an) dépasse le minimum "
            f"({text.euros(minimum)} par an).",
            tuple(steps),
            references,
        )
    if excess > 0:
        steps.append(
            f"Vos retraites réunies dépasseraient le plafond de {text.euros(row.ceiling_monthly)} par mois : le "
            f"complément est réduit de {text.euros(min(excess, supplement))} par an."
        )
    if reduced <= 0:
        return Explanation(
            "Minimum contributif : non, vos retraites réunies dépassent son plafond.", tuple(steps), references
        )
    steps.append(f"Votre pension passe de {text.euros(base)} à {text.euros(base + reduced)} par an.")
    steps.append(
        "Il n'est versé que si vos retraites de tous les régimes restent sous le plafond, ce que la caisse "
        "vérifie au départ."
    )
    return Explanation(
        f"Minimum contributif : oui, votre pension est portée à {text.euros(base + reduced)} par an.",
        tuple(steps),
        references,
    )
