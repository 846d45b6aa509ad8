"""Scopes, claims and acr values of the two providers the sandbox imitates: FranceConnect v2 and ProConnect."""

from authlib.oidc.core import UserInfo

from portal.demo.agents import ACR_CONSISTENCY_CHECKED_2FA, ACR_SELF_ASSERTED_2FA

# FranceConnect v2

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


# ProConnect: one scope per claim ("Correspondance entre scope et claims sur ProConnect"), the ones every service
# provider gets by default.
PROCONNECT_SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "email": ("email",),
    "given_name": ("given_name",),
    "usual_name": ("usual_name",),
    "uid": ("uid",),
    "siret": ("siret",),
    "idp_id": ("idp_id",),
}

PROCONNECT_CLAIMS_SUPPORTED: tuple[str, ...] = (
    "sub",
    "given_name",
    "usual_name",
    "email",
    "uid",
    "siret",
    "idp_id",
    "acr",
    "amr",
    "auth_time",
)

PROCONNECT_CLAIM_LABELS: dict[str, str] = {
    "given_name": "Prénoms",
    "usual_name": "Nom d'usage",
    "email": "Adresse électronique professionnelle",
    "uid": "Identifiant chez le fournisseur d'identité",
    "siret": "SIRET de l'établissement",
    "idp_id": "Fournisseur d'identité utilisé",
}

# The levels ProConnect's discovery advertises (certification-dirigeant aside). The sandbox's agents reach eidas1
# or one of the two 2FA levels; the others are listed so that a client asking for them is answered as ProConnect
# answers it: with the level the person really reached.
PROCONNECT_ACR_VALUES_SUPPORTED: tuple[str, ...] = (
    ACR_EIDAS1,
    "eidas2",
    "eidas3",
    "https://proconnect.gouv.fr/assurance/self-asserted",
    ACR_SELF_ASSERTED_2FA,
    "https://proconnect.gouv.fr/assurance/consistency-checked",
    ACR_CONSISTENCY_CHECKED_2FA,
)


class ProConnectUserInfo(UserInfo):
    """UserInfo whose `filter(scope)` follows ProConnect's scopes (usual_name, uid, siret and idp_id included)."""

    SCOPES_CLAIMS_MAPPING = {scope: list(claims) for scope, claims in PROCONNECT_SCOPE_CLAIMS.items()}
