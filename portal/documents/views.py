"""Serving justificatifs, only after the authorization check, always as attachments."""

from flask import Blueprint, abort, redirect, send_file

from portal.auth.decorators import assure_required
from portal.documents import permissions, services
from portal.representation import context as acting_context

bp = Blueprint("documents", __name__)

# A presigned link is a bearer token: short-lived, so that a copied URL soon stops working.
PRESIGNED_SECONDS = 60


@bp.get("/justificatifs/<int:document_id>")
@assure_required
def download_document(document_id: int):
    """Download one of the person's justificatifs."""
    assure_id = acting_context.subject_id()
    assert assure_id is not None  # assure_required: the space is an assuré's
    document = services.get_document_for_assure(document_id, assure_id)
    if document is None or not permissions.can_view(acting_context.actor(), document):
        abort(404)
    url = services.storage().download_url(
        document.storage_key,
        filename=document.original_name,
        content_type=document.content_type,
        expires_in=PRESIGNED_SECONDS,
    )
    if url is not None:
        return redirect(url, 303)
    try:
        handle = services.storage().open(document.storage_key)
    except KeyError:
        abort(404)
    response = send_file(
        handle, mimetype=document.content_type, as_attachment=True, download_name=document.original_name
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
