"""Accounts, sessions and the binding of an account to an assuré."""

import hashlib
import secrets
from datetime import timedelta
from typing import NoReturn

from flask import current_app
from sqlalchemy import select

from portal.agents.models import Agent
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth import identity
from portal.auth.exceptions import BindingRefused
from portal.auth.models import Account, IdentityLink, UserSession
from portal.auth.oidc import VerifiedLogin
from portal.careers.models import Assure
from portal.db import Base, db, utcnow

# Writing last_seen_at on every request would turn each page view into a write; a minute is precise enough
# for an idle timeout counted in tens of minutes.
# The key of the browser session that holds the login's token (citizens and agents alike).
SESSION_TOKEN_KEY = "sid"  # noqa: S105 (a session key name, not a secret)
LAST_SEEN_RESOLUTION_SECONDS = 60

IDENTITY_MISMATCH_MESSAGE = (
    "Ce numéro de sécurité sociale ne correspond pas à l'identité transmise par FranceConnect, ou ne figure "
    "pas dans nos fichiers. Vérifiez les 15 caractères de votre numéro (il figure sur votre carte Vitale). "
    "Si vous êtes sûr de votre saisie, contactez votre caisse de retraite : votre dossier sera vérifié."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record_login(login: VerifiedLogin) -> Account:
    """Find the account linked to (issuer, sub), or create it, and refresh its identité pivot."""
    link = db.session.execute(
        select(IdentityLink).where(IdentityLink.issuer == login.issuer, IdentityLink.subject == login.subject)
    ).scalar_one_or_none()
    if link is None:
        account = Account(pivot_identity=login.claims)
        db.session.add(account)
        db.session.add(IdentityLink(account=account, issuer=login.issuer, subject=login.subject))
    else:
        account = link.account
        account.pivot_identity = login.claims
    account.last_login_at = utcnow()
    db.session.flush()
    audit(AuditAction.LOGIN, actor=account, subject=account.assure, provider=login.provider, acr=login.acr)
    return account


def open_session(account: Account, *, provider: str, id_token: str | None) -> str:
    """Create a server-side session and return its token, to be put in the (new) cookie session."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id_digest=_digest(token), account_id=account.id, provider=provider, id_token=id_token))
    return token


def open_agent_session(agent, *, provider: str, id_token: str | None) -> str:
    """The same as open_session, for an agent of the back-office."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id_digest=_digest(token), agent_id=agent.id, provider=provider, id_token=id_token))
    return token


def _live_session(token: str | None, *, idle: timedelta, lifetime: timedelta) -> UserSession | None:
    """The session row of `token` while it lives; ended here when idle or too old."""
    if not token:
        return None
    user_session = db.session.get(UserSession, _digest(token))
    if user_session is None or user_session.ended_at is not None:
        return None
    now = utcnow()
    if user_session.created_at < now - lifetime or user_session.last_seen_at < now - idle:
        user_session.ended_at = now
        return None
    if (now - user_session.last_seen_at).total_seconds() > LAST_SEEN_RESOLUTION_SECONDS:
        user_session.last_seen_at = now
    return user_session


def load_session_account(account_id: str, token: str | None) -> Account | None:
    """Return the account of a live session, or None when the session ended, expired or is not this account's."""
    if not account_id.isdigit():
        return None
    config = current_app.config
    user_session = _live_session(
        token, idle=config["SESSION_IDLE_TIMEOUT"], lifetime=config["PERMANENT_SESSION_LIFETIME"]
    )
    if user_session is None or user_session.account_id != int(account_id):
        return None
    return user_session.account


def load_session_agent(agent_id: str, token: str | None):
    """Return the agent of a live agent session (shorter-lived than a citizen's), if still active."""
    if not agent_id.isdigit():
        return None
    config = current_app.config
    user_session = _live_session(
        token, idle=config["AGENT_SESSION_IDLE_TIMEOUT"], lifetime=config["AGENT_SESSION_LIFETIME"]
    )
    if user_session is None or user_session.agent_id != int(agent_id):
        return None
    agent = db.session.get(Agent, user_session.agent_id)
    if agent is None or not agent.is_active:
        user_session.ended_at = utcnow()
        return None
    return agent


def end_session(token: str | None) -> UserSession | None:
    """End the server-side session; return it (for its id_token) or None if there was none."""
    if not token:
        return None
    user_session = db.session.get(UserSession, _digest(token))
    if user_session is None or user_session.ended_at is not None:
        return None
    user_session.ended_at = utcnow()
    if user_session.account_id is not None:
        audit(AuditAction.LOGOUT, actor=user_session.account, provider=user_session.provider)
    else:
        audit(AuditAction.LOGOUT, actor=db.session.get(Agent, user_session.agent_id), provider=user_session.provider)
    return user_session


def bind_assure(account: Account, nir: str, *, issuer: str) -> Assure:
    """Bind the account to the assuré designated by `nir`, after checking it against the identité pivot.

    Precondition: the account is not bound yet. Raises BindingRefused (with the audit line written) when the
    NIR is unknown, contradicts the pivot identity, or is already bound to another account.
    """
    nir = identity.normalize_nir(nir)
    pivot = identity.PivotIdentity.from_claims(account.pivot_identity or {})
    if pivot is None:
        _refuse(
            account,
            "pivot_incomplete",
            "FranceConnect ne nous a pas transmis toute votre identité (date, lieu de naissance ou sexe). "
            "Reconnectez-vous ; si le problème persiste, contactez votre caisse de retraite.",
        )
    assure = db.session.execute(select(Assure).where(Assure.nir == nir)).scalar_one_or_none()
    if assure is None:
        _refuse(account, "unknown_nir", IDENTITY_MISMATCH_MESSAGE)
    mismatches = identity.nir_mismatches(nir, pivot) + identity.registry_mismatches(assure, pivot)
    if mismatches:
        _refuse(account, "identity_mismatch", IDENTITY_MISMATCH_MESSAGE, subject=assure, fields=mismatches)
    already = db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one_or_none()
    if already is not None and already.id != account.id:
        # Reached only by someone whose identité pivot matches the record (birth, names, first given name): the
        # owner, who learns whom to call; anyone else got the refusal above, whether the NIR is linked or not.
        _refuse(
            account,
            "already_bound",
            "Votre numéro de sécurité sociale est déjà rattaché à un autre compte FranceConnect. Si vous n'êtes pas "
            f"à l'origine de ce rattachement, contactez {_caisse_of(assure)} au 39 60 (service gratuit + prix d'un "
            "appel) ou par courrier : votre dossier sera vérifié et le rattachement annulé s'il n'est pas le vôtre.",
            subject=assure,
        )
    account.assure = assure
    account.bound_at = utcnow()
    audit(AuditAction.IDENTITY_BOUND, actor=account, subject=assure, issuer=issuer)
    return assure


def _caisse_of(assure: Assure) -> str:
    """ "votre caisse de retraite (Carsat Rhône-Alpes)", or without its name when the file has no caisse."""
    # The caisses' table belongs to the back-office's models, which a feature does not import: read by its name.
    caisse = Base.metadata.tables["caisse"]
    name = db.session.execute(select(caisse.c.name).where(caisse.c.id == assure.caisse_id)).scalar_one_or_none()
    return f"votre caisse de retraite ({name})" if name else "votre caisse de retraite"


def _refuse(account: Account, reason: str, message: str, *, subject=None, fields=None) -> NoReturn:
    audit(AuditAction.IDENTITY_BINDING_REFUSED, actor=account, subject=subject, reason=reason, fields=fields or [])
    raise BindingRefused(reason, message)


def audit_refused_login(provider: str, reason: str) -> None:
    audit(AuditAction.LOGIN_REFUSED, provider=provider, reason=reason)
