"""newsdesk/index/batcher.py: concurrent callers share bulk writes, and each gets its own article's outcome."""

from __future__ import annotations

import threading
import time

import pytest

from newsdesk.errors import PermanentError, TransientError
from newsdesk.index import IndexResult
from newsdesk.index.batcher import BulkBatcher
from newsdesk.models import Article


def article(n: int) -> Article:
    return Article(url=f"https://b.test/{n}", canonical_url=f"https://b.test/{n}", title=f"t{n}", body="b")


class Recorder:
    """The write side: records each batch it is given and refuses the articles it is told to."""

    def __init__(self, refuse: dict[str, Exception] | None = None, fail: Exception | None = None):
        self.batches: list[list[str]] = []
        self.refuse = refuse or {}
        self.fail = fail

    def __call__(self, articles: list[Article]) -> IndexResult:
        self.batches.append([a.url for a in articles])
        if self.fail:
            raise self.fail
        refused = {a.id: self.refuse[a.url] for a in articles if a.url in self.refuse}
        return IndexResult(indexed=len(articles) - len(refused), refused=refused)  # type: ignore[arg-type]


def run_concurrently(batcher: BulkBatcher, articles: list[Article]) -> dict[str, BaseException | None]:
    outcomes: dict[str, BaseException | None] = {}
    start = threading.Barrier(len(articles))

    def one(item: Article) -> None:
        start.wait()
        try:
            batcher.index(item)
            outcomes[item.url] = None
        except Exception as exc:  # what the caller would raise is the outcome under test
            outcomes[item.url] = exc

    threads = [threading.Thread(target=one, args=(item,)) for item in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcomes


def test_callers_running_at_once_share_one_write_and_each_gets_its_own_outcome():
    items = [article(n) for n in range(6)]
    write = Recorder(refuse={items[2].url: TransientError("429"), items[4].url: PermanentError("rejected")})
    # capacity 6: the sixth arrival closes the batch, nobody waits out the (long) delay
    batcher = BulkBatcher(write, max_docs=200, max_delay=5.0, capacity=6)
    began = time.monotonic()
    outcomes = run_concurrently(batcher, items)
    assert time.monotonic() - began < 2.0
    assert len(write.batches) == 1 and sorted(write.batches[0]) == sorted(a.url for a in items)
    assert isinstance(outcomes[items[2].url], TransientError)
    assert isinstance(outcomes[items[4].url], PermanentError)
    succeeded = {url for url, outcome in outcomes.items() if outcome is None}
    assert succeeded == {a.url for a in items} - {items[2].url, items[4].url}


def test_max_docs_splits_batches():
    write = Recorder()
    batcher = BulkBatcher(write, max_docs=2, max_delay=5.0, capacity=6)
    outcomes = run_concurrently(batcher, [article(n) for n in range(6)])
    assert all(outcome is None for outcome in outcomes.values())
    assert sorted(len(batch) for batch in write.batches) == [2, 2, 2]


def test_a_lone_caller_waits_at_most_the_delay_and_one_task_per_process_not_at_all():
    write = Recorder()
    began = time.monotonic()
    BulkBatcher(write, max_docs=200, max_delay=0.05, capacity=8).index(article(1))
    assert 0.04 < time.monotonic() - began < 1.0
    began = time.monotonic()
    BulkBatcher(write, max_docs=200, max_delay=5.0, capacity=1).index(article(2))  # prefork or solo child
    assert time.monotonic() - began < 0.5
    assert write.batches == [["https://b.test/1"], ["https://b.test/2"]]


def test_a_failed_write_fails_every_caller_of_the_batch_with_its_own_error():
    write = Recorder(fail=TransientError("Elasticsearch unreachable"))
    outcomes = run_concurrently(BulkBatcher(write, max_delay=5.0, capacity=3), [article(n) for n in range(3)])
    errors = list(outcomes.values())
    assert all(isinstance(error, TransientError) and "unreachable" in str(error) for error in errors)
    assert len({id(error) for error in errors}) == 3  # copies: one exception object is not raised on three threads
    crash = Recorder(fail=KeyError("bug"))
    with pytest.raises(TransientError, match="KeyError"):
        BulkBatcher(crash, capacity=1).index(article(9))


def test_sizes_are_checked():
    with pytest.raises(ValueError):
        BulkBatcher(Recorder(), max_docs=0)
