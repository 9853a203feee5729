"""The operator's drill-downs in Debian's chromium, against a real worker, `newsdesk serve`, Redis and
Elasticsearch: a dead letter's lineage, the lookup form, the article view's link, and the worker page with a
task in progress. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import threading
import time

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.processes import api_server, celery_worker, newsdesk
from tests.sitekit import FIXTURES, Response

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.elasticsearch]
GOOD = "/local/2024/03/12/harbor-bridge-vote"
GONE = "/gone/first-story"  # 404: a dead letter at fetch
HELD = "/world/2023/07/02/drought-reservoirs"  # served only when the test says so: a task in progress


def _site(site) -> threading.Event:
    release = threading.Event()
    site.add_fixture(GOOD, "site/harbor-bridge.html")
    held_page = (FIXTURES / "site/drought-wire.html").read_text(encoding="utf-8").replace("BASE", site.base).encode()

    def held(_handler) -> Response:
        release.wait(60)
        return Response(held_page)

    site.routes[HELD] = held
    items = "".join(f"<item><title>{p}</title><link>{site.base}{p}</link></item>" for p in (GOOD, GONE, HELD))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{site.base}/</link>{items}</channel></rss>'
    site.routes["/ops.xml"] = Response(feed.encode(), headers={"Content-Type": "application/rss+xml"})
    return release


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_lineage_from_a_dead_letter_the_form_and_the_article_and_the_worker_page(
    browser, site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    from playwright.sync_api import expect

    release = _site(site)
    env = {**base_env, "NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_ELASTICSEARCH_URL": es_url}
    env["NEWSDESK_INDEX_PREFIX"] = es_prefix
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    try:
        with (
            api_server(env, tmp_path / "api.log") as api,
            celery_worker(env, tmp_path / "worker.log", concurrency=2, name="opspages"),
        ):
            assert (
                newsdesk("crawl", f"{site.base}/ops.xml", "--source", "opssite", "--no-wait", env=env).returncode == 0
            )
            _until(
                lambda: (
                    httpx.get(f"{api}/ops/api/deadletters").json()["count"] == 1
                    and httpx.get(f"{api}/ops/api/urls", params={"url": f"{site.base}{GOOD}"}).json()["events"][-1][
                        "event"
                    ]
                    == "indexed"
                ),
                90,
                "one dead letter and one article indexed",
            )

            # The worker page while the held page keeps its fetch in progress.
            page.goto(f"{api}/ops?interval=500")
            page.locator("#workers a.worker-link").first.click()
            expect(page.locator("#pool")).to_have_text("prefork")
            expect(page.locator("#concurrency")).to_have_text("2")
            expect(page.locator("#queues")).to_have_text("fetch, index, parse")
            expect(page.locator("#rss")).to_contain_text("MiB")
            expect(page.locator("#active a.lineage-link")).to_have_text(f"{site.base}{HELD}")
            expect(page.locator("#processed")).to_contain_text("newsdesk.fetch_article")
            page.screenshot(path=str(ARTIFACTS / "ops-worker.png"), full_page=True)
            release.set()

            # From the dead letter to its URL's story.
            page.goto(f"{api}/ops?interval=500")
            page.locator("#deadletters tr[data-letter-id] a.lineage-link").click()
            expect(page.locator("#lineage h2")).to_have_text(f"{site.base}{GONE}")
            expect(page.locator("li.event").first).to_have_attribute("data-event", "accepted")
            expect(page.locator("li.event").last).to_have_attribute("data-event", "dead letter")
            expect(page.locator("li.event.dead-letter .detail")).to_contain_text("HTTP 404")
            page.screenshot(path=str(ARTIFACTS / "ops-lineage-dead-letter.png"), full_page=True)
            page.go_back()
            page.locator("#failure-groups a.lineage-link").click()  # the group's example leads to the same page
            expect(page.locator("#lineage h2")).to_have_text(f"{site.base}{GONE}")

            # The lookup form on /ops, for an article that went all the way.
            page.goto(f"{api}/ops")
            page.fill("#lineage-url", f"{site.base}{GOOD}")
            page.click("#lineage-form button")
            events = page.locator("li.event")
            expect(events).to_have_count(4)
            assert [events.nth(i).get_attribute("data-event") for i in range(4)] == [
                "accepted",
                "fetched",
                "parsed",
                "indexed",
            ]
            expect(page.locator("li.event.fetched .detail")).to_have_text(re.compile(r"HTTP 200, \d+ bytes"))
            expect(page.locator("#in-flight")).to_have_text("not in flight")
            page.screenshot(path=str(ARTIFACTS / "ops-lineage-indexed.png"), full_page=True)

            # The search page's article view links to the same story.
            page.goto(f"{api}/?q=harbor")
            page.click("li.hit a.hit-title")
            page.click("article.article a.lineage")
            expect(page.locator("#lineage h2")).to_have_text(f"{site.base}{GOOD}")
            expect(page.locator("li.event").last).to_have_attribute("data-event", "indexed")
    finally:
        release.set()
        page.close()
