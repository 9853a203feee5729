"""Seen-set: which discovered URLs are new, or changed since they were last queued (Redis hash).

Each entry also says when a feed or sitemap last listed the URL (a sorted set by that time), refreshed at most
once a day, so newsdesk/ops/retention.py can forget URLs that no listing has shown for a long time.
"""

from __future__ import annotations

import time
from datetime import datetime

SEEN_KEY = "newsdesk:seen"
SEEN_AT_KEY = "newsdesk:seen:at"  # url -> when a poll last listed it
CLAIM_PREFIX = "newsdesk:seen-claim:"
CLAIM_SECONDS = 60  # long enough for one publish; a crashed poller's claim expires and the next poll takes the URL
REFRESH_SECONDS = 24 * 3600  # a URL listed on every poll costs one extra write a day, not one a poll


class SeenSet:
    def __init__(self, redis_client):
        self.redis = redis_client

    def claim_if_new(self, url: str, updated: datetime | None) -> bool:
        """True when url was never seen (or its feed/lastmod stamp changed) and no concurrent poll holds it;
        this poll then holds a short claim until mark() or release(). Nothing is marked seen here."""
        stamp = _stamp(updated)
        previous = self.redis.hget(SEEN_KEY, url)
        if previous is not None:
            previous_stamp, _, listed_at = previous.decode().rpartition("|")
            if not _:  # written before entries carried their time
                previous_stamp, listed_at = listed_at, "0"
            if previous_stamp == stamp:
                if time.time() - float(listed_at or 0) > REFRESH_SECONDS:
                    self._write(url, stamp)
                return False
        return bool(self.redis.set(f"{CLAIM_PREFIX}{url}", stamp, nx=True, ex=CLAIM_SECONDS))

    def mark(self, url: str, updated: datetime | None) -> None:
        """Seen: call only once the URL's fetch task is safely queued."""
        self._write(url, _stamp(updated), release_claim=True)

    def _write(self, url: str, stamp: str, release_claim: bool = False) -> None:
        now = time.time()
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(SEEN_KEY, url, f"{stamp}|{now:.0f}")
            pipe.zadd(SEEN_AT_KEY, {url: now})
            if release_claim:
                pipe.delete(f"{CLAIM_PREFIX}{url}")
            pipe.execute()

    def release(self, url: str) -> None:
        """Give up a claim without marking: the next poll takes the URL again."""
        self.redis.delete(f"{CLAIM_PREFIX}{url}")


def _stamp(updated: datetime | None) -> str:
    return updated.isoformat() if updated else "-"


VALIDATORS_KEY = "newsdesk:validators"


class ValidatorStore:
    """ETag / Last-Modified per URL (Redis hash), turned into If-None-Match / If-Modified-Since."""

    def __init__(self, redis_client):
        self.redis = redis_client

    def conditional_headers(self, url: str) -> dict[str, str]:
        raw = self.redis.hget(VALIDATORS_KEY, url)
        if not raw:
            return {}
        etag, _, modified = raw.decode().partition("\n")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def remember(self, url: str, headers: dict[str, str], pipe=None) -> None:
        """Store the response's validators (queued on `pipe` when given, else written at once)."""
        target = self.redis if pipe is None else pipe
        etag, modified = headers.get("etag", ""), headers.get("last-modified", "")
        if etag or modified:
            target.hset(VALIDATORS_KEY, url, f"{etag}\n{modified}")
        else:
            target.hdel(VALIDATORS_KEY, url)
