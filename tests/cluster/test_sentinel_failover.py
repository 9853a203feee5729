"""Redis Sentinel failover mid-crawl: real master, replica and Sentinel, real Celery worker, `newsdesk crawl`.

The master is SIGKILLed while articles are in flight; the Sentinel promotes the replica and the worker, the
crawl command and the task state follow it (all through newsdesk.connections). Every article must end indexed
exactly once, with no dead letter. Asynchronous replication can lose a queue message the master acknowledged in
the last milliseconds before the kill (1 article of 100 in 1 of 5 runs before the ledger existed; README, "Redis
Sentinel and Elasticsearch clusters"); the reconciler of in-flight work re-sends it from the ledger entry written
before it, so nothing may be missing. Figures (time to promote, replication lag at the kill, time to drain) are
printed and appended to test-artifacts/cluster.txt.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch

from newsdesk.connections import connect_redis
from newsdesk.ops.deadletters import DeadLetterStore
from tests.cluster.conftest import SentinelTrio
from tests.processes import REPO, celery_worker
from tests.sitekit import generated_news_site

pytestmark = [pytest.mark.sentinel, pytest.mark.elasticsearch, pytest.mark.timeout(600)]

ARTICLES = 100
CRAWL_TIMEOUT = 330  # drains in 15-30 s; work lost to replication is re-sent after ~101 s
ARTIFACT = REPO / "test-artifacts" / "cluster.txt"
# Short retries and redelivery, as in the fault suite, so the failover is ridden out in seconds.
FAST_WORKER = {
    "NEWSDESK_MAX_RETRIES": "100",
    "NEWSDESK_RETRY_BACKOFF_BASE": "1",
    "NEWSDESK_RETRY_BACKOFF_CAP": "10",
    "NEWSDESK_VISIBILITY_TIMEOUT": "71",
    "NEWSDESK_TASK_TIME_LIMIT": "30",
    "NEWSDESK_PER_HOST_RATE": "50",
    "NEWSDESK_PER_HOST_CONCURRENCY": "4",
    "NEWSDESK_FETCH_TIMEOUT": "5",
    "NEWSDESK_RECONCILE_INTERVAL": "5",
}


def indexed_urls(es: Elasticsearch, index: str) -> list[str]:
    try:
        es.indices.refresh(index=index)
        hits = es.search(index=index, size=1000, source_includes=["url"], query={"match_all": {}})["hits"]["hits"]
    except Exception:
        return []
    return [hit["_source"]["url"] for hit in hits]


class WriteProbe(threading.Thread):
    """INCRs a counter on the master as fast as it answers until the master dies: the last value the master
    acknowledged, compared with what the promoted replica holds, is how many acknowledged writes a failover lost
    (replication is asynchronous)."""

    KEY = "cluster-test:probe"

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.client = connect_redis(url)
        self.acknowledged = 0

    def run(self) -> None:
        while True:
            try:
                self.acknowledged = int(self.client.incr(self.KEY))
            except redis.RedisError:
                return

    def lost(self, url: str) -> int:
        # Just after +switch-master the Sentinel may still flag the new master: redis-py then finds none yet.
        deadline = time.monotonic() + 15
        while True:
            try:
                return self.acknowledged - int(connect_redis(url).get(self.KEY) or 0)
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def test_master_sigkilled_mid_crawl_fails_over_and_every_article_is_indexed_once(
    sentinel_trio: SentinelTrio, es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    env = {
        "NEWSDESK_REDIS_URL": sentinel_trio.url,
        "NEWSDESK_REDIS_SENTINEL_MASTER": sentinel_trio.master_name,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        **FAST_WORKER,
    }
    es = Elasticsearch(es_url, request_timeout=10)
    read_alias = f"{es_prefix}-articles"
    site, expected, _ = generated_news_site(ARTICLES)
    crawl_out = tmp_path / "crawl.out"
    figures: dict[str, object] = {"articles": ARTICLES}
    with site, celery_worker(env, tmp_path / "worker.log", concurrency=2, name="sentinel"):
        import subprocess

        with open(crawl_out, "w") as out:
            crawl = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "services.cli",
                    "crawl",
                    f"{site.base}/feed.xml",
                    "--timeout",
                    str(CRAWL_TIMEOUT),
                ],
                cwd=REPO,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started = time.monotonic()
        try:
            deadline = time.monotonic() + 120
            while len(set(indexed_urls(es, read_alias))) < 30 and time.monotonic() < deadline:
                time.sleep(0.5)
            figures["indexed_at_kill"] = len(set(indexed_urls(es, read_alias)))
            probe = WriteProbe(sentinel_trio.url)
            probe.start()
            time.sleep(0.5)
            old_master = sentinel_trio.master_port()
            killed = sentinel_trio.kill_master()
            killed_at = time.monotonic()
            while sentinel_trio.master_port() in (old_master, None) and time.monotonic() < killed_at + 60:
                time.sleep(0.1)
            figures["promoted_after_s"] = round(time.monotonic() - killed_at, 1)
            assert sentinel_trio.master_port() not in (old_master, None), "no replica promoted within 60 s"
            probe.join(10)
            figures["probe_writes_acknowledged"] = probe.acknowledged
            figures["probe_writes_lost"] = probe.lost(sentinel_trio.url)
            # The killed node comes back as a replica of the new master (the launcher asks the Sentinel).
            sentinel_trio.services.run("up", "sentinel")
            figures["killed"] = killed
            code = crawl.wait(timeout=CRAWL_TIMEOUT + 30)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait(10)
        figures["drain_s"] = round(time.monotonic() - started, 1)
    output = crawl_out.read_text(errors="replace")
    urls = indexed_urls(es, f"{es_prefix}-*")
    letters = DeadLetterStore(connect_redis(sentinel_trio.url)).list(limit=1000)
    missing = sorted(set(expected) - set(urls))
    figures.update(indexed=len(set(urls) & set(expected)), duplicated=len(urls) - len(set(urls)), lost=len(missing))
    figures["dead_letters"] = len(letters)
    line = "sentinel failover: " + " ".join(f"{key}={value}" for key, value in figures.items())
    print(line)
    ARTIFACT.parent.mkdir(exist_ok=True)
    with open(ARTIFACT, "a") as artifact:
        artifact.write(line + "\n")
    assert not missing, f"{len(missing)} not indexed, e.g. {missing[:3]}\n{line}\n{output}"
    assert len(urls) == len(set(urls)), f"duplicates\n{line}"
    assert not letters, f"{len(letters)} dead letters, e.g. {letters[0].error}\n{line}"
    assert code == 0 and f"indexed {ARTICLES} / failed 0" in output, output[-1500:]
