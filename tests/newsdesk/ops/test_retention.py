"""Expired crawl state leaves Redis; what is recent, or still listed by a feed, stays (real Redis)."""

from __future__ import annotations

import time

import pytest

from newsdesk.crawl.seen import SEEN_AT_KEY, SEEN_KEY, VALIDATORS_KEY, SeenSet, ValidatorStore
from newsdesk.ops.crawllog import LOG_KEY, CrawlEntry, CrawlLog
from newsdesk.ops.retention import DAY_SECONDS, prune, prune_if_due

pytestmark = pytest.mark.redis


def test_crawl_log_entries_past_retention_are_removed_from_every_index(clean_redis):
    log = CrawlLog(clean_redis)
    now = time.time()
    log.record(CrawlEntry(url="https://a.test/old", status="indexed", source="a", at=now - 20 * DAY_SECONDS))
    log.record(CrawlEntry(url="https://a.test/new", status="indexed", source="a", at=now - 1 * DAY_SECONDS))

    report = prune(clean_redis, crawl_log_days=14, seen_days=90, now=now)

    assert report.crawl_log == 1
    assert log.get("https://a.test/old") is None and log.get("https://a.test/new") is not None
    assert [e.url for e in log.query(source="a", status="indexed")] == ["https://a.test/new"]
    assert log.counts("a")["indexed"] == 1 and clean_redis.zcard(f"{LOG_KEY}:all") == 1


def test_a_url_no_listing_shows_any_more_is_forgotten_with_its_validators(clean_redis):
    seen, validators = SeenSet(clean_redis), ValidatorStore(clean_redis)
    for url in ("https://a.test/gone", "https://a.test/listed"):
        seen.mark(url, None)
        validators.remember(url, {"etag": '"v1"'})
    clean_redis.zadd(SEEN_AT_KEY, {"https://a.test/gone": time.time() - 100 * DAY_SECONDS})

    report = prune(clean_redis, crawl_log_days=14, seen_days=90)

    assert report.seen == 1
    assert clean_redis.hget(SEEN_KEY, "https://a.test/gone") is None
    assert clean_redis.hget(VALIDATORS_KEY, "https://a.test/gone") is None
    assert not seen.claim_if_new("https://a.test/listed", None)  # still known: not queued again
    assert seen.claim_if_new("https://a.test/gone", None)  # forgotten: a later listing queues it again


def test_a_url_listed_again_is_refreshed_and_kept(clean_redis):
    seen = SeenSet(clean_redis)
    seen.mark("https://a.test/evergreen", None)
    long_ago = time.time() - 80 * DAY_SECONDS
    clean_redis.hset(SEEN_KEY, "https://a.test/evergreen", f"-|{long_ago:.0f}")
    clean_redis.zadd(SEEN_AT_KEY, {"https://a.test/evergreen": long_ago})

    assert not seen.claim_if_new("https://a.test/evergreen", None)  # a poll lists it again: refreshed
    assert prune(clean_redis, crawl_log_days=14, seen_days=30).seen == 0
    assert clean_redis.zscore(SEEN_AT_KEY, "https://a.test/evergreen") > time.time() - 60


def test_an_entry_from_before_entries_carried_their_time_still_counts_as_seen(clean_redis):
    clean_redis.hset(SEEN_KEY, "https://a.test/legacy", "-")
    assert not SeenSet(clean_redis).claim_if_new("https://a.test/legacy", None)
    assert clean_redis.zscore(SEEN_AT_KEY, "https://a.test/legacy") is not None  # now it can expire


def test_one_pruning_pass_per_interval_across_workers_and_it_drains_more_than_a_batch(clean_redis):
    log = CrawlLog(clean_redis)
    old = time.time() - 30 * DAY_SECONDS
    for i in range(1205):
        log.record(CrawlEntry(url=f"https://a.test/{i}", status="failed", at=old))

    first = prune_if_due(clean_redis, crawl_log_days=14, seen_days=90, every_seconds=60)
    second = prune_if_due(clean_redis, crawl_log_days=14, seen_days=90, every_seconds=60)

    assert first is not None and first.crawl_log == 1205
    assert second is None
    assert clean_redis.hlen(LOG_KEY) == 0
