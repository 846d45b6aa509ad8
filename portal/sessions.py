"""Browser sessions kept server-side, behind two doors that never share a cookie.

The cookie holds nothing but a random token (`secrets.token_urlsafe(32)`); what the session holds (login state,
CSRF token, the logged-in account, the "acting for" context, messages) is a `browser_session` row keyed by the
token's SHA-256, so neither a copy of the cookie nor the database alone gives a usable id. The token changes at
login and when a representative switches into « J'agis pour » (session fixation), and whenever the session is
cleared (logout, an expired login): the row of the old token is deleted, so an old cookie opens nothing.

Writes are kept for the requests that change the session; a page that only reads writes at most once a minute
(`TOUCH_INTERVAL`), so that rows left untouched for longer than the session's lifetime can be told apart and purged
(`flask sessions purge`, daily).

Two doors: the agents' cookie is scoped to the back-office's path and carries its own name; inside the back-office
only that cookie is read, everywhere else only the citizens' one. Each row also records the door it was opened at,
and is read only there: a citizen's token copied into the agents' cookie (or the reverse) opens an empty session. A
citizen's session therefore never opens the back-office, and an agent's never shows a citizen's space.
"""

import hashlib
import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TypedDict, cast

from celery import shared_task
from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import JSON, CursorResult, DateTime, String, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import CallbackDict

from portal.db import Base, atomic, db, utcnow

BACKOFFICE_PREFIX = "/espace-agents"
CITIZEN_DOOR = "citizen"
AGENT_DOOR = "agent"
TOKEN_BYTES = 32
# What secrets.token_urlsafe(TOKEN_BYTES) produces; any other cookie value is not looked up at all.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
# A session that is only read is marked as seen at most this often: enough for a lifetime counted in hours.
TOUCH_INTERVAL = timedelta(minutes=1)


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


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_door() -> str:
    return AGENT_DOOR if is_backoffice_request() else CITIZEN_DOOR


def door_lifetime(app: Flask, door: str) -> timedelta:
    """How long a session of `door` lives without being used: the agents' is shorter."""
    return app.config["AGENT_SESSION_LIFETIME"] if door == AGENT_DOOR else app.permanent_session_lifetime


class _CookieOptions(TypedDict):
    """The options of the session cookie, shared by Response.set_cookie and Response.delete_cookie."""

    domain: str | None
    path: str | None
    secure: bool
    partitioned: bool
    samesite: str | None
    httponly: bool


class ServerSession(CallbackDict, SessionMixin):
    """The session's values, loaded from the row of `token` (None: no row yet, one is created when needed)."""

    def __init__(
        self,
        initial=None,
        *,
        token: str | None = None,
        touched_at: datetime | None = None,
        stale_cookie: bool = False,
    ):
        def on_update(self) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.touched_at = touched_at
        # The browser sent a token that opens nothing (ended, expired, of the other door): its cookie is removed.
        self.stale_cookie = stale_cookie
        self.modified = False
        self.renew = False

    def regenerate(self) -> None:
        """Give the session a new token when the response is sent; the old one stops working (its row is deleted)."""
        self.renew = True
        self.modified = True

    def clear(self) -> None:
        # A cleared session (login, logout, a login found expired) never keeps its old token: nothing said under it
        # survives, and whoever copied it gets nothing.
        super().clear()
        self.regenerate()


def regenerate_session() -> None:
    """A new session token for the current request's session, keeping its values (see ServerSession.regenerate)."""
    # PortalSessionInterface.open_session always opens a ServerSession; Flask types the proxy as a SessionMixin.
    cast(ServerSession, session).regenerate()


class PortalSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()
    session_class = ServerSession

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
            return datetime.now(UTC) + app.config["AGENT_SESSION_LIFETIME"]
        return expires

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        # create_app always gives the app a static folder, hence a static URL path.
        assert app.static_url_path is not None
        # Static files never read the session: no query for them.
        if request.path.startswith(app.static_url_path + "/"):
            return self.session_class()
        token = request.cookies.get(self.get_cookie_name(app), "")
        if not _TOKEN_RE.fullmatch(token):
            return self.session_class(stale_cookie=bool(token))
        row = db.session.execute(
            select(BrowserSession.data, BrowserSession.updated_at).where(
                BrowserSession.id_digest == token_digest(token)
            )
        ).one_or_none()
        door = current_door()
        if row is None or row.data.get("door") != door or row.updated_at < utcnow() - door_lifetime(app, door):
            # Unknown, ended, of the other door or too old: an empty session, which gets a token of its own if it
            # is ever written to. A token the server did not hand out is never adopted.
            return self.session_class(stale_cookie=True)
        values = self.serializer.loads(json.dumps(row.data["values"]))
        return self.session_class(values, token=token, touched_at=row.updated_at)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # Flask hands back the session open_session returned, always a ServerSession.
        session = cast(ServerSession, session)
        cookie: _CookieOptions = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
        name = self.get_cookie_name(app)
        if session.accessed:
            response.vary.add("Cookie")
        now = utcnow()
        token = session.token
        wrote = False
        if token is not None and (session.renew or (session.modified and not session)):
            db.session.execute(delete(BrowserSession).where(BrowserSession.id_digest == token_digest(token)))
            token, wrote = None, True
        if not session:
            if session.modified or session.stale_cookie:
                response.delete_cookie(name, **cookie)
                response.vary.add("Cookie")
            if wrote:
                db.session.commit()
            return

        data = {"door": current_door(), "values": json.loads(self.serializer.dumps(dict(session)))}
        if token is not None and session.modified:
            updated = cast(
                CursorResult,
                db.session.execute(
                    update(BrowserSession)
                    .where(BrowserSession.id_digest == token_digest(token))
                    .values(data=data, updated_at=now)
                    .execution_options(synchronize_session=False)
                ),
            )
            # Deleted meanwhile (logout in another tab, purge): the old token is not revived, a new one is issued.
            token = token if updated.rowcount == 1 else None
            wrote = True
        elif token is not None:
            # A session with a token was opened from its row, which set touched_at.
            assert session.touched_at is not None
            if now - session.touched_at >= TOUCH_INTERVAL:
                db.session.execute(
                    update(BrowserSession)
                    .where(BrowserSession.id_digest == token_digest(token))
                    .values(updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                wrote = True
        if token is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            db.session.execute(
                insert(BrowserSession).values(id_digest=token_digest(token), data=data, created_at=now, updated_at=now)
            )
            wrote = True
        if wrote:
            # The request's own unit of work has already committed (or rolled back) when Flask saves the session.
            db.session.commit()
        if token != session.token or self.should_set_cookie(app, session):
            response.set_cookie(name, token, expires=self.get_expiration_time(app, session), **cookie)
            response.vary.add("Cookie")


def purge_expired_sessions(app: Flask, *, now: datetime) -> int:
    """Delete the sessions untouched for longer than the longest session lifetime; return how many were deleted.

    Such a session can no longer be opened (open_session checks the lifetime of its door): this only reclaims the
    rows, which hold personal data (the account logged in, the person acted for)."""
    longest = max(door_lifetime(app, CITIZEN_DOOR), door_lifetime(app, AGENT_DOOR))
    result = cast(
        CursorResult,
        db.session.execute(
            delete(BrowserSession)
            .where(BrowserSession.updated_at < now - longest)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount


@shared_task(name="portal.sessions.purge")
def purge_task() -> int:
    """Beat's daily purge of expired sessions (the same function as `flask sessions purge`)."""
    with atomic():
        return purge_expired_sessions(current_app._get_current_object(), now=utcnow())  # type: ignore[attr-defined]
