"""Embedded controls against errors and fraud, run when a request is filed and when a decision is prepared.

Each control is a small function over what the request would make of the career (one `_Proposal` per item) and
the career as it stands. The data is read once into a `_Context` (current periods, regimes, justificatifs shared
with other assurés, recent requests), so the number of queries does not grow with the length of the career.
The findings inform the technician, and a HIGH one calls for a second agent's validation (backoffice.services):
no control refuses anything by itself.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased
from stdnum.fr import siret

from portal.careers import queries as careers_queries
from portal.careers.corrections import YearPart, new_part_quarters, regime_code_for, split_by_calendar_year
from portal.careers.models import Assure, PeriodNature, PeriodVersion, Regime, RegimeKind
from portal.db import db, utcnow
from portal.documents.models import Document
from portal.formatting import format_cents, format_date, format_euros, plural
from portal.pension_rules.parameters import (
    GENERAL_SCHEME,
    MAX_QUARTERS_PER_YEAR,
    MINIMUM_WORKING_AGE,
    pass_annual,
    quarter_threshold,
    quarters_from_earnings,
    working_age_date,
)
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import ControlFinding, Severity, Signalement, SignalementItem

FILING = "filing"
DECISION = "decision"
STAGES = (FILING, DECISION)

# An amount more than 3 times, or less than a third of, the person's usual yearly earnings is worth a second look.
EARNINGS_JUMP_FACTOR = 3
EARNINGS_JUMP_MIN_YEARS = 3
MANY_REQUESTS = 5
MANY_REQUESTS_DAYS = 30
OVERLAPS_LISTED = 3


@dataclass(frozen=True)
class ControlResult:
    code: str
    severity: Severity
    message: str
    item_id: int | None = None


@dataclass(frozen=True)
class _Proposal:
    """What one item would make of the career at this stage: the values it changes (None when unchanged), and
    the resulting period cut by calendar year."""

    item: SignalementItem
    current: PeriodVersion | None  # the current version of the period it corrects; None for a new period
    start: date | None
    end: date | None
    earnings_cents: int | None
    accepted_quarters: int | None  # set by the technician, decision stage only
    nature: PeriodNature | None
    slices: tuple[YearPart, ...]

    @property
    def is_new(self) -> bool:
        return self.item.period_id is None

    @property
    def proposes_dates(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class _Context:
    signalement: Signalement
    assure: Assure
    stage: str
    today: date
    versions: list[PeriodVersion]
    regimes_by_id: dict[int, Regime]
    regimes_by_code: dict[str, Regime]
    proposals: list[_Proposal]

    @property
    def about_children(self) -> bool:
        # A request about children carries the child's birth date, not a period of the person's own career.
        return self.signalement.anomaly_type is AnomalyType.CHILDREN


def run_controls(signalement: Signalement, *, today: date, stage: str) -> list[ControlResult]:
    """Every control on the request. At "filing" they read the person's proposal; at "decision" the values the
    technician accepted (item.accepted_* when set, else the proposed ones). A bounded number of queries."""
    _check_stage(stage)
    context = _load(signalement, today=today, stage=stage)
    results: list[ControlResult] = []
    for control in (
        _overlap,
        _over_four_quarters,
        _earnings_quarters_mismatch,
        _above_ceiling,
        _earnings_jump,
        _dates,
        _invalid_siret,
        _shared_document,
        _many_signalements,
    ):
        results += control(context)
    return results


def record_findings(signalement: Signalement, results: list[ControlResult], *, stage: str) -> list[ControlFinding]:
    """Add the results as ControlFinding rows, all with one timestamp (a run); earlier runs stay as history. The
    request is flagged at risk when this run has a HIGH finding. Flushes; the caller commits."""
    _check_stage(stage)
    computed_at = utcnow()
    findings = [
        ControlFinding(
            signalement_id=signalement.id,
            code=result.code,
            severity=result.severity,
            message=result.message,
            item_id=result.item_id,
            computed_at=computed_at,
            stage=stage,
        )
        for result in results
    ]
    db.session.add_all(findings)
    signalement.has_risk_flag = any(result.severity is Severity.HIGH for result in results)
    db.session.flush()
    return findings


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"Unknown control stage {stage!r}: expected one of {', '.join(STAGES)}.")


# Loading -----------------------------------------------------------------------------------------------------------


def _load(signalement: Signalement, *, today: date, stage: str) -> _Context:
    versions = careers_queries.list_current_versions(signalement.assure_id)
    by_period = {version.period_id: version for version in versions}
    regimes = list(db.session.execute(select(Regime)).scalars())
    proposals = [
        _proposal(item, by_period.get(item.period_id) if item.period_id is not None else None, stage)
        for item in signalement.items
    ]
    return _Context(
        signalement=signalement,
        assure=signalement.assure,
        stage=stage,
        today=today,
        versions=versions,
        regimes_by_id={regime.id: regime for regime in regimes},
        regimes_by_code={regime.code: regime for regime in regimes},
        proposals=proposals,
    )


def _proposal(item: SignalementItem, current: PeriodVersion | None, stage: str) -> _Proposal:
    decided = stage == DECISION

    def pick(accepted, proposed):
        return accepted if decided and accepted is not None else proposed

    start = pick(item.accepted_start_date, item.proposed_start_date)
    end = pick(item.accepted_end_date, item.proposed_end_date)
    earnings = pick(item.accepted_earnings_cents, item.proposed_earnings_cents)
    period_start = start or (current.start_date if current else None)
    period_end = end or (current.end_date if current else None)
    period_earnings = earnings if earnings is not None else (current.earnings_cents if current else None)
    return _Proposal(
        item=item,
        current=current,
        start=start,
        end=end,
        earnings_cents=earnings,
        accepted_quarters=item.accepted_quarters if decided else None,
        nature=item.proposed_nature or (current.nature if current else None),
        slices=split_by_calendar_year(period_start, period_end, period_earnings),
    )


def _regime(context: _Context, proposal: _Proposal, year: int) -> Regime | None:
    """The scheme the period is (or would be) recorded in, as careers.corrections records a new period."""
    if proposal.current is not None:
        return proposal.current.regime
    if not proposal.is_new:
        return None  # the period was withdrawn meanwhile: nothing to compare
    if proposal.item.proposed_regime_id is not None:
        return context.regimes_by_id.get(proposal.item.proposed_regime_id)
    return context.regimes_by_code.get(regime_code_for(proposal.nature or PeriodNature.SALARIED, year))


# 1. Overlap --------------------------------------------------------------------------------------------------------


def _overlap(context: _Context) -> list[ControlResult]:
    # One scheme records an activity once: a new period (or new dates) covering days of another period of the same
    # régime is a duplicate, a wrong date, or two jobs at once; the technician checks which.
    results = []
    for proposal in context.proposals:
        if context.about_children or not proposal.proposes_dates or not proposal.slices:
            continue
        start, end = proposal.slices[0].start, proposal.slices[-1].end
        hits = []
        for version in context.versions:
            if version.period_id == proposal.item.period_id or version.end_date < start or version.start_date > end:
                continue
            regime = _regime(context, proposal, version.start_date.year)
            if regime is not None and regime.id == version.regime_id:
                hits.append(version)
        if not hits:
            continue
        regime_name = hits[0].regime.short_name
        if len(hits) == 1:
            what = f"Chevauche la période {_describe(hits[0])} du même régime ({regime_name})"
        else:
            listed = "; ".join(_describe(version) for version in hits[:OVERLAPS_LISTED])
            more = f" et {len(hits) - OVERLAPS_LISTED} autre(s)" if len(hits) > OVERLAPS_LISTED else ""
            what = f"Chevauche {len(hits)} périodes du même régime ({regime_name}) : {listed}{more}"
        results.append(
            ControlResult(
                "overlap",
                Severity.WARNING,
                f"{what}, pour la période demandée du {format_date(start)} au {format_date(end)}. Vérifier qu'il ne "
                "s'agit pas d'une période déjà reportée (doublon) ou de dates erronées.",
                proposal.item.id,
            )
        )
    return results


def _describe(version: PeriodVersion) -> str:
    employer = f", {version.employer_name}" if version.employer_name else ""
    return f"du {format_date(version.start_date)} au {format_date(version.end_date)} ({version.nature.label}{employer})"


# 2. More than four quarters in a year --------------------------------------------------------------------------------


def _implied_quarters(proposal: _Proposal, part: YearPart) -> int | None:
    """The quarters the decision would record for this part of the period (careers.corrections, as applied), or
    None when the request leaves the period's quarters as they are."""
    if proposal.accepted_quarters is not None and len(proposal.slices) == 1:
        return proposal.accepted_quarters
    if proposal.current is not None:
        # An existing base-scheme period whose earnings change has its quarters recomputed from them.
        if proposal.earnings_cents is None or proposal.current.quarters is None:
            return None
        if proposal.current.regime.kind is not RegimeKind.BASE:
            return None
        return _quarters_from_earnings(part.year, proposal.earnings_cents)
    if not proposal.is_new:
        return None
    nature = proposal.nature or PeriodNature.SALARIED
    single_year = len(proposal.slices) == 1
    try:
        return new_part_quarters(nature, part, declared_days=proposal.item.proposed_days, single_year=single_year)
    except KeyError:
        return None  # a year outside the thresholds table: no opinion


