"""One contract, two backends: every test taking `storage` runs on a local directory and on S3 (moto)."""

import hashlib
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from portal.documents.storage import (
    InvalidKey,
    LocalStorage,
    S3Storage,
    StorageKeyError,
    content_disposition,
    storage_from_config,
)

ROOT = Path(__file__).resolve().parents[2]
FRENCH_NAME = 'Relevé de carrière – 1998 "copie".pdf'


def read_all(storage, key: str) -> bytes:
    with storage.open(key) as stored:
        return stored.read()


class FailingStream(io.RawIOBase):
    """Gives some bytes, then fails as a dropped connection would."""

    def __init__(self):
        self.calls = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.calls += 1
        if self.calls > 3:
            raise ConnectionResetError("upload interrupted")
        return b"x" * 1000


def test_put_then_open_gives_back_the_same_bytes_with_their_size_and_sha256(storage):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 1000

    stored = storage.put(io.BytesIO(data))

    assert read_all(storage, stored.key) == data
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_open_reads_in_chunks(storage):
    data = b"0123456789" * 10_000
    stored = storage.put(io.BytesIO(data))

    with storage.open(stored.key) as stored_file:
        chunks = list(iter(lambda: stored_file.read(4096), b""))

    assert b"".join(chunks) == data
    assert len(chunks) > 1


def test_keys_are_opaque_and_differ_for_the_same_content(storage, tmp_path):
    source = tmp_path / "bulletin-de-paie-dupont.pdf"
    source.write_bytes(b"same content")

    with source.open("rb") as first_stream, source.open("rb") as second_stream:
        first, second = storage.put(first_stream), storage.put(second_stream)

    assert first.key != second.key
    assert first.sha256 == second.sha256
    for key in (first.key, second.key):
        assert re.fullmatch(r"[0-9a-f]{32}", key)
        assert "dupont" not in key


def test_exists_follows_put_and_delete(storage):
    stored = storage.put(io.BytesIO(b"abc"))
    assert storage.exists(stored.key)

    storage.delete(stored.key)

    assert not storage.exists(stored.key)


def test_delete_is_idempotent(storage):
    stored = storage.put(io.BytesIO(b"abc"))
    storage.delete(stored.key)

    storage.delete(stored.key)
    storage.delete("0" * 32)

    assert not storage.exists(stored.key)


def test_open_of_a_missing_key_raises_key_error(storage):
    with pytest.raises(KeyError) as raised:
        storage.open("0" * 32)

    assert isinstance(raised.value, StorageKeyError)


def test_open_of_a_deleted_key_raises_key_error(storage):
    stored = storage.put(io.BytesIO(b"abc"))
    storage.delete(stored.key)

    with pytest.raises(KeyError):
        storage.open(stored.key)


def test_iter_objects_lists_what_was_put_with_a_naive_utc_time(storage):
    before = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=5)
    keys = {storage.put(io.BytesIO(f"document {n}".encode())).key for n in range(3)}
    deleted = storage.put(io.BytesIO(b"gone"))
    storage.delete(deleted.key)
    after = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=5)

    listed = dict(storage.iter_objects())

    assert set(listed) == keys
    for modified in listed.values():
        assert modified.tzinfo is None
        assert before <= modified <= after


def test_iter_objects_of_an_empty_store_lists_nothing(storage):
    assert list(storage.iter_objects()) == []


def test_a_failed_upload_leaves_no_object(storage):
    with pytest.raises(ConnectionResetError):
        storage.put(FailingStream())

    assert list(storage.iter_objects()) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "../" + "0" * 32, "a/b", "", "0" * 31, "0" * 32 + "/", "A" * 32])
def test_keys_it_did_not_generate_are_refused(storage, key):
    with pytest.raises(InvalidKey):
        storage.open(key)
    with pytest.raises(InvalidKey):
        storage.exists(key)
    with pytest.raises(InvalidKey):
        storage.delete(key)


