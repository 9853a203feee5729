"""Fetch-stage tasks: poll a feed for new article URLs; download one article page."""

from __future__ import annotations

from newsdesk.seen import SeenSet
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import FETCH_TASK, PARSE_TASK, POLL_TASK


@app.task(name=POLL_TASK, base=StageTask, bind=True)
def poll_feed(self: StageTask, feed_url: str, source: str | None = None) -> None:
    with self.stage(None, feed_url):
        seen = SeenSet(self.redis)
        for link in self.pipeline.discover(feed_url, source):
            if seen.mark_if_new(link.url, link.updated):
                fetch_article.delay(link.url, source)


@app.task(name=FETCH_TASK, base=StageTask, bind=True)
def fetch_article(self: StageTask, url: str, source: str | None = None, run_id: str | None = None) -> None:
    with self.stage(run_id, url):
        outcome = self.pipeline.fetch(url, source)
        if outcome.page_key is None:
            self.count(run_id, "not_modified")
            return
        self.count(run_id, "fetched")
        app.send_task(PARSE_TASK, args=[outcome.page_key], kwargs={"run_id": run_id})
