"""Fetch-stage tasks: poll a source (feeds, sitemaps, sections) or one feed for new URLs; download one page."""

from __future__ import annotations

from typing import Any

from newsdesk.crawl.discovery import DiscoveredLink
from newsdesk.models import Source
from newsdesk.crawl.seen import SeenSet
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import FETCH_TASK, PARSE_TASK, POLL_SOURCE_TASK, POLL_TASK


def submit_new_links(redis_client, links: list[DiscoveredLink], source: str | None, run_id: str | None = None) -> int:
    """Queue a fetch for each link that is new or whose feed/lastmod stamp changed; returns how many."""
    seen = SeenSet(redis_client)
    queued = 0
    for link in links:
        if seen.mark_if_new(link.url, link.updated):
            app.send_task(FETCH_TASK, kwargs={"url": link.url, "source": source, "run_id": run_id})
            queued += 1
    return queued


@app.task(name=POLL_SOURCE_TASK, base=StageTask, bind=True)
def poll_source(self: StageTask, name: str, definition: dict[str, Any] | None = None) -> None:
    with self.stage(None, name):
        from workers.sources import get_source

        source = Source.model_validate(definition) if definition else get_source(name)
        if source is not None:
            submit_new_links(self.redis, self.pipeline.discover_source(source), source.name)


@app.task(name=POLL_TASK, base=StageTask, bind=True)
def poll_feed(self: StageTask, feed_url: str, source: str | None = None) -> None:
    with self.stage(None, feed_url):
        submit_new_links(self.redis, self.pipeline.discover(feed_url, source), source)


@app.task(name=FETCH_TASK, base=StageTask, bind=True)
def fetch_article(self: StageTask, url: str, source: str | None = None, run_id: str | None = None) -> None:
    with self.stage(run_id, url):
        outcome = self.pipeline.fetch(url, source, attempt=self.request.retries)
        if outcome.page_key is None:
            self.count(run_id, "not_modified")
            return
        self.count(run_id, "fetched")
        app.send_task(PARSE_TASK, kwargs={"page_key": outcome.page_key, "url": url, "source": source,
                                          "run_id": run_id})
