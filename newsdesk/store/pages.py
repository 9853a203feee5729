"""Raw-page store: each fetched response kept compressed with its headers, addressed by a key.

Queues carry the key, never the HTML. The store is a directory tree under the data dir, so
every worker that shares the data dir (a volume in docker-compose) can read what another wrote.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from newsdesk.errors import PageNotFound
from newsdesk.models import FetchedPage

_KEY_PATTERN = re.compile(r"^[0-9a-f]{40}$")


class PageStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @staticmethod
    def key_for(page: FetchedPage) -> str:
        """One key per fetch of a URL: the same URL fetched again gets a new key."""
        stamp = page.fetched_at.isoformat()
        return hashlib.sha1(f"{page.url}\n{stamp}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        if not _KEY_PATTERN.match(key):
            raise PageNotFound(f"invalid page key {key!r}")
        return self.root / key[:2] / f"{key}.gz"

    def put(self, page: FetchedPage) -> str:
        key = self.key_for(page)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = page.model_dump(mode="json", exclude={"body"})
        # Write to a temp file and rename, so a reader never sees half a page.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5) as out:
                out.write(json.dumps(meta).encode() + b"\n")
                out.write(page.body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> FetchedPage:
        path = self._path(key)
        try:
            with gzip.open(path, "rb") as stored:
                header = stored.readline()
                body = stored.read()
        except FileNotFoundError:
            raise PageNotFound(f"no stored page with key {key}") from None
        meta = json.loads(header)
        return FetchedPage(**meta, body=body)
