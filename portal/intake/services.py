"""Taking a file of period reports in bulk (docs/intake.md): chunk by chunk, each in its own short transaction with
its audit line, so that the audit chain's lock is never held for a whole file and a crash resumes where it stopped.

A new report adds a period; the same report again changes nothing; a report with the same identifier and a new
content adds a version of its period through careers.services.supersede_period, as a signalement's decision does,
unless the period was corrected by a signalement or is under a pending one: the report then waits in a conflict
for a technician. Lines that cannot be taken go to the reject file with their number and the reason in French.
"""

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import cast

from sqlalchemy import Table, func, insert, select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.careers import services as careers_services
from portal.careers.exceptions import InvalidPeriod
from portal.careers.models import Assure, CareerPeriod, DataSource, PeriodVersion, Regime
from portal.db import atomic, db, utcnow
from portal.intake import identities, reports
from portal.intake.models import (
    ConflictState,
    FileKind,
    IntakeChunk,
    IntakeConflict,
    IntakeFile,
    IntakeReject,
    PeriodReport,
)
from portal.signalements.models import Signalement, SignalementItem
from portal.signalements.states import PENDING_STATES

DEFAULT_CHUNK_SIZE = 5000
RECORDED_BY = "alimentation"


class IntakeFileError(ValueError):
    """A file that cannot be read at all (not UTF-8, a missing column): nothing of it is taken."""