def _over_four_quarters(context: _Context) -> list[ControlResult]:
    # CSS R351-9: four quarters at most are validated per calendar year, all base schemes together; more suggests
    # a period counted twice or quarters granted beyond the year.
    asked: dict[int, list[tuple[_Proposal, int]]] = defaultdict(list)
    replaced: set[int] = set()
    for proposal in context.proposals:
        for part in proposal.slices:
            regime = _regime(context, proposal, part.year)
            quarters = _implied_quarters(proposal, part)
            if quarters is None or regime is None or regime.kind is not RegimeKind.BASE:
                continue
            asked[part.year].append((proposal, quarters))
            if proposal.current is not None:
                replaced.add(proposal.current.period_id)
    results = []
    for year in sorted(asked):
        requested = sum(quarters for _proposal, quarters in asked[year])
        already = sum(
            version.quarters or 0
            for version in context.versions
            if version.start_date.year == year
            and version.regime.kind is RegimeKind.BASE
            and version.period_id not in replaced
        )
        if requested and already + requested > MAX_QUARTERS_PER_YEAR:
            item_id = next(proposal.item.id for proposal, quarters in asked[year] if quarters)
            results.append(
                ControlResult(
                    "over_four_quarters",
                    Severity.WARNING,
                    f"{year} : {plural(already, 'trimestre')} déjà au compte (autres périodes, régimes de base) et "
                    f"{plural(requested, 'trimestre')} pour cette demande, soit {already + requested} ; "
                    f"{MAX_QUARTERS_PER_YEAR} trimestres au plus sont validés par année civile (CSS R351-9).",
                    item_id,
                )
            )
    return results


