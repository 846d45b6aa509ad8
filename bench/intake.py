"""Bulk intake: period reports per second through `flask careers import`, on PostgreSQL, in a process of its own.

A fresh database is migrated; `flask generate-population` (its file writer only) invents BENCH_INTAKE_ASSURES people
(300 by default, about 11,600 reports); the identity records are taken in first, then the period reports are timed,
then the same file again (nothing to do: the resumption check), whose time is the process start and the hashing,
so that the difference is the applying alone. New reports are written set-wise (one multi-row INSERT per table and
chunk); corrections and conflicts line by line. The issue of the register's scale asks for 1,000,000 lines with
PostgreSQL COPY into a staging table: not built yet.
Run: make bench, or .venv/bin/python bench/intake.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.demo.population import write_files  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "portal_bench_intake"
PEOPLE = int(os.environ.get("BENCH_INTAKE_ASSURES", "300"))


def flask(url: str, *args: str) -> tuple[float, str]:
    environment = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=environment, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - started, done.stdout.strip()


def main() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{DATABASE}"')
    url = urlsplit(ADMIN_URL)._replace(path=f"/{DATABASE}").geturl()
    try:
        flask(url, "db", "upgrade")
        with tempfile.TemporaryDirectory() as directory:
            people, periods, lines = write_files(PEOPLE, Path(directory))
            flask(url, "careers", "import", str(people))
            seconds, output = flask(url, "careers", "import", str(periods))
            again, _ = flask(url, "careers", "import", str(periods))
        applying = seconds - again
        print(f"Bulk intake bench: {PEOPLE} people, {lines} period reports, PostgreSQL, one process")
        print(f"  first import    {lines / seconds:8.0f} reports/s  ({seconds:.1f} s, process start included)")
        print(f"  same file again {again:8.1f} s        (start, hashing, every chunk skipped: nothing applied)")
        print(f"  applying alone  {lines / applying:8.0f} reports/s  (the difference of the two, {applying:.1f} s)")
        print(f"  {output.splitlines()[0]}")
        print("  target: a 1,000,000-line file, with COPY into a staging table (not built yet)")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
