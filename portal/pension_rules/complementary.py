"""Agirc-Arrco at a departure: the coefficient d'anticipation before the taux plein (pension-rules §18) and the
explanation of the amount."""

from datetime import date
from decimal import Decimal

from portal.pension_rules import parameters, text
from portal.pension_rules.model import Explanation

ONE = Decimal(1)


def anticipation(full: bool, missing_by_age: int, missing_by_quarters: int) -> parameters.AnticipationCoefficient:
    """Agirc-Arrco's coefficient d'anticipation when the base pension is not at the taux plein: by the quarters to
    the age of the taux plein, or by the missing quarters when 20 or fewer, the more favourable (pension-rules §18).
    None at the taux plein, carrière longue included; the coefficient de solidarité is gone for pensions from
    1 December 2023 (ANI of 5 October 2023)."""
    table = parameters.agirc_arrco_anticipation()
    if full:
        return table[0]
    quarters = missing_by_age if missing_by_quarters > 20 else min(missing_by_age, missing_by_quarters)
    return table[min(quarters, len(table) - 1)]


def explanation(
    day: date,
    points: Decimal,
    service_value: parameters.DatedValue,
    anticipation: parameters.AnticipationCoefficient,
    complementary: Decimal,
    missing_by_age: int,
    missing_by_quarters: int,
) -> Explanation:
    coefficient = anticipation.coefficient
    summary = f"Agirc-Arrco : {text.number(points)} points × {text.number(service_value.value, 4)} €"
    steps = [
        "Les points de chaque année sont ceux de votre relevé, ou calculés sur le salaire depuis 2019 ; ceux des "
        "années à venir avec les valeurs de 2026.",
        f"Valeur de service du point au {text.day(day)} : {text.number(service_value.value, 4)} € "
        f"({service_value.source.split(';')[0]}).",
    ]
    if coefficient != ONE:
        summary += f" × {text.number(coefficient, 4)}"
        by_quarters = missing_by_quarters <= 20 and missing_by_quarters < missing_by_age
        steps.append(
            "Sans le taux plein au régime de base, l'Agirc-Arrco applique pour toujours un coefficient "
            f"d'anticipation : {text.number(coefficient, 4)}, pour "
            + (
                f"{text.quarters(missing_by_quarters)} manquant(s) à la durée requise"
                if by_quarters
                else f"{text.quarters(missing_by_age)} avant l'âge du taux plein automatique"
            )
            + " (le calcul le plus favorable, par l'âge ou par les trimestres manquants s'il en manque 20 au "
            "plus). Ces coefficients viennent de l'accord de 1961 repris par l'Institut des politiques "
            "publiques ; l'Agirc-Arrco ne les publie pas sous cette forme : vérifiez-les avec son simulateur."
        )
    else:
        steps.append(
            "Au taux plein du régime de base, aucun coefficient ne réduit la retraite complémentaire ; le "
            "coefficient de solidarité (malus de 10 %) est supprimé pour les retraites prenant effet depuis le "
            "1er décembre 2023."
        )
    return Explanation(
        f"{summary} = {text.euros(complementary)} par an.",
        tuple(steps),
        ("ANI Agirc-Arrco du 17/11/2017", "ANI du 05/10/2023"),
    )
