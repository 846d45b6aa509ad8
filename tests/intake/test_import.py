"""`flask careers import`: period reports in bulk (docs/intake.md), through the command as an operator runs it."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.careers.models import DataSource, PeriodVersion
from portal.intake.models import IntakeConflict, PeriodReport
from portal.signalements import services as signalements_services
from tests.builders import create_assure, create_citizen_account, create_draft

MARTIN = "162056938304584"  # Jean-Pierre MARTIN's NIR (demo identity)
HEADER = "source,report_id,declarant,declarant_name,nir,nature,regime,start_date,end_date,earnings,days,country"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "period_reports.csv"


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def salaried(
    report_id: str, earnings: str = "16250.00", nir: str = MARTIN, start: str = "2026-01-01", end: str = "2026-06-30"
) -> str:
    return f"DSN,{report_id},73282932000074,Boulangerie Dupain,{nir},salaried,CNAV,{start},{end},{earnings},,"


def run(app, path: Path, *options: str):
    return app.test_cli_runner().invoke(args=["careers", "import", str(path), *options])


def versions(db, report_id: str) -> list[PeriodVersion]:
    return list(
        db.session.execute(
            select(PeriodVersion).where(PeriodVersion.source_reference == report_id).order_by(PeriodVersion.number)
        ).scalars()
    )


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_good_lines_are_applied_and_bad_ones_rejected_with_their_line_and_a_french_reason(app, db, tmp_path):
    assure = create_assure()
    path = write(
        tmp_path, "mai.csv",
        salaried("DSN-1"),
        salaried("DSN-2", nir="162056938304585"),  # line 3: wrong key
        salaried("DSN-3", nir="170071320626026"),  # line 4: a valid NIR nobody holds here
        salaried("DSN-4", start="2026-02-30"),  # line 5
        "DSN,DSN-5,73282932000074,,162056938304584,salaried,XYZ,2026-01-01,2026-06-30,100.00,,",  # line 6
        "DSN,DSN-6,73282932000074,,162056938304584,salaried,CNAV,2026-01-01,2026-06-30,,,",  # line 7
        "FRANCE_TRAVAIL,FT-1,France Travail,,162056938304584,unemployment,CNAV,2026-07-01,2026-09-30,,92,",
    )  # fmt: skip
    result = run(app, path)
    assert result.exit_code == 0, result.output
    assert "2 période(s) créée(s)" in result.output
    assert "5 rejetée(s)" in result.output
    rejects = (tmp_path / "mai.csv.rejets.csv").read_text(encoding="utf-8").splitlines()
    assert rejects == [
        "ligne,motif",
        "3,Le NIR est invalide (13 chiffres et une clé de 2 chiffres qui correspond).",
        "4,Aucun assuré n'est connu sous ce NIR.",
        "5,La date de début « 2026-02-30 » n'est pas une date réelle au format AAAA-MM-JJ.",
        "6,Régime inconnu « XYZ ».",
        "7,Une période de travail déclare ses revenus bruts (colonne earnings).",
    ]
    (version,) = versions(db, "DSN-1")
    assert version.assure_id == assure.id
    assert version.source is DataSource.DSN
    assert version.employer_siret == "73282932000074"
    assert version.earnings_cents == 1_625_000
    assert version.quarters == 4  # 16 250 € for the first half of 2026: 4 × 1 803 € of the threshold (R351-9)
    (unemployment,) = versions(db, "FT-1")
    assert (unemployment.days, unemployment.quarters) == (92, 1)  # one quarter per 50 days (R351-12)


def test_the_same_file_twice_changes_nothing(app, db, tmp_path):
    create_assure()
    path = write(tmp_path, "juin.csv", salaried("DSN-1"), salaried("DSN-2", start="2026-03-01"), salaried("DSN-3"))
    first = run(app, path, "--chunk-size", "2")
    assert "3 période(s) créée(s)" in first.output
    before = (count(db, PeriodVersion), count(db, PeriodReport), count(db, AuditEvent))
    second = run(app, path, "--chunk-size", "2")
    assert second.exit_code == 0, second.output
    assert "dont 2 déjà passé(s)" in second.output
    assert (count(db, PeriodVersion), count(db, PeriodReport), count(db, AuditEvent)) == before
    # The same reports in another file: known, unchanged.
    again = run(app, write(tmp_path, "juin-bis.csv", salaried("DSN-2", start="2026-03-01"), salaried("DSN-1")))
    assert "0 période(s) créée(s), 0 rectifiée(s), 2 inchangée(s)" in again.output
    assert count(db, PeriodVersion) == before[0]


def test_each_chunk_is_committed_with_its_own_audit_line(app, db, tmp_path):
    create_assure()
    path = write(tmp_path, "blocs.csv", *(salaried(f"DSN-{n}", start=f"2026-0{n}-01") for n in range(1, 6)))
    result = run(app, path, "--chunk-size", "2")
    assert "5 ligne(s) en 3 bloc(s)" in result.output
    actions = list(db.session.execute(select(AuditEvent.action, AuditEvent.data).order_by(AuditEvent.id)).all())
    chunks = [data for action, data in actions if action == "intake.chunk"]
    assert [(data["chunk"], data["lines"], data["created"]) for data in chunks] == [(0, 2, 2), (1, 2, 2), (2, 1, 1)]
    assert [action for action, _ in actions][-1] == "intake.file"


def test_a_correction_adds_a_version_and_keeps_the_first(app, db, tmp_path):
    create_assure()
    run(app, write(tmp_path, "a.csv", salaried("DSN-1")))
    result = run(app, write(tmp_path, "b.csv", salaried("DSN-1", earnings="17000.00")))
    assert "1 rectifiée(s)" in result.output
    first, second = versions(db, "DSN-1")
    assert first.period_id == second.period_id
    assert (first.earnings_cents, first.superseded_at is not None) == (1_625_000, True)
    assert (second.earnings_cents, second.superseded_at, second.number) == (1_700_000, None, 2)
    assert second.source is DataSource.DSN
    assert second.reason == "Déclaration rectificative DSN-1 (Déclaration sociale nominative (DSN))."


def test_a_correction_of_a_period_under_a_pending_signalement_waits_as_a_conflict(app, db, tmp_path):
    assure = create_assure()
    run(app, write(tmp_path, "a.csv", salaried("DSN-1")))
    (version,) = versions(db, "DSN-1")
    draft = create_draft(assure, actor=create_citizen_account(assure), period_ids=[version.period_id])
    signalements_services.submit(draft, actor=create_citizen_account(assure), today=date(2026, 11, 2))
    correction = write(tmp_path, "b.csv", salaried("DSN-1", earnings="17000.00"))
    result = run(app, correction)
    assert "0 rectifiée(s), 0 inchangée(s), 1 en conflit à vérifier" in result.output
    assert [v.earnings_cents for v in versions(db, "DSN-1")] == [1_625_000]  # not applied
    (conflict,) = db.session.execute(select(IntakeConflict)).scalars()
    assert (conflict.signalement_id, conflict.period_id) == (draft.id, version.period_id)
    assert conflict.reason == "Une demande en cours porte sur cette période."
    # The same correction in another file waits once.
    run(
        app,
        write(
            tmp_path,
            "c.csv",
            salaried("DSN-1", earnings="17000.00"),
            salaried("DSN-9", start="2025-01-01", end="2025-12-31"),
        ),
    )
    assert count(db, IntakeConflict) == 1


def test_a_file_that_cannot_be_read_is_refused_in_french_and_changes_nothing(app, db, tmp_path):
    create_assure()
    missing = tmp_path / "colonnes.csv"
    missing.write_text("source,report_id,nir\nDSN,DSN-1,162056938304584\n", encoding="utf-8")
    result = run(app, missing)
    assert result.exit_code == 1
    assert "Colonnes manquantes dans l'en-tête : declarant, declarant_name, nature, regime" in result.output
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + "\n" + salaried("DSN-1").replace("Dupain", "Dupaîn")).encode("latin-1"))
    result = run(app, latin)
    assert result.exit_code == 1
    assert "n'est pas en UTF-8" in result.output
    assert count(db, PeriodVersion) == 0


def test_the_documented_example_runs_as_docs_intake_says(app, db, tmp_path):
    # On make run's demo data: Jean-Pierre MARTIN's request on his 2005 period is pending, so the DSN for 2005 waits.
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    example = tmp_path / EXAMPLE.name
    example.write_bytes(EXAMPLE.read_bytes())
    result = run(app, example)
    assert result.exit_code == 0, result.output
    assert (
        "6 ligne(s) en 1 bloc(s) : 4 période(s) créée(s), 0 rectifiée(s), 0 inchangée(s), 1 en conflit à vérifier, "
        "1 rejetée(s)." in result.output
    )
    (conflict,) = db.session.execute(select(IntakeConflict)).scalars()
    assert (conflict.report_id, conflict.adds_period) == ("DSN-2005-000417", True)


def test_the_same_report_twice_in_one_file_is_taken_once_then_compared(app, db, tmp_path):
    create_assure()
    path = write(
        tmp_path, "deux-fois.csv",
        salaried("DSN-1"), salaried("DSN-1"), salaried("DSN-2", start="2026-02-01"),
        salaried("DSN-2", earnings="17000.00", start="2026-02-01"),
    )  # fmt: skip
    result = run(app, path)
    assert "2 période(s) créée(s), 1 rectifiée(s), 1 inchangée(s)" in result.output
    assert [v.earnings_cents for v in versions(db, "DSN-1")] == [1_625_000]
    assert [v.earnings_cents for v in versions(db, "DSN-2")] == [1_625_000, 1_700_000]


def test_a_report_identifier_already_taken_for_another_person_is_rejected_and_changes_nothing(app, db, tmp_path):
    create_assure()
    create_assure(identity="demo-pierre-yves-daubigne")
    run(app, write(tmp_path, "a.csv", salaried("DSN-1")))
    result = run(app, write(tmp_path, "b.csv", salaried("DSN-1", earnings="9000.00", nir="170071320626026")))
    assert "0 rectifiée(s), 0 inchangée(s), 0 en conflit à vérifier, 1 rejetée(s)" in result.output
    rejects = (tmp_path / "b.csv.rejets.csv").read_text(encoding="utf-8")
    assert "2,Cet identifiant de déclaration est déjà pris pour un autre assuré." in rejects
    assert [v.earnings_cents for v in versions(db, "DSN-1")] == [1_625_000]