@dataclass(frozen=True, slots=True)
class Summary:
    kind: FileKind
    lines: int
    created: int
    corrected: int
    unchanged: int
    conflicts: int
    rejected: int
    chunks: int
    resumed_chunks: int


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _kind(path: Path) -> FileKind:
    """Period reports name their `source`, identity records a `birth_name`: the header says which file it is."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            header = next(csv.reader(stream), [])
    except UnicodeDecodeError:
        raise IntakeFileError("Le fichier n'est pas en UTF-8 (en-tête illisible).") from None
    return FileKind.IDENTITIES if "birth_name" in header and "source" not in header else FileKind.PERIODS


def _chunks(path: Path, size: int, kind: FileKind) -> Iterator[list[tuple[int, dict[str, str | None]]]]:
    """The data lines by chunks of `size`, each with its line number in the file (the header is line 1)."""
    columns = identities.COLUMNS if kind is FileKind.IDENTITIES else reports.COLUMNS
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            missing = [name for name in columns if name not in (reader.fieldnames or ())]
            if missing:
                raise IntakeFileError(
                    "Colonnes manquantes dans l'en-tête : " + ", ".join(missing) + " (voir docs/intake.md)."
                )
            chunk: list[tuple[int, dict[str, str | None]]] = []
            for row in reader:
                chunk.append((reader.line_num, row))
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
    except UnicodeDecodeError as error:
        raise IntakeFileError(f"Le fichier n'est pas en UTF-8 (octet {error.start} d'un bloc illisible).") from None


def import_file(path: Path, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Summary:
    """Take `path` in, resuming a previous import of the same bytes. Raises IntakeFileError on a file that cannot be
    read at all (what earlier chunks applied stays: each chunk stands on its own)."""
    digest = _digest(path)
    kind = _kind(path)
    with atomic():
        intake = db.session.execute(select(IntakeFile).where(IntakeFile.digest == digest)).scalar_one_or_none()
        if intake is None:
            intake = IntakeFile(digest=digest, name=path.name[:255], chunk_size=chunk_size, kind=kind)
            db.session.add(intake)
            db.session.flush()
        file_id, size = intake.id, intake.chunk_size
        done = set(db.session.execute(select(IntakeChunk.number).where(IntakeChunk.file_id == file_id)).scalars())
    regimes = {regime.code: regime.id for regime in db.session.execute(select(Regime)).scalars()}
    resumed = 0
    for number, lines in enumerate(_chunks(path, size, kind)):
        if number in done:
            resumed += 1
            continue
        with atomic():
            _apply_chunk(file_id, kind, number, lines, regimes)
    with atomic():
        intake = db.session.get(IntakeFile, file_id)
        assert intake is not None  # created above, never deleted
        first_finish = intake.finished_at is None
        if first_finish:
            intake.finished_at = utcnow()
        summary = _summary(file_id, resumed)
        if first_finish:
            audit(AuditAction.INTAKE_FILE, file=digest, name=intake.name, lines=summary.lines, chunks=summary.chunks)
    return summary


def _summary(file_id: int, resumed: int) -> Summary:
    totals = db.session.execute(
        select(
            func.count(IntakeChunk.id),
            func.coalesce(func.sum(IntakeChunk.last_line - IntakeChunk.first_line + 1), 0),
            func.coalesce(func.sum(IntakeChunk.created), 0),
            func.coalesce(func.sum(IntakeChunk.corrected), 0),
            func.coalesce(func.sum(IntakeChunk.unchanged), 0),
            func.coalesce(func.sum(IntakeChunk.conflicts), 0),
            func.coalesce(func.sum(IntakeChunk.rejected), 0),
        ).where(IntakeChunk.file_id == file_id)
    ).one()
    chunks, lines, created, corrected, unchanged, conflicts, rejected = (int(value) for value in totals)
    kind = db.session.execute(select(IntakeFile.kind).where(IntakeFile.id == file_id)).scalar_one()
    return Summary(kind, lines, created, corrected, unchanged, conflicts, rejected, chunks, resumed)


def write_rejects(path: Path, destination: Path) -> int:
    """Write every rejected line of the import of `path` to `destination` (CSV: line, reason); their count."""
    digest = _digest(path)
    rows = db.session.execute(
        select(IntakeReject.line, IntakeReject.reason)
        .join(IntakeFile, IntakeFile.id == IntakeReject.file_id)
        .where(IntakeFile.digest == digest)
        .order_by(IntakeReject.line)
    ).all()
    with destination.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(("ligne", "motif"))
        writer.writerows(rows)
    return len(rows)


# A period of a person that a report may not change or overlap silently: (period id, scheme id, start, end, the
# signalement, whether it is pending, else the decision wrote it).
_Waiting = tuple[int, int, date, date, int | None, bool]
# Why a report waits, by what it does (corrects the period, or overlaps it) and whether the request is pending.
_REASONS = {
    ("corrects", True): "Une demande en cours porte sur cette période.",
    ("corrects", False): "La période a été corrigée à la suite d'une demande acceptée.",
    ("overlaps", True): "La déclaration recouvre une période visée par une demande en cours.",
    ("overlaps", False): "La déclaration recouvre une période corrigée ou ajoutée à la suite d'une demande acceptée.",
}


def _waiting_by_assure(assure_ids: set[int]) -> dict[int, list[_Waiting]]:
    """The periods of these people under a pending signalement or written by a signalement's decision, with their
    current dates: a report correcting one, or a new one over the same dates and scheme (the same period declared at
    last, or a duplicate), waits for a technician."""
    if not assure_ids:
        return {}
    signalements: dict[int, tuple[int | None, bool]] = {}
    for period_id, signalement_id in db.session.execute(
        select(PeriodVersion.period_id, PeriodVersion.signalement_id).where(
            PeriodVersion.assure_id.in_(assure_ids), PeriodVersion.signalement_id.is_not(None)
        )
    ):
        signalements[period_id] = (signalement_id, False)
    for item_period_id, pending_id in db.session.execute(
        select(SignalementItem.period_id, Signalement.id)
        .join(Signalement, Signalement.id == SignalementItem.signalement_id)
        .where(Signalement.assure_id.in_(assure_ids), Signalement.state.in_(PENDING_STATES))
    ):
        if item_period_id is not None:
            signalements[item_period_id] = (pending_id, True)
    found: dict[int, list[_Waiting]] = {}
    if not signalements:
        return found
    for version in db.session.execute(
        select(PeriodVersion).where(PeriodVersion.period_id.in_(signalements), PeriodVersion.superseded_at.is_(None))
    ).scalars():
        signalement_id, pending = signalements[version.period_id]
        found.setdefault(version.assure_id, []).append(
            (version.period_id, version.regime_id, version.start_date, version.end_date, signalement_id, pending)
        )
    return found


def _owner(period_id: int) -> int:
    """The assuré of a period written earlier in the same chunk."""
    return db.session.execute(select(CareerPeriod.assure_id).where(CareerPeriod.id == period_id)).scalar_one()


def _touched(waiting: Iterable[_Waiting], report: reports.Report, regime_id: int) -> tuple[int, int | None, str] | None:
    for period_id, waiting_regime_id, start, end, signalement_id, pending in waiting:
        if waiting_regime_id == regime_id and report.start_date <= end and start <= report.end_date:
            return period_id, signalement_id, _REASONS["overlaps", pending]
    return None


def _apply_chunk(
    file_id: int, kind: FileKind, number: int, lines: list[tuple[int, dict[str, str | None]]], regimes: dict[str, int]
) -> None:
    if kind is FileKind.IDENTITIES:
        counts, rejects = identities.apply_chunk(file_id, lines)
    else:
        counts, rejects = _apply_periods(file_id, lines, regimes)
    for line, reason in rejects:
        db.session.add(IntakeReject(file_id=file_id, line=line, reason=reason[:500]))
    db.session.add(
        IntakeChunk(
            file_id=file_id,
            number=number,
            first_line=lines[0][0],
            last_line=lines[-1][0],
            rejected=len(rejects),
            **counts,
        )
    )
    db.session.flush()
    audit(
        AuditAction.INTAKE_CHUNK,
        file_id=file_id,
        chunk=number,
        lines=len(lines),
        rejected=len(rejects),
        created=counts["created"],
        corrected=counts["corrected"],
        unchanged=counts["unchanged"],
        conflicts=counts["conflicts"],
    )


def _apply_periods(
    file_id: int, lines: list[tuple[int, dict[str, str | None]]], regimes: dict[str, int]
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    parsed: list[reports.Report] = []
    rejects: list[tuple[int, str]] = []
    for line, row in lines:
        try:
            parsed.append(reports.parse(line, row))
        except reports.Refused as refusal:
            rejects.append((line, str(refusal)))
    assures = {
        assure.nir: assure
        for assure in db.session.execute(select(Assure).where(Assure.nir.in_({r.nir for r in parsed}))).scalars()
    }
    known = {
        (report.source, report.report_id): report
        for report in db.session.execute(
            select(PeriodReport).where(PeriodReport.report_id.in_({r.report_id for r in parsed}))
        ).scalars()
    }
    # Whose period each known report made: a report under the same identifier for another NIR is refused.
    owners: dict[int, int] = dict(
        db.session.execute(
            select(CareerPeriod.id, CareerPeriod.assure_id).where(
                CareerPeriod.id.in_({report.period_id for report in known.values()})
            )
        ).all()
    )
    overlapped = _waiting_by_assure({assure.id for assure in assures.values()})
    # The same periods, by id, for the corrections of a report already taken.
    waiting = {
        period_id: (signalement_id, _REASONS["corrects", pending])
        for periods in overlapped.values()
        for period_id, _, _, _, signalement_id, pending in periods
    }
    counts = {"created": 0, "corrected": 0, "unchanged": 0, "conflicts": 0}
    pending: _Pending = {}
    for report in parsed:
        assure = assures.get(report.nir)
        if assure is None:
            rejects.append((report.line, "Aucun assuré n'est connu sous ce NIR."))
            continue
        regime_id = regimes.get(report.regime_code)
        if regime_id is None:
            rejects.append((report.line, f"Régime inconnu « {report.regime_code} »."))
            continue
        key = (report.source, report.report_id)
        digest = report.digest
        previous = known.get(key)
        if key in pending:
            # The same report twice in one chunk: the first is written now, the second compared with it.
            _insert_new(pending, file_id, known)
            previous = known[key]
        if previous is not None and owners.setdefault(previous.period_id, _owner(previous.period_id)) != assure.id:
            rejects.append((report.line, "Cet identifiant de déclaration est déjà pris pour un autre assuré."))
            continue
        try:
            touched = _touched(overlapped.get(assure.id, ()), report, regime_id) if previous is None else None
            if touched is not None:
                period_id, signalement_id, reason = touched
                counts["conflicts"] += _conflict(
                    file_id, report, period_id, assure, (signalement_id, reason), adds_period=True
                )
            elif previous is None:
                pending[key] = (report, assure.id, regime_id, digest)
                counts["created"] += 1
            elif previous.content_digest == digest:
                counts["unchanged"] += 1
            elif previous.period_id in waiting:
                counts["conflicts"] += _conflict(
                    file_id, report, previous.period_id, assure, waiting[previous.period_id]
                )
            else:
                period = db.session.get(CareerPeriod, previous.period_id)
                assert period is not None  # a period_report's period is never deleted
                regime = db.session.get(Regime, regime_id)
                assert regime is not None  # read from the table a moment ago; schemes are never deleted
                careers_services.supersede_period(
                    period,
                    recorded_by=RECORDED_BY,
                    reason=f"Déclaration rectificative {report.report_id} ({report.source.label}).",
                    regime=regime,
                    **report.values(),
                )
                previous.content_digest = digest
                counts["corrected"] += 1
        except InvalidPeriod as error:
            rejects.append((report.line, str(error)))
    _insert_new(pending, file_id, known)
    return counts, rejects


# The tables the new reports of a chunk are written to in one INSERT each (Core, not one ORM object per line).
_PERIOD_TABLE = cast(Table, CareerPeriod.__table__)
_VERSION_TABLE = cast(Table, PeriodVersion.__table__)
_REPORT_TABLE = cast(Table, PeriodReport.__table__)
# A new report waiting to be written with the others of its chunk: (report, assuré id, scheme id, content digest).
_Pending = dict[tuple[DataSource, str], tuple[reports.Report, int, int, str]]


def _insert_new(pending: _Pending, file_id: int, known: dict[tuple[DataSource, str], PeriodReport]) -> None:
    """Write the new reports of a chunk set-wise: one multi-row INSERT per table, not one object per line. parse()
    has checked what careers.services.record_period checks (dates within one year, quarters, amounts, country)."""
    if not pending:
        return
    now = utcnow()
    rows = list(pending.values())
    period_ids = (
        db.session.execute(
            insert(_PERIOD_TABLE).returning(_PERIOD_TABLE.c.id, sort_by_parameter_order=True),
            [{"assure_id": assure_id, "created_at": now} for _, assure_id, _, _ in rows],
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(_VERSION_TABLE),
        [
            {
                "period_id": period_id,
                "assure_id": assure_id,
                "number": 1,
                "regime_id": regime_id,
                "recorded_at": now,
                "recorded_by": RECORDED_BY,
                "is_withdrawn": False,
                **report.values(),
            }
            for (report, assure_id, regime_id, _), period_id in zip(rows, period_ids, strict=True)
        ],
    )
    db.session.execute(
        insert(_REPORT_TABLE),
        [
            {
                "source": report.source,
                "report_id": report.report_id,
                "period_id": period_id,
                "content_digest": digest,
                "file_id": file_id,
            }
            for (report, _, _, digest), period_id in zip(rows, period_ids, strict=True)
        ],
    )
    keys = list(pending)
    for report in db.session.execute(
        select(PeriodReport).where(PeriodReport.report_id.in_({report_id for _, report_id in keys}))
    ).scalars():
        if (report.source, report.report_id) in pending:
            known[(report.source, report.report_id)] = report
    pending.clear()


def _conflict(
    file_id: int,
    report: reports.Report,
    period_id: int,
    assure: Assure,
    why: tuple[int | None, str],
    *,
    adds_period: bool = False,
) -> int:
    """Keep the report for a technician; 0 when the same report already waits (a file sent twice)."""
    values = json.dumps(
        {"regime": report.regime_code, "digest": report.digest}
        | {
            name: value.isoformat() if isinstance(value, date) else value.value if isinstance(value, Enum) else value
            for name, value in report.values().items()
        },
        sort_keys=True,
    )
    already = db.session.execute(
        select(IntakeConflict.id).where(
            IntakeConflict.source == report.source,
            IntakeConflict.report_id == report.report_id,
            IntakeConflict.values == values,
            IntakeConflict.state == ConflictState.OPEN,
        )
    ).first()
    if already is not None:
        return 0
    signalement_id, reason = why
    db.session.add(
        IntakeConflict(
            assure_id=assure.id,
            period_id=period_id,
            signalement_id=signalement_id,
            file_id=file_id,
            line=report.line,
            source=report.source,
            report_id=report.report_id,
            values=values,
            reason=reason,
            adds_period=adds_period,
        )
    )
    return 1


class ConflictClosed(ValueError):
    """A conflict already decided by someone else: the page says so and changes nothing."""


def resolve_conflict(conflict: IntakeConflict, *, agent, apply: bool) -> None:
    """A technician's decision on a report that waited: apply it (a new version of the period, as a correction
    would have been, the earlier versions kept) or set it aside. Raises ConflictClosed when already decided."""
    if conflict.state is not ConflictState.OPEN:
        raise ConflictClosed("Ce conflit a déjà été traité : la liste est à jour.")
    if apply:
        values = conflict.reported
        regime = db.session.execute(select(Regime).where(Regime.code == values.pop("regime"))).scalar_one()
        signed = f"{agent.display_name} ({agent.caisse.name})"[:120]
        digest = json.loads(conflict.values)["digest"]
        checked = f"après vérification du conflit d'alimentation n° {conflict.id}."
        if conflict.adds_period:
            version = careers_services.record_period(
                conflict.assure,
                regime=regime,
                recorded_by=signed,
                reason=f"Déclaration {conflict.report_id} appliquée {checked}",
                **values,
            )
            db.session.add(
                PeriodReport(
                    source=conflict.source,
                    report_id=conflict.report_id,
                    period_id=version.period_id,
                    content_digest=digest,
                    file_id=conflict.file_id,
                )
            )
        else:
            period = db.session.get(CareerPeriod, conflict.period_id)
            assert period is not None  # a conflict's period is never deleted
            careers_services.supersede_period(
                period,
                recorded_by=signed,
                reason=(
                    f"Déclaration rectificative {conflict.report_id} ({conflict.source.label}), appliquée {checked}"
                )[:500],
                regime=regime,
                **values,
            )
            report = db.session.execute(
                select(PeriodReport).where(
                    PeriodReport.source == conflict.source, PeriodReport.report_id == conflict.report_id
                )
            ).scalar_one()
            report.content_digest = digest
    conflict.state = ConflictState.APPLIED if apply else ConflictState.DISMISSED
    conflict.resolved_at = utcnow()
    conflict.resolved_by_agent_id = agent.id
    db.session.flush()
    audit(
        AuditAction.INTAKE_CONFLICT_RESOLVED,
        actor=agent,
        subject=conflict.assure,
        conflict_id=conflict.id,
        outcome=conflict.state.value,
    )