# Runs in a process of its own: the moto server keeps whole objects in memory inside the test process, and
# tracemalloc would count them.
MEMORY_SCRIPT = """
import hashlib, io, json, sys, tracemalloc
from portal.documents.storage import storage_from_config

SIZE = 12 * 1024 * 1024

def blocks():
    for n in range(SIZE // 65536):
        yield hashlib.sha256(str(n).encode()).digest() * 2048

class Generated:
    # 12 MB produced on demand: the test itself never holds them.
    def __init__(self):
        self.blocks, self.buffer = blocks(), b""
    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            block = next(self.blocks, None)
            if block is None:
                break
            self.buffer += block
        size = len(self.buffer) if size < 0 else size
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk

storage = storage_from_config(json.loads(sys.argv[1]))
# A first small upload loads what boto3 loads lazily, which is not what is being measured.
storage.delete(storage.put(io.BytesIO(b"warm-up")).key)
tracemalloc.start()
stored = storage.put(Generated())
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
expected = hashlib.sha256()
for block in blocks():
    expected.update(block)
print(json.dumps({"peak": peak, "key": stored.key, "size": stored.size, "sha256": stored.sha256,
                  "expected_sha256": expected.hexdigest()}))
"""


def test_a_12_mb_stream_is_stored_without_memory_growing_with_its_size(storage, storage_settings, s3_client):
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", MEMORY_SCRIPT, json.dumps(storage_settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)

    assert result["size"] == 12 * 1024 * 1024
    assert result["sha256"] == result["expected_sha256"]
    assert result["peak"] < 4 * 1024 * 1024
    digest = hashlib.sha256()
    with storage.open(result["key"]) as stored:
        for chunk in iter(lambda: stored.read(1024 * 1024), b""):
            digest.update(chunk)
    assert digest.hexdigest() == result["sha256"]
    if isinstance(storage, S3Storage):
        head = s3_client.head_object(Bucket=storage.bucket, Key=storage.prefix + result["key"])
        assert head["ContentLength"] == 12 * 1024 * 1024
        # A multipart ETag ends with "-<number of parts>".
        assert head["ETag"].strip('"').endswith("-2")


def test_download_url_is_a_short_presigned_get_as_an_attachment(storage):
    data = b"%PDF-1.7 contenu"
    stored = storage.put(io.BytesIO(data))

    url = storage.download_url(stored.key, filename=FRENCH_NAME, content_type="application/pdf")

    if isinstance(storage, LocalStorage):
        assert url is None
        return
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["response-content-type"] == ["application/pdf"]
    assert query["response-content-disposition"] == [
        'attachment; filename="Releve de carriere 1998 copie.pdf"; '
        "filename*=UTF-8''Relev%C3%A9%20de%20carri%C3%A8re%20%E2%80%93%201998%20%22copie%22.pdf"
    ]
    assert urlsplit(url).path == f"/{storage.bucket}/justificatifs/{stored.key}"
    # moto does not check signatures or expiry (see above for those): this proves the URL reaches the object.
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["Content-Disposition"] == query["response-content-disposition"][0]
    assert response.headers["Content-Type"] == "application/pdf"


def test_download_url_honours_a_longer_expiry(storage):
    stored = storage.put(io.BytesIO(b"abc"))

    url = storage.download_url(stored.key, filename="a.pdf", content_type="application/pdf", expires_in=300)

    if isinstance(storage, S3Storage):
        assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]


def test_content_disposition_keeps_the_exact_name_encoded_and_an_ascii_fallback():
    assert content_disposition("Bulletin de paie – mars 1998.pdf") == (
        'attachment; filename="Bulletin de paie mars 1998.pdf"; '
        "filename*=UTF-8''Bulletin%20de%20paie%20%E2%80%93%20mars%201998.pdf"
    )
    assert content_disposition("été.pdf").startswith('attachment; filename="ete.pdf"; ')
    assert content_disposition("日本.pdf").startswith('attachment; filename="document.pdf"; ')
    assert content_disposition('a"b\\c\n.pdf').startswith('attachment; filename="abc.pdf"; ')
    assert content_disposition("日本").startswith('attachment; filename="document"; ')


def test_s3_objects_are_encrypted_at_rest_and_kept_under_the_prefix(s3_settings, s3_client):
    storage = storage_from_config(s3_settings)

    stored = storage.put(io.BytesIO(b"abc"))

    head = s3_client.head_object(Bucket=s3_settings["S3_BUCKET"], Key=f"justificatifs/{stored.key}")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "application/octet-stream"


