"""How one fetched response is kept: a single WARC response record, zstd-compressed once.

The same bytes are the parser's hand-off and the raw archive (issue 9: one compressed copy per page),
and each object is a valid `.warc.zst` file (`zstd -d` gives a standard WARC record that any WARC tool reads).
Pages written before this format (a gzip member holding a JSON header line and the body) are still read.
"""

from __future__ import annotations

import gzip
import io
import json
import threading
import zlib
from datetime import UTC, datetime
from http import HTTPStatus

import zstandard
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import BufferWARCWriter

from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import PermanentError
from newsdesk.models import FetchedPage

SOURCE_HEADER = "WARC-Newsdesk-Source"  # WARC allows extension fields; these say what the record was for
KIND_HEADER = "WARC-Newsdesk-Kind"  # article | feed | sitemap | section | robots
# Level 3 is zstd's default: about as small as gzip -6 at several times the speed of gzip -1.
ZSTD_LEVEL = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
# Headers that describe the wire encoding, not the decoded body we keep.
_WIRE_HEADERS = ("content-length", "content-encoding", "transfer-encoding")

# zstandard compressors are not thread-safe; thread pools (fetch on threads) get one per thread.
_local = threading.local()


class CorruptPage(PermanentError):
    """A stored object that is not a readable page record."""


def _compressor() -> zstandard.ZstdCompressor:
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return compressor


def _decompressor() -> zstandard.ZstdDecompressor:
    decompressor = getattr(_local, "decompressor", None)
    if decompressor is None:
        decompressor = _local.decompressor = zstandard.ZstdDecompressor()
    return decompressor


def encode_page(page: FetchedPage, kind: str = "article") -> bytes:
    """The page as one zstd-compressed WARC response record."""
    try:
        reason = HTTPStatus(page.status).phrase
    except ValueError:
        reason = "Unknown"
    headers = [(name, value) for name, value in page.headers.items() if name.lower() not in _WIRE_HEADERS]
    headers.append(("Content-Length", str(len(page.body))))
    http_headers = StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1")
    warc_headers = {
        "WARC-Date": page.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        KIND_HEADER: kind,
    }
    if page.source:
        warc_headers[SOURCE_HEADER] = page.source
    if page.final_url != page.url:
        warc_headers["WARC-Refers-To-Target-URI"] = page.url
    writer = BufferWARCWriter(gzip=False)
    record = writer.create_warc_record(
        page.final_url,
        "response",
        payload=io.BytesIO(page.body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)
    return _compressor().compress(writer.get_contents())


def decode_page(data: bytes) -> tuple[FetchedPage, str]:
    """(page, kind) from a stored object: a zstd or gzip WARC record, or the legacy gzip page format."""
    try:
        if data.startswith(ZSTD_MAGIC):
            return _read_warc(_decompressor().decompressobj().decompress(data))
        if data.startswith(GZIP_MAGIC):
            raw = gzip.decompress(data)
            if raw.startswith(b"WARC/"):
                return _read_warc(raw)
            return _read_legacy(raw), "article"
    except (zstandard.ZstdError, zlib.error, EOFError, OSError, ValueError, ArchiveLoadFailed) as exc:
        raise CorruptPage(f"stored page is damaged: {type(exc).__name__}: {exc}") from None
    raise CorruptPage("stored object is neither a zstd nor a gzip page record")


def _read_legacy(raw: bytes) -> FetchedPage:
    header, _, body = raw.partition(b"\n")
    return FetchedPage(**json.loads(header), body=body)


def _read_warc(raw: bytes) -> tuple[FetchedPage, str]:
    for record in ArchiveIterator(io.BytesIO(raw)):
        if record.rec_type == "response":
            return page_from_record(record), record.rec_headers.get_header(KIND_HEADER) or "article"
    raise CorruptPage("stored WARC object holds no response record")


def page_from_record(record) -> FetchedPage:
    """A FetchedPage from a warcio response record (our per-page objects and the legacy WARC files)."""
    meta = record.rec_headers
    fetched_at = parse_iso_datetime(meta.get_header("WARC-Date")) or datetime.now(UTC)
    final_url = meta.get_header("WARC-Target-URI")
    body = record.content_stream().read()
    headers = {name.lower(): value for name, value in record.http_headers.headers}
    headers.pop("content-length", None)  # ours, added when writing; the body length says it
    return FetchedPage(
        url=meta.get_header("WARC-Refers-To-Target-URI") or final_url,
        final_url=final_url,
        status=int(record.http_headers.get_statuscode()),
        headers=headers,
        fetched_at=fetched_at,
        source=meta.get_header(SOURCE_HEADER),
        body=body,
    )
