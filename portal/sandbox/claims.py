"""FranceConnect v2 scopes and claims, and the userinfo built from a test identity."""

from authlib.oidc.core import UserInfo

from portal.demo.identities import DemoIdentity

# FranceConnect gives one scope per claim of the identité pivot, plus a few historical groups of them.
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "birthdate": ("birthdate",),
    "gender": ("gender",),
    "birthplace": ("birthplace",),
    "birthcountry": ("birthcountry",),
    "email": ("email",),
    "preferred_username": ("preferred_username",),
    "profile": ("given_name", "family_name", "birthdate", "gender", "preferred_username"),
    "birth": ("birthplace", "birthcountry"),
    # FranceConnect v2 took preferred_username out of identite_pivot.
    "identite_pivot": ("given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"),
}

SCOPES_SUPPORTED: tuple[str, ...] = tuple(SCOPE_CLAIMS)

CLAIMS_SUPPORTED: tuple[str, ...] = (
    "sub",
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
    "preferred_username",
    "acr",
    "auth_time",
)

# Labels of the chooser page, so that a developer sees what the client asked for.
CLAIM_LABELS: dict[str, str] = {
    "given_name": "Prénoms",
    "family_name": "Nom de naissance",
    "preferred_username": "Nom d'usage",
    "birthdate": "Date de naissance",
    "gender": "Sexe",
    "birthplace": "Commune de naissance (code COG)",
    "birthcountry": "Pays de naissance (code COG)",
    "email": "Adresse électronique",
}

ACR_EIDAS1 = "eidas1"


class FranceConnectUserInfo(UserInfo):
    """UserInfo whose `filter(scope)` follows FranceConnect's scopes instead of OpenID Connect's profile/email."""

    SCOPES_CLAIMS_MAPPING = {scope: list(claims) for scope, claims in SCOPE_CLAIMS.items()}


def claims_for_scope(scope: str) -> list[str]:
    """The identity claims (sub excluded) that `scope` grants, in a stable order."""
    granted = {claim for name in scope.split() for claim in SCOPE_CLAIMS.get(name, ())}
    return [claim for claim in CLAIM_LABELS if claim in granted]


def userinfo_for(identity: DemoIdentity, scope: str) -> FranceConnectUserInfo:
    """The userinfo claims of `identity` that `scope` grants, `sub` included when `openid` is granted."""
    return FranceConnectUserInfo(sub=identity.sub, **identity.claims()).filter(scope)
