"""The kinds of anomaly a person can report, what each form asks, and which justificatifs prove it.

The lists of justificatifs follow the Assurance retraite's guidance for "régularisation de carrière": for each
kind, the usual proofs, and what to do when a document is lost (an attestation from the employer or the
organisation, or a sworn statement where the rules accept one, e.g. for periods before 1972 or for children).
"""

import enum
from dataclasses import dataclass


class AnomalyType(enum.StrEnum):
    MISSING_PERIOD = "missing_period"
    WRONG_DATES = "wrong_dates"
    WRONG_EARNINGS = "wrong_earnings"
    WRONG_EMPLOYER = "wrong_employer"
    WRONG_NATURE = "wrong_nature"
    DUPLICATE = "duplicate"
    UNEMPLOYMENT_MISSING = "unemployment_missing"
    SICKNESS_MISSING = "sickness_missing"
    MATERNITY_MISSING = "maternity_missing"
    NATIONAL_SERVICE_MISSING = "national_service_missing"
    CHILDREN = "children"
    OTHER = "other"

    @property
    def spec(self) -> "AnomalySpec":
        return CATALOG[self]


# Fields a form may ask for a proposed period; each kind picks its own.
PERIOD_FIELDS = ("start_date", "end_date", "employer_name", "employer_siret", "earnings", "days", "nature")


@dataclass(frozen=True)
class AnomalySpec:
    label: str
    hint: str
    # Does the person point at existing periods (True), declare a new one (False), or either (None)?
    concerns_existing: bool | None
    fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    justificatifs: tuple[str, ...]
    if_lost: str
    default_nature: str | None = None


_LOST_EMPLOYMENT = (
    "Sans les bulletins de salaire, demandez une attestation à l'employeur ou à son successeur. "
    "Si l'entreprise a disparu, joignez tout document de l'époque (contrat, certificat de travail, relevé "
    "bancaire montrant le salaire) ; pour une période antérieure à 1972, une attestation sur l'honneur de deux "
    "témoins peut être admise."
)