# 3. Earnings and quarters --------------------------------------------------------------------------------------------


def _earnings_quarters_mismatch(context: _Context) -> list[ControlResult]:
    # CSS R351-9: a salaried period validates one quarter per 150 hours of SMIC horaire earned in the year (200
    # before 2014), four at most. At decision, quarters granted beyond that are a bloquant finding; at filing, a
    # proposed amount that validates fewer quarters than the period has is probably mistyped (a monthly salary).
    # Other natures validate quarters by duration or days (L351-3, R351-12), not by this rule.
    results = []
    decided = context.stage == DECISION
    for proposal in context.proposals:
        if proposal.nature is not PeriodNature.SALARIED or not proposal.slices:
            continue
        claimed: int | None
        if proposal.accepted_quarters is not None:
            claimed = proposal.accepted_quarters
        elif not decided and proposal.current is not None and proposal.earnings_cents is not None:
            claimed = proposal.current.quarters
        else:
            continue
        if claimed is None:
            continue
        known = [(part.year, part.earnings_cents) for part in proposal.slices if part.earnings_cents is not None]
        if len(known) < len(proposal.slices):
            continue  # a part without earnings: nothing to compare
        quarters = [_quarters_from_earnings(year, earnings_cents) for year, earnings_cents in known]
        validated = [count for count in quarters if count is not None]
        if len(validated) < len(quarters) or claimed <= sum(validated):
            continue
        earnings = sum(earnings_cents for _year, earnings_cents in known)
        years = _years(proposal.slices)
        if len(proposal.slices) == 1:
            thresholds = format_euros(quarter_threshold(proposal.slices[0].year), drop_zero_cents=True)
        else:
            thresholds = ", ".join(
                f"{format_euros(quarter_threshold(part.year), drop_zero_cents=True)} en {part.year}"
                for part in proposal.slices
            )
        rule = f"seuil de {thresholds} par trimestre, 150 heures de SMIC depuis 2014 et 200 avant (CSS R351-9)"
        amount = format_cents(earnings, drop_zero_cents=True)
        if decided:
            message = (
                f"{plural(claimed, 'trimestre')} retenu(s) pour {years} avec {amount} de revenus, qui "
                f"n'en valident que {sum(validated)} ({rule})."
            )
        else:
            message = (
                f"Les revenus proposés pour {years} ({amount}) ne valident que "
                f"{plural(sum(validated), 'trimestre')} ({rule}), alors que la période en compte {claimed} : "
                "vérifier le montant (un salaire mensuel saisi à la place du cumul annuel ?)."
            )
        results.append(
            ControlResult(
                "earnings_quarters_mismatch",
                Severity.HIGH if decided else Severity.WARNING,
                message,
                proposal.item.id,
            )
        )
    return results


