"""Test identities of the local ProConnect sandbox: agents of the pension fund, as ProConnect describes them.

An agent is what ProConnect says of a person: who they are (`sub`, names, professional e-mail, `uid` at their
identity provider, `siret` of their organisation) and how strongly they authenticated (`acr`, `amr`). Roles and
caisses are the portal's business, registered by an administrator (`flask agents add`): they are never claims.
`PORTAL_REGISTRATIONS` says what `flask seed-demo` registers for these people, as an administrator would.

The SIRETs are fictitious but valid (Luhn key); the e-mail domains are under example.fr.
"""

from dataclasses import dataclass

# ProConnect's levels (its documentation, "Niveaux d'assurance et utilisation de l'ACR"): no second factor, or a
# second factor with a self-asserted identity, or with an identity checked for consistency (e-mail domain, ...).
ACR_EIDAS1 = "eidas1"
ACR_SELF_ASSERTED_2FA = "https://proconnect.gouv.fr/assurance/self-asserted-2fa"
ACR_CONSISTENCY_CHECKED_2FA = "https://proconnect.gouv.fr/assurance/consistency-checked-2fa"

# Authentication methods as ProConnect names them in `amr`: a password, then a TOTP application or a passkey.
AMR_PASSWORD_ONLY: tuple[str, ...] = ("pwd",)
AMR_PASSWORD_TOTP: tuple[str, ...] = ("pwd", "totp", "mfa")
AMR_PASSWORD_PASSKEY: tuple[str, ...] = ("pwd", "pop", "mfa")

# `idp_id`: the identity provider of the federation the agent used, a UUID at ProConnect. One fictitious provider.
SANDBOX_IDP_ID = "5b0e1f3a-7c1d-4e0b-9a55-6f2d3c8b9e10"

SIRET_CARSAT_RHONE_ALPES = "77570779700038"
SIRET_CARSAT_BRETAGNE = "77751033000031"
SIRET_CNAV = "18007702600029"
SIRET_PREFECTURE = "17690001700011"


@dataclass(frozen=True, slots=True)
class DemoAgent:
    sub: str
    given_name: str
    usual_name: str  # nom d'usage, as ProConnect names it
    email: str  # professional address
    uid: str  # identifier at the agent's identity provider
    siret: str  # establishment of the agent's organisation, 14 digits
    acr: str  # the level this agent reaches, whatever a service asks
    amr: tuple[str, ...]
    summary: str  # one line shown on the sandbox's chooser page

    def claims(self) -> dict[str, str]:
        """The identity claims, as ProConnect puts them in userinfo (`sub` apart)."""
        return {
            "given_name": self.given_name,
            "usual_name": self.usual_name,
            "email": self.email,
            "uid": self.uid,
            "siret": self.siret,
            "idp_id": SANDBOX_IDP_ID,
        }

    @property
    def has_second_factor(self) -> bool:
        return self.acr != ACR_EIDAS1

    @property
    def portal_role(self) -> tuple[str, str] | None:
        """(role, caisse code) that `flask seed-demo` registers in the portal; None for someone not registered.

        Read from `PORTAL_REGISTRATIONS`: kept for `portal.demo.seed`, which may read that mapping directly."""
        return PORTAL_REGISTRATIONS.get(self.sub)


