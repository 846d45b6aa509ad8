"""« E-mails en échec »: the outbox's failed e-mails, for administrateurs, with « Renvoyer » to send one again.

The agent's session, the CSRF check and the role rule are those of every back-office page.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.agents import permissions
from portal.backoffice.views import bp
from portal.backoffice.views._common import known_id, query_number, role_required
from portal.forms import EmptyForm
from portal.notifications import queries as notifications_queries
from portal.notifications import services as notifications_services
from portal.notifications.exceptions import NotificationError


@bp.get("/e-mails-en-echec")
@role_required(permissions.can_manage_outbox)
def list_failed_emails():
    """The e-mails that could not be sent, newest first, with their error."""
    # Checked as every back-office parameter: a forged number is a French 400, not a database error.
    before_id = query_number("avant", "Ce lien vers les e-mails plus anciens a été modifié.")
    page = notifications_queries.list_failed(before_id=before_id)
    return render_template("backoffice/outbox.html", page=page, form=EmptyForm())


@bp.post("/e-mails-en-echec/<int:notification_id>/renvoyer")
@role_required(permissions.can_manage_outbox)
def resend_email(notification_id: int):
    """Send one failed e-mail again, now."""
    notification = notifications_queries.get_notification(known_id(notification_id))
    if notification is None:
        abort(404)
    try:
        delivery = notifications_services.resend(notification.id, actor=current_user)
    except NotificationError as error:
        flash(error.message, "info")
    else:
        if delivery.outcome is notifications_services.Outcome.SENT:
            flash(f"L'e-mail « {notification.subject} » est parti vers {notification.masked_recipient}.", "success")
        else:
            flash(
                f"L'e-mail « {notification.subject} » n'a pas pu partir ({notification.masked_error}). Il reste dans "
                "la liste : vérifiez la configuration de la messagerie avant de réessayer.",
                "error",
            )
    return redirect(url_for("backoffice.list_failed_emails"), 303)