# 4. Above the ceiling ------------------------------------------------------------------------------------------------


def _above_ceiling(context: _Context) -> list[ControlResult]:
    # CSS L241-3 and R351-29: the old-age contribution of the régime général and the salary counted for the
    # salaire annuel moyen stop at the PASS of the year. Earnings above it are legitimate but count only up to it;
    # an amount far above may also be a net/gross or franc/euro confusion. For information only.
    results = []
    for proposal in context.proposals:
        if proposal.nature is not PeriodNature.SALARIED or proposal.earnings_cents is None:
            continue
        for part in proposal.slices:
            regime = _regime(context, proposal, part.year)
            if regime is None or regime.code != GENERAL_SCHEME or part.earnings_cents is None:
                continue
            try:
                ceiling = pass_annual(part.year)
            except KeyError:
                continue  # before the table: nothing to compare with
            if Decimal(part.earnings_cents) / 100 > ceiling:
                earnings = format_cents(part.earnings_cents, drop_zero_cents=True)
                results.append(
                    ControlResult(
                        "above_ceiling",
                        Severity.INFO,
                        f"Revenus de {earnings} en {part.year}, au-delà du plafond annuel de la Sécurité sociale "
                        f"({format_euros(ceiling, drop_zero_cents=True)}) : la cotisation vieillesse et le salaire "
                        "retenu pour le salaire annuel moyen s'arrêtent au plafond (CSS L241-3, R351-29).",
                        proposal.item.id,
                    )
                )
    return results


# 5. Earnings far from the person's history ---------------------------------------------------------------------------


def _earnings_jump(context: _Context) -> list[ControlResult]:
    # A yearly amount more than three times, or under a third of, the median of the person's other salaried years
    # is more often a typing error (a zero too many, francs for euros) than a change of career. Amounts of partial
    # years are compared on a full-year basis, so that a three-month job is not taken for a fall in earnings.
    results = []
    for proposal in context.proposals:
        if proposal.nature is not PeriodNature.SALARIED or proposal.earnings_cents is None or not proposal.slices:
            continue
        years = {part.year for part in proposal.slices}
        by_year: dict[int, int] = defaultdict(int)
        for version in context.versions:
            if (
                version.nature is PeriodNature.SALARIED
                and version.regime.kind is RegimeKind.BASE
                and version.earnings_cents
                and version.period_id != proposal.item.period_id
                and version.start_date.year not in years
            ):
                by_year[version.start_date.year] += version.earnings_cents
        if len(by_year) < EARNINGS_JUMP_MIN_YEARS:
            continue
        median = statistics.median(Fraction(total) for total in by_year.values())
        share = sum(part.share_of_year for part in proposal.slices)
        yearly = Fraction(proposal.earnings_cents) / share
        if yearly > EARNINGS_JUMP_FACTOR * median:
            direction = "plus du triple de"
        elif yearly * EARNINGS_JUMP_FACTOR < median:
            direction = "moins du tiers de"
        else:
            continue
        amount = format_cents(proposal.earnings_cents, drop_zero_cents=True)
        if share != 1:
            amount += f" (soit {format_cents(yearly, drop_zero_cents=True)} sur une année entière)"
        results.append(
            ControlResult(
                "earnings_jump",
                Severity.WARNING,
                f"Revenus proposés de {amount} : {direction} la médiane des autres années salariées de l'assuré "
                f"({format_cents(median, drop_zero_cents=True)} sur {len(by_year)} ans). Vérifier le montant "
                "(erreur de saisie, francs au lieu d'euros, montant net ?).",
                proposal.item.id,
            )
        )
    return results


# 6. Dates ------------------------------------------------------------------------------------------------------------


def _dates(context: _Context) -> list[ControlResult]:
    # Code du travail L4153-1 and L4153-3: no work before 14, so no contributory period either; and a period
    # cannot be reported before it has happened.
    results = []
    birth = context.assure.birth_date
    fourteenth = working_age_date(birth)
    for proposal in context.proposals:
        dates = [moment for moment in (proposal.start, proposal.end) if moment is not None]
        if not dates:
            continue
        first, last = min(dates), max(dates)
        if not context.about_children and first < fourteenth:
            results.append(
                ControlResult(
                    "before_fourteen",
                    Severity.HIGH,
                    f"Période commençant le {format_date(first)}, avant les {MINIMUM_WORKING_AGE} ans de l'assuré "
                    f"(né(e) le {format_date(birth)}, {MINIMUM_WORKING_AGE} ans le {format_date(fourteenth)}) : "
                    "aucun travail n'est possible avant cet âge (Code du travail L4153-1) ; vérifier l'année.",
                    proposal.item.id,
                )
            )
        if last > context.today:
            results.append(
                ControlResult(
                    "in_future",
                    Severity.HIGH,
                    f"Date du {format_date(last)} postérieure à la date du jour ({format_date(context.today)}) : "
                    "une période ne peut pas être reportée au compte avant d'avoir eu lieu.",
                    proposal.item.id,
                )
            )
    return results


