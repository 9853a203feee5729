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
