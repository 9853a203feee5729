"""Crawl log: each URL's last outcome (fetched, parsed, indexed, not modified, skipped by robots, refused, failed...).

Layout: one hash `newsdesk:crawllog` of url -> JSON entry, plus sorted sets by time for each
status, each source, and each (source, status) pair, so `newsdesk urls --source S --status failed`
and the dashboard read a page of entries without scanning.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

from newsdesk.errors import FetchRefused, NewsdeskError, TransientError
from newsdesk.models import Outcome

LOG_KEY = "newsdesk:crawllog"
MAX_REASON = 500


@dataclass
class CrawlEntry:
    url: str
    status: str  # an Outcome value
    source: str | None = None
    reason: str = ""
    retries: int = 0
    http_status: int | None = None
    at: float = field(default_factory=time.time)


def classify(error: BaseException, will_retry: bool) -> tuple[Outcome, str]:
    """The outcome a fetch error leaves in the log, and the reason shown with it."""
    if isinstance(error, FetchRefused):
        return (Outcome.SKIPPED_ROBOTS if error.reason == "robots" else Outcome.REFUSED), f"{error.reason}: {error}"
    if isinstance(error, TransientError) and will_retry:
        return Outcome.RETRYING, str(error)
    if isinstance(error, NewsdeskError):
        return Outcome.FAILED, str(error)
    return Outcome.FAILED, f"{type(error).__name__}: {error}"


def _index_keys(entry: CrawlEntry) -> list[str]:
    keys = [f"{LOG_KEY}:all", f"{LOG_KEY}:status:{entry.status}"]
    if entry.source:
        keys += [f"{LOG_KEY}:source:{entry.source}", f"{LOG_KEY}:source:{entry.source}:status:{entry.status}"]
    return keys


class CrawlLog:
    def __init__(self, redis_client):
        self.redis = redis_client

    def record(self, entry: CrawlEntry) -> None:
        entry.reason = entry.reason[:MAX_REASON]
        previous = self.get(entry.url)
        if previous is not None:  # parse and index outcomes keep what the fetch learnt
            entry.retries = entry.retries or previous.retries
            entry.http_status = entry.http_status or previous.http_status
        with self.redis.pipeline() as pipe:
            if previous is not None:
                for key in _index_keys(previous):
                    pipe.zrem(key, entry.url)
            pipe.hset(LOG_KEY, entry.url, json.dumps(asdict(entry)))
            for key in _index_keys(entry):
                pipe.zadd(key, {entry.url: entry.at})
            pipe.execute()

    def get(self, url: str) -> CrawlEntry | None:
        raw = self.redis.hget(LOG_KEY, url)
        return CrawlEntry(**json.loads(raw)) if raw else None

    def query(self, source: str | None = None, status: str | None = None, limit: int = 100) -> list[CrawlEntry]:
        """Newest first."""
        if source and status:
            key = f"{LOG_KEY}:source:{source}:status:{status}"
        elif source:
            key = f"{LOG_KEY}:source:{source}"
        elif status:
            key = f"{LOG_KEY}:status:{status}"
        else:
            key = f"{LOG_KEY}:all"
        return self._entries(self.redis.zrevrange(key, 0, limit - 1))

    def _entries(self, urls: list) -> list[CrawlEntry]:
        if not urls:
            return []
        return [CrawlEntry(**json.loads(raw)) for raw in self.redis.hmget(LOG_KEY, urls) if raw]

    def counts(self, source: str | None = None) -> dict[str, int]:
        prefix = f"{LOG_KEY}:source:{source}:status:" if source else f"{LOG_KEY}:status:"
        return {o.value: int(self.redis.zcard(prefix + o.value)) for o in Outcome}
