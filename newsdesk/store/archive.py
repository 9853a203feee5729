"""Raw archive: every fetched response appended to WARC files (warcio), read back for `newsdesk reparse`.

Each process writes its own file per day (data_dir/warc/YYYY-MM-DD/<host>-<pid>.warc.gz), one
gzip member per record, so concurrent fetchers never interleave and a crash loses one record at most.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.dates import parse_iso_datetime
from newsdesk.models import FetchedPage

SOURCE_HEADER = "WARC-Newsdesk-Source"  # WARC allows extension fields; these say what the record was for
KIND_HEADER = "WARC-Newsdesk-Kind"  # article | feed | sitemap | section | robots


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()

    def _file_for(self, when: datetime) -> Path:
        day = when.astimezone(UTC).strftime("%Y-%m-%d")
        return self.root / day / f"{socket.gethostname()}-{os.getpid()}.warc.gz"

    def write(self, page: FetchedPage, kind: str = "article") -> None:
        try:
            reason = HTTPStatus(page.status).phrase
        except ValueError:
            reason = "Unknown"
        headers = [
            (name, value)
            for name, value in page.headers.items()
            if name not in ("content-length", "content-encoding", "transfer-encoding")
        ]
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
        path = self._file_for(page.fetched_at)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(path, "ab") as out:
            writer = WARCWriter(out, gzip=True)
            record = writer.create_warc_record(
                page.final_url,
                "response",
                payload=io.BytesIO(page.body),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            writer.write_record(record)

    def pages(
        self, source: str | None = None, since: datetime | None = None, kind: str | None = "article"
    ) -> Iterator[FetchedPage]:
        """Archived responses in file order, filtered by source, fetch time and kind."""
        if not self.root.exists():
            return
        since_day = since.astimezone(UTC).strftime("%Y-%m-%d") if since else ""
        for day in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name >= since_day):
            for path in sorted(day.glob("*.warc.gz")):
                yield from self._read(path, source, since, kind)

    @staticmethod
    def _read(path: Path, source: str | None, since: datetime | None, kind: str | None) -> Iterator[FetchedPage]:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                meta = record.rec_headers
                if kind and meta.get_header(KIND_HEADER) != kind:
                    continue
                if source and meta.get_header(SOURCE_HEADER) != source:
                    continue
                fetched_at = parse_iso_datetime(meta.get_header("WARC-Date")) or datetime.now(UTC)
                if since and fetched_at < since:
                    continue
                final_url = meta.get_header("WARC-Target-URI")
                yield FetchedPage(
                    url=meta.get_header("WARC-Refers-To-Target-URI") or final_url,
                    final_url=final_url,
                    status=int(record.http_headers.get_statuscode()),
                    headers={name.lower(): value for name, value in record.http_headers.headers},
                    fetched_at=fetched_at,
                    source=meta.get_header(SOURCE_HEADER),
                    body=record.content_stream().read(),
                )


def latest_pages(pages: Iterator[FetchedPage]) -> list[FetchedPage]:
    """The newest successful response per URL: what a reparse should read."""
    newest: dict[str, FetchedPage] = {}
    for page in pages:
        if page.status != 200:
            continue
        known = newest.get(page.url)
        if known is None or page.fetched_at >= known.fetched_at:
            newest[page.url] = page
    return list(newest.values())
