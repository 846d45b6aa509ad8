"""The queues: the signalements to take, mine, my caisse's…, with their filters, most urgent first."""

from flask import abort, render_template, request
from flask_login import current_user

from portal import clock
from portal.agents import permissions
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice import queries
from portal.backoffice.views import bp
from portal.backoffice.views._common import FILTER_REFUSED, refuse, refuse_cursor, role_required
from portal.forms import EmptyForm
from portal.signalements.catalog import CATALOG, AnomalyType
from portal.signalements.states import SignalementState

QUEUE_STATES = [state for state in SignalementState if state is not SignalementState.DRAFT]


@bp.get("/")
@bp.get("/demandes")
@role_required(permissions.can_use_queues)
def queue():
    """The queues, with their filters, most urgent first."""
    name = request.args.get("file", "a-prendre")
    if name not in queries.QUEUES:
        abort(404)
    filters = _queue_filters()
    today = clock.today()
    try:
        rows, next_cursor = queries.list_queue(
            current_user, name, filters, today=today, after=request.args.get("apres")
        )
    except queries.InvalidCursor:
        refuse_cursor()
    agents = queries.agents_by_id(row.assigned_agent_id for row in rows)
    args = {key: value for key, value in request.args.items() if key != "apres"}
    # The page names the assurés it lists (name, year of birth): one line for the page, with what it showed.
    audit(AuditAction.QUEUE_VIEWED, actor=current_user, queue=name, signalement_ids=[row.id for row in rows])
    return render_template(
        "backoffice/queue.html",
        queue_name=name,
        queues=queries.QUEUES,
        rows=rows,
        agents=agents,
        filters=filters,
        args=args,
        next_cursor=next_cursor,
        today=today,
        catalog=CATALOG,
        regimes=queries.QUEUE_REGIMES,
        states=QUEUE_STATES,
        form=EmptyForm(),
    )


def _queue_filters() -> queries.QueueFilters:
    """The queue's filters, each checked against what the filter form offers: anything else is a forged link."""
    args = request.args
    anomaly_type = args.get("type") or None
    if anomaly_type is not None and anomaly_type not in {kind.value for kind in AnomalyType}:
        refuse(FILTER_REFUSED, "Ce type de demande n'existe pas. Choisissez un type dans la liste des filtres.")
    regime = args.get("regime") or None
    if regime is not None and regime not in queries.QUEUE_REGIMES:
        refuse(FILTER_REFUSED, "Ce régime n'est pas proposé. Choisissez un régime dans la liste des filtres.")
    state = args.get("etat") or None
    if state is not None and state not in {known.value for known in QUEUE_STATES}:
        refuse(FILTER_REFUSED, "Cet état n'existe pas. Choisissez un état dans la liste des filtres.")
    caisse = args.get("caisse") or None
    if caisse is not None and not (caisse.isascii() and caisse.isdigit() and int(caisse) <= queries.MAX_ID):
        refuse(FILTER_REFUSED, "Cette caisse n'existe pas.")
    for flag in ("en-retard", "risque"):
        if args.get(flag) not in (None, "", "1"):
            refuse(FILTER_REFUSED, "Cette case à cocher n'accepte pas cette valeur.")
    return queries.QueueFilters(
        anomaly_type=anomaly_type,
        regime=regime,
        state=state,
        caisse_id=None if caisse is None else int(caisse),
        overdue=args.get("en-retard") == "1",
        risk=args.get("risque") == "1",
    )
