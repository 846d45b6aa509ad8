"""Mandates: a representative's court-ordered (or notarised) right to act for a protected adult.

A mandate is requested by the representative, verified by a technician against the decision, then active between
its start and end (or review) dates until it expires or is revoked. Rows are never deleted: a refused, revoked or
expired mandate stays, so that what was done under it remains explained.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import Account
from portal.careers.models import Assure
from portal.db import Base, enum_column, utcnow


class Scope(enum.StrEnum):
    """What a measure lets the representative do (Code civil, art. 425 and following)."""

    # Acts alone in the person's name: tutelle (art. 473), habilitation familiale by representation (494-1),
    # mandat de protection future once in effect (477).
    REPRESENTATION = "representation"
    # Acts with the person: curatelle (art. 467, 472), habilitation familiale by assistance (494-1).
    ASSISTANCE = "assistance"
    # Only the acts the judge listed: sauvegarde de justice with a mandataire spécial (art. 437).
    LIMITED = "limitee"

    @property
    def is_assistance(self) -> bool:
        """The representative acts with the person: a request is filed once both have confirmed it."""
        return self is Scope.ASSISTANCE

    @property
    def is_limited(self) -> bool:
        """The representative may do only the acts the decision lists."""
        return self is Scope.LIMITED

    @property
    def description(self) -> str:
        """What the scope means, as the technicians read it on a mandate."""
        return {
            Scope.REPRESENTATION: "Représentation : le représentant agit seul, au nom de la personne",
            Scope.ASSISTANCE: "Assistance : le représentant agit avec la personne ; ce que l'un dépose, l'autre le "
            "confirme",
            Scope.LIMITED: "Limitée aux actes que la décision énumère",
        }[self]


class Measure(enum.StrEnum):
    SAUVEGARDE = "sauvegarde_justice"
    CURATELLE_SIMPLE = "curatelle_simple"
    CURATELLE_RENFORCEE = "curatelle_renforcee"
    TUTELLE = "tutelle"
    HABILITATION_REPRESENTATION = "habilitation_representation"
    HABILITATION_ASSISTANCE = "habilitation_assistance"
    MANDAT_PROTECTION_FUTURE = "mandat_protection_future"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]

    @property
    def representative_title(self) -> str:
        """The title in the masculine, French's generic form, when the representative is not known."""
        return REPRESENTATIVE_TITLES[self][0]

    def title_for(self, gender: str | None) -> str:
        """The representative's title as it agrees with them: "tutrice" for a woman ("female", as FranceConnect's
        identité pivot says), "tuteur" otherwise."""
        masculine, feminine = REPRESENTATIVE_TITLES[self]
        return feminine if gender == "female" else masculine

    @property
    def scope(self) -> Scope:
        return MEASURE_SCOPES[self]


MEASURE_LABELS = {
    Measure.SAUVEGARDE: "Sauvegarde de justice avec mandataire spécial",
    Measure.CURATELLE_SIMPLE: "Curatelle simple",
    Measure.CURATELLE_RENFORCEE: "Curatelle renforcée",
    Measure.TUTELLE: "Tutelle",
    Measure.HABILITATION_REPRESENTATION: "Habilitation familiale par représentation",
    Measure.HABILITATION_ASSISTANCE: "Habilitation familiale par assistance",
    Measure.MANDAT_PROTECTION_FUTURE: "Mandat de protection future",
}
# (masculine, feminine): the title follows the representative.
REPRESENTATIVE_TITLES = {
    Measure.SAUVEGARDE: ("mandataire spécial", "mandataire spéciale"),
    Measure.CURATELLE_SIMPLE: ("curateur", "curatrice"),
    Measure.CURATELLE_RENFORCEE: ("curateur", "curatrice"),
    Measure.TUTELLE: ("tuteur", "tutrice"),
    Measure.HABILITATION_REPRESENTATION: ("habilité familial", "habilitée familiale"),
    Measure.HABILITATION_ASSISTANCE: ("habilité familial", "habilitée familiale"),
    Measure.MANDAT_PROTECTION_FUTURE: ("mandataire", "mandataire"),
}
MEASURE_SCOPES = {
    Measure.SAUVEGARDE: Scope.LIMITED,
    Measure.CURATELLE_SIMPLE: Scope.ASSISTANCE,
    Measure.CURATELLE_RENFORCEE: Scope.ASSISTANCE,
    Measure.TUTELLE: Scope.REPRESENTATION,
    Measure.HABILITATION_REPRESENTATION: Scope.REPRESENTATION,
    Measure.HABILITATION_ASSISTANCE: Scope.ASSISTANCE,
    Measure.MANDAT_PROTECTION_FUTURE: Scope.REPRESENTATION,
}