def test_s3_objects_can_be_encrypted_with_a_kms_key(s3_settings, s3_client):
    storage = storage_from_config(
        {**s3_settings, "S3_SERVER_SIDE_ENCRYPTION": "aws:kms", "S3_KMS_KEY_ID": "alias/justificatifs"}
    )

    stored = storage.put(io.BytesIO(b"abc"))

    head = s3_client.head_object(Bucket=s3_settings["S3_BUCKET"], Key=f"justificatifs/{stored.key}")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"].endswith("alias/justificatifs")


def test_s3_iter_objects_ignores_what_it_did_not_put(s3_settings, s3_client):
    storage = storage_from_config(s3_settings)
    stored = storage.put(io.BytesIO(b"abc"))
    bucket = s3_settings["S3_BUCKET"]
    s3_client.put_object(Bucket=bucket, Key="exports/" + "1" * 32, Body=b"other")
    s3_client.put_object(Bucket=bucket, Key="justificatifs/notes.txt", Body=b"other")

    assert [key for key, _ in storage.iter_objects()] == [stored.key]


def test_local_storage_leaves_no_temporary_file_and_lists_none_left_by_a_crash(tmp_path):
    storage = LocalStorage(tmp_path)
    stored = storage.put(io.BytesIO(b"abc"))
    with pytest.raises(ConnectionResetError):
        storage.put(FailingStream())
    (tmp_path / ".upload-left-by-a-crash.part").write_bytes(b"half")

    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".")) == [stored.key]
    assert len(list(tmp_path.glob(".upload-*"))) == 1
    assert [key for key, _ in storage.iter_objects()] == [stored.key]


def test_local_storage_files_are_private_to_the_portal(tmp_path):
    storage = LocalStorage(tmp_path / "documents")

    stored = storage.put(io.BytesIO(b"abc"))

    assert (tmp_path / "documents" / stored.key).stat().st_mode & 0o077 == 0


def test_storage_from_config_builds_a_local_storage_by_default(tmp_path):
    storage = storage_from_config({"DOCUMENTS_LOCAL_DIR": str(tmp_path)})

    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path


def test_storage_from_config_builds_an_s3_storage(s3_settings):
    storage = storage_from_config(
        {**s3_settings, "DOCUMENTS_STORAGE": "S3", "S3_PREFIX": "pieces", "S3_SERVER_SIDE_ENCRYPTION": "none"}
    )

    assert isinstance(storage, S3Storage)
    assert storage.bucket == s3_settings["S3_BUCKET"]
    assert storage.prefix == "pieces/"
    assert storage.server_side_encryption is None
    assert storage.client.meta.endpoint_url == s3_settings["S3_ENDPOINT_URL"]
    assert storage.client.meta.region_name == "eu-west-3"
    assert storage.client.meta.config.s3["addressing_style"] == "path"
    assert storage.exists(storage.put(io.BytesIO(b"abc")).key)


def test_storage_from_config_uses_the_defaults_of_the_settings():
    storage = storage_from_config({"DOCUMENTS_STORAGE": "s3", "S3_BUCKET": "b", "S3_ENDPOINT_URL": ""})

    assert storage.prefix == "justificatifs/"
    assert storage.server_side_encryption == "AES256"
    assert storage.client.meta.region_name == "eu-west-3"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DOCUMENTS_STORAGE": "ftp"}, "unknown DOCUMENTS_STORAGE 'ftp'"),
        ({"DOCUMENTS_STORAGE": "local"}, "DOCUMENTS_LOCAL_DIR must be set"),
        ({"DOCUMENTS_STORAGE": "local", "DOCUMENTS_LOCAL_DIR": " "}, "DOCUMENTS_LOCAL_DIR must be set"),
        ({"DOCUMENTS_STORAGE": "s3"}, "S3_BUCKET must be set"),
        ({"DOCUMENTS_STORAGE": "s3", "S3_BUCKET": ""}, "S3_BUCKET must be set"),
        ({"DOCUMENTS_STORAGE": "s3", "S3_BUCKET": "b", "S3_SERVER_SIDE_ENCRYPTION": "AES128"}, "AES128"),
        ({"DOCUMENTS_STORAGE": "s3", "S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "dns"}, "addressing style 'dns'"),
        ({"DOCUMENTS_STORAGE": "s3", "S3_BUCKET": "b", "S3_KMS_KEY_ID": "k"}, "KMS key id"),
    ],
)
def test_storage_from_config_refuses_bad_settings(settings, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        storage_from_config(settings)
