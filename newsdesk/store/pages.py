"""Page store: each fetched response kept once, as a zstd WARC record, addressed by a key.

Queues carry the key, never the HTML. The same object is the parser's input and the raw archive that
`newsdesk reparse` reads, so a page is compressed once (issue 9). Keys are `YYYY-MM-DD/<kind>/<sha1>`
(the fetch day in UTC, what the response was for, a hash of URL and fetch time), so the archive of a day
or of one kind is a listing of a name prefix. The objects live in any ObjectStore: a local directory, or an
S3 bucket shared by workers on different machines. Pages stored by older versions (40-hex keys,
`<key[:2]>/<key>.gz`) are still read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from newsdesk.errors import PageNotFound
from newsdesk.models import FetchedPage
from newsdesk.store.codec import decode_page, encode_page
from newsdesk.store.objects import ObjectStore

SUFFIX = ".warc.zst"
KINDS = ("article", "feed", "sitemap", "section", "robots")
_KEY_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})/([a-z]+)/([0-9a-f]{40})$")
_LEGACY_KEY_PATTERN = re.compile(r"^[0-9a-f]{40}$")
_DAY_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PageStore:
    def __init__(self, objects: ObjectStore):
        self.objects = objects

    @staticmethod
    def key_for(page: FetchedPage, kind: str = "article") -> str:
        """One key per fetch of a URL: the same URL fetched again gets a new key."""
        if kind not in KINDS:
            raise ValueError(f"unknown page kind {kind!r}")
        stamp = page.fetched_at.isoformat()
        digest = hashlib.sha1(f"{page.url}\n{stamp}".encode()).hexdigest()
        return f"{page.fetched_at.astimezone(UTC):%Y-%m-%d}/{kind}/{digest}"

    @staticmethod
    def _name(key: str) -> str:
        if _KEY_PATTERN.match(key):
            return key + SUFFIX
        if _LEGACY_KEY_PATTERN.match(key):
            return f"{key[:2]}/{key}.gz"
        raise PageNotFound(f"invalid page key {key!r}")

    def put(self, page: FetchedPage, kind: str = "article") -> str:
        key = self.key_for(page, kind)
        self.objects.put(self._name(key), encode_page(page, kind))
        return key

    def get(self, key: str) -> FetchedPage:
        page, _kind = decode_page(self.objects.get(self._name(key)))
        return page

    def keys(self, kind: str | None = "article", since: datetime | None = None) -> Iterator[str]:
        """Keys of the stored pages of one kind (None: every kind), fetched on or after `since`'s day, oldest day first."""
        since_day = since.astimezone(UTC).strftime("%Y-%m-%d") if since else ""
        days = sorted(folder for folder in self.objects.folders() if _DAY_PATTERN.match(folder))
        for day in days:
            if day < since_day:
                continue
            for name in self.objects.names(f"{day}/{kind}/" if kind else f"{day}/"):
                if name.endswith(SUFFIX) and _KEY_PATTERN.match(key := name[: -len(SUFFIX)]):
                    yield key

    def pages(
        self, source: str | None = None, since: datetime | None = None, kind: str | None = "article"
    ) -> Iterator[FetchedPage]:
        """Stored responses, filtered by source, fetch time and kind: the archive a reparse reads."""
        for key in self.keys(kind, since):
            page = self.get(key)
            if source and page.source != source:
                continue
            if since and page.fetched_at < since:
                continue
            yield page
