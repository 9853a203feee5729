"""The raw archive `newsdesk reparse` reads: the page store's WARC records, plus WARC files of older versions.

Every response is kept once in the page store (newsdesk/store/pages.py), as a WARC record; there is no
second, separately compressed archive copy any more. WARC files written by older versions
(data_dir/warc/YYYY-MM-DD/<host>-<pid>.warc.gz) are still read, so nothing archived before is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsdesk.models import FetchedPage
from newsdesk.store.codec import KIND_HEADER, SOURCE_HEADER, page_from_record
from newsdesk.store.pages import PageStore


def archived_pages(
    store: PageStore,
    legacy_warc_dir: Path | None = None,
    source: str | None = None,
    since: datetime | None = None,
    kind: str | None = "article",
) -> Iterator[FetchedPage]:
    """Archived responses filtered by source, fetch time and kind: old WARC files first, then the page store."""
    if legacy_warc_dir is not None:
        yield from legacy_warc_pages(legacy_warc_dir, source, since, kind)
    yield from store.pages(source=source, since=since, kind=kind)


def legacy_warc_pages(
    root: Path, source: str | None = None, since: datetime | None = None, kind: str | None = "article"
) -> Iterator[FetchedPage]:
    """Responses in the per-process WARC files older versions appended to, in file order."""
    if not root.is_dir():
        return
    since_day = since.astimezone(UTC).strftime("%Y-%m-%d") if since else ""
    for day in sorted(p for p in root.iterdir() if p.is_dir() and p.name >= since_day):
        for path in sorted(day.glob("*.warc.gz")):
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type != "response":
                        continue
                    meta = record.rec_headers
                    if kind and meta.get_header(KIND_HEADER) != kind:
                        continue
                    if source and meta.get_header(SOURCE_HEADER) != source:
                        continue
                    page = page_from_record(record)
                    if since and page.fetched_at < since:
                        continue
                    yield page


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
