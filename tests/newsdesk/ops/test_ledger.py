"""The in-flight ledger and its reconciler (newsdesk/ops/ledger.py) on real Redis, Celery workers and Elasticsearch.

Messages are deleted from the broker by hand, as kombu's BRPOP -> unacked window or a Redis kill -9 loses them;
the reconciler must bring each back, once, and must leave work that merely waits in a queue alone.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter

import httpx
import pytest
import redis
from elasticsearch import Elasticsearch

from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.ops.ledger import DEADLINES_KEY, UNACKED_KEY, Ledger, Reconciler, Work, article_key, read_broker
from newsdesk.ops.runs import RedisRun
from tests.processes import api_server, child_pids, newsdesk, start_celery_worker, stop
from tests.sitekit import Response, generated_news_site

pytestmark = [pytest.mark.timeout(300), pytest.mark.redis]

QUEUES = ("fetch", "parse", "index")


@pytest.fixture
def env(base_env, redis_url, clean_redis, es_url, es_prefix) -> dict[str, str]:
    return {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        "NEWSDESK_PER_HOST_RATE": "200",
        "NEWSDESK_PER_HOST_CONCURRENCY": "8",
        "NEWSDESK_RECONCILE_INTERVAL": "1",
        "NEWSDESK_RECONCILE_STUCK_AFTER": "4",
    }


def crawl_without_waiting(env: dict[str, str], feed: str) -> str:
    result = newsdesk("crawl", feed, "--no-wait", env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def queued_messages(client: redis.Redis, queue: str = "fetch") -> list[tuple[bytes | str, str]]:
    """(raw message, url) of every message in a queue list."""
    import base64

    found = []
    for raw in client.lrange(queue, 0, -1):
        _args, kwargs, _embed = json.loads(base64.b64decode(json.loads(raw)["body"]))
        found.append((raw, kwargs["url"]))
    return found


def indexed_counts(es_url: str, prefix: str) -> Counter[str]:
    es = Elasticsearch(es_url)
    es.indices.refresh(index=f"{prefix}-*")
    hits = es.search(index=f"{prefix}-*", size=1000, source_includes=["url"])["hits"]["hits"]
    return Counter(hit["_source"]["url"] for hit in hits)


def wait_until_indexed(es_url: str, prefix: str, urls: list[str], within: float) -> Counter[str]:
    deadline, counts = time.monotonic() + within, Counter[str]()
    while time.monotonic() < deadline:
        try:
            counts = indexed_counts(es_url, prefix)
        except Exception:  # the index is created by the first indexed article
            counts = Counter()
        if set(urls) <= set(counts):
            return counts
        time.sleep(0.5)
    return counts


def ledger_of(client: redis.Redis) -> Ledger:
    return Ledger(client, stuck_after=4)


def test_transitions_keep_one_entry_per_article_and_the_reconciler_writes_only_what_it_read(redis_url, clean_redis):
    ledger = ledger_of(clean_redis)
    url = "http://example.org/a"
    with clean_redis.pipeline() as pipe:
        ledger.record(pipe, Work(url=url, stage="fetch", task="t.fetch", kwargs={"url": url}, queue="fetch"))
        pipe.execute()
    with clean_redis.pipeline() as pipe:
        ledger.record(pipe, Work(url=url, stage="parse", task="t.parse", kwargs={"url": url}, queue="parse"))
        pipe.execute()
    assert ledger.stats().in_flight == 1 and ledger.get(url).stage == "parse"
    before = clean_redis.zscore(DEADLINES_KEY, article_key(url))
    with clean_redis.pipeline() as pipe:
        ledger.retry_scheduled(pipe, url, countdown=100)
        ledger.retry_scheduled(pipe, "http://example.org/unknown", countdown=100)  # not in flight: not added
        pipe.execute()
    assert clean_redis.zscore(DEADLINES_KEY, article_key(url)) >= before + 95
    assert ledger.stats().in_flight == 1
    # The stage moved on between the reconciler's read and its write: the write loses.
    (key, raw, _work), *_ = ledger.stuck(time.time() + 1000)
    with clean_redis.pipeline() as pipe:
        ledger.record(pipe, Work(url=url, stage="index", task="t.parse", kwargs={"url": url}, queue="parse"))
        pipe.execute()
    assert not ledger.replace(key, raw, None)
    assert ledger.get(url).stage == "index"
    with clean_redis.pipeline() as pipe:
        ledger.finished(pipe, url)
        pipe.execute()
    assert ledger.stats().in_flight == 0 and ledger.get(url) is None


def test_work_lost_every_time_becomes_a_dead_letter_counted_as_failed(redis_url, clean_redis):
    ledger = ledger_of(clean_redis)
    run = RedisRun(clean_redis)
    run.start(1)
    url = "http://example.org/lost"
    with clean_redis.pipeline() as pipe:
        ledger.record(
            pipe, Work(url=url, stage="fetch", task="t.fetch", kwargs={"url": url, "run_id": run.run_id}, queue="fetch")
        )
        pipe.execute()
    sent: list[Work] = []
    reconciler = Reconciler(ledger, sent.append, QUEUES, max_resends=2)  # what it sends never arrives
    now = time.time()
    reports = [reconciler.run_once(now + 10 * n) for n in range(1, 5)]
    assert [len(r.resent) for r in reports] == [1, 1, 0, 0] and [len(r.lost) for r in reports] == [0, 0, 1, 0]
    assert [w.resent for w in sent] == [1, 2]
    letters = DeadLetterStore(clean_redis).list()
    assert [(letter.task, letter.error) for letter in letters] == [("t.fetch", "lost in transit 2 times")]
    assert run.read().failed == 1 and run.read().done
    assert ledger.stats().in_flight == 0 and ledger.stats().resent_total == 2 and ledger.stats().lost_total == 1


def test_ops_and_metrics_show_what_is_in_flight_and_what_was_resent(redis_url, clean_redis):
    from prometheus_client import generate_latest

    from newsdesk.ops.monitoring import Monitor
    from services.dashboard.metrics import registry_for
    from services.dashboard.overview import build_overview

    ledger = ledger_of(clean_redis)
    now = time.time()
    with clean_redis.pipeline() as pipe:
        for n in range(3):
            url = f"http://example.org/{n}"
            ledger.record(
                pipe, Work(url=url, stage="fetch", task="t", kwargs={"url": url}, queue="fetch", at=now - 60 * n)
            )
        pipe.execute()
    Reconciler(ledger, lambda work: None, QUEUES).run_once(now + 1)  # the two older ones are re-sent
    overview = build_overview(Monitor(clean_redis), admin_enabled=False)
    assert overview.in_flight.in_flight == 3 and overview.in_flight.resent_total == 2
    assert overview.in_flight.oldest_age_seconds is not None and overview.in_flight.oldest_age_seconds < 10
    text = generate_latest(registry_for(lambda: Monitor(clean_redis))).decode()
    assert "newsdesk_in_flight_articles 3.0" in text and "newsdesk_resent_total 2.0" in text, text


def test_a_message_deleted_from_the_fetch_queue_is_resent_and_indexed_once(env, es_url, es_prefix, tmp_path):
    client = redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])
    site, urls, _ = generated_news_site(6)
    with site:
        crawl_without_waiting(env, f"{site.base}/feed.xml")
        messages = queued_messages(client)
        assert sorted(url for _, url in messages) == sorted(urls)
        raw, lost_url = messages[2]
        assert client.lrem("fetch", 1, raw) == 1  # taken off the list and never written to unacked
        time.sleep(5)  # every entry is past its deadline before a worker starts: waiting ones must not be re-sent
        worker = start_celery_worker(env, tmp_path / "worker.log")
        try:
            counts = wait_until_indexed(es_url, es_prefix, urls, within=90)
        finally:
            stop(worker)
        hits = site.hits(lost_url.removeprefix(site.base))
    stats = ledger_of(client).stats()
    print(f"lost from the queue: {lost_url}; indexed {len(counts)}/{len(urls)}; re-sent {stats.resent_total}")
    assert set(counts) == set(urls) and max(counts.values()) == 1, counts
    assert stats.resent_total == 1 and hits == 1  # only the lost one was sent again
    assert stats.in_flight == 0
    # What happened to the URL, from the command line and from /ops (no admin key needed to read).
    story = newsdesk("urls", lost_url, env=env, timeout=60)
    assert story.returncode == 0, story.stderr
    lines = story.stdout.splitlines()
    assert [line.split()[3] for line in lines[:-1]] == ["accepted", "re-sent", "fetched", "parsed", "indexed"], lines
    assert "lost in transit at fetch, re-send 1" in lines[1] and "HTTP 200" in lines[2] and lines[-1] == "not in flight"
    with api_server(env, tmp_path / "api.log") as api:
        answer = httpx.get(f"{api}/ops/api/urls", params={"url": urls[0]}, timeout=30)
        unknown = httpx.get(f"{api}/ops/api/urls", params={"url": "http://example.org/never"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert [e["event"] for e in answer.json()["events"]] == ["accepted", "fetched", "parsed", "indexed"]
    assert answer.json()["in_flight_at"] is None
    assert unknown.status_code == 200 and unknown.json()["events"] == []


def test_messages_deleted_from_unacked_with_their_worker_killed_are_resent(env, es_url, es_prefix, tmp_path):
    client = redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])
    site, urls, _ = generated_news_site(6)
    slow_path = urls[0].removeprefix(site.base)
    serve, slow_started = site.fallback, []

    def slow(handler) -> Response | None:
        if handler.path == slow_path and not slow_started:
            slow_started.append(time.monotonic())
            time.sleep(6)
        return serve(handler)

    site.fallback = slow
    with site:
        worker = start_celery_worker(env, tmp_path / "worker.log", concurrency=1)
        try:
            crawl_without_waiting(env, f"{site.base}/feed.xml")
            deadline = time.monotonic() + 60
            while not slow_started and time.monotonic() < deadline:
                time.sleep(0.1)
            assert slow_started, "the slow article was never fetched"
            for pid in [worker.pid, *child_pids(worker.pid)]:  # a pod eviction: nothing acknowledged
                os.kill(pid, signal.SIGKILL)
            worker.wait(10)
            lost = client.hkeys(UNACKED_KEY)
            assert lost, "the killed worker held no unacknowledged message"
            client.hdel(UNACKED_KEY, *lost)  # and Redis lost them (kill -9 before its append-only write)
            client.zrem(f"{UNACKED_KEY}_index", *lost)
            worker = start_celery_worker(env, tmp_path / "worker.log", name="second")
            counts = wait_until_indexed(es_url, es_prefix, urls, within=120)
        finally:
            stop(worker)
    stats = ledger_of(client).stats()
    print(f"{len(lost)} messages lost from unacked; indexed {len(counts)}/{len(urls)}; re-sent {stats.resent_total}")
    assert set(counts) == set(urls) and max(counts.values()) == 1, counts
    assert 1 <= stats.resent_total <= len(lost)
    assert stats.in_flight == 0


def test_a_backlog_waiting_past_its_deadline_is_not_duplicated(env, es_url, es_prefix, tmp_path):
    client = redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])
    site, urls, _ = generated_news_site(300)
    with site:
        crawl_without_waiting(env, f"{site.base}/feed.xml")
        time.sleep(5)  # all 300 past their deadline, and no worker running
        scanned = newsdesk("reconcile", env=env, timeout=60)
        time.sleep(5)  # the pass pushed their deadlines: past them again
        bounded = newsdesk("reconcile", env={**env, "NEWSDESK_RECONCILE_SCAN_LIMIT": "100"}, timeout=60)
        assert client.llen("fetch") == 300
        assert "300 past their deadline: 0 re-sent, 300 still queued or running" in scanned.stdout, scanned
        assert "0 re-sent, 300 still queued or running" in bounded.stdout, bounded  # too long to read: waits
        assert read_broker(client, QUEUES, scan_limit=1000).alive == {article_key(url) for url in urls}
        started = time.monotonic()
        worker = start_celery_worker(env, tmp_path / "worker.log", concurrency=2)
        try:
            counts = wait_until_indexed(es_url, es_prefix, urls, within=240)
        finally:
            stop(worker)
        fetches = sum(1 for _, path, _ in site.requests if path.startswith("/local/"))
    stats = ledger_of(client).stats()
    print(
        f"backlog of 300: indexed {len(counts)} in {time.monotonic() - started:.0f} s, "
        f"fetches {fetches}, re-sent {stats.resent_total}"
    )
    assert set(counts) == set(urls) and max(counts.values()) == 1
    assert stats.resent_total == 0 and fetches == 300
    assert stats.in_flight == 0


def test_lineage_shows_retries_with_their_reason_and_the_dead_letter(env, tmp_path):
    from tests.newsdesk.crawl.crawlsite import Flaky, add, article, rss
    from tests.sitekit import TestSite

    fast = {**env, "NEWSDESK_RETRY_BACKOFF_BASE": "0.2", "NEWSDESK_MAX_RETRIES": "2"}
    with TestSite() as site:
        site.routes["/flaky"] = Flaky(1, 503, Response(article("Flaky then fine")))
        site.routes["/down"] = Flaky(10, 503, Response(article("never")))
        add(site, "/feed.xml", rss(site.base, ["/flaky", "/down"]), "application/rss+xml")
        worker = start_celery_worker(fast, tmp_path / "worker.log")
        try:
            result = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "90", env=fast, timeout=120)
        finally:
            stop(worker)
    assert "indexed 1 / failed 1" in result.stdout, result.stdout + result.stderr
    flaky = json_events(fast, f"{site.base}/flaky")
    assert [e["event"] for e in flaky] == ["accepted", "retrying", "fetched", "parsed", "indexed"], "\n".join(
        map(str, flaky)
    )
    assert "503" in flaky[1]["detail"] and flaky[1]["stage"] == "fetch"
    down = json_events(fast, f"{site.base}/down")
    assert [e["event"] for e in down] == ["accepted", "retrying", "retrying", "dead letter"], down
    assert "gave up after 2 retries" in down[-1]["detail"]
    assert ledger_of(redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])).stats().in_flight == 0


def json_events(env: dict[str, str], url: str) -> list[dict]:
    result = newsdesk("urls", url, "--json", env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_task_running_past_its_deadline_is_found_in_unacked_and_left_alone(env, es_url, es_prefix, tmp_path):
    client = redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])
    site, urls, _ = generated_news_site(2)
    slow_path = urls[0].removeprefix(site.base)
    serve = site.fallback

    def slow(handler) -> Response | None:
        if handler.path == slow_path:
            time.sleep(9)  # running (in unacked) for twice its 4 s stuck-after
        return serve(handler)

    site.fallback = slow
    with site:
        worker = start_celery_worker(env, tmp_path / "worker.log")
        try:
            crawl_without_waiting(env, f"{site.base}/feed.xml")
            counts = wait_until_indexed(es_url, es_prefix, urls, within=90)
        finally:
            stop(worker)
        hits = site.hits(slow_path)
    log = (tmp_path / "worker.log").read_text()
    assert set(counts) == set(urls)
    assert hits == 1 and ledger_of(client).stats().resent_total == 0, log[-3000:]
    assert ledger_of(client).stats().in_flight == 0
