"""Storage backends for the contract suite (a directory in tmp_path, a bucket on a local moto S3 server), and a live
portal on 127.0.0.1 for the uploads that need a real server."""

import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from flask_migrate import upgrade
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from portal import create_app
from portal.db import db
from portal.demo.identities import get_identity
from portal.documents.storage import LocalStorage, S3Storage
from portal.sandbox.server import SandboxServer
from tests.conftest import _test_settings, csrf_token, fresh_database
from tests.fc import choose_identity

S3_REGION = "eu-west-3"
S3_CREDENTIALS = {"access_key_id": "test-access-key", "secret_access_key": "test-secret-key"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real HTTP S3 endpoint on loopback, shared by the session; each test gets its own bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    """A plain boto3 client, to look at buckets from outside the code under test."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_CREDENTIALS["access_key_id"],
        aws_secret_access_key=S3_CREDENTIALS["secret_access_key"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


@pytest.fixture
def s3_bucket(s3_client):
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    yield name
    # moto keeps everything in memory for the whole session: empty the bucket so large test objects go away.
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3_client.delete_object(Bucket=name, Key=item["Key"])
    s3_client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_settings(s3_endpoint, s3_bucket):
    """The settings storage_from_config reads to reach the test bucket."""
    return {
        "DOCUMENTS_STORAGE": "s3",
        "S3_BUCKET": s3_bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": S3_REGION,
        "S3_ACCESS_KEY_ID": S3_CREDENTIALS["access_key_id"],
        "S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_access_key"],
    }


@pytest.fixture(params=["local", "s3"])
def storage_settings(request, tmp_path):
    if request.param == "local":
        return {"DOCUMENTS_STORAGE": "local", "DOCUMENTS_LOCAL_DIR": str(tmp_path / "documents")}
    return request.getfixturevalue("s3_settings")


@pytest.fixture
def storage(storage_settings):
    """Each backend in turn, built by hand (test_storage_contract also builds them from the settings)."""
    if storage_settings["DOCUMENTS_STORAGE"] == "local":
        return LocalStorage(Path(storage_settings["DOCUMENTS_LOCAL_DIR"]))
    return S3Storage(
        bucket=storage_settings["S3_BUCKET"],
        endpoint_url=storage_settings["S3_ENDPOINT_URL"],
        region=S3_REGION,
        **S3_CREDENTIALS,
    )


@dataclass
class LivePortal:
    """The portal served over HTTP on 127.0.0.1 by werkzeug's threaded server, on a database of its own."""

    url: str
    app: object
    documents_dir: Path
    sandbox: object

    def login(self, sub: str = "demo-jean-pierre-martin") -> requests.Session:
        """A browser's session, logged in through the FranceConnect sandbox and past the NIR step."""
        browser = requests.Session()
        home = browser.get(f"{self.url}/", timeout=TIMEOUT)
        sent = browser.post(f"{self.url}/connexion/franceconnect", data={"csrf_token": csrf_token(home.text)},
                            allow_redirects=False, timeout=TIMEOUT)  # fmt: skip
        assert sent.status_code == 303, sent.text
        callback = choose_identity(sent.headers["Location"], sub)
        browser.get(callback.url, timeout=TIMEOUT)
        page = browser.get(f"{self.url}/premiere-connexion", timeout=TIMEOUT)
        if page.url.endswith("/premiere-connexion"):
            browser.post(page.url, data={"csrf_token": csrf_token(page.text), "nir": get_identity(sub).nir},
                         timeout=TIMEOUT)  # fmt: skip
        assert browser.get(f"{self.url}/mes-demandes", timeout=TIMEOUT).url.endswith("/mes-demandes")
        return browser

    def stored_files(self) -> set[str]:
        return {path.name for path in self.documents_dir.rglob("*") if path.is_file()}


TIMEOUT = 30


@pytest.fixture(scope="module")
def live_portal(database_kind, tmp_path_factory, _mail_sink):
    """A real threaded server on 127.0.0.1 with its own FranceConnect sandbox, on a fresh database of the kind the
    suite runs on (SQLite file or PostgreSQL) that requests really commit to; dropped afterwards."""

    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    clients = [
        {
            "client_id": "portail-televersement",
            "client_secret": "secret-televersement",
            "redirect_uris": [f"{url}/connexion/franceconnect/retour"],
            "post_logout_redirect_uris": [f"{url}/deconnexion/retour"],
        }
    ]
    documents_dir = tmp_path_factory.mktemp("live-uploads")
    with (
        fresh_database(database_kind, tmp_path_factory.mktemp("live-db")) as database_url,
        SandboxServer({"SANDBOX_CLIENTS": clients}) as sandbox,
    ):
        app = create_app(
            {
                **_test_settings(),
                "TESTING": False,  # as in production: an error is a 500 answer, not an exception in the test
                "SQLALCHEMY_DATABASE_URI": database_url,
                "FRANCECONNECT_ISSUER": sandbox.issuer,
                "FRANCECONNECT_CLIENT_ID": "portail-televersement",
                "FRANCECONNECT_CLIENT_SECRET": "secret-televersement",
                "PORTAL_BASE_URL": url,
                "MAIL_PORT": _mail_sink.port,
                "DOCUMENTS_STORAGE": "local",
                "DOCUMENTS_LOCAL_DIR": str(documents_dir),
                "UPLOAD_RATE_LIMIT": "1000 per hour",
            }
        )
        with app.app_context():
            upgrade()
        server.app = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LivePortal(url, app, documents_dir, sandbox)
        finally:
            server.shutdown()
            thread.join()
            server.server_close()
            with app.app_context():
                db.engine.dispose()
