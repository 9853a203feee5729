"""Forget crawl state nobody needs any more, so Redis holds days of it, not the whole history.

Per URL, Redis keeps its crawl-log entry (~1 KB), its seen-set entry and its HTTP validators. Without a limit
that grows by ~1.4 KB per article for ever (1.3 GB a day at a million articles a day). A pass removes crawl-log
entries older than NEWSDESK_CRAWL_LOG_RETENTION_DAYS, and seen-set entries (with their validators) of URLs no
feed or sitemap has listed for NEWSDESK_SEEN_RETENTION_DAYS; such a URL, listed again later, is fetched again
(its index id is the same, so the article is updated, not duplicated). Passes remove a bounded batch per call.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import cast

import redis

from newsdesk.crawl.seen import SEEN_AT_KEY, SEEN_KEY, VALIDATORS_KEY
from newsdesk.ops.crawllog import LOG_KEY

DAY_SECONDS = 24 * 3600
BATCH = 1000
LOCK_KEY = "newsdesk:retention:lock"


@dataclass
class PruneReport:
    crawl_log: int = 0
    seen: int = 0


def _status_keys(raw: bytes | None) -> list[str]:
    """The crawl log's per-status and per-source sets holding an entry (the layout of newsdesk/ops/crawllog.py)."""
    if not raw:
        return []
    entry = json.loads(raw)
    keys = [f"{LOG_KEY}:status:{entry['status']}"]
    if entry.get("source"):
        keys += [f"{LOG_KEY}:source:{entry['source']}", f"{LOG_KEY}:source:{entry['source']}:status:{entry['status']}"]
    return keys


def prune(
    client: redis.Redis, crawl_log_days: float, seen_days: float, batch: int = BATCH, now: float | None = None
) -> PruneReport:
    """Remove at most `batch` expired entries of each kind; call again while a kind returns a full batch."""
    now = time.time() if now is None else now
    report = PruneReport()
    old_urls = cast(
        list[bytes], client.zrangebyscore(f"{LOG_KEY}:all", "-inf", now - crawl_log_days * DAY_SECONDS, 0, batch)
    )
    if old_urls:
        entries = cast(list[bytes | None], client.hmget(LOG_KEY, old_urls))
        with client.pipeline(transaction=False) as pipe:
            for url, raw in zip(old_urls, entries, strict=True):
                for key in _status_keys(raw):
                    pipe.zrem(key, url)
            pipe.zrem(f"{LOG_KEY}:all", *old_urls)
            pipe.hdel(LOG_KEY, *old_urls)
            pipe.execute()
        report.crawl_log = len(old_urls)
    unlisted = cast(list[bytes], client.zrangebyscore(SEEN_AT_KEY, "-inf", now - seen_days * DAY_SECONDS, 0, batch))
    if unlisted:
        with client.pipeline(transaction=False) as pipe:
            pipe.hdel(SEEN_KEY, *unlisted)
            pipe.hdel(VALIDATORS_KEY, *unlisted)
            pipe.zrem(SEEN_AT_KEY, *unlisted)
            pipe.execute()
        report.seen = len(unlisted)
    return report


def prune_if_due(
    client: redis.Redis, crawl_log_days: float, seen_days: float, every_seconds: int
) -> PruneReport | None:
    """Prune until nothing expired is left, at most once per `every_seconds` across all workers (None: not due)."""
    if not client.set(LOCK_KEY, "1", nx=True, ex=every_seconds):
        return None
    total = PruneReport()
    while True:
        step = prune(client, crawl_log_days, seen_days)
        total.crawl_log += step.crawl_log
        total.seen += step.seen
        if step.crawl_log < BATCH and step.seen < BATCH:
            return total
