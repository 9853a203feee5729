"""The dashboard against a real worker: a batch with permanent failures drains, failures land in dead
letters, Retry (with the key, typed into the page) re-runs one, and /metrics agrees with the page's JSON."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import IN_CI
from tests.processes import REPO, api_server, celery_worker, newsdesk
from tests.sitekit import Response

pytestmark = [pytest.mark.redis, pytest.mark.elasticsearch]


ARTIFACTS = REPO / "test-artifacts"
ADMIN_KEY = "ops-test-key-7d1f"
GOOD = [
    "/news/2021/08/21/afghanistan-armed-resistance",
    "/local/2024/03/12/harbor-bridge-vote",
    "/world/2023/07/02/drought-reservoirs",
]
GONE = ["/gone/first-story", "/gone/second-story"]  # 404: fails at fetch
BINARY = "/files/annual-report"  # binary bytes labelled text/html: fails at parse
LATE = "/late/fixed-story"  # 404 until the test publishes it, then retried from the dashboard


def _feed(site, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{site.base}{p}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>batch</title><link>{site.base}/</link>'
        f"{items}</channel></rss>"
    ).encode()


def _batch_site(site) -> int:
    paths = GOOD + GONE + [BINARY, LATE]
    site.routes["/batch.xml"] = Response(_feed(site, paths), headers={"Content-Type": "application/rss+xml"})
    site.routes[BINARY] = Response(bytes(range(256)) * 40, headers={"Content-Type": "text/html"})
    return len(paths)


def _env(base_env, redis_url, es_url, es_prefix) -> dict[str, str]:
    return {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        "NEWSDESK_ADMIN_KEY": ADMIN_KEY,
    }


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _browser(playwright):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.mark.browser
def test_browser_watches_batch_drain_and_retries_a_dead_letter(
    site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    total = _batch_site(site)
    env = _env(base_env, redis_url, es_url, es_prefix)
    queued = newsdesk("crawl", f"{site.base}/batch.xml", "--source", "batchsite", "--no-wait", env=env)
    assert queued.returncode == 0 and f"queued {total} new articles" in queued.stdout, queued.stderr
    ARTIFACTS.mkdir(exist_ok=True)

    with api_server(env, tmp_path / "api.log") as api, sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1500, "height": 1900})
        page.goto(f"{api}/ops?interval=400")
        cell = lambda name: page.locator(f"#{name}")  # noqa: E731

        # Nothing consumes yet: the whole batch waits in the fetch queue, and no worker is online.
        expect(cell("q-fetch-depth")).to_have_text(str(total))
        expect(cell("q-fetch-oldest")).not_to_have_text("–")
        expect(cell("no-workers")).to_be_visible()
        expect(cell("q-fetch-succeeded")).to_have_text("0")
        page.screenshot(path=str(ARTIFACTS / "ops-1-queued.png"), full_page=True)

        # The depth the page shows before any worker runs: sampling below starts once the worker is up, and by
        # then it may have taken the first messages.
        seen_depths = {int(cell("q-fetch-depth").inner_text())}
        with celery_worker(env, tmp_path / "worker.log"):

            def drained() -> bool:
                seen_depths.add(int(cell("q-fetch-depth").inner_text()))
                return (
                    all(cell(f"q-{q}-depth").inner_text() == "0" for q in ("fetch", "parse", "index"))
                    and cell("q-index-succeeded").inner_text() == "3"
                    and cell("dl-count").inner_text() == "4"
                )

            try:
                _wait(drained, 120, "the batch to drain")
            except AssertionError:
                page.screenshot(path=str(ARTIFACTS / "ops-drain-timeout.png"), full_page=True)
                raise AssertionError((tmp_path / "worker.log").read_text()[-3000:]) from None
            assert total in seen_depths and 0 in seen_depths  # the page showed the depth falling to zero
            expect(cell("q-fetch-succeeded")).to_have_text("4")  # 3 articles + the binary page fetch fine
            expect(cell("q-fetch-failed")).to_have_text("3")  # 2 gone + the late page
            expect(cell("q-parse-failed")).to_have_text("1")  # the binary page
            expect(page.locator("#workers tr[data-worker]")).to_have_count(1)
            expect(page.locator("#deadletters tr[data-letter-id]")).to_have_count(4)
            expect(page.locator("#deadletters")).to_contain_text("HTTP 404")
            expect(page.locator("#stages tr[data-stage='fetch']")).to_contain_text("HTTP 404")
            expect(cell("s-index-p50")).not_to_have_text("–")
            expect(cell("lag-fetched-p50")).not_to_have_text("–")
            expect(page.locator("#sources tr[data-source='batchsite']")).to_contain_text("active")
            fetch_graph = page.locator("figure[data-graph='fetch'] svg")
            expect(fetch_graph.locator("text[data-axis='y']")).to_have_count(3)  # 0, half, max tasks per minute
            expect(fetch_graph.locator("text[data-axis='x']").first).to_have_text(re.compile(r"\d{1,2}:\d{2}"))
            page.screenshot(path=str(ARTIFACTS / "ops-2-drained.png"), full_page=True)

            late_row = page.locator("#deadletters tr[data-letter-id]", has_text=LATE)
            # Without the key: refused, and the letter stays.
            late_row.locator("button.retry").click()
            expect(page.locator("#message")).to_contain_text("401")
            expect(cell("dl-count")).to_have_text("4")
            assert site.hits(LATE) == 1

            # The page is published now; the operator types the key and presses Retry.
            site.add_fixture(LATE, "site/harbor-bridge.html")
            page.fill("#admin-key", ADMIN_KEY)
            page.click("#save-key")
            late_row.locator("button.retry").click()
            expect(page.locator("#message")).to_contain_text("retry: 1 done")
            expect(cell("dl-count")).to_have_text("3", timeout=60_000)
            expect(cell("q-index-succeeded")).to_have_text("4", timeout=60_000)
            expect(page.locator("#deadletters tr[data-letter-id]", has_text=LATE)).to_have_count(0)
            assert site.hits(LATE) == 2
            page.screenshot(path=str(ARTIFACTS / "ops-3-retried.png"), full_page=True)
            if os.environ.get("NEWSDESK_UPDATE_SCREENSHOT"):
                shutil.copy(ARTIFACTS / "ops-3-retried.png", REPO / "docs" / "img" / "dashboard.png")
        browser.close()


def _metrics(api: str) -> dict[tuple[str, tuple], float]:
    text = httpx.get(f"{api}/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_agree_with_the_overview(site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path):
    _batch_site(site)
    env = _env(base_env, redis_url, es_url, es_prefix)
    with api_server(env, tmp_path / "api.log") as api, celery_worker(env, tmp_path / "worker.log"):
        assert (
            newsdesk("crawl", f"{site.base}/batch.xml", "--source", "batchsite", "--timeout", "120", env=env).returncode
            == 0
        )
        overview = _wait(
            lambda: (o := httpx.get(f"{api}/ops/api/overview").json())["dead_letters"] == 4 and o["workers"] and o,
            30,
            "dead letters and a worker heartbeat",
        )
        metrics = _metrics(api)

    def metric(name: str, **labels) -> float:
        return metrics[(name, tuple(sorted(labels.items())))]

    for stage in overview["stages"]:
        for outcome, count in stage["totals"].items():
            assert metric("newsdesk_tasks_total", stage=stage["name"], outcome=outcome) == count
        assert metric("newsdesk_stage_latency_seconds_count", stage=stage["name"]) == stage["latency_samples"]
        assert (
            metric("newsdesk_stage_latency_seconds_bucket", stage=stage["name"], le="+Inf") == stage["latency_samples"]
        )
    assert overview["stages"][0]["totals"] == {"succeeded": 4, "failed": 3, "retried": 0}
    for queue in overview["queues"]:
        for state in ("ready", "reserved", "delayed"):
            assert metric("newsdesk_queue_depth", queue=queue["name"], state=state) == queue[state]
    assert metric("newsdesk_dead_letters") == overview["dead_letters"] == 4
    assert metric("newsdesk_workers_online") == len(overview["workers"]) == 1
    assert metric("newsdesk_lag_seconds_count", since="fetched") == overview["lag"]["fetched"]["samples"] == 3
    source = {s["name"]: s for s in overview["sources"]}["batchsite"]
    assert metric("newsdesk_source_articles_24h", source="batchsite") == source["articles_24h"] == 3
    assert metric("newsdesk_source_failures_24h", source="batchsite") == source["failures_24h"] == 3
    assert re.match(r"^\d+\.\d+$", str(metric("newsdesk_stage_latency_seconds_sum", stage="index")))
