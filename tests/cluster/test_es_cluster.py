"""A real two-node Elasticsearch cluster with one replica: crawl, search, rollover, crawl more, re-index, migrate.

Real Celery worker and `newsdesk` commands; NEWSDESK_ELASTICSEARCH_URL names both nodes, NEWSDESK_ES_REPLICAS=1,
so every index turns green only when each shard has a copy on the other node.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from newsdesk.index.elastic import ElasticIndex
from newsdesk.index.search import SearchRequest
from tests.cluster.conftest import ESCluster
from tests.processes import celery_worker, newsdesk
from tests.sitekit import generated_news_site

pytestmark = [pytest.mark.escluster, pytest.mark.redis, pytest.mark.timeout(600)]

ARTICLES_PER_SITE = 20


@pytest.fixture
def cluster_prefix(es_cluster: ESCluster) -> Iterator[str]:
    prefix = f"cluster{uuid.uuid4().hex[:8]}"
    yield prefix
    client = Elasticsearch(es_cluster.url.split(","))
    client.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")


def run(*args: str, env: dict[str, str]) -> str:
    result = newsdesk(*args, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def per_index(es: Elasticsearch, prefix: str) -> dict[str, int]:
    """Documents per index (primaries only: _cat/indices counts every copy)."""
    es.indices.refresh(index=f"{prefix}-articles-v*")
    names = sorted(es.indices.get(index=f"{prefix}-articles-v*").body)
    return {name: int(es.count(index=name)["count"]) for name in names}


def test_crawl_rollover_reindex_and_migrate_on_two_nodes_with_a_replica(
    es_cluster: ESCluster, cluster_prefix: str, redis_url: str, clean_redis, tmp_path: Path
) -> None:
    env = {
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_cluster.url,
        "NEWSDESK_INDEX_PREFIX": cluster_prefix,
        "NEWSDESK_ES_SHARDS": "2",
        "NEWSDESK_ES_REPLICAS": "1",
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "NEWSDESK_PER_HOST_RATE": "50",
        "NEWSDESK_RETRY_BACKOFF_BASE": "0.2",
    }
    es = Elasticsearch(es_cluster.url.split(","), request_timeout=60)
    assert len(es.cat.nodes(format="json").body) == 2
    first, rolled, migrated = (
        f"{cluster_prefix}-articles-v1",
        f"{cluster_prefix}-articles-v1-000002",
        f"{cluster_prefix}-articles-v2",
    )
    site_a, urls_a, _ = generated_news_site(ARTICLES_PER_SITE)
    site_b, urls_b, _ = generated_news_site(ARTICLES_PER_SITE)
    with site_a, site_b, celery_worker(env, tmp_path / "worker.log", name="escluster"):
        out = run("crawl", f"{site_a.base}/feed.xml", "--timeout", "240", env=env)
        assert f"indexed {ARTICLES_PER_SITE} / failed 0" in out, out
        health = es.cluster.health(index=f"{cluster_prefix}-articles-v*", wait_for_status="green", timeout="60s")
        assert health["status"] == "green" and health["active_shards"] == 4  # 2 primaries + 2 replicas
        index = ElasticIndex(es_cluster.url, prefix=cluster_prefix)
        index.refresh()  # the crawl returns once every article is written, not once a refresh made it searchable
        assert index.search(SearchRequest(q="story")).total == ARTICLES_PER_SITE

        assert f"rolled over {first} -> {rolled}" in run("index", "rollover", "--now", env=env)
        out = run("crawl", f"{site_b.base}/feed.xml", "--timeout", "240", env=env)
        assert f"indexed {ARTICLES_PER_SITE} / failed 0" in out, out
    assert per_index(es, cluster_prefix) == {first: ARTICLES_PER_SITE, rolled: ARTICLES_PER_SITE}
    assert es.cluster.health(index=f"{cluster_prefix}-*", wait_for_status="green", timeout="60s")["status"] == "green"
    index.refresh()
    found = {hit.url for hit in index.search(SearchRequest(q="story", size=100)).hits}
    assert found == set(urls_a) | set(urls_b)  # the read alias spans both indices

    # Re-index everything from the archive: each article is overwritten where it is, none copied forward.
    out = run("reparse", env=env)
    assert f"{2 * ARTICLES_PER_SITE} archived pages" in out, out
    assert per_index(es, cluster_prefix) == {first: ARTICLES_PER_SITE, rolled: ARTICLES_PER_SITE}

    out = run("index", "migrate", "--delete-old", env=env)
    assert f"-> {migrated}: copied {2 * ARTICLES_PER_SITE}" in out, out
    assert per_index(es, cluster_prefix) == {migrated: 2 * ARTICLES_PER_SITE}
    assert es.cluster.health(index=migrated, wait_for_status="green", timeout="60s")["status"] == "green"
    index.refresh()
    assert index.search(SearchRequest(q="story")).total == 2 * ARTICLES_PER_SITE
    index.close()
