"""A crash midway: `flask careers import` is killed (SIGKILL, as a machine that dies) after some chunks, run again,
and ends with exactly what a clean run of the same file gives: no period, version, report or reject twice. Both runs
are real processes on a database of their own (a SQLite file, or a PostgreSQL database with --db=postgresql)."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from stdnum.fr import nir

from portal import create_app
from portal.careers.models import Assure, CareerPeriod, PeriodVersion
from portal.db import atomic
from portal.db import db as _db
from portal.intake.models import IntakeChunk, IntakeReject, PeriodReport
from tests.conftest import _test_settings, fresh_database

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 40
CHUNK = 50
HEADER = "source,report_id,declarant,declarant_name,nir,nature,regime,start_date,end_date,earnings,days,country"


def person_nir(index: int) -> str:
    body = f"1{60 + index % 30:02d}0{1 + index % 9}75112{index:03d}"
    return body + nir.calc_check_digits(body)


def write_file(path: Path) -> int:
    """Each person's salaried years 1990-2024 and unemployment spells, a line in 40 refused (an unknown scheme)."""
    lines = [HEADER]
    for index in range(PEOPLE):
        for year in range(1990, 2025):
            regime = "XYZ" if (index + year) % 40 == 0 else "CNAV"
            lines.append(
                f"DSN,DSN-{index}-{year},73282932000074,Boulangerie Dupain,{person_nir(index)},salaried,{regime},"
                f"{year}-01-01,{year}-12-31,{20000 + 500 * index}.00,,"
            )
            if year % 7 == 0:
                lines.append(
                    f"FRANCE_TRAVAIL,FT-{index}-{year},France Travail,,{person_nir(index)},unemployment,CNAV,"
                    f"{year}-02-01,{year}-05-31,,120,"
                )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def prepared(url: str) -> None:
    app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with atomic():
            for index in range(PEOPLE):
                _db.session.add(
                    Assure(
                        nir=person_nir(index), sex="1", birth_name=f"PERSONNE{index}", given_names="Test",
                        birth_date=date(1960 + index % 30, 1 + index % 9, 1), birth_place_code="75112",
                        birth_country_code="99100",
                    )
                )  # fmt: skip
        _db.engine.dispose()


def importer(url: str, path: Path) -> subprocess.Popen:
    environment = {**os.environ, "PORTAL_ENV": "test", "TEST_DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "careers", "import", str(path), "--chunk-size", str(CHUNK)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {
            model.__tablename__: connection.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
            for model in (CareerPeriod, PeriodVersion, PeriodReport, IntakeChunk, IntakeReject)
        }
        found["distinct reports"] = connection.execute(
            sa.select(sa.func.count()).select_from(
                sa.select(PeriodReport.source, PeriodReport.report_id).distinct().subquery()
            )
        ).scalar_one()
        found["distinct rejects"] = connection.execute(
            sa.select(sa.func.count(sa.distinct(IntakeReject.line)))
        ).scalar_one()
        found["chunks done"] = connection.execute(sa.select(sa.func.count(IntakeChunk.id))).scalar_one()
    engine.dispose()
    return found


def test_an_import_killed_midway_resumes_and_ends_as_a_clean_run(database_kind, tmp_path):
    path = tmp_path / "reports.csv"
    lines = write_file(path)
    chunks = -(-lines // CHUNK)
    with fresh_database(database_kind, tmp_path) as clean, fresh_database(database_kind, tmp_path) as crashed:
        prepared(clean)
        prepared(crashed)
        finished = importer(clean, path)
        output, errors = finished.communicate(timeout=600)
        assert finished.returncode == 0, errors
        expected = counts(clean)
        assert expected["intake_chunk"] == chunks
        assert expected["period_report"] == expected["distinct reports"] == expected["career_period"]

        process = importer(crashed, path)
        deadline = time.monotonic() + 300
        while counts(crashed)["chunks done"] < 3:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the import committed no chunk in 5 minutes"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)
        midway = counts(crashed)
        assert 3 <= midway["chunks done"] < chunks  # killed midway, not after the end
        assert midway["period_report"] == midway["distinct reports"]

        resumed = importer(crashed, path)
        output, errors = resumed.communicate(timeout=600)
        assert resumed.returncode == 0, errors
        assert "déjà passé(s) lors d'un import précédent" in output
        assert counts(crashed) == expected
