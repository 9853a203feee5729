"""A URL a second source lists after the seen-set knows it keeps both sources without a second fetch
(Pipeline.record_source, called by workers/fetcher.py submit_new_links for the links it skips): on the real
Elasticsearch node with cluster state in real Redis, and on the embedded index with its state in SQLite; the
seen-set is real Redis in both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from newsdesk.crawl.discovery import canonical_url
from newsdesk.errors import TransientError
from newsdesk.index import ArticleIndex
from newsdesk.index.search import SearchRequest
from newsdesk.models import article_id
from newsdesk.ops.runs import MemoryRun
from newsdesk.pipeline import Pipeline, run_article
from newsdesk.settings import Settings
from tests.sitekit import Response, TestSite
from workers.fetcher import submit_new_links

HARBOR = "/local/2024/03/12/harbor-bridge-vote"  # listed by both feeds
DROUGHT = "/world/2023/07/02/drought-reservoirs"  # listed by feed b only
RSS = {"Content-Type": "application/rss+xml"}


@dataclass
class Desk:
    pipeline: Pipeline
    seen: redis.Redis  # the seen-set's Redis (the poller's), whatever the index backend

    @property
    def index(self) -> ArticleIndex:
        return self.pipeline.index


def open_desk(kind: str, request, seen: redis.Redis, tmp_path: Path) -> Desk:
    local = Settings(data_dir=tmp_path / "data", allow_private_hosts=["127.0.0.1"], per_host_rate=1000)
    if kind == "embedded":
        return Desk(Pipeline(local), seen)  # no Redis in the pipeline: SQLite cluster state, embedded index
    from newsdesk.index.elastic import ElasticIndex

    prefix = request.getfixturevalue("es_prefix")
    settings = local.model_copy(update={"redis_url": request.getfixturevalue("redis_url"), "index_prefix": prefix})
    index = ElasticIndex(request.getfixturevalue("es_url"), prefix=prefix)
    return Desk(Pipeline(settings, index=index, redis_client=seen), seen)


@pytest.fixture(params=[pytest.param("elasticsearch", marks=pytest.mark.elasticsearch), "embedded"])
def desk(request, clean_redis, tmp_path: Path) -> Iterator[Desk]:
    opened = open_desk(request.param, request, clean_redis, tmp_path)
    yield opened
    opened.pipeline.close()


@pytest.fixture
def es_desk(request, clean_redis, tmp_path: Path) -> Iterator[Desk]:
    opened = open_desk("elasticsearch", request, clean_redis, tmp_path)
    yield opened
    opened.pipeline.close()


def two_feeds() -> TestSite:
    site = TestSite()
    site.add_fixture(HARBOR, "site/harbor-bridge.html")
    site.add_fixture(DROUGHT, "site/drought-wire.html")
    for name, paths in (("a", [HARBOR]), ("b", [HARBOR, DROUGHT])):
        items = "".join(f"<item><title>{path}</title><link>{site.base}{path}</link></item>" for path in paths)
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'
        site.routes[f"/feed-{name}.xml"] = Response(feed.encode(), headers=RSS)
    return site


def poll(desk: Desk, site: TestSite, source: str, publish) -> int:
    links = desk.pipeline.discover(f"{site.base}/feed-{source}.xml", source)
    return submit_new_links(desk.seen, links, source, publish=publish, record_source=desk.pipeline.record_source)


def crawl(desk: Desk, site: TestSite, source: str) -> int:
    """One poll whose fetches run at once, in this process (as a fetch worker would run them)."""

    def fetch_now(url: str, listed_by: str | None, run_id: str | None) -> None:
        run_article(desk.pipeline, url, listed_by, MemoryRun(total=1))

    queued = poll(desk, site, source, fetch_now)
    desk.index.refresh()
    return queued


def harbor_id(site: TestSite) -> str:
    return article_id(canonical_url(site.base + HARBOR))


def source_facet(index: ArticleIndex) -> dict[str, int]:
    return {bucket.value: bucket.count for bucket in index.search(SearchRequest(size=20)).facets["source"]}


def test_a_second_source_listing_a_seen_url_is_recorded_without_a_fetch(desk):
    with two_feeds() as site:
        assert crawl(desk, site, "a") == 1
        assert crawl(desk, site, "b") == 1  # only the drought story is new to the seen-set
        assert site.hits(HARBOR) == 1 and site.hits(DROUGHT) == 1
        stored = desk.index.get(harbor_id(site))
        assert stored is not None and stored.sources == ["a", "b"] and stored.source == "a"
        assert source_facet(desk.index) == {"a": 1, "b": 2}
        assert [hit.id for hit in desk.index.search(SearchRequest(source="b", q="harbor")).hits] == [harbor_id(site)]

        crawl(desk, site, "b")  # b again, and a again: nothing changes, nothing is fetched
        crawl(desk, site, "a")
        assert site.hits(HARBOR) == 1
        assert desk.index.get(harbor_id(site)).sources == ["a", "b"]
        assert source_facet(desk.index) == {"a": 1, "b": 2}
        assert desk.index.search(SearchRequest(size=20)).total == 2


def test_a_second_source_seen_before_the_first_fetch_is_indexed_is_taken_at_index_time(desk):
    waiting: list[tuple[str, str | None]] = []
    with two_feeds() as site:
        assert poll(desk, site, "a", lambda url, source, run_id: waiting.append((url, source))) == 1
        assert crawl(desk, site, "b") == 1  # the harbor fetch of a is still queued
        assert desk.index.get(harbor_id(site)) is None
        for url, source in waiting:
            run_article(desk.pipeline, url, source, MemoryRun(total=1))
        desk.index.refresh()
        assert site.hits(HARBOR) == 1
        stored = desk.index.get(harbor_id(site))
        assert stored is not None and stored.sources == ["a", "b"] and stored.source == "a"
        assert source_facet(desk.index) == {"a": 1, "b": 2}


def test_skipped_links_that_have_the_source_cost_one_check_and_no_write(desk):
    with two_feeds() as site:
        crawl(desk, site, "b")
        assert desk.pipeline.record_source([site.base + HARBOR, site.base + DROUGHT], "b") == 0
        assert desk.pipeline.record_source([site.base + HARBOR], "a") == 1
        assert desk.pipeline.record_source([site.base + HARBOR], "a") == 0
        desk.index.refresh()
        assert desk.index.get(harbor_id(site)).sources == ["b", "a"]


def test_an_unreachable_index_fails_the_poll_and_the_next_poll_records_the_source(es_desk):
    """The poll's stage retries a TransientError; the store did not take the source, so the retry still finds it."""
    from newsdesk.index.elastic import ElasticIndex
    from tests.processes import free_port

    desk = es_desk
    with two_feeds() as site:
        crawl(desk, site, "a")
        down = ElasticIndex(f"http://127.0.0.1:{free_port()}", prefix=desk.pipeline.settings.index_prefix)
        poller = Pipeline(desk.pipeline.settings, index=down, redis_client=desk.seen)
        try:
            with pytest.raises(TransientError, match="Elasticsearch unreachable"):
                poller.record_source([site.base + HARBOR], "b")
        finally:
            poller.close()
        assert desk.index.get(harbor_id(site)).sources == ["a"]
        assert desk.pipeline.record_source([site.base + HARBOR], "b") == 1
        desk.index.refresh()
        assert desk.index.get(harbor_id(site)).sources == ["a", "b"]


def test_a_document_in_an_older_rolled_index_is_updated_where_it_is(es_desk):
    from newsdesk.index.elastic import ElasticIndex

    desk = es_desk
    assert isinstance(desk.index, ElasticIndex)
    with two_feeds() as site:
        crawl(desk, site, "a")
        desk.index.rollover(force=True)
        crawl(desk, site, "b")
        assert site.hits(HARBOR) == 1
        assert desk.index.get(harbor_id(site)).sources == ["a", "b"]
        assert desk.index.search(SearchRequest(size=20)).total == 2  # no second copy in the new write index
        assert source_facet(desk.index) == {"a": 1, "b": 2}
