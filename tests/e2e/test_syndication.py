"""Syndication through the whole pipeline: one wire story published by three outlets, and one URL two sources list,
crawled through real Celery workers, Redis and Elasticsearch (the embedded index's placement is covered on the
index stage in tests/newsdesk/index/test_clusters.py, without a crawl's seconds in the fast suite)."""

from __future__ import annotations

import httpx
from elasticsearch import Elasticsearch

from tests.processes import api_server, celery_worker, newsdesk
from tests.sitekit import FIXTURES, Response, TestSite

STORY_PATH = "/news/2021/08/21/afghanistan-armed-resistance"  # the fixture page's own canonical path
SHARED_PATH = "/local/2024/03/12/harbor-bridge-vote"
HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST_HOST = {"NEWSDESK_PER_HOST_RATE": "100"}  # one local test host: no need to space its eight requests a second apart


def syndicated_site() -> TestSite:
    """Outlets a, b and c each publish the wire story at their own URL (feed-a, feed-b, feed-c); feed-a and feed-b
    both list the one harbor-bridge page, each with its own date, so the second crawl fetches it again."""
    site = TestSite()
    story = (FIXTURES / "site/panjshir.html").read_text(encoding="utf-8")
    dates = {"a": "Tue, 12 Mar 2024 18:30:00 GMT", "b": "Wed, 13 Mar 2024 07:00:00 GMT"}
    for outlet in ("a", "b", "c"):
        path = f"/{outlet}/world/resistance"
        page = story.replace(f"BASE{STORY_PATH}", f"BASE{path}").replace("BASE", site.base)
        site.routes[path] = Response(page.encode(), headers=HTML)
        shared = (
            f"<item><title>Harbor</title><link>{site.base}{SHARED_PATH}</link><pubDate>{dates[outlet]}</pubDate></item>"
            if outlet in dates
            else ""
        )
        feed = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {outlet}</title><link>{site.base}/</link>'
            f"<item><title>Resistance</title><link>{site.base}{path}</link></item>{shared}</channel></rss>"
        )
        site.routes[f"/feed-{outlet}.xml"] = Response(feed.encode(), headers={"Content-Type": "application/rss+xml"})
    site.add_fixture(SHARED_PATH, "site/harbor-bridge.html")
    return site


def assert_clustered(api: httpx.Client) -> None:
    collapsed = api.get("/search", params={"q": "Panjshir", "collapse": "true"}).json()
    assert collapsed["total"] == 1, collapsed
    assert collapsed["hits"][0]["more_versions"] == 2
    versions = api.get("/search", params={"cluster": collapsed["hits"][0]["cluster_id"]}).json()
    assert sorted(hit["source"] for hit in versions["hits"]) == ["a", "b", "c"]
    shared = api.get("/search", params={"q": "harbor bridge"}).json()
    assert shared["total"] == 1 and shared["hits"][0]["sources"] == ["a", "b"]
    facet = {bucket["value"]: bucket["count"] for bucket in api.get("/search").json()["facets"]["source"]}
    assert facet == {"a": 2, "b": 2, "c": 1}


def test_crawls_through_the_queues_cluster_and_keep_both_sources(
    base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    env = {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        **FAST_HOST,
    }
    with syndicated_site() as site, celery_worker(env, tmp_path / "worker.log"):
        for outlet in ("a", "b", "c"):
            done = newsdesk("crawl", f"{site.base}/feed-{outlet}.xml", "--source", outlet, "--timeout", "120", env=env)
            assert done.returncode == 0, done.stderr + (tmp_path / "worker.log").read_text()
            assert "failed 0" in done.stdout, done.stdout
        Elasticsearch(es_url).indices.refresh(index=f"{es_prefix}-articles")
        with api_server(env, tmp_path / "api.log") as base, httpx.Client(base_url=base) as api:
            assert_clustered(api)
        collapsed = newsdesk("search", "Panjshir", "--collapse", env=env)
        assert "results 1-1 of 1" in collapsed.stdout and "2 more version(s): --cluster " in collapsed.stdout
