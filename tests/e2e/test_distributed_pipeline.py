"""End to end on real services: Redis-backed Celery queues, a real worker process, a real Elasticsearch node."""

import json

import httpx
from elasticsearch import Elasticsearch

from tests.processes import api_server, celery_worker, newsdesk
from tests.sitekit import ARTICLE_PATHS


def test_crawl_through_queues_indexes_each_article_once(
    site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    env = {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
    }
    es = Elasticsearch(es_url)
    with celery_worker(env, tmp_path / "worker.log"):
        first = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "120", env=env)
        assert first.returncode == 0, first.stderr + (tmp_path / "worker.log").read_text()
        assert "3 articles: fetched 3 / parsed 3 / indexed 3 / failed 0" in first.stdout

        es.indices.refresh(index=f"{es_prefix}-articles")
        assert es.count(index=f"{es_prefix}-articles")["count"] == 3

        # Same feed again: nothing new, nothing fetched.
        fetched_before = sum(site.hits(path) for path in ARTICLE_PATHS)
        second = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "120", env=env)
        assert second.returncode == 0, second.stderr
        assert "0 articles" in second.stdout
        assert sum(site.hits(path) for path in ARTICLE_PATHS) == fetched_before

        # Forget what was seen: everything is fetched and indexed again, and still once each.
        clean_redis.delete("newsdesk:seen")
        third = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "120", env=env)
        assert "indexed 3" in third.stdout, third.stderr
        es.indices.refresh(index=f"{es_prefix}-articles")
        assert es.count(index=f"{es_prefix}-articles")["count"] == 3
        urls = sorted(
            hit["_source"]["url"] for hit in es.search(index=f"{es_prefix}-articles", size=10)["hits"]["hits"]
        )
        assert urls == sorted(f"{site.base}{path}" for path in ARTICLE_PATHS)

    with api_server(env, tmp_path / "api.log") as api:
        response = httpx.get(f"{api}/search", params={"q": "Panjshir"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 1
        assert body["hits"][0]["title"] == "Afghanistan's Armed Resistance to the Taliban Enjoys First Successes"
        assert any("<mark>Panjshir</mark>" in s for s in body["hits"][0]["highlight"])
        health = httpx.get(f"{api}/healthz").json()
        assert health == {"status": "ok", "checks": {"redis": "ok", "elasticsearch": "ok"}}


def test_no_wait_enqueues_and_worker_drains(site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path):
    env = {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
    }
    queued = newsdesk("crawl", f"{site.base}/feed.xml", "--no-wait", env=env)
    assert queued.returncode == 0 and "queued 3 new articles" in queued.stdout
    assert clean_redis.llen("fetch") == 3  # waiting in the fetch queue: no worker yet
    es = Elasticsearch(es_url)
    with celery_worker(env, tmp_path / "worker.log"):
        import time

        deadline = time.monotonic() + 90
        count = 0
        while time.monotonic() < deadline and count < 3:
            time.sleep(0.5)
            if es.indices.exists_alias(name=f"{es_prefix}-articles"):
                es.indices.refresh(index=f"{es_prefix}-articles")
                count = es.count(index=f"{es_prefix}-articles")["count"]
        assert count == 3, (tmp_path / "worker.log").read_text()[-2000:]
    assert json.loads(newsdesk("search", "reservoirs", "--json", env=env).stdout)["total"] == 1
