"""Discovery, conditional GET, crawl log and raw archive through the Pipeline, on real Redis."""

from __future__ import annotations

import gzip
from datetime import UTC

import pytest

from newsdesk.crawl.discovery import canonical_url
from newsdesk.crawl.seen import SeenSet
from newsdesk.errors import NotAnArticle
from newsdesk.models import Source
from newsdesk.ops.crawllog import CrawlLog
from newsdesk.pipeline import Pipeline, reparse_archive
from newsdesk.settings import Settings
from tests import sitekit
from tests.newsdesk.crawl.crawlsite import Conditional, add, article, rss, sitemap_index, urlset

pytestmark = [pytest.mark.timeout(60), pytest.mark.redis]


@pytest.fixture
def pipeline(tmp_path, redis_url, clean_redis):
    config = Settings(
        data_dir=tmp_path,
        allow_private_hosts=["127.0.0.1"],
        redis_url=redis_url,
        elasticsearch_url=None,
        per_host_rate=100.0,
    )
    running = Pipeline(config, redis_client=clean_redis)
    yield running
    running.close()


def test_canonical_urls_drop_tracking_and_fragments_and_lower_case_the_host():
    assert (
        canonical_url("HTTP://News.Example.COM/a/b?utm_source=x&id=2&fbclid=y#top")
        == "http://news.example.com/a/b?id=2"
    )


def test_sitemap_index_news_sitemap_and_section_page(pipeline, clean_redis):
    with sitekit.TestSite() as site:
        add(
            site,
            "/sitemap_index.xml",
            sitemap_index(site.base, ["/sitemap-news.xml", "/sitemap-2024.xml.gz"]),
            "application/xml",
        )
        add(
            site,
            "/sitemap-news.xml",
            urlset(site.base, [("/news/1", "2024-05-01T10:00:00Z")], news=True),
            "application/xml",
        )
        add(
            site,
            "/sitemap-2024.xml.gz",
            gzip.compress(urlset(site.base, [("/news/2", "2024-04-01"), ("/news/1?utm_campaign=x", "2024-04-02")])),
            "application/x-gzip",
        )
        add(
            site,
            "/world",
            (
                f'<html><body><a href="/news/3">Three</a><a href="{site.base}/news/4#c">Four</a>'
                '<a href="/about">About</a><a href="/tag/world">Tag</a></body></html>'
            ).encode(),
        )
        add(site, "/feed.xml", rss(site.base, ["/news/5"]), "application/rss+xml")
        source = Source(
            name="ledger",
            feeds=[f"{site.base}/feed.xml"],
            sitemaps=[f"{site.base}/sitemap_index.xml"],
            sections=[f"{site.base}/world"],
            article_pattern=r"/news/\d+$",
        )
        links = {link.url: link for link in pipeline.discover_source(source)}
    assert sorted(links) == [f"{site.base}/news/{n}" for n in range(1, 6)]
    assert links[f"{site.base}/news/1"].updated.isoformat() == "2024-05-01T10:00:00+00:00"  # newest stamp wins
    assert links[f"{site.base}/news/3"].title == "Three"
    log = CrawlLog(clean_redis)
    assert {e.url for e in log.query(source="ledger", status="fetched")} == {
        f"{site.base}{p}"
        for p in ("/feed.xml", "/sitemap_index.xml", "/sitemap-news.xml", "/sitemap-2024.xml.gz", "/world")
    }


def test_a_changed_lastmod_makes_a_url_new_again(clean_redis):
    from datetime import datetime

    seen = SeenSet(clean_redis)
    first, later = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)
    assert seen.claim_if_new("http://x.test/a", first)
    seen.mark("http://x.test/a", first)
    assert not seen.claim_if_new("http://x.test/a", first)
    assert seen.claim_if_new("http://x.test/a", later)


def test_conditional_get_sends_validators_and_a_304_is_not_stored(pipeline, clean_redis):
    with sitekit.TestSite() as site:
        site.routes["/news/1"] = Conditional(article("Validated"))
        url = f"{site.base}/news/1"
        first = pipeline.fetch(url, "ledger")
        second = pipeline.fetch(url, "ledger")
        sent = [headers for _, path, headers in site.requests if path == "/news/1"]
    assert first.status == 200 and first.page_key
    assert second.status == 304 and second.page_key is None
    assert sent[1].get("If-None-Match") == '"v1"' and "If-Modified-Since" in sent[1]
    entry = CrawlLog(clean_redis).get(url)
    assert entry.status == "not_modified" and entry.http_status == 304


def test_every_outcome_lands_in_the_crawl_log(pipeline, clean_redis):
    with sitekit.TestSite() as site:
        add(site, "/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
        add(site, "/ok", article("ok"))
        add(site, "/blank", b"<html><body><nav>Home</nav></body></html>")
        keys = {}
        for path in ("/ok", "/blank", "/private/x", "/missing"):
            try:
                keys[path] = pipeline.fetch(f"{site.base}{path}", "ledger").page_key
            except Exception:
                pass
    log = CrawlLog(clean_redis)
    assert log.get(f"{site.base}/ok").status == "fetched"
    pipeline.index_articles([pipeline.parse(keys["/ok"])])
    assert log.get(f"{site.base}/ok").status == "indexed" and log.get(f"{site.base}/ok").http_status == 200
    with pytest.raises(NotAnArticle):
        pipeline.parse(keys["/blank"])
    blank = log.get(f"{site.base}/blank")
    assert blank.status == "failed" and blank.reason.startswith("parse: ")
    assert log.get(f"{site.base}/private/x").status == "skipped_robots"
    missing = log.get(f"{site.base}/missing")
    assert missing.status == "failed" and "HTTP 404" in missing.reason
    assert [e.url for e in log.query(source="ledger", status="failed")] == [
        f"{site.base}/blank",
        f"{site.base}/missing",
    ]
    assert log.counts("ledger")["skipped_robots"] == 1


def test_reparse_reads_the_page_store_archive_without_fetching(pipeline):
    with sitekit.TestSite() as site:
        for n in range(3):
            add(site, f"/news/{n}", article(f"Archived story {n}"))
        for n in range(3):
            pipeline.fetch(f"{site.base}/news/{n}", "ledger")
        pipeline.fetch(f"{site.base}/news/0", "other")
        requests_before = len(site.requests)
        tally = reparse_archive(pipeline, source="ledger")
        assert len(site.requests) == requests_before
    assert (tally.total, tally.parsed, tally.indexed, tally.failed) == (3, 3, 3, 0)
    assert len(list(pipeline.store.pages())) == 4
