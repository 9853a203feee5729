"""Object storage behind the page store: bytes in, bytes out, by name; a local directory or any S3-compatible store.

Chosen by `NEWSDESK_PAGE_STORE_URL`: `file:///path` (the default, `<data dir>/pages`) or `s3://bucket/prefix`
(endpoint and keys from the `NEWSDESK_S3_*` settings). Workers that share the S3 store share no disk.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

from newsdesk.errors import PageNotFound, PermanentError, TransientError

if TYPE_CHECKING:
    from newsdesk.settings import Settings

# One S3 client per process serves every thread: its pool must hold a connection per busy thread.
S3_MAX_POOL_CONNECTIONS = 64
S3_CONNECT_TIMEOUT = 5.0
S3_READ_TIMEOUT = 30.0
# S3 error codes that mean "later may work" although some servers send them with a 4xx status.
_TRANSIENT_S3_CODES = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "ServiceUnavailable",
    "InternalError",
    "TooManyRequests",
}
_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}


class ObjectStore(Protocol):
    """What the page store needs from a storage backend."""

    url: str

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...

    def names(self, prefix: str = "") -> Iterator[str]:
        """Every stored name that starts with `prefix`, in lexical order."""
        ...

    def folders(self) -> list[str]:
        """The first segments of the stored names (top-level "directories")."""
        ...

    def check(self) -> None:
        """Raise a NewsdeskError saying what is wrong when the store cannot be used."""
        ...


@dataclass(frozen=True)
class StoreLocation:
    scheme: str  # "file" or "s3"
    path: str  # file: the directory; s3: the bucket
    prefix: str = ""  # s3 only: names are stored under this key prefix


def parse_store_url(url: str) -> StoreLocation:
    """`file:///dir`, a plain path, or `s3://bucket[/prefix]`; anything else is a clear PermanentError."""
    if "://" not in url:
        if not url.strip():
            raise PermanentError("NEWSDESK_PAGE_STORE_URL is empty")
        return StoreLocation("file", url)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise PermanentError(f"page store URL {url!r}: a file URL names a local path (file:///dir)")
        if not parts.path:
            raise PermanentError(f"page store URL {url!r} has no path")
        return StoreLocation("file", unquote(parts.path))
    if parts.scheme == "s3":
        bucket = parts.netloc
        if not bucket:
            raise PermanentError(f"page store URL {url!r} has no bucket (s3://bucket/prefix)")
        prefix = parts.path.strip("/")
        return StoreLocation("s3", bucket, f"{prefix}/" if prefix else "")
    raise PermanentError(f"page store URL {url!r}: scheme must be file:// or s3://")


def open_object_store(settings: Settings) -> ObjectStore:
    url = settings.page_store_url or str(settings.pages_dir)
    location = parse_store_url(url)
    if location.scheme == "file":
        return FileObjects(Path(location.path))
    return S3Objects(location.path, location.prefix, _s3_client(settings))


class FileObjects:
    """Objects as files under a directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.url = self.root.as_uri() if self.root.is_absolute() else str(self.root)

    def _path(self, name: str) -> Path:
        if not name or name.startswith("/") or ".." in name.split("/"):
            raise PageNotFound(f"invalid object name {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        except OSError as exc:
            raise PermanentError(f"cannot write to the page store {self.root}: {exc}") from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise PageNotFound(f"no stored page {name} in {self.root}") from None

    def names(self, prefix: str = "") -> Iterator[str]:
        # Walk only the directory the prefix names, then filter on the rest of it.
        folder, _, _ = prefix.rpartition("/")
        start = self.root / folder if folder else self.root
        if not start.is_dir():
            return
        found = []
        for dirpath, _dirs, files in os.walk(start):
            for file in files:
                if file.endswith(".part"):
                    continue
                name = Path(dirpath, file).relative_to(self.root).as_posix()
                if name.startswith(prefix):
                    found.append(name)
        yield from sorted(found)

    def folders(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in os.scandir(self.root) if entry.is_dir())

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PermanentError(f"cannot create the page store {self.root}: {exc}") from None


class S3Objects:
    """Objects in an S3 bucket (AWS, SeaweedFS, MinIO, ...), under an optional key prefix."""

    def __init__(self, bucket: str, prefix: str, client: Any):
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
        self.url = f"s3://{bucket}/{prefix}"

    def put(self, name: str, data: bytes) -> None:
        with s3_errors(f"storing {name} in {self.url}"):
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data)

    def get(self, name: str) -> bytes:
        with s3_errors(f"reading {name} from {self.url}"):
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
            data: bytes = response["Body"].read()
        return data

    def names(self, prefix: str = "") -> Iterator[str]:
        with s3_errors(f"listing {self.url}{prefix}"):
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix) :]

    def folders(self) -> list[str]:
        found: list[str] = []
        with s3_errors(f"listing {self.url}"):
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix, Delimiter="/"):
                found.extend(item["Prefix"][len(self.prefix) :].rstrip("/") for item in page.get("CommonPrefixes", []))
        return sorted(found)

    def check(self) -> None:
        with s3_errors(f"opening {self.url}", missing="bucket"):
            self.client.head_bucket(Bucket=self.bucket)