AGENT_IDENTITIES: tuple[DemoAgent, ...] = (
    DemoAgent(
        sub="demo-agent-camille-durand",
        given_name="Camille",
        usual_name="DURAND",
        email="camille.durand@carsat-ra.example.fr",
        uid="cdurand",
        siret=SIRET_CARSAT_RHONE_ALPES,
        acr=ACR_SELF_ASSERTED_2FA,
        amr=AMR_PASSWORD_TOTP,
        summary="Technicienne, CARSAT Rhône-Alpes",
    ),
    DemoAgent(
        sub="demo-agent-mehdi-benhamou",
        given_name="Mehdi",
        usual_name="BENHAMOU",
        email="mehdi.benhamou@carsat-ra.example.fr",
        uid="mbenhamou",
        siret=SIRET_CARSAT_RHONE_ALPES,
        acr=ACR_SELF_ASSERTED_2FA,
        amr=AMR_PASSWORD_TOTP,
        summary="Technicien, CARSAT Rhône-Alpes",
    ),
    DemoAgent(
        sub="demo-agent-anne-laure-kervella",
        given_name="Anne-Laure",
        usual_name="KERVELLA",
        email="anne-laure.kervella@carsat-bretagne.example.fr",
        uid="akervella",
        siret=SIRET_CARSAT_BRETAGNE,
        acr=ACR_SELF_ASSERTED_2FA,
        amr=AMR_PASSWORD_TOTP,
        summary="Technicienne, CARSAT Bretagne",
    ),
    DemoAgent(
        sub="demo-agent-jerome-lefebvre",
        given_name="Jérôme",
        usual_name="LEFEBVRE",
        email="jerome.lefebvre@carsat-ra.example.fr",
        uid="jlefebvre",
        siret=SIRET_CARSAT_RHONE_ALPES,
        acr=ACR_CONSISTENCY_CHECKED_2FA,
        amr=AMR_PASSWORD_PASSKEY,
        summary="Superviseur, CARSAT Rhône-Alpes",
    ),
    DemoAgent(
        sub="demo-agent-helene-marchal",
        given_name="Hélène",
        usual_name="MARCHAL",
        email="helene.marchal@cnav.example.fr",
        uid="hmarchal",
        siret=SIRET_CNAV,
        acr=ACR_CONSISTENCY_CHECKED_2FA,
        amr=AMR_PASSWORD_TOTP,
        summary="Auditrice, CNAV",
    ),
    DemoAgent(
        sub="demo-agent-francois-nguyen-van",
        given_name="François",
        usual_name="NGUYEN-VAN",
        email="francois.nguyen-van@cnav.example.fr",
        uid="fnguyenvan",
        siret=SIRET_CNAV,
        acr=ACR_CONSISTENCY_CHECKED_2FA,
        amr=AMR_PASSWORD_PASSKEY,
        summary="Administrateur, CNAV",
    ),
    DemoAgent(
        sub="demo-agent-sans-double-authentification",
        given_name="Paul",
        usual_name="ROBIN",
        email="paul.robin@carsat-ra.example.fr",
        uid="probin",
        siret=SIRET_CARSAT_RHONE_ALPES,
        acr=ACR_EIDAS1,
        amr=AMR_PASSWORD_ONLY,
        summary="Technicien, CARSAT Rhône-Alpes — sans double authentification (refusé par l'espace agents)",
    ),
    DemoAgent(
        sub="demo-agent-non-habilite",
        given_name="Lucie",
        usual_name="FAURE",
        email="lucie.faure@prefecture.example.fr",
        uid="lfaure",
        siret=SIRET_PREFECTURE,
        acr=ACR_SELF_ASSERTED_2FA,
        amr=AMR_PASSWORD_TOTP,
        summary="Agente de préfecture, inconnue du portail (refusée par l'espace agents)",
    ),
)

# What the portal's administrator registers for these people (`flask seed-demo` does it): sub -> (role, caisse).
# The person absent from here has a valid ProConnect identity and is refused by the back-office.
PORTAL_REGISTRATIONS: dict[str, tuple[str, str]] = {
    "demo-agent-camille-durand": ("technicien", "CARSAT-RA"),
    "demo-agent-mehdi-benhamou": ("technicien", "CARSAT-RA"),
    "demo-agent-anne-laure-kervella": ("technicien", "CARSAT-BRETAGNE"),
    "demo-agent-jerome-lefebvre": ("superviseur", "CARSAT-RA"),
    "demo-agent-helene-marchal": ("auditeur", "CNAV"),
    "demo-agent-francois-nguyen-van": ("administrateur", "CNAV"),
    "demo-agent-sans-double-authentification": ("technicien", "CARSAT-RA"),
}

_BY_SUB = {agent.sub: agent for agent in AGENT_IDENTITIES}


def get_agent_identity(sub: str) -> DemoAgent | None:
    return _BY_SUB.get(sub)