# 7. SIRET ------------------------------------------------------------------------------------------------------------


def _invalid_siret(context: _Context) -> list[ControlResult]:
    # A SIRET is the 9-digit SIREN plus a 5-digit establishment number, with a Luhn check digit (INSEE): a wrong
    # one points to a typing error or an invented employer.
    results = []
    for proposal in context.proposals:
        number = proposal.item.proposed_employer_siret
        if number and not siret.is_valid(number):
            employer = proposal.item.proposed_employer_name
            named = f" de l'employeur « {employer} »" if employer else ""
            results.append(
                ControlResult(
                    "invalid_siret",
                    Severity.WARNING,
                    f"Le SIRET {number}{named} n'est pas valide (14 chiffres avec clé de contrôle) : vérifier le "
                    "numéro sur le bulletin de salaire ou dans l'annuaire des entreprises.",
                    proposal.item.id,
                )
            )
    return results


# 8. A justificatif sent for another person ---------------------------------------------------------------------------


def _shared_document(context: _Context) -> list[ControlResult]:
    # The same file (same SHA-256) sent for two different assurés is the classic reuse of one payslip to create
    # rights for someone else. One query for all the request's documents.
    signalement = context.signalement
    mine = aliased(Document)
    other = aliased(Document)
    rows = db.session.execute(
        select(mine.id, mine.original_name, other.assure_id, Signalement)
        .join(other, and_(other.sha256 == mine.sha256, other.assure_id != signalement.assure_id))
        .outerjoin(Signalement, Signalement.id == other.signalement_id)
        .where(mine.signalement_id == signalement.id)
        .order_by(mine.id, other.id)
    ).all()
    found: dict[int, tuple[str, set[int], list[str]]] = {}
    for document_id, name, assure_id, request in rows:
        _name, assures, references = found.setdefault(document_id, (name, set(), []))
        assures.add(assure_id)
        if request is not None and request.reference not in references:
            references.append(request.reference)
    results = []
    for name, assures, references in found.values():
        where = f" (demande(s) n° {', '.join(references)})" if references else ""
        results.append(
            ControlResult(
                "shared_document",
                Severity.HIGH,
                f"Le justificatif « {name} » est identique (même empreinte SHA-256) à un document envoyé pour "
                f"{plural(len(assures), 'autre assuré')}{where} : risque de réutilisation d'un même bulletin de "
                "salaire pour une autre personne.",
            )
        )
    return results


# 9. Many requests ----------------------------------------------------------------------------------------------------


def _many_signalements(context: _Context) -> list[ControlResult]:
    # Five requests or more filed by one person within 30 days: duplicates, or an automated or fraudulent filing.
    # Counted over the 30 days up to this request's filing (today for a draft), this one included.
    signalement = context.signalement
    anchor = signalement.filed_at.date() if signalement.filed_at else context.today
    since = anchor - timedelta(days=MANY_REQUESTS_DAYS)
    others = db.session.execute(
        select(func.count())
        .select_from(Signalement)
        .where(
            Signalement.assure_id == signalement.assure_id,
            Signalement.id != signalement.id,
            Signalement.filed_at >= datetime.combine(since, time.min),
            Signalement.filed_at < datetime.combine(anchor + timedelta(days=1), time.min),
        )
    ).scalar_one()
    count = others + 1
    if count < MANY_REQUESTS:
        return []
    return [
        ControlResult(
            "many_requests",
            Severity.WARNING,
            f"{count} demandes déposées par l'assuré du {format_date(since)} au {format_date(anchor)} (alerte à partir "
            f"de {MANY_REQUESTS} en {MANY_REQUESTS_DAYS} jours) : vérifier qu'il ne s'agit pas de demandes en double "
            "ou d'un dépôt automatisé.",
        )
    ]


# Helpers -------------------------------------------------------------------------------------------------------------


def _quarters_from_earnings(year: int, earnings_cents: int) -> int | None:
    try:
        return quarters_from_earnings(year, Decimal(earnings_cents) / 100)
    except KeyError:
        return None  # a year outside the thresholds table: no opinion


def _years(slices: tuple[YearPart, ...]) -> str:
    first, last = slices[0].year, slices[-1].year
    return str(first) if first == last else f"{first} à {last}"
