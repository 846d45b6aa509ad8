"""Where the bytes of justificatifs live: one interface, a local directory or an S3-compatible bucket.

Keys are random and opaque: nothing about the person or the file name can be read from them, and a key cannot be
guessed from another. The database row (documents.models.Document) holds the key with the original name, size,
sha256 and detected type; this module knows nothing of them.
"""

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol, overload
from urllib.parse import quote

from portal.object_store import s3_client

CHUNK_SIZE = 64 * 1024

# 128 random bits, lowercase hex: safe as a file name on any file system (including case-insensitive ones) and as
# an S3 key, and strict enough that validating a key also rules out any path trick.
_KEY_RE = re.compile(r"[0-9a-f]{32}")

SERVER_SIDE_ENCRYPTIONS = ("AES256", "aws:kms")
ADDRESSING_STYLES = ("path", "virtual", "auto")


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class StorageKeyError(KeyError):
    """No object is stored under this key."""


class InvalidKey(ValueError):
    """A string that cannot be a key this module generated (path traversal, wrong shape)."""


class Storage(Protocol):
    def put(self, stream: BinaryIO) -> StoredObject:
        """Store the stream's bytes under a new random key; memory use does not grow with the size."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, to use in a `with` block. Raises StorageKeyError (a KeyError) when absent."""

    def delete(self, key: str) -> None:
        """Remove the object; deleting an absent key is not an error."""

    def exists(self, key: str) -> bool: ...

    def iter_objects(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with its last modification time (naive UTC), for the sweep of orphans."""

    def download_url(self, key: str, *, filename: str, content_type: str, expires_in: int = 60) -> str | None:
        """A short-lived URL that downloads the object as an attachment, or None when the app must stream it."""


def new_key() -> str:
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


def copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    """Copy in fixed chunks, returning (size, sha256 hex) of what was copied."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name encoded per RFC 6266 / RFC 5987."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    # Quotes, backslashes and control characters would break out of the quoted-string.
    fallback = " ".join("".join(c for c in fallback if c.isprintable() and c not in '"\\').split())
    if not fallback or fallback.startswith("."):
        # Nothing left of a name in another script but its extension.
        fallback = "document" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class LocalStorage(Storage):
    """Files in one directory, named by their key. For development, tests and single-server deployments."""

    _TEMP_PREFIX = ".upload-"

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, stream: BinaryIO) -> StoredObject:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = new_key()
        # Written beside its final place then renamed: a crash leaves at worst a temporary file (skipped by
        # iter_objects), never a half-written object under a real key. mkstemp creates it readable by us only.
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=self._TEMP_PREFIX, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as target:
                size, sha256 = copy_hashing(stream, target)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temp_name, self._path(key))
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        self._fsync_root()
        return StoredObject(key=key, size=size, sha256=sha256)

    def _fsync_root(self) -> None:
        # The rename itself is only durable once the directory entry is on disk.
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise StorageKeyError(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def iter_objects(self) -> Iterator[tuple[str, datetime]]:
        try:
            entries = os.scandir(self.root)
        except FileNotFoundError:
            return
        with entries:
            for entry in entries:
                if _KEY_RE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    yield entry.name, _naive_utc(datetime.fromtimestamp(entry.stat().st_mtime, UTC))

    def download_url(self, key: str, *, filename: str, content_type: str, expires_in: int = 60) -> str | None:
        return None


class S3Storage(Storage):
    """Objects in an S3-compatible bucket (AWS, OVHcloud, Scaleway, Outscale, MinIO), under a prefix."""

    # Parts of a multipart upload. S3 refuses parts under 5 MiB (except the last); files up to the threshold go
    # in a single PUT. Justificatifs are at most a few MiB, so multipart is rare.
    MULTIPART_CHUNK_SIZE = 8 * 1024 * 1024

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str = "eu-west-3",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        server_side_encryption: str | None = "AES256",
        kms_key_id: str | None = None,
        addressing_style: str = "path",
        prefix: str = "justificatifs/",
    ):
        if not bucket:
            raise ValueError("S3Storage needs a bucket name")
        if server_side_encryption not in (*SERVER_SIDE_ENCRYPTIONS, None):
            raise ValueError(
                f"unknown S3 server-side encryption {server_side_encryption!r}: use 'AES256', 'aws:kms' or None"
            )
        if kms_key_id and server_side_encryption != "aws:kms":
            raise ValueError("an S3 KMS key id only makes sense with server-side encryption 'aws:kms'")
        if addressing_style not in ADDRESSING_STYLES:
            raise ValueError(f"unknown S3 addressing style {addressing_style!r}: use one of {ADDRESSING_STYLES}")
        if prefix and not prefix.endswith("/"):
            prefix += "/"

        # Imported here: the local backend (development, most tests) never pays for loading boto3.
        from boto3.s3.transfer import TransferConfig

        self.bucket = bucket
        self.prefix = prefix
        self.server_side_encryption = server_side_encryption
        self.kms_key_id = kms_key_id
        self.client = s3_client(
            endpoint_url=endpoint_url,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            addressing_style=addressing_style,
        )
        # Parts go one after the other in the calling thread: no thread pool started per upload, and memory stays
        # at one signing buffer (botocore reads 1 MiB at a time to sign a part) whatever the size of the file.
        self._transfer_config = TransferConfig(
            multipart_threshold=self.MULTIPART_CHUNK_SIZE,
            multipart_chunksize=self.MULTIPART_CHUNK_SIZE,
            use_threads=False,
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _extra_args(self) -> dict[str, str]:
        extra = {"ContentType": "application/octet-stream"}
        if self.server_side_encryption:
            extra["ServerSideEncryption"] = self.server_side_encryption
        if self.kms_key_id:
            extra["SSEKMSKeyId"] = self.kms_key_id
        return extra

    def put(self, stream: BinaryIO) -> StoredObject:
        key = new_key()
        # Spooled to a temporary file first (hashing as it goes), then uploaded from the file by name: that is the
        # only way boto3 sends a multipart upload without holding whole parts (at least 5 MiB each) in memory, and
        # it lets a failed part be retried from disk.
        with tempfile.NamedTemporaryFile(prefix="portal-upload-", suffix=".part") as spool:
            size, sha256 = copy_hashing(stream, spool)
            spool.flush()
            self.client.upload_file(
                spool.name,
                self.bucket,
                self._object_key(key),
                ExtraArgs=self._extra_args(),
                Config=self._transfer_config,
            )
        return StoredObject(key=key, size=size, sha256=sha256)

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
        except self.client.exceptions.NoSuchKey:
            raise StorageKeyError(key) from None
        # botocore's StreamingBody is an io.IOBase: reading in chunks, and closing the connection on exit.
        return response["Body"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError  # boto3 is only loaded with the S3 backend

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def iter_objects(self) -> Iterator[tuple[str, datetime]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                # Anything else under the prefix was not put here: never hand it to the sweep.
                if _KEY_RE.fullmatch(key):
                    yield key, _naive_utc(item["LastModified"])

    def download_url(self, key: str, *, filename: str, content_type: str, expires_in: int = 60) -> str | None:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._object_key(key),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )


@overload
def _setting(config: Mapping[str, Any], name: str, default: str) -> str: ...
@overload
def _setting(config: Mapping[str, Any], name: str, default: None = None) -> str | None: ...


def _setting(config: Mapping[str, Any], name: str, default: str | None = None) -> str | None:
    # Settings come from the environment, where "unset" is often an empty string.
    value = config.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return str(value).strip()


_ENCRYPTION_SETTINGS = {"aes256": "AES256", "aws:kms": "aws:kms", "none": None}


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    """The backend named by DOCUMENTS_STORAGE ("local", the default, or "s3"), built from the app's settings."""
    backend = (_setting(config, "DOCUMENTS_STORAGE", "local") or "").lower()
    if backend == "local":
        root = _setting(config, "DOCUMENTS_LOCAL_DIR")
        if not root:
            raise ValueError("DOCUMENTS_LOCAL_DIR must be set when DOCUMENTS_STORAGE is 'local'")
        return LocalStorage(Path(root))
    if backend == "s3":
        bucket = _setting(config, "S3_BUCKET")
        if not bucket:
            raise ValueError("S3_BUCKET must be set when DOCUMENTS_STORAGE is 's3'")
        encryption = _setting(config, "S3_SERVER_SIDE_ENCRYPTION", "AES256")
        if encryption.lower() not in _ENCRYPTION_SETTINGS:
            raise ValueError(f"S3_SERVER_SIDE_ENCRYPTION must be 'AES256', 'aws:kms' or 'none', not {encryption!r}")
        prefix = config.get("S3_PREFIX")
        # An empty prefix is a real choice (the bucket holds nothing else), unlike an empty bucket name.
        prefix = "justificatifs/" if prefix is None else str(prefix).strip().lstrip("/")
        return S3Storage(
            bucket=bucket,
            endpoint_url=_setting(config, "S3_ENDPOINT_URL"),
            region=_setting(config, "S3_REGION", "eu-west-3"),
            access_key_id=_setting(config, "S3_ACCESS_KEY_ID"),
            secret_access_key=_setting(config, "S3_SECRET_ACCESS_KEY"),
            server_side_encryption=_ENCRYPTION_SETTINGS[encryption.lower()],
            kms_key_id=_setting(config, "S3_KMS_KEY_ID"),
            addressing_style=(_setting(config, "S3_ADDRESSING_STYLE", "path") or "").lower(),
            prefix=prefix,
        )
    raise ValueError(f"unknown DOCUMENTS_STORAGE {backend!r}: use 'local' or 's3'")