class MandateState(enum.StrEnum):
    REQUESTED = "demande"
    ACTIVE = "actif"
    REFUSED = "refuse"
    REVOKED = "revoque"
    EXPIRED = "expire"

    @property
    def label(self) -> str:
        return {
            "demande": "En cours de vérification",
            "actif": "Actif",
            "refuse": "Refusé",
            "revoque": "Révoqué",
            "expire": "Expiré",
        }[self.value]

    @property
    def badge(self) -> str:
        return {"demande": "info", "actif": "success", "refuse": "error", "revoque": "error", "expire": ""}[self.value]

    @property
    def is_requested(self) -> bool:
        """Waiting for a technician's verification."""
        return self is MandateState.REQUESTED

    @property
    def is_active(self) -> bool:
        return self is MandateState.ACTIVE

    @property
    def is_refused(self) -> bool:
        return self is MandateState.REFUSED

    @property
    def is_revoked(self) -> bool:
        """Ended by the caisse before its term (not expired)."""
        return self is MandateState.REVOKED


class Mandate(Base):
    """A representative's right to act for a protected adult, within the scope of the measure."""

    __tablename__ = "mandate"
    __table_args__ = (
        Index("ix_mandate_representative", "representative_account_id", "state"),
        Index("ix_mandate_protected", "protected_assure_id", "state"),
        Index("ix_mandate_queue", "caisse_id", "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    # The name the representative gave FranceConnect, kept as it was when the mandate was requested.
    representative_name: Mapped[str] = mapped_column(String(250))
    protected_assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"))
    caisse_id: Mapped[int | None] = mapped_column(ForeignKey("caisse.id"))
    measure: Mapped[Measure] = mapped_column(enum_column(Measure))
    court_name: Mapped[str] = mapped_column(String(200))
    decision_date: Mapped[date] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date] = mapped_column(Date)
    # The end of the measure or the date the judge must review it: the mandate stops then either way.
    end_date: Mapped[date] = mapped_column(Date)
    # Sauvegarde de justice: the acts the decision lists, comma-separated (see permissions.LIMITED_ACTS).
    allowed_actions: Mapped[str] = mapped_column(String(200), default="")
    sworn_statement_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[MandateState] = mapped_column(enum_column(MandateState), default=MandateState.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    refusal_motive: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    revocation_motive: Mapped[str | None] = mapped_column(Text)
    expired_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Joined: every list of mandates shows the representative's title, which agrees with their sex (their account's).
    representative: Mapped[Account] = relationship(foreign_keys=[representative_account_id], lazy="joined")
    protected: Mapped[Assure] = relationship(foreign_keys=[protected_assure_id])

    @property
    def scope(self) -> Scope:
        return self.measure.scope

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(filter(None, self.allowed_actions.split(",")))

    def is_in_force(self, today: date) -> bool:
        """Active, verified, and today between its start and end dates."""
        return self.state is MandateState.ACTIVE and self.start_date <= today <= self.end_date

    @property
    def reference(self) -> str:
        return f"M-{self.requested_at.year}-{self.id:06d}"

    @property
    def representative_gender(self) -> str | None:
        """ "male" or "female": from the identité pivot of the representative's account, else from the fund's record
        when they have a file of their own; None when neither says."""
        account = self.representative
        gender = (account.pivot_identity or {}).get("gender") if account is not None else None
        if gender in {"male", "female"}:
            return gender
        if account is not None and account.assure is not None:
            return "female" if account.assure.sex == "2" else "male"
        return None

    @property
    def representative_title(self) -> str:
        """ "tutrice", "curateur"...: the measure's title, agreeing with the representative."""
        return self.measure.title_for(self.representative_gender)
