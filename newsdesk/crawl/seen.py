"""Seen-set: which discovered URLs are new, or changed since they were last queued (Redis hash)."""

from __future__ import annotations

from datetime import datetime

SEEN_KEY = "newsdesk:seen"


class SeenSet:
    def __init__(self, redis_client):
        self.redis = redis_client

    def mark_if_new(self, url: str, updated: datetime | None) -> bool:
        """True when url was never seen, or its feed/lastmod stamp changed; records the stamp."""
        stamp = updated.isoformat() if updated else "-"
        previous = self.redis.hget(SEEN_KEY, url)
        if previous is not None and previous.decode() == stamp:
            return False
        self.redis.hset(SEEN_KEY, url, stamp)
        return True

    def forget(self, url: str) -> None:
        self.redis.hdel(SEEN_KEY, url)


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

    def remember(self, url: str, headers: dict[str, str]) -> None:
        etag, modified = headers.get("etag", ""), headers.get("last-modified", "")
        if etag or modified:
            self.redis.hset(VALIDATORS_KEY, url, f"{etag}\n{modified}")
        else:
            self.redis.hdel(VALIDATORS_KEY, url)
