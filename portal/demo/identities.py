"""Test identities shared by the local FranceConnect sandbox and the demo careers.

Each identity is an identité pivot as FranceConnect v2 returns it (claims named as in its documentation),
plus the NIR a person would type at first login. The NIRs are fictitious but valid (key computed with
python-stdnum) and consistent with the pivot identity: sex, year and month of birth, and the COG code of
the commune of birth (or 99 + the country code when born abroad).
"""

from dataclasses import dataclass

# COG code of France in the INSEE country list; FranceConnect sends it as `birthcountry` for people born in France.
FRANCE_COG = "99100"


@dataclass(frozen=True, slots=True)
class DemoIdentity:
    sub: str
    given_name: str
    family_name: str
    preferred_username: str  # nom d'usage, empty when the person has none
    birthdate: str  # ISO date
    gender: str  # "male" or "female", as FranceConnect sends it
    birthplace: str  # COG code of the commune of birth, empty when born abroad
    birthcountry: str  # COG code of the country of birth
    email: str
    nir: str | None  # None: this person is not known to the pension fund
    summary: str  # one line shown on the sandbox's chooser page

    def claims(self) -> dict[str, str]:
        """The identité pivot claims, as FranceConnect v2 puts them in userinfo."""
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "preferred_username": self.preferred_username,
            "birthdate": self.birthdate,
            "gender": self.gender,
            "birthplace": self.birthplace,
            "birthcountry": self.birthcountry,
            "email": self.email,
        }


IDENTITIES: tuple[DemoIdentity, ...] = (
    DemoIdentity(
        "demo-jean-pierre-martin",
        "Jean-Pierre",
        "MARTIN",
        "",
        "1962-05-14",
        "male",
        "69383",
        FRANCE_COG,
        "jean-pierre.martin@example.fr",
        "162056938304584",
        "Long parcours salarié, né à Lyon",
    ),
    DemoIdentity(
        "demo-marie-helene-lefevre-dubois",
        "Marie-Hélène",
        "LEFÈVRE-DUBOIS",
        "GARNIER",
        "1975-09-03",
        "female",
        "35238",
        FRANCE_COG,
        "mh.lefevre-dubois@example.fr",
        "275093523811206",
        "Maternités et temps partiel, nom d'usage",
    ),
    DemoIdentity(
        "demo-karim-benali",
        "Karim",
        "BENALI",
        "",
        "1980-02-27",
        "male",
        "",
        "99352",
        "karim.benali@example.fr",
        "180029935202768",
        "Né en Algérie, travail à l'étranger",
    ),
    DemoIdentity(
        "demo-sophie-nguyen",
        "Sophie Thi",
        "NGUYỄN",
        "",
        "1988-11-30",
        "female",
        "75115",
        FRANCE_COG,
        "sophie.nguyen@example.fr",
        "288117511531859",
        "Périodes de chômage, née à Paris 15e",
    ),
    DemoIdentity(
        "demo-eric-le-gall",
        "Éric",
        "LE GALL",
        "",
        "1966-01-01",
        "male",
        "29019",
        FRANCE_COG,
        "eric.legall@example.fr",
        "166012901920128",
        "Salarié puis artisan, né un 1er janvier",
    ),
    DemoIdentity(
        "demo-chloe-rousseau",
        "Chloé",
        "ROUSSEAU",
        "",
        "1990-06-15",
        "female",
        "31555",
        FRANCE_COG,
        "chloe.rousseau@example.fr",
        "290063155507741",
        "Temps partiel sous le seuil, interruptions",
    ),
    DemoIdentity(
        "demo-thierry-moreau",
        "Thierry",
        "MOREAU",
        "",
        "1958-12-10",
        "male",
        "59350",
        FRANCE_COG,
        "thierry.moreau@example.fr",
        "158125935015488",
        "Apprenti à 16 ans, service national",
    ),
    DemoIdentity(
        "demo-fatou-diallo",
        "Fatou",
        "DIALLO",
        "",
        "1985-04-21",
        "female",
        "",
        "99341",
        "fatou.diallo@example.fr",
        "285049934100956",
        "Née au Sénégal, arrêts maladie, invalidité",
    ),
    DemoIdentity(
        "demo-pierre-yves-daubigne",
        "Pierre-Yves",
        "D'AUBIGNÉ",
        "",
        "1970-07-07",
        "male",
        "13206",
        FRANCE_COG,
        "py.daubigne@example.fr",
        "170071320626026",
        "Contractuel puis fonctionnaire, plusieurs régimes",
    ),
    DemoIdentity(
        "demo-anne-sophie-girard",
        "Anne-Sophie",
        "GIRARD",
        "",
        "1978-03-12",
        "female",
        "33063",
        FRANCE_COG,
        "as.girard@example.fr",
        "278033306313302",
        "Salariée agricole (MSA), AVPF",
    ),
    DemoIdentity(
        "demo-lucas-petit",
        "Lucas",
        "PETIT",
        "",
        "1995-10-05",
        "male",
        "44109",
        FRANCE_COG,
        "lucas.petit@example.fr",
        "195104410940105",
        "Apprentissage, début de carrière",
    ),
    DemoIdentity(
        "demo-brigitte-fernandes",
        "Maria Brigida",
        "FERNANDES",
        "",
        "1964-08-19",
        "female",
        "",
        "99139",
        "brigitte.fernandes@example.fr",
        "264089913905879",
        "Née au Portugal, carrière mixte",
    ),
    DemoIdentity(
        "demo-dominique-santoni",
        "Dominique",
        "SANTONI",
        "",
        "1968-04-01",
        "male",
        "2A004",
        FRANCE_COG,
        "dominique.santoni@example.fr",
        "168042000408313",  # born in Corsica before 1976: department 20 in the NIR, 2A in the COG
        "Né à Ajaccio, commerçant",
    ),
    DemoIdentity(
        "demo-jules-inconnu",
        "Jules",
        "INCONNU",
        "",
        "1983-02-14",
        "male",
        "67482",
        FRANCE_COG,
        "jules.inconnu@example.fr",
        None,
        "Inconnu de la caisse : aucun dossier",
    ),
)


def get_identity(sub: str) -> DemoIdentity | None:
    return next((identity for identity in IDENTITIES if identity.sub == sub), None)
