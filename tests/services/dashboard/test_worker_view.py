"""The worker drill-down against a real Celery worker: pool, queues, the task in progress with its URL and
runtime, counts and memory, and a wedged (SIGSTOPped) worker answering nothing without hanging the page."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest

from tests.processes import api_server, celery_worker, newsdesk
from tests.sitekit import FIXTURES, Response

pytestmark = pytest.mark.redis
SLOW = "/slow/harbor-bridge-vote"


def _held_site(site) -> threading.Event:
    """A feed of one article whose page is served only once the returned event is set."""
    release = threading.Event()
    page = (FIXTURES / "site/harbor-bridge.html").read_text(encoding="utf-8").replace("BASE", site.base).encode()

    def held(_handler) -> Response:
        release.wait(60)
        return Response(page)

    site.routes[SLOW] = held
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{site.base}/</link>'
        f"<item><title>slow</title><link>{site.base}{SLOW}</link></item></channel></rss>"
    ).encode()
    site.routes["/slow.xml"] = Response(feed, headers={"Content-Type": "application/rss+xml"})
    return release


def _poll(get, predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if predicate(value):
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}: last {value}")


def test_worker_page_shows_pool_task_in_progress_memory_and_bounds_a_wedged_worker(
    site, base_env, redis_url, clean_redis, tmp_path
):
    release = _held_site(site)
    env = {**base_env, "NEWSDESK_REDIS_URL": redis_url}
    try:
        with (
            api_server(env, tmp_path / "api.log") as api,
            celery_worker(env, tmp_path / "worker.log", concurrency=3, pool="threads", name="opsview") as worker,
        ):
            assert newsdesk("crawl", f"{site.base}/slow.xml", "--no-wait", env=env).returncode == 0
            url = f"{site.base}{SLOW}"
            listing = _poll(
                lambda: httpx.get(f"{api}/ops/api/workers", timeout=10).json(),
                lambda body: any(t["url"] == url for w in body["workers"] for t in w["active"]),
                60,
                "the held fetch in progress",
            )
            (detail,) = listing["workers"]
            assert detail["answered"] and detail["name"].startswith("opsview-")
            assert (detail["pool"], detail["concurrency"]) == ("thread", 3)
            assert detail["queues"] == ["fetch", "index", "parse"] and detail["pid"] == worker.pid
            assert 30 * 2**20 < detail["rss_bytes"] < 2**31 and detail["uptime_seconds"] >= 0
            (task,) = detail["active"]
            assert task["name"] == "newsdesk.fetch_article" and 0 <= task["runtime_seconds"] < 60
            name = detail["name"]

            page = httpx.get(f"{api}/ops/workers/{name}", timeout=10)
            assert page.status_code == 200 and url in page.text and 'id="pool">thread<' in page.text

            release.set()
            one = _poll(
                lambda: httpx.get(f"{api}/ops/api/workers/{name}", timeout=10).json(),
                lambda body: body["processed"].get("newsdesk.index_article") == 1 and not body["active"],
                60,
                "the article indexed",
            )
            assert one["processed"]["newsdesk.fetch_article"] == 1

            os.kill(worker.pid, signal.SIGSTOP)  # wedged: alive, heartbeat still recent, answers nothing
            try:
                started = time.monotonic()
                wedged = httpx.get(f"{api}/ops/api/workers/{name}", timeout=10)
                elapsed = time.monotonic() - started
                page = httpx.get(f"{api}/ops/workers/{name}", timeout=10)
            finally:
                os.kill(worker.pid, signal.SIGCONT)
            print(f"a wedged worker's page answered in {elapsed:.2f} s")
            assert wedged.status_code == 200 and elapsed < 4
            assert wedged.json()["answered"] is False and wedged.json()["queues"] == ["fetch", "index", "parse"]
            assert page.status_code == 200 and 'id="not-answering"' in page.text

            missing = httpx.get(f"{api}/ops/api/workers/nobody@nowhere", timeout=10)
            assert missing.status_code == 404 and "nobody@nowhere" in missing.json()["detail"]
            assert httpx.get(f"{api}/ops/workers/nobody@nowhere", timeout=10).status_code == 404
    finally:
        release.set()
