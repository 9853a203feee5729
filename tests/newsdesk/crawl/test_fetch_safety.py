"""Fetcher safety on a local site: SSRF refusals before connecting, redirect hops, time and size caps."""

from __future__ import annotations

import socket
import time

import pytest

from newsdesk.crawl.fetch import Fetcher
from newsdesk.crawl.safety import check_destination, pinned_url
from newsdesk.errors import FetchRefused, PermanentError, TransientError
from newsdesk.retries import retry_delay
from newsdesk.settings import Settings
from tests import sitekit
from tests.newsdesk.crawl.crawlsite import HTML, Flaky, add, article, gzip_bomb, stream
from tests.sitekit import Response

pytestmark = pytest.mark.timeout(60)


def settings(tmp_path, **overrides) -> Settings:
    values = {
        "data_dir": tmp_path,
        "allow_private_hosts": ["127.0.0.1"],
        "per_host_rate": 100.0,
        "redis_url": None,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def site():
    with sitekit.TestSite() as running:
        add(running, "/a", article("A"))
        yield running


def test_without_the_allow_list_loopback_is_refused_before_any_request(site, tmp_path):
    with Fetcher(settings(tmp_path, allow_private_hosts=[])) as fetcher, pytest.raises(FetchRefused) as info:
        fetcher.fetch(f"{site.base}/a")
    assert info.value.reason == "private_address"
    assert "NEWSDESK_ALLOW_PRIVATE_HOSTS" in str(info.value)
    assert site.requests == []


# The IPv6 forms wrap 127.0.0.2: 6to4, IPv4-mapped, NAT64, Teredo (client address XOR-ed), IPv4-compatible.
@pytest.mark.parametrize(
    "target",
    [
        "127.0.0.2",
        "10.1.2.3",
        "169.254.169.254",
        "[::1]",
        "[2002:7f00:2::]",
        "[::ffff:127.0.0.2]",
        "[64:ff9b::7f00:2]",
        "[2001:0:4136:e378:8000:63bf:80ff:fffd]",
        "[::127.0.0.2]",
    ],
)
def test_redirect_to_a_private_address_is_refused_before_connecting(site, tmp_path, target):
    # A listener on 127.0.0.2 proves no connection is attempted (10.x and 169.254.x are never reachable here).
    # A loopback connect completes before connect() returns, so one the fetch made already waits in the backlog.
    with socket.socket() as trap:
        trap.bind(("127.0.0.2", 0))
        trap.listen()
        trap.settimeout(0.05)
        port = trap.getsockname()[1]
        site.routes["/jump"] = Response(b"", 302, {"Location": f"http://{target}:{port}/latest/meta-data"})
        with Fetcher(settings(tmp_path)) as fetcher, pytest.raises(FetchRefused) as info:
            fetcher.fetch(f"{site.base}/jump")
        assert info.value.reason == "private_address"
        with pytest.raises(socket.timeout):
            trap.accept()
    assert site.hits("/jump") == 1


def test_redirect_chains_are_capped(site, tmp_path):
    site.routes["/loop"] = Response(b"", 301, {"Location": "/loop"})
    with Fetcher(settings(tmp_path, max_redirects=3)) as fetcher, pytest.raises(FetchRefused) as info:
        fetcher.fetch(f"{site.base}/loop")
    assert info.value.reason == "redirects"
    assert site.hits("/loop") == 4


def test_the_fetcher_connects_to_the_address_it_checked(site, tmp_path):
    """DNS rebinding: the name is resolved once, checked, and the request goes to that IP with the Host header."""
    assert check_destination(f"{site.base}/a", ["127.0.0.1"]) == "127.0.0.1"
    url, headers, _ = pinned_url("https://news.test:8443/a?b=1", "203.0.113.9")
    assert url == "https://203.0.113.9:8443/a?b=1" and headers == {"Host": "news.test:8443"}
    port = site.base.rsplit(":", 1)[1]
    with Fetcher(settings(tmp_path, allow_private_hosts=["127.0.0.0/8"])) as fetcher:
        page = fetcher.fetch(f"http://localhost:{port}/a")
    assert page.status == 200 and page.final_url == f"http://localhost:{port}/a"
    assert {h.get("Host") for _, p, h in site.requests if p == "/a"} == {f"localhost:{port}"}


def test_a_slow_endpoint_times_out_as_a_transient_error(site, tmp_path):
    site.routes["/slow"] = lambda handler: (time.sleep(3), Response(article("late")))[1]
    started = time.monotonic()
    with Fetcher(settings(tmp_path, fetch_timeout=0.5)) as fetcher, pytest.raises(TransientError, match="timeout"):
        fetcher.fetch(f"{site.base}/slow")
    assert time.monotonic() - started < 2.5


def test_a_trickling_body_is_cut_at_the_total_time_cap(site, tmp_path):
    site.routes["/drip"] = lambda handler: stream(handler, (b"<p>x</p>" for _ in range(100)), delay=0.1)
    started = time.monotonic()
    with Fetcher(settings(tmp_path, fetch_total_timeout=1.0)) as fetcher, pytest.raises(TransientError, match="longer"):
        fetcher.fetch(f"{site.base}/drip")
    assert time.monotonic() - started < 3


def test_a_50_mb_body_is_refused_by_its_declared_length_and_cut_when_streamed(site, tmp_path):
    fifty_mb = 50 * 1024 * 1024
    site.routes["/huge"] = Response(b"x" * fifty_mb, headers={"Content-Type": HTML})
    sent = []

    def endless(handler):
        def chunks():
            for _ in range(fifty_mb // 65536):
                sent.append(65536)
                yield b"x" * 65536

        return stream(handler, chunks())

    site.routes["/huge-chunked"] = endless
    with Fetcher(settings(tmp_path, max_body_bytes=1024 * 1024)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchRefused) as declared:
            fetcher.fetch(f"{site.base}/huge")
        assert declared.value.reason == "too_large" and time.monotonic() - started < 2
        with pytest.raises(FetchRefused) as streamed:
            fetcher.fetch(f"{site.base}/huge-chunked")
        assert streamed.value.reason == "too_large" and "larger than the 1048576-byte cap" in str(streamed.value)
    time.sleep(0.2)
    assert sum(sent) < fifty_mb  # the fetcher hung up: the server could not send it all


def test_a_gzip_bomb_is_cut_at_the_decompressed_cap(site, tmp_path):
    bomb = gzip_bomb(20 * 1024 * 1024)  # ~20 KB on the wire, 20 MB decoded: ten times the cap below
    site.routes["/bomb"] = Response(bomb, headers={"Content-Type": HTML, "Content-Encoding": "gzip"})
    site.routes["/small-gzip"] = Response(
        __import__("gzip").compress(article("zipped")), headers={"Content-Type": HTML, "Content-Encoding": "gzip"}
    )
    with Fetcher(settings(tmp_path, max_decompressed_bytes=2 * 1024 * 1024)) as fetcher:
        with pytest.raises(FetchRefused) as info:
            fetcher.fetch(f"{site.base}/bomb")
        assert info.value.reason == "too_large" and "decodes to more than" in str(info.value)
        assert b"zipped" in fetcher.fetch(f"{site.base}/small-gzip").body


def test_only_html_like_content_types_are_accepted_for_articles(site, tmp_path):
    site.routes["/photo"] = Response(b"\x89PNG...", headers={"Content-Type": "image/png"})
    with Fetcher(settings(tmp_path)) as fetcher, pytest.raises(FetchRefused) as info:
        fetcher.fetch(f"{site.base}/photo")
    assert info.value.reason == "content_type"


def test_retry_policy_retries_5xx_and_429_with_retry_after_but_not_other_4xx(site, tmp_path):
    site.routes["/busy"] = Flaky(1, 429, Response(article("ok")), {"Retry-After": "7"})
    site.routes["/down"] = Flaky(1, 503, Response(article("ok")))
    with Fetcher(settings(tmp_path)) as fetcher:
        with pytest.raises(TransientError) as busy:
            fetcher.fetch(f"{site.base}/busy")
        with pytest.raises(TransientError) as down:
            fetcher.fetch(f"{site.base}/down")
        with pytest.raises(PermanentError) as missing:
            fetcher.fetch(f"{site.base}/missing")
    assert busy.value.retry_after == 7.0 and retry_delay(busy.value, 0, 5) >= 7.0
    assert 0 <= retry_delay(down.value, 0, 5, base=2.0) <= 2.0
    assert max(retry_delay(down.value, 6, 9, base=2.0) for _ in range(200)) > 16  # exponential, jittered
    assert retry_delay(down.value, 5, 5) is None  # out of retries
    assert retry_delay(missing.value, 0, 5) is None and "404" in str(missing.value)
