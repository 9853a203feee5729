"""Crawling through real processes: fetcher workers, RedBeat beat, the `newsdesk` command, Redis and Elasticsearch."""

from __future__ import annotations

import itertools
import json
import time
from contextlib import ExitStack

import pytest
import redis
from elasticsearch import Elasticsearch

from newsdesk.ops.monitoring import Monitor
from tests import sitekit
from tests.newsdesk.crawl.crawlsite import Flaky, add, article, rss, urlset
from tests.processes import REPO, celery_worker, newsdesk, stop
from tests.sitekit import Response

pytestmark = [pytest.mark.timeout(240), pytest.mark.redis, pytest.mark.elasticsearch]


@pytest.fixture
def env(base_env, redis_url, clean_redis, es_url, es_prefix) -> dict[str, str]:
    return {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        "NEWSDESK_RETRY_BACKOFF_BASE": "0.2",
        "NEWSDESK_PER_HOST_RATE": "50",
    }


def run(*args: str, env: dict[str, str]) -> str:
    result = newsdesk(*args, env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def indexed(es_url: str, prefix: str) -> dict[str, dict]:
    es = Elasticsearch(es_url)
    es.indices.refresh(index=f"{prefix}-articles")
    hits = es.search(index=f"{prefix}-articles", size=100)["hits"]["hits"]
    return {hit["_source"]["url"]: hit["_source"] for hit in hits}


def test_two_fetcher_processes_share_the_host_rate_limit_and_recrawls_index_once(env, es_url, es_prefix, tmp_path):
    paths = [f"/news/{n}" for n in range(12)]
    with sitekit.TestSite() as site, ExitStack() as workers:
        add(site, "/feed.xml", rss(site.base, paths), "application/rss+xml")
        for n, path in enumerate(paths):
            add(site, path, article(f"Story number {n}"))
        logs = [tmp_path / "fetch-a.log", tmp_path / "fetch-b.log"]
        workers.enter_context(celery_worker(env, logs[0], queues="fetch", concurrency=2, name="fetch-a"))
        workers.enter_context(celery_worker(env, logs[1], queues="fetch", concurrency=2, name="fetch-b"))
        workers.enter_context(celery_worker(env, tmp_path / "rest.log", queues="parse,index", name="rest"))
        run("sources", "add", "ledger", "--feed", f"{site.base}/feed.xml", "--rate", "4", env=env)

        first = run("sources", "run-now", "ledger", "--wait", "--timeout", "120", env=env)
        assert "12 new: fetched 12 / parsed 12 / indexed 12 / failed 0" in first
        health = {s.name: s for s in Monitor(redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])).sources()}
        assert health["ledger"].last_poll_ok is not None  # /ops shows when it was polled, not "never"
        times = sorted(t for t, _, _ in site.requests)
        article_hits = sum(site.hits(p) for p in paths)

        second = run("sources", "run-now", "ledger", "--wait", "--timeout", "60", env=env)
        assert "0 new" in second
        assert sum(site.hits(p) for p in paths) == article_hits == 12
    assert sorted(indexed(es_url, es_prefix)) == sorted(f"{site.base}{p}" for p in paths)
    # Both fetcher processes did work, and together they kept the host at 4 requests per second.
    assert all("newsdesk.fetch_article" in log.read_text() for log in logs)
    spacing = [b - a for a, b in itertools.pairwise(times)]
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    print(f"requests={len(times)} min_gap={min(spacing):.3f}s busiest_1s_window={busiest} (limit 4/s)")
    assert min(spacing) >= 0.25 * 0.8, spacing
    assert busiest <= 4 + 1


