"""The audit trail's hash chain: recorded rows chain up, and an edited, deleted or moved row is detected."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import pairwise

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select, text, update

from portal import create_app
from portal.audit.chain import (
    BROKEN_HASH,
    BROKEN_LINK,
    GENESIS_HASH,
    canonical_bytes,
    compute_row_hash,
    verify_chain,
)
from portal.audit.models import AuditEvent
from portal.audit.services import AuditAction, record
from portal.db import db as _db
from tests.conftest import _test_settings, fresh_database

audit_table = AuditEvent.__table__


def test_the_canonical_form_is_sorted_compact_json_of_every_column_but_the_hashes():
    columns = {
        "id": 7,
        "occurred_at": datetime(2026, 11, 24, 20, 0, 0, 123456),
        "action": "auth.login",
        "actor_account_id": None,
        "request_id": "r-1",
        "data": {"é": 1, "b": [1, None]},
        "previous_hash": "ignored",
        "row_hash": "ignored",
    }
    expected = (
        '{"action":"auth.login","data":{"b":[1,null],"é":1},"id":7,"occurred_at":"2026-11-24T20:00:00.123456",'
        f'"previous_hash":"{"a" * 64}","request_id":"r-1"}}'
    ).encode()
    assert canonical_bytes(columns, "a" * 64) == expected
    assert compute_row_hash(columns, "a" * 64) == hashlib.sha256(expected).hexdigest()


def test_recorded_events_form_a_valid_chain(db, events):
    assert events[0].previous_hash == GENESIS_HASH
    for previous, event in pairwise(events):
        assert event.previous_hash == previous.row_hash
        assert event.id > previous.id
    assert all(len(event.row_hash) == 64 and set(event.row_hash) <= set("0123456789abcdef") for event in events)

    report = verify_chain(db.session)

    assert report.ok
    assert report.rows_checked == 5
    assert report.first_broken_id is None
    assert report.reason is None
    assert report.last_hash == events[-1].row_hash


def test_verification_walks_the_rows_in_batches(db, events):
    assert verify_chain(db.session, batch_size=2).rows_checked == 5
    db.session.execute(text("UPDATE audit_event SET action = 'auth.logout' WHERE id = :id"), {"id": events[4].id})
    report = verify_chain(db.session, batch_size=2)
    assert (report.ok, report.first_broken_id, report.rows_checked) == (False, events[4].id, 5)


def test_an_event_rolled_back_with_its_savepoint_leaves_the_chain_valid(db, events):
    savepoint = db.session.begin_nested()
    record(AuditAction.DEMO_SEEDED, assures=1)
    savepoint.rollback()  # the work that was audited failed
    record(AuditAction.DEMO_SEEDED, assures=2)
    db.session.flush()
    report = verify_chain(db.session)
    assert report.ok
    assert report.rows_checked == 6


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "auth.logout"),
        ("occurred_at", datetime(2020, 1, 1)),
        ("data", {"assures": 14}),
        ("subject_assure_id", None),
        ("request_id", "forged"),
    ],
)
def test_an_edited_field_is_detected_at_that_row(db, events, column, value):
    target = events[2] if column != "subject_assure_id" else events[1]
    db.session.execute(update(audit_table).where(audit_table.c.id == target.id).values({column: value}))

    report = verify_chain(db.session)

    assert not report.ok
    assert report.first_broken_id == target.id
    assert report.reason == BROKEN_HASH
    assert report.rows_checked == events.index(target) + 1


def test_a_raw_sql_update_is_detected_at_that_row(db, events):
    db.session.execute(text("UPDATE audit_event SET action = 'auth.logout' WHERE id = :id"), {"id": events[2].id})
    report = verify_chain(db.session)
    assert (report.ok, report.first_broken_id, report.reason) == (False, events[2].id, BROKEN_HASH)


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(db, events):
    target = events[2]
    row = db.session.execute(select(audit_table).where(audit_table.c.id == target.id)).one()._asdict()
    row["action"] = "auth.logout"
    forged = compute_row_hash(row, row["previous_hash"])
    db.session.execute(update(audit_table).where(audit_table.c.id == target.id).values(action="auth.logout",
                                                                                       row_hash=forged))  # fmt: skip

    report = verify_chain(db.session)

    assert (report.ok, report.first_broken_id, report.reason) == (False, events[3].id, BROKEN_LINK)


def test_a_deleted_middle_row_is_detected_at_the_next_row(db, events):
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[2].id})
    report = verify_chain(db.session)
    assert (report.ok, report.first_broken_id, report.reason) == (False, events[3].id, BROKEN_LINK)


def test_a_deleted_first_row_is_detected(db, events):
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[0].id))
    report = verify_chain(db.session)
    assert (report.ok, report.first_broken_id, report.reason) == (False, events[1].id, BROKEN_LINK)


def test_a_reordered_chain_is_detected(db, events):
    """Rows 2 and 3 swap places (their ids), each keeping its own hashes."""
    second, third = events[1].id, events[2].id
    parking = -1_000_000
    for old, new in ((second, parking), (third, second), (parking, third)):
        db.session.execute(update(audit_table).where(audit_table.c.id == old).values(id=new))

    report = verify_chain(db.session)

    assert (report.ok, report.first_broken_id, report.reason) == (False, second, BROKEN_LINK)


def test_flask_audit_verify_reports_a_sound_trail(app, events):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Journal d'audit intègre : 5 ligne(s) vérifiée(s)." in result.output
    assert events[-1].row_hash in result.output


def test_flask_audit_verify_reports_an_empty_trail(app, db):
    db.session.execute(delete(AuditEvent))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Journal d'audit vide" in result.output


def test_flask_audit_verify_exits_1_on_a_broken_trail(app, db, events):
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[1].id})
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"Journal d'audit altéré : la ligne n° {events[2].id} est invalide" in result.output
    assert "ligne supprimée" in result.output


audit_event_at_0003 = sa.table(
    "audit_event",
    sa.column("occurred_at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("request_id", sa.String),
    sa.column("data", sa.JSON),
)


def test_the_migration_chains_the_rows_already_there(database_kind, tmp_path):
    with fresh_database(database_kind, tmp_path) as url:
        app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0003_signalements_documents")
            with _db.engine.begin() as connection:
                connection.execute(
                    audit_event_at_0003.insert(),
                    [
                        {"occurred_at": datetime(2026, 1, 2, 3, 4, 5, 678901), "action": "auth.login",
                         "request_id": "r-1", "data": {"provider": "franceconnect"}},
                        {"occurred_at": datetime(2026, 1, 2, 3, 4, 6), "action": "auth.login_refused",
                         "request_id": None, "data": {"provider": "franceconnect", "reason": "« état » expiré"}},
                        {"occurred_at": datetime(2026, 1, 3), "action": "demo.seeded", "request_id": None,
                         "data": {"assures": 13, "nested": {"b": [1.5, None], "a": True}}},
                    ],
                )  # fmt: skip
            upgrade()

            report = verify_chain(_db.session)
            assert (report.ok, report.rows_checked) == (True, 3), report
            record(AuditAction.DEMO_SEEDED, assures=0)
            _db.session.commit()
            assert verify_chain(_db.session).rows_checked == 4
            assert verify_chain(_db.session).ok
            _db.session.remove()  # its read transaction would hold SQLite's lock against the downgrade

            downgrade(revision="0003_signalements_documents")
            columns = {column["name"] for column in sa.inspect(_db.engine).get_columns("audit_event")}
            assert not columns & {"previous_hash", "row_hash"}
            with _db.engine.connect() as connection:
                assert connection.execute(select(func.count()).select_from(audit_event_at_0003)).scalar_one() == 4
            _db.engine.dispose()


@pytest.fixture
def committed_app(database_kind, tmp_path):
    """An app on a database of its own, where each thread's transactions really commit (no test transaction)."""
    if database_kind != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (run with --db=postgresql): SQLite serialises writes itself")
    with fresh_database("postgresql", tmp_path) as url:
        app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
        try:
            yield app
        finally:
            with app.app_context():
                _db.engine.dispose()


def test_concurrent_writers_on_postgresql_keep_one_chain(committed_app):
    writers, transactions = 8, 10
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        start.wait(timeout=30)
        for number in range(transactions):
            with committed_app.app_context():
                record(AuditAction.DEMO_SEEDED, assures=writer * 100 + number)
                record(AuditAction.CAREER_CONFIRMED, year=2000 + number)
                if number == 5:
                    _db.session.rollback()  # an abandoned transaction leaves a gap in the ids, not in the chain
                else:
                    _db.session.commit()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        for future in [pool.submit(write, writer) for writer in range(writers)]:
            future.result()

    with committed_app.app_context():
        report = verify_chain(_db.session)
        assert report.ok, report
        assert report.rows_checked == writers * (transactions - 1) * 2
        _db.session.remove()
