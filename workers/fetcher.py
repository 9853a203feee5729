"""Fetch-stage tasks: poll a source (feeds, sitemaps, sections) or one feed for new URLs; download one page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from newsdesk.crawl.discovery import DiscoveredLink
from newsdesk.crawl.seen import SeenSet
from newsdesk.errors import TransientError
from newsdesk.models import Source
from newsdesk.ops.ledger import Ledger, Work
from newsdesk.ops.lineage import record_event
from newsdesk.pipeline import SourceRecorder
from newsdesk.settings import get_settings
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import FETCH_QUEUE, FETCH_TASK, PARSE_TASK, POLL_SOURCE_TASK, POLL_TASK

log = logging.getLogger(__name__)

Publisher = Callable[[str, "str | None", "str | None"], None]


def publish_fetch(url: str, source: str | None, run_id: str | None) -> None:
    app.send_task(FETCH_TASK, kwargs=fetch_kwargs(url, source, run_id))


def fetch_kwargs(url: str, source: str | None, run_id: str | None) -> dict[str, Any]:
    return {"url": url, "source": source, "run_id": run_id}


def accepted(ledger: Ledger, url: str, source: str | None, run_id: str | None) -> None:
    """Ledger entry of a link about to be queued. Its re-send is unconditional: a lost fetch may have stored
    the page's validators already, and a 304 would then end an article that was never indexed."""
    work = Work(
        url=url,
        stage=FETCH_QUEUE,
        task=FETCH_TASK,
        kwargs={**fetch_kwargs(url, source, run_id), "unconditional": True},
        queue=FETCH_QUEUE,
    )
    with ledger.redis.pipeline(transaction=True) as pipe:
        ledger.record(pipe, work)
        record_event(pipe, url, "accepted", f"source {source}" + (f", run {run_id}" if run_id else ""), FETCH_QUEUE)
        pipe.execute()


def submit_new_links(
    redis_client,
    links: list[DiscoveredLink],
    source: str | None,
    run_id: str | None = None,
    publish: Publisher = publish_fetch,
    limit: int | None = None,
    record_source: SourceRecorder | None = None,
) -> int:
    """Queue a fetch for each link that is new or whose feed/lastmod stamp changed; returns how many.

    A link is marked seen only after its fetch task was published; if publishing fails, it and every link
    not yet queued stay unseen for the next poll, and TransientError says how many were queued.
    Duplicates that slip past the claim are harmless: the index id is the canonical URL's fingerprint.
    The links skipped as seen go to `record_source` once, after the loop: a second source of a URL is kept
    without fetching it again.
    """
    seen = SeenSet(redis_client)
    ledger = Ledger(redis_client, get_settings().effective_reconcile_stuck_after)
    queued = 0
    skipped: list[str] = []
    for link in links:
        if limit is not None and queued >= limit:  # a huge feed: the rest stay unseen for the next poll
            log.warning(
                "links cap reached (%d queued, NEWSDESK_MAX_LINKS_PER_POLL); %d left for the next poll",
                queued,
                len(links) - links.index(link),
            )
            break
        if not seen.claim_if_new(link.url, link.updated):
            skipped.append(link.url)
            continue
        try:
            accepted(ledger, link.url, source, run_id)  # before publishing: a message lost after it is re-sent
            publish(link.url, source, run_id)
        except Exception as exc:  # noqa: BLE001 - the broker is unreachable: stop, leave the rest for the next poll
            seen.release(link.url)
            raise TransientError(
                f"queued {queued} of {len(links)} links, then publishing failed: {type(exc).__name__}: {exc}"
            ) from None
        seen.mark(link.url, link.updated)
        queued += 1
    if record_source is not None and source and skipped:
        record_source(skipped, source)
    return queued


@app.task(name=POLL_SOURCE_TASK, base=StageTask, bind=True)
def poll_source(self: StageTask, name: str, definition: dict[str, Any] | None = None) -> None:
    with self.stage(None, name, source=name):
        from workers.sources import get_source

        source = Source.model_validate(definition) if definition else get_source(name)
        if source is not None:
            submit_new_links(
                self.redis,
                self.pipeline.discover_source(source),
                source.name,
                limit=self.settings.max_links_per_poll,
                record_source=self.pipeline.record_source,
            )


@app.task(name=POLL_TASK, base=StageTask, bind=True)
def poll_feed(self: StageTask, feed_url: str, source: str | None = None) -> None:
    with self.stage(None, feed_url, source=source):
        submit_new_links(
            self.redis,
            self.pipeline.discover(feed_url, source),
            source,
            limit=self.settings.max_links_per_poll,
            record_source=self.pipeline.record_source,
        )


@app.task(name=FETCH_TASK, base=StageTask, bind=True)
def fetch_article(
    self: StageTask, url: str, source: str | None = None, run_id: str | None = None, unconditional: bool = False
) -> None:
    # A retry may follow an attempt that stored the page's validators but failed later (its hand-off):
    # a 304 would then end an article never indexed, so only a first attempt is conditional.
    conditional = not unconditional and not self.request.retries
    with self.stage(run_id, url, url=url, source=source) as step:
        attempt = self.request.retries
        outcome = self.pipeline.fetch(url, source, attempt=attempt, conditional=conditional, pipe=step.pipe)
        if outcome.page_key is None:
            step.finish("not_modified", detail="HTTP 304")
            return
        parse = {"page_key": outcome.page_key, "url": url, "source": source, "run_id": run_id}
        step.hand_off("fetched", PARSE_TASK, parse, detail=f"HTTP {outcome.status}, {outcome.size} bytes")