def test_retries_refusals_and_robots_are_recorded_per_url(env, tmp_path):
    with sitekit.TestSite() as site, celery_worker(env, tmp_path / "worker.log"):
        add(site, "/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
        site.routes["/busy"] = Flaky(1, 429, Response(article("Busy then fine")), {"Retry-After": "2"})
        site.routes["/flaky"] = Flaky(2, 500, Response(article("Flaky then fine")))
        site.routes["/jump"] = Response(b"", 302, {"Location": "http://10.20.30.40/internal"})
        add(site, "/private/memo", article("secret"))
        links = "".join(f'<a href="{p}">{p}</a>' for p in ("/busy", "/flaky", "/gone", "/jump", "/private/memo"))
        add(site, "/front", f"<html><body>{links}</body></html>".encode())
        run(
            "sources",
            "add",
            "wire",
            "--section",
            f"{site.base}/front",
            "--pattern",
            r"/(busy|flaky|gone|jump|private)",
            env=env,
        )
        out = run("sources", "run-now", "wire", "--wait", "--timeout", "120", env=env)
        assert "5 new: fetched 2 / parsed 2 / indexed 2 / failed 3" in out
        busy = [t for t, p, _ in site.requests if p == "/busy"]
        counts = {p: site.hits(p) for p in ("/busy", "/flaky", "/gone", "/jump", "/private/memo")}

    assert busy[1] - busy[0] >= 2.0  # Retry-After honoured
    assert counts == {"/busy": 2, "/flaky": 3, "/gone": 1, "/jump": 1, "/private/memo": 0}  # no retry for a 404
    log = {
        e["url"].removeprefix(site.base): e
        for e in map(json.loads, run("urls", "--source", "wire", "--json", env=env).splitlines())
    }
    # the last outcome is the last stage reached; the fetch's retries and HTTP status stay with it
    assert log["/busy"]["status"] == "indexed" and log["/busy"]["retries"] == 1 and log["/busy"]["http_status"] == 200
    assert log["/flaky"]["status"] == "indexed" and log["/flaky"]["retries"] == 2
    assert log["/gone"]["status"] == "failed" and "HTTP 404" in log["/gone"]["reason"]
    assert log["/jump"]["status"] == "refused" and "private_address" in log["/jump"]["reason"]
    assert log["/private/memo"]["status"] == "skipped_robots"
    failed = run("urls", "--source", "wire", "--status", "failed", env=env)
    assert "/gone" in failed and "/busy" not in failed


def test_a_changed_lastmod_updates_the_article_instead_of_duplicating_it(env, es_url, es_prefix, tmp_path):
    with sitekit.TestSite() as site, celery_worker(env, tmp_path / "worker.log"):
        add(site, "/sitemap.xml", urlset(site.base, [("/a", "2024-01-01"), ("/b", "2024-01-01")]), "application/xml")
        add(site, "/a", article("Original headline"))
        add(site, "/b", article("Other story"))
        run("sources", "add", "map", "--sitemap", f"{site.base}/sitemap.xml", env=env)
        assert "2 new" in run("sources", "run-now", "map", "--wait", env=env)

        add(site, "/sitemap.xml", urlset(site.base, [("/a", "2024-01-02"), ("/b", "2024-01-01")]), "application/xml")
        add(site, "/a", article("Corrected headline"))
        assert "1 new: fetched 1 / parsed 1 / indexed 1" in run("sources", "run-now", "map", "--wait", env=env)
        assert site.hits("/a") == 2 and site.hits("/b") == 1
    docs = indexed(es_url, es_prefix)
    assert len(docs) == 2 and docs[f"{site.base}/a"]["title"] == "Corrected headline"


def test_sources_are_edited_while_beat_runs(env, tmp_path):
    import subprocess
    import sys

    with sitekit.TestSite() as site:
        add(site, "/feed.xml", rss(site.base, []), "application/rss+xml")
        add(site, "/seed.xml", rss(site.base, []), "application/rss+xml")
        seed = tmp_path / "sources.yaml"
        seed.write_text(f"sources:\n  - {{name: seeded, feed: '{site.base}/seed.xml', cron: '0 0 1 1 *'}}\n")
        beat_env = {**env, "NEWSDESK_SOURCES_FILE": str(seed)}
        with open(tmp_path / "beat.log", "wb") as out:
            beat = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "workers",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "-s",
                    str(tmp_path / "beat-state"),
                ],
                cwd=REPO,
                env={**__import__("os").environ, **beat_env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            with celery_worker(env, tmp_path / "worker.log", queues="fetch"):
                deadline = time.monotonic() + 30
                while "seeded" not in run("sources", "list", env=env) and time.monotonic() < deadline:
                    time.sleep(0.5)
                assert "seeded\tactive\tcron 0 0 1 1 *" in run("sources", "list", env=env)

                run("sources", "add", "live", "--feed", f"{site.base}/feed.xml", "--every", "10", env=env)
                wait_for(lambda: site.hits("/feed.xml") >= 1, 20, "first scheduled poll")
                run("sources", "pause", "live", env=env)
                paused_at = site.hits("/feed.xml")
                time.sleep(12)
                assert site.hits("/feed.xml") == paused_at  # no polls while paused
                run("sources", "resume", "live", env=env)
                wait_for(lambda: site.hits("/feed.xml") > paused_at, 20, "poll after resume")
                run("sources", "remove", "live", env=env)
                assert "live" not in run("sources", "list", env=env)
                shown = json.loads(run("sources", "show", "seeded", env=env))
                assert shown["cron"] == "0 0 1 1 *" and shown["urls"]["fetched"] >= 0
        finally:
            stop(beat)
    assert beat.returncode is not None


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