class s3_errors:
    """Turn botocore failures into the one error policy: transient ones retry, the rest say what is wrong."""

    def __init__(self, doing: str, missing: str = "object"):
        self.doing = doing
        self.missing = missing  # what a 404 means: no such "object", or no such "bucket"

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError, NoCredentialsError

        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            message = error.get("Message") or code
            if code in _NOT_FOUND_CODES and self.missing == "object":
                raise PageNotFound(f"{self.doing}: no such object") from None
            if status >= 500 or status == 429 or code in _TRANSIENT_S3_CODES:
                raise TransientError(
                    f"{self.doing}: object store busy or failing ({status} {code}: {message})"
                ) from None
            if code == "NoSuchBucket" or status == 404:
                raise PermanentError(f"{self.doing}: the bucket does not exist ({code})") from None
            raise PermanentError(f"{self.doing}: object store refused ({status} {code}: {message})") from None
        if isinstance(exc, NoCredentialsError):
            raise PermanentError(
                f"{self.doing}: no S3 credentials (set NEWSDESK_S3_ACCESS_KEY_ID and NEWSDESK_S3_SECRET_ACCESS_KEY)"
            ) from None
        if isinstance(exc, (ConnectionError, HTTPClientError)):
            raise TransientError(f"{self.doing}: object store unreachable ({type(exc).__name__}: {exc})") from None
        if isinstance(exc, BotoCoreError):
            raise PermanentError(f"{self.doing}: {type(exc).__name__}: {exc}") from None


_clients: dict[tuple[object, ...], Any] = {}
_clients_lock = threading.Lock()


def _s3_client(settings: Settings) -> Any:
    """One client per process and configuration (botocore clients are thread-safe; a forked child makes its own)."""
    secret = settings.s3_secret_access_key.get_secret_value() if settings.s3_secret_access_key else None
    identity = (os.getpid(), settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id, secret)
    with _clients_lock:
        client = _clients.get(identity)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                max_pool_connections=S3_MAX_POOL_CONNECTIONS,
                connect_timeout=S3_CONNECT_TIMEOUT,
                read_timeout=S3_READ_TIMEOUT,
                # One attempt: retries belong to the one retry policy (TransientError -> StageTask backoff).
                retries={"total_max_attempts": 1},
                # Path-style addressing works on every S3-compatible server, with no wildcard DNS.
                s3={"addressing_style": "path"},
                # Only checksum when the operation requires it: not every S3-compatible server knows the new ones.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
            from botocore.exceptions import BotoCoreError

            try:
                client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=settings.s3_endpoint_url,
                    region_name=settings.s3_region,
                    aws_access_key_id=settings.s3_access_key_id,
                    aws_secret_access_key=secret,
                    config=config,
                )
            except (BotoCoreError, ValueError) as exc:
                raise PermanentError(f"cannot make the S3 client (NEWSDESK_S3_* settings): {exc}") from None
            _clients[identity] = client
        return client
