"""Two doors, two cookies: the citizens' session and the agents' session never share a cookie.

The agents' cookie is scoped to the back-office's path and carries its own name; inside the back-office only that
cookie is read, everywhere else only the citizens' one. A citizen's session therefore never opens the back-office,
and an agent's never shows a citizen's space.
"""

from datetime import datetime

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow

BACKOFFICE_PREFIX = "/espace-agents"


class BrowserSession(Base):
    """What a browser's session holds (login state, CSRF token, the logged-in account, the "acting for" context),
    kept server-side: the cookie carries only a random id, whose SHA-256 digest is the key."""

    __tablename__ = "browser_session"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


def is_backoffice_request() -> bool:
    return has_request_context() and (
        request.path == BACKOFFICE_PREFIX or request.path.startswith(BACKOFFICE_PREFIX + "/")
    )


class PortalSessionInterface(SecureCookieSessionInterface):
    def get_cookie_name(self, app) -> str:
        if is_backoffice_request():
            return app.config["AGENT_SESSION_COOKIE_NAME"]
        return super().get_cookie_name(app)

    def get_cookie_path(self, app) -> str:
        if is_backoffice_request():
            return BACKOFFICE_PREFIX
        return super().get_cookie_path(app)

    def get_expiration_time(self, app, session):
        expires = super().get_expiration_time(app, session)
        if expires is not None and is_backoffice_request():
            from datetime import UTC, datetime

            return datetime.now(UTC) + app.config["AGENT_SESSION_LIFETIME"]
        return expires
