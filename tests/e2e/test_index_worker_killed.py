"""A SIGKILLed index worker holding a partly filled bulk batch loses nothing (real Redis, Elasticsearch, workers).

The index tasks of a batch wait for its bulk write unacknowledged (acks_late), so killing the worker before the
write leaves their messages in the broker's unacked hash: Redis delivers them again after the visibility
timeout, to the next index worker, and each article is indexed exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from elasticsearch import Elasticsearch

from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.ops.ledger import Ledger
from tests.processes import REPO, start_celery_worker, stop
from tests.sitekit import generated_news_site
from workers.queues import INDEX_TASK

pytestmark = pytest.mark.timeout(300)

ARTICLES = 20
# Redelivery after the shortest visibility timeout the settings allow for these limits (15 + 2 + 30 s margin).
FAST_REDELIVERY = {
    "NEWSDESK_TASK_TIME_LIMIT": "15",
    "NEWSDESK_RETRY_BACKOFF_CAP": "2",
    "NEWSDESK_VISIBILITY_TIMEOUT": "48",
    "NEWSDESK_PER_HOST_RATE": "100",
    "NEWSDESK_PER_HOST_CONCURRENCY": "8",
}


def test_index_worker_killed_with_a_partly_filled_batch_indexes_every_article_once(
    base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    env = {
        **base_env,
        **FAST_REDELIVERY,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
    }
    es = Elasticsearch(es_url)
    log = tmp_path / "workers.log"
    site, urls, _ = generated_news_site(ARTICLES)
    with site:
        # 32 index threads and a 30 s delay: the 20 articles wait in one open batch, none written yet.
        holding = start_celery_worker(
            {**env, "NEWSDESK_INDEX_BATCH_DELAY": "30"}, log, queues="index", concurrency=32, name="holding",
            pool="threads",
        )  # fmt: skip
        others = start_celery_worker(env, log, queues="fetch,parse", concurrency=2, name="others")
        crawl = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "crawl", f"{site.base}/feed.xml", "--timeout", "200"],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not (
                clean_redis.llen("index") == 0 and _reserved_index_tasks(clean_redis) == ARTICLES
            ):
                time.sleep(0.2)
            assert _reserved_index_tasks(clean_redis) == ARTICLES, log.read_text(errors="replace")[-3000:]
            time.sleep(1.0)  # every reserved task is running, its article in the batch
            assert not es.indices.exists_alias(name=f"{es_prefix}-articles") or _count(es, es_prefix) == 0
            os.kill(holding.pid, signal.SIGKILL)  # threads pool: the batch and its tasks die together
            holding.wait(10)
            killed_at = time.monotonic()

            with_next = start_celery_worker(env, log, queues="index", concurrency=8, name="next", pool="threads")
            try:
                output, _ = crawl.communicate(timeout=200)
            finally:
                stop(with_next)
        finally:
            if crawl.poll() is None:
                crawl.kill()
            stop(others)
            stop(holding)

    assert crawl.returncode == 0, output + log.read_text(errors="replace")[-3000:]
    assert f"{ARTICLES} articles: fetched {ARTICLES} / parsed {ARTICLES} / indexed {ARTICLES} / failed 0" in output
    print(f"drained {time.monotonic() - killed_at:.0f} s after the kill")
    es.indices.refresh(index=f"{es_prefix}-articles")
    hits = es.search(index=f"{es_prefix}-*", size=100, source_includes=["url"])["hits"]["hits"]
    indexed = [hit["_source"]["url"] for hit in hits]
    assert sorted(indexed) == sorted(urls)  # every article, each once, in no index but the write alias's
    assert DeadLetterStore(clean_redis).list(limit=10) == []
    # the broker delivered them again (acks_late), not the ledger's reconciler: it re-sent nothing
    assert Ledger(clean_redis, stuck_after=0).stats().resent_total == 0


def _reserved_index_tasks(client) -> int:
    """Index messages taken by a worker and not yet acknowledged (kombu's unacked hash)."""
    return sum(1 for raw in client.hvals("unacked") if INDEX_TASK.encode() in raw)


def _count(es: Elasticsearch, prefix: str) -> int:
    es.indices.refresh(index=f"{prefix}-articles")
    return int(es.count(index=f"{prefix}-articles")["count"])
