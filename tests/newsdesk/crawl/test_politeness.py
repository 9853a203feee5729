"""Politeness against real Redis: robots.txt, Crawl-delay, a rate limit and concurrency cap shared by fetchers."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from newsdesk.crawl.fetch import Fetcher
from newsdesk.crawl.politeness import HostLimits, host_key
from newsdesk.crawl.ratelimit import HostLimit, RedisHostLimiter, acquire
from newsdesk.errors import FetchRefused
from newsdesk.models import Source
from newsdesk.settings import Settings
from tests import sitekit
from tests.newsdesk.crawl.crawlsite import add, article
from tests.sitekit import Response

pytestmark = [pytest.mark.timeout(60), pytest.mark.redis]


def settings(tmp_path, redis_url, **overrides) -> Settings:
    return Settings(
        **{
            "data_dir": tmp_path,
            "allow_private_hosts": ["127.0.0.1"],
            "redis_url": redis_url,
            "per_host_rate": 100.0,
            **overrides,
        }
    )


def gaps(site, paths=None) -> list[float]:
    times = [t for t, p, _ in site.requests if paths is None or p in paths]
    return [b - a for a, b in itertools.pairwise(times)]


@pytest.fixture
def site():
    with sitekit.TestSite() as running:
        add(running, "/robots.txt", b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n", "text/plain")
        for n in range(4):
            add(running, f"/news/{n}", article(f"N{n}"))
        add(running, "/private/memo", article("secret"))
        yield running


def test_robots_disallow_is_refused_and_the_file_is_fetched_once_for_all_fetchers(
    site, tmp_path, redis_url, clean_redis
):
    config = settings(tmp_path, redis_url)
    with Fetcher(config, clean_redis) as one, Fetcher(config, clean_redis) as two:
        with pytest.raises(FetchRefused) as info:
            one.fetch(f"{site.base}/private/memo")
        assert info.value.reason == "robots"
        two.fetch(f"{site.base}/news/0")  # second process: robots.txt comes from the Redis cache
    assert site.hits("/private/memo") == 0
    assert site.hits("/robots.txt") == 1


def test_crawl_delay_slows_the_host_below_the_configured_rate(site, tmp_path, redis_url, clean_redis):
    with Fetcher(settings(tmp_path, redis_url), clean_redis) as fetcher:
        for n in range(4):
            fetcher.fetch(f"{site.base}/news/{n}")
    article_gaps = gaps(site, {f"/news/{n}" for n in range(4)})
    assert min(article_gaps) >= 0.45, article_gaps  # Crawl-delay 0.5 s although per_host_rate is 100/s


def test_robots_can_be_switched_off(site, tmp_path, redis_url, clean_redis):
    with Fetcher(settings(tmp_path, redis_url, obey_robots=False), clean_redis) as fetcher:
        assert fetcher.fetch(f"{site.base}/private/memo").status == 200
    assert site.hits("/robots.txt") == 0


def test_the_redis_token_bucket_spaces_requests_from_many_threads(clean_redis):
    limiter = RedisHostLimiter(clean_redis)
    granted: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(3):
            token = acquire(limiter, "news.test", HostLimit(rate=10.0, concurrency=50), max_wait=10)
            with lock:
                granted.append(time.monotonic())
            limiter.release("news.test", token)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    granted.sort()
    spacing = [b - a for a, b in itertools.pairwise(granted)]
    assert len(granted) == 24
    # 10/s: one request every 100 ms; timestamps taken after the grant carry a few ms of thread-scheduling jitter
    assert min(spacing) >= 0.08, spacing
    assert granted[-1] - granted[0] >= 2.2


def test_the_concurrency_cap_holds_across_fetchers(tmp_path, redis_url, clean_redis):
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow(handler):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return Response(article("slow"))

    with sitekit.TestSite() as site:
        site.routes["/slow"] = slow
        source = Source(name="slowpoke", feeds=[f"{site.base}/feed"], host_concurrency=1, host_rate=100)
        HostLimits(clean_redis).set_for_source(source)
        config = settings(tmp_path, redis_url, per_host_concurrency=5)
        fetchers = [Fetcher(config, clean_redis) for _ in range(4)]
        threads = [threading.Thread(target=f.fetch, args=(f"{site.base}/slow",)) for f in fetchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert site.hits("/slow") == 4
    assert peak[0] == 1
    assert HostLimits(clean_redis).get(host_key(f"{site.base}/x")) == {"rate": 100, "concurrency": 1}
