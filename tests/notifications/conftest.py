"""An app whose requests really commit, on a database of its own, emptied after each test.

The suite's usual `app` runs every request on the test's connection inside one rolled-back transaction: an e-mail
sent "after the commit" then reads rows that were never committed, and a side effect fired too early goes unseen.
E-mails leave at the seam between the request and its commit, so these tests run where that seam is real: each
request commits on its own connection, and the callback that sends opens another, exactly as in `make run`.
"""

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask_migrate import upgrade

from portal import clock, create_app
from portal.db import Base
from portal.db import db as _db
from portal.extensions import limiter
from tests.backoffice.helpers import filed_request
from tests.builders import create_agent, create_assure, create_citizen_account, create_period
from tests.conftest import PortalClient, _test_settings, fresh_database
from tests.fc import login_and_bind
from tests.notifications.helpers import CAMILLE, MEHDI, account_of, agent_client


@pytest.fixture(scope="session")
def _committing_app(database_kind, fc_sandbox, pc_sandbox, _mail_sink, tmp_path_factory):
    with fresh_database(database_kind, tmp_path_factory.mktemp("committing")) as url:
        app = create_app(
            {
                **_test_settings(),
                "SQLALCHEMY_DATABASE_URI": url,
                "FRANCECONNECT_ISSUER": fc_sandbox.issuer,
                "PROCONNECT_ISSUER": pc_sandbox.issuer,
                "MAIL_PORT": _mail_sink.port,
                "DOCUMENTS_LOCAL_DIR": str(tmp_path_factory.mktemp("committing-documents")),
            }
        )
        app.test_client_class = CommittingClient
        with app.app_context():
            upgrade()
            # Reference data loaded by the migrations (the régimes) stays; every other table is emptied after
            # each test.
            with _db.engine.connect() as connection:
                app.extensions["test_reference_tables"] = {
                    table.name
                    for table in Base.metadata.sorted_tables
                    if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                }
        yield app
        with app.app_context():
            _db.engine.dispose()


class CommittingClient(PortalClient):
    """Ends the test's own unit of work before each request, as a person's click comes after what was prepared:
    what the test built is committed, and its read transaction no longer holds SQLite's lock."""

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def committing_app(_committing_app, mail_sink):
    """The committing app with an app context for the test (to build data and read what requests committed)."""
    app = _committing_app
    saved_config = dict(app.config)
    with app.app_context():
        limiter.reset()
        try:
            yield app
        finally:
            _db.session.rollback()
            _db.session.remove()
            app.config.update(saved_config)
            reference = app.extensions["test_reference_tables"]
            with _db.engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    if table.name not in reference:
                        connection.execute(table.delete())


@pytest.fixture
def agents(committing_app):
    return {"camille": create_agent(CAMILLE[1], "technicien"), "mehdi": create_agent(MEHDI[1], "technicien")}


@pytest.fixture
def assure(committing_app):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2010)
    create_period(assure, year=2012)
    return assure


@pytest.fixture
def person(committing_app, assure):
    """Jean-Pierre MARTIN, logged in with FranceConnect: his account's address is the identité pivot's."""
    client = committing_app.test_client()
    assert login_and_bind(client).status_code == 303
    return client


@pytest.fixture
def filed(person, assure, agents, mail_sink):
    """The id of a request filed by the person (the filing's own e-mail is checked by the filing's test)."""
    signalement = filed_request(assure, account=account_of(assure), today=clock.today())
    _db.session.commit()
    mail_sink.messages.clear()
    return signalement.id


@pytest.fixture
def protected(committing_app):
    """Jean-Pierre MARTIN under protection, with his own account (so an address): assure@example.fr."""
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2015)
    create_citizen_account(assure)
    return assure


@pytest.fixture
def camille(committing_app, agents):
    return agent_client(committing_app, CAMILLE)
