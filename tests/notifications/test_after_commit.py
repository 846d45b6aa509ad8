"""portal.db.on_commit / on_rollback, on a real session: a savepoint released is not a commit. E-mails and file
deletions wait for the outermost transaction's end (the back-office's actions all run in a savepoint)."""

from portal.db import db, on_commit, on_rollback


def test_on_commit_waits_for_the_outermost_commit_not_a_released_savepoint(committing_app):
    calls = []
    with db.session.begin_nested():
        on_commit(lambda: calls.append("envoyé"))
    assert calls == []  # the savepoint is released, the transaction is still open
    db.session.commit()
    assert calls == ["envoyé"]


def test_on_rollback_still_runs_when_the_transaction_rolls_back_after_a_released_savepoint(committing_app):
    calls = []
    with db.session.begin_nested():
        on_rollback(lambda: calls.append("fichier supprimé"))
        on_commit(lambda: calls.append("envoyé"))
    db.session.rollback()
    assert calls == ["fichier supprimé"]


def test_a_rolled_back_savepoint_drops_its_e_mail_and_runs_its_undo(committing_app):
    calls = []
    with db.session.begin_nested() as savepoint:
        on_commit(lambda: calls.append("envoyé"))
        on_rollback(lambda: calls.append("fichier supprimé"))
        savepoint.rollback()
    db.session.commit()
    assert calls == ["fichier supprimé"]
