"""What differs between the two providers the sandbox imitates: FranceConnect v2 (citizens) and ProConnect (agents).

A profile is chosen once, when the app is built (SANDBOX_PROFILE), and kept in the provider's context; the OpenID
flow, the keys, the signed userinfo and the fault injection are the same code for both.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from authlib.oidc.core import UserInfo
from markupsafe import Markup

from portal.demo import agents as demo_agents
from portal.demo import identities as demo_identities
from portal.sandbox import claims


class Identity(Protocol):
    """A test identity of either profile: `portal.demo.identities.DemoIdentity` or `portal.demo.agents.DemoAgent`."""

    @property
    def sub(self) -> str: ...

    def claims(self) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class Authentication:
    """How an identity authenticated: the id_token's `acr`, and its `amr` (left out when empty)."""

    acr: str
    amr: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChooserCard:
    """One identity on the chooser page: a name, a few lines of details, and the summary in italics."""

    sub: str
    name: str
    details: tuple[str | Markup, ...]  # escaped in the page, unless Markup
    summary: str


@dataclass(frozen=True, slots=True)
class SandboxProfile:
    name: str  # the value of SANDBOX_PROFILE and of --profile
    title: str  # pages are titled "{title} — bac à sable local"
    imitates: str  # for the page's banner: "il imite {imitates} avec des identités fictives"
    identities: tuple[Any, ...]
    scope_claims: Mapping[str, tuple[str, ...]]
    claims_supported: tuple[str, ...]
    claim_labels: Mapping[str, str]  # claims shown as requested on the chooser, in this order
    userinfo_class: type[UserInfo]  # its SCOPES_CLAIMS_MAPPING filters the claims by scope
    acr_values_supported: tuple[str, ...]
    # True: an `acr_values` naming none of the supported levels is refused (FranceConnect). False: `acr_values` is
    # voluntary, the identity's real level is returned whatever was asked, and the client must check it (ProConnect).
    refuses_unsupported_acr: bool
    authentication: Callable[[Any], Authentication]
    card: Callable[[Any], ChooserCard]
    # Browsers share cookies between ports of one host: two sandboxes side by side need two cookie names.
    session_cookie_name: str
    default_port: int  # of `python -m portal.sandbox`, matching the portal's development configuration

    @property
    def scopes_supported(self) -> tuple[str, ...]:
        return tuple(self.scope_claims)

    def find(self, sub: str) -> Identity | None:
        return next((identity for identity in self.identities if identity.sub == sub), None)

    def requested_claims(self, scope: str) -> list[str]:
        """The identity claims (sub excluded) that `scope` grants, in the order of `claim_labels`."""
        granted = {claim for name in scope.split() for claim in self.scope_claims.get(name, ())}
        return [claim for claim in self.claim_labels if claim in granted]

    def userinfo(self, identity: Identity, scope: str) -> UserInfo:
        """The userinfo claims of `identity` that `scope` grants, `sub` included when `openid` is granted."""
        return self.userinfo_class(sub=identity.sub, **identity.claims()).filter(scope)


def _citizen_card(identity: demo_identities.DemoIdentity) -> ChooserCard:
    born = "Née" if identity.gender == "female" else "Né"
    if identity.birthcountry == demo_identities.FRANCE_COG:
        birthplace = f"{born} en France, commune {identity.birthplace} (code COG)"
    else:
        birthplace = f"{born} à l'étranger, pays {identity.birthcountry} (code COG)"
    details: list[str | Markup] = [
        f"{born} le {date.fromisoformat(identity.birthdate):%d/%m/%Y}",
        birthplace,
        identity.email,
    ]
    if identity.preferred_username:
        details.insert(0, Markup("Nom d'usage : {}").format(identity.preferred_username))
    return ChooserCard(
        sub=identity.sub,
        name=f"{identity.given_name} {identity.family_name}",
        details=tuple(details),
        summary=identity.summary,
    )


_ACR_LABELS = {
    demo_agents.ACR_EIDAS1: "sans double authentification (eidas1)",
    demo_agents.ACR_SELF_ASSERTED_2FA: "double authentification (self-asserted-2fa)",
    demo_agents.ACR_CONSISTENCY_CHECKED_2FA: "double authentification, identité vérifiée (consistency-checked-2fa)",
}


def _agent_card(agent: demo_agents.DemoAgent) -> ChooserCard:
    return ChooserCard(
        sub=agent.sub,
        name=f"{agent.given_name} {agent.usual_name}",
        details=(
            agent.email,
            f"SIRET {agent.siret} · uid {agent.uid}",
            f"Connexion {_ACR_LABELS.get(agent.acr, agent.acr)}, amr {' + '.join(agent.amr)}",
        ),
        summary=agent.summary,
    )


FRANCECONNECT = SandboxProfile(
    name="franceconnect",
    title="FranceConnect",
    imitates="FranceConnect v2",
    identities=demo_identities.IDENTITIES,
    scope_claims=claims.SCOPE_CLAIMS,
    claims_supported=claims.CLAIMS_SUPPORTED,
    claim_labels=claims.CLAIM_LABELS,
    userinfo_class=claims.FranceConnectUserInfo,
    acr_values_supported=(claims.ACR_EIDAS1,),
    refuses_unsupported_acr=True,
    # FranceConnect (as opposed to FranceConnect+) only offers eidas1, and sends no amr unless asked.
    authentication=lambda identity: Authentication(acr=claims.ACR_EIDAS1),
    card=_citizen_card,
    session_cookie_name="fc_sandbox_session",
    default_port=5001,
)

PROCONNECT = SandboxProfile(
    name="proconnect",
    title="ProConnect",
    imitates="ProConnect",
    identities=demo_agents.AGENT_IDENTITIES,
    scope_claims=claims.PROCONNECT_SCOPE_CLAIMS,
    claims_supported=claims.PROCONNECT_CLAIMS_SUPPORTED,
    claim_labels=claims.PROCONNECT_CLAIM_LABELS,
    userinfo_class=claims.ProConnectUserInfo,
    acr_values_supported=claims.PROCONNECT_ACR_VALUES_SUPPORTED,
    refuses_unsupported_acr=False,
    authentication=lambda agent: Authentication(acr=agent.acr, amr=agent.amr),
    card=_agent_card,
    session_cookie_name="pc_sandbox_session",
    default_port=5002,
)

PROFILES: dict[str, SandboxProfile] = {profile.name: profile for profile in (FRANCECONNECT, PROCONNECT)}
DEFAULT_PROFILE = FRANCECONNECT.name


def get_profile(name: str) -> SandboxProfile:
    """The profile named `name`. Raises ValueError on an unknown name."""
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        raise ValueError(f"SANDBOX_PROFILE must be one of {sorted(PROFILES)}: {name!r}") from None
