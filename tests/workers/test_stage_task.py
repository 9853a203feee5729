"""StageTask's bookkeeping (workers/base.py) on real Redis: each outcome is one round trip, written before the
next stage's message is published; failures are recorded from the task's own arguments.

The parse task runs in this process on a page in a real page store; its Redis client counts the commands it
sends (a connection class that counts, over a real connection). Publishing is captured at its boundary,
app.send_task, as tests/newsdesk/test_retries.py does, to read Redis at the moment the message would leave.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from newsdesk.models import FetchedPage
from newsdesk.ops.crawllog import CrawlLog
from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.ops.ledger import Ledger, Work
from newsdesk.ops.lineage import events
from newsdesk.ops.monitoring import Monitor
from newsdesk.ops.runs import RedisRun
from newsdesk.pipeline import Pipeline
from newsdesk.settings import Settings
from workers import app
from workers.queues import INDEX_TASK, PARSE_TASK

pytestmark = [pytest.mark.redis]

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "panjshir.html"
URL = "https://news.example.org/world/panjshir"


class CountingConnection(redis.Connection):
    """A real connection that counts the requests it sends (a pipeline's batch is one)."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent += 1
        return super().send_packed_command(command, check_health)


@pytest.fixture
def parse_task(redis_url, clean_redis, tmp_path, monkeypatch) -> Iterator[tuple]:
    settings = Settings(redis_url=redis_url, data_dir=tmp_path / "data", max_retries=0)
    counted = redis.Redis(connection_pool=redis.ConnectionPool.from_url(redis_url, connection_class=CountingConnection))
    counted.ping()  # connected (and its handshake sent) before anything is counted
    published: list[tuple[str, dict, object]] = []

    def capture(name: str, kwargs: dict, **_: object) -> None:
        published.append((name, kwargs, Ledger(clean_redis, 60).get(kwargs["url"])))

    monkeypatch.setattr(app, "send_task", capture)
    task = app.tasks[PARSE_TASK]
    task.settings, task.redis, task.pipeline = settings, counted, Pipeline(settings, redis_client=clean_redis)
    try:
        yield task, settings, published
    finally:
        for name in ("settings", "redis", "pipeline", "ledger", "monitor"):
            task.__dict__.pop(name, None)


def fetched(client: redis.Redis, settings: Settings, body: bytes) -> str:
    """A page as the fetch stage leaves it: in the page store, and its article in the ledger at parse."""
    with client.pipeline() as pipe:
        work = Work(url=URL, stage="parse", task=PARSE_TASK, kwargs={"url": URL}, queue="parse")
        Ledger(client, 60).record(pipe, work)
        pipe.execute()
    return stored_page(settings, body)


def stored_page(settings: Settings, body: bytes) -> str:
    page = FetchedPage(
        url=URL,
        final_url=URL,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        fetched_at=datetime.now(UTC),
        source="wire",
        body=body,
    )
    return Pipeline(settings).store.put(page, "article")


def test_a_parsed_article_is_recorded_in_one_round_trip_before_its_index_task_is_published(parse_task, clean_redis):
    task, settings, published = parse_task
    key = fetched(clean_redis, settings, PAGE.read_bytes())
    run = RedisRun(clean_redis)
    run.start(1)
    CountingConnection.sent = 0

    task(page_key=key, url=URL, source="wire", run_id=run.run_id)

    assert CountingConnection.sent == 1  # crawl log, tally, lineage, ledger, monitoring: one MULTI/EXEC
    [(name, kwargs, ledger_at_publish)] = published
    assert name == INDEX_TASK and kwargs["url"] == URL and kwargs["source"] == "wire"
    assert json.loads(kwargs["article"])["title"]  # the article as JSON, validated once by the index task
    # the ledger entry was there before the message: lost at the index stage, the page is parsed again
    assert ledger_at_publish is not None and ledger_at_publish.stage == "index"
    assert ledger_at_publish.task == PARSE_TASK and ledger_at_publish.kwargs["page_key"] == key
    assert run.read().parsed == 1
    assert [event.event for event in events(clean_redis, URL)] == ["parsed"]
    entry = CrawlLog(clean_redis).get(URL)
    assert entry is not None and entry.status == "parsed" and entry.http_status == 200
    assert Monitor(clean_redis).totals()["parse"] == {"succeeded": 1}


def test_a_page_that_cannot_be_parsed_ends_as_a_dead_letter_named_by_its_url(parse_task, clean_redis):
    task, settings, published = parse_task
    key = fetched(clean_redis, settings, b"\x00\x01 not a page")
    run = RedisRun(clean_redis)
    run.start(1)

    task(page_key=key, url=URL, source="wire", run_id=run.run_id)

    assert not published
    [letter] = DeadLetterStore(clean_redis).list()
    assert letter.task == PARSE_TASK and letter.kwargs["url"] == URL
    tally = run.read()
    assert tally.failed == 1 and tally.done
    assert [event.event for event in events(clean_redis, URL)] == ["dead letter"]
    assert Ledger(clean_redis, 60).get(URL) is None  # a final outcome ends the entry
    monitor = Monitor(clean_redis)
    assert monitor.totals()["parse"] == {"failed": 1}
    [error] = monitor.recent_errors()
    assert error.subject == URL and error.task == PARSE_TASK and letter.error in error.reason


def test_a_crawl_log_entry_keeps_what_the_fetch_learnt_and_moves_between_statuses(clean_redis):
    from newsdesk.ops.crawllog import CrawlEntry

    log = CrawlLog(clean_redis)
    log.record(CrawlEntry(url=URL, status="fetched", source="wire", retries=2, http_status=200, at=1.0))
    with clean_redis.pipeline() as pipe:
        log.record(CrawlEntry(url=URL, status="indexed", source="wire", at=2.0), pipe)
        pipe.execute()
    entry = log.get(URL)
    assert entry is not None and (entry.status, entry.retries, entry.http_status, entry.at) == ("indexed", 2, 200, 2.0)
    assert [e.url for e in log.query(status="indexed")] == [URL] and log.query(status="fetched") == []
    assert [e.url for e in log.query(source="wire", status="indexed")] == [URL]
    assert log.counts("wire")["fetched"] == 0 and log.counts()["indexed"] == 1


def test_a_message_queued_with_positional_arguments_is_still_counted_under_its_url(parse_task, clean_redis):
    """A deploy mid-backlog: the task's own parameters bind the old message, so nothing is recovered by position."""
    task, settings, published = parse_task
    key = fetched(clean_redis, settings, PAGE.read_bytes())
    run = RedisRun(clean_redis)
    run.start(1)

    task(key, run.run_id, URL, "wire")  # parse_article(page_key, run_id, url, source)

    assert run.read().parsed == 1 and [event.event for event in events(clean_redis, URL)] == ["parsed"]
    [(_name, kwargs, _ledger)] = published
    assert kwargs["url"] == URL and kwargs["source"] == "wire"


@pytest.fixture
def index_task(redis_url, clean_redis, es_url, es_prefix, tmp_path) -> Iterator:
    settings = Settings(
        redis_url=redis_url, elasticsearch_url=es_url, index_prefix=es_prefix, data_dir=tmp_path / "data"
    )
    task = app.tasks[INDEX_TASK]
    task.settings, task.redis, task.pipeline = settings, clean_redis, Pipeline(settings, redis_client=clean_redis)
    try:
        yield task
    finally:
        task.pipeline.close()
        for name in ("settings", "redis", "pipeline", "ledger", "monitor"):
            task.__dict__.pop(name, None)


def test_an_indexed_article_ends_its_ledger_entry_and_counts_its_lag_and_source(index_task, clean_redis):
    """The index task takes the parse task's JSON, and the dict older parse tasks sent."""
    from newsdesk.parse import parse_page

    task = index_task
    page = FetchedPage(
        url=URL,
        final_url=URL,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        fetched_at=datetime.now(UTC),
        source="wire",
        body=PAGE.read_bytes(),
    )
    article = parse_page(page)
    assert article.source == "wire"
    other = article.model_copy(update={"url": URL + "-2", "canonical_url": URL + "-2"})
    for url in (URL, other.url):
        with clean_redis.pipeline() as pipe:
            Ledger(clean_redis, 60).record(
                pipe, Work(url=url, stage="index", task=PARSE_TASK, kwargs={}, queue="parse")
            )
            pipe.execute()

    task(article=article.model_dump_json(), url=URL, source="wire")
    task(article=other.model_dump(mode="json"), url=other.url, source="wire")

    task.pipeline.index.refresh()
    assert task.pipeline.index.count() == 2
    for url in (URL, other.url):
        assert Ledger(clean_redis, 60).get(url) is None
        [indexed] = events(clean_redis, url)
        # the lineage names the concrete index behind the write alias
        assert indexed.event == "indexed" and indexed.detail == f"into {task.settings.index_prefix}-articles-v1"
    monitor = Monitor(clean_redis)
    assert monitor.totals()["index"] == {"succeeded": 2}
    assert len(monitor.lag_samples("fetched")) == 2
    [wire] = [health for health in monitor.sources() if health.name == "wire"]
    assert wire.articles_24h == 2