CATALOG: dict[AnomalyType, AnomalySpec] = {
    AnomalyType.MISSING_PERIOD: AnomalySpec(
        label="Une période de travail manque",
        hint="Une période travaillée n'apparaît pas dans la carrière.",
        concerns_existing=False,
        fields=("start_date", "end_date", "employer_name", "employer_siret", "earnings", "nature"),
        required_fields=("start_date", "end_date", "employer_name"),
        justificatifs=(
            "Bulletins de salaire de la période",
            "Certificat de travail ou attestation de l'employeur",
            "Contrat de travail",
            "Pour une activité indépendante : déclarations de revenus professionnels, avis d'imposition",
        ),
        if_lost=_LOST_EMPLOYMENT,
        default_nature="salaried",
    ),
    AnomalyType.WRONG_DATES: AnomalySpec(
        label="Les dates d'une période sont fausses",
        hint="La période existe mais commence ou finit à une autre date.",
        concerns_existing=True,
        fields=("start_date", "end_date"),
        required_fields=("start_date", "end_date"),
        justificatifs=("Certificat de travail", "Bulletins de salaire du premier et du dernier mois"),
        if_lost=_LOST_EMPLOYMENT,
    ),
    AnomalyType.WRONG_EARNINGS: AnomalySpec(
        label="Le salaire ou le revenu est faux",
        hint="Le montant enregistré ne correspond pas à ce qui a été gagné.",
        concerns_existing=True,
        fields=("earnings",),
        required_fields=("earnings",),
        justificatifs=(
            "Bulletins de salaire de l'année (ou celui de décembre, qui porte le cumul annuel)",
            "Attestation de salaire de l'employeur",
            "Avis d'imposition de l'année",
        ),
        if_lost=_LOST_EMPLOYMENT,
    ),
    AnomalyType.WRONG_EMPLOYER: AnomalySpec(
        label="L'employeur est faux",
        hint="La période est rattachée à un autre employeur que le vôtre.",
        concerns_existing=True,
        fields=("employer_name", "employer_siret"),
        required_fields=("employer_name",),
        justificatifs=("Bulletins de salaire", "Certificat de travail", "Contrat de travail"),
        if_lost=_LOST_EMPLOYMENT,
    ),
    AnomalyType.WRONG_NATURE: AnomalySpec(
        label="La nature de la période est fausse",
        hint="Par exemple une période d'apprentissage enregistrée comme chômage.",
        concerns_existing=True,
        fields=("nature",),
        required_fields=("nature",),
        justificatifs=("Contrat (d'apprentissage, de travail...)", "Attestation de l'organisme concerné"),
        if_lost="Demandez une attestation à l'organisme ou à l'employeur concerné.",
    ),
    AnomalyType.DUPLICATE: AnomalySpec(
        label="Une période apparaît en double",
        hint="La même période est enregistrée deux fois.",
        concerns_existing=True,
        fields=(),
        required_fields=(),
        justificatifs=("Aucun justificatif n'est obligatoire ; un bulletin de salaire peut aider l'instruction",),
        if_lost="Aucun justificatif n'est exigé pour un doublon.",
    ),
    AnomalyType.UNEMPLOYMENT_MISSING: AnomalySpec(
        label="Une période de chômage manque",
        hint="Une inscription indemnisée au chômage (ANPE, Assedic, Pôle emploi, France Travail).",
        concerns_existing=False,
        fields=("start_date", "end_date", "days"),
        required_fields=("start_date", "end_date"),
        justificatifs=(
            "Attestation de périodes d'indemnisation de France Travail",
            "Notifications de droits ou avis de paiement des allocations",
        ),
        if_lost="Demandez à France Travail une attestation de périodes d'inscription et d'indemnisation.",
        default_nature="unemployment",
    ),
    AnomalyType.SICKNESS_MISSING: AnomalySpec(
        label="Un arrêt maladie ou accident du travail manque",
        hint="Des indemnités journalières de l'Assurance maladie ont été perçues.",
        concerns_existing=False,
        fields=("start_date", "end_date", "days"),
        required_fields=("start_date", "end_date"),
        justificatifs=("Attestation de paiement des indemnités journalières (Assurance maladie)",),
        if_lost="Demandez à la caisse d'Assurance maladie (sur ameli.fr) une attestation d'indemnités journalières.",
        default_nature="sickness",
    ),
    AnomalyType.MATERNITY_MISSING: AnomalySpec(
        label="Un congé maternité ou d'adoption manque",
        hint="Un congé maternité ou d'adoption a été indemnisé.",
        concerns_existing=False,
        fields=("start_date", "end_date", "days"),
        required_fields=("start_date", "end_date"),
        justificatifs=(
            "Attestation de paiement des indemnités journalières de maternité",
            "Acte de naissance ou livret de famille",
        ),
        if_lost="Un extrait d'acte de naissance de l'enfant, demandé en ligne à la mairie, suffit souvent.",
        default_nature="maternity",
    ),
    AnomalyType.NATIONAL_SERVICE_MISSING: AnomalySpec(
        label="Le service national manque",
        hint="Service militaire, service civil, coopération : chaque période de 90 jours vaut un trimestre.",
        concerns_existing=False,
        fields=("start_date", "end_date"),
        required_fields=("start_date", "end_date"),
        justificatifs=("État signalétique et des services", "Livret militaire"),
        if_lost=(
            "Demandez l'état signalétique et des services au centre d'archives du ministère des Armées "
            "(démarche en ligne sur service-public.fr)."
        ),
        default_nature="national_service",
    ),
    AnomalyType.CHILDREN: AnomalySpec(
        label="Mes enfants ne sont pas pris en compte",
        hint="Naissance, adoption ou éducation d'un enfant : ils peuvent donner des trimestres en plus.",
        concerns_existing=None,
        fields=("start_date",),
        required_fields=("start_date",),
        justificatifs=("Livret de famille", "Acte de naissance de l'enfant", "Jugement d'adoption"),
        if_lost="Un extrait d'acte de naissance se demande en ligne à la mairie du lieu de naissance.",
    ),
    AnomalyType.OTHER: AnomalySpec(
        label="Autre anomalie",
        hint="Une erreur qui n'entre dans aucune des catégories précédentes.",
        concerns_existing=None,
        fields=(),
        required_fields=(),
        justificatifs=("Tout document qui appuie la demande",),
        if_lost="Expliquez la situation dans un message : le technicien dira quoi fournir.",
    ),
}

# Types whose proof is the document itself: a request cannot be filed without at least one justificatif.
DOCUMENTS_OPTIONAL = frozenset({AnomalyType.DUPLICATE, AnomalyType.OTHER})

# What a justificatif may be said to be besides the proofs its kind of anomaly lists: any request accepts these.
OTHER_DOCUMENT_KINDS = ("Attestation sur l'honneur", "Autre document")


def document_kinds(anomaly_type: AnomalyType) -> tuple[str, ...]:
    """The closed list a justificatif's type is chosen from, for a request of `anomaly_type`: the upload form offers
    it, and an attachment to a message is refused unless its type is in it."""
    return (*CATALOG[anomaly_type].justificatifs, *OTHER_DOCUMENT_KINDS)
