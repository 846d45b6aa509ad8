"""Storage backends for the contract suite: a directory in tmp_path, and a bucket on a local moto S3 server."""

import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from portal.documents.storage import LocalStorage, S3Storage

S3_REGION = "eu-west-3"
S3_CREDENTIALS = {"access_key_id": "test-access-key", "secret_access_key": "test-secret-key"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real HTTP S3 endpoint on loopback, shared by the session; each test gets its own bucket."""
    from moto.server import ThreadedMotoServer

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
