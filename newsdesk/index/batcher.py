"""Group commit for the index stage: articles handed in by concurrent callers share one bulk write.

Each caller (an index task on its own thread) hands in one article and blocks until the bulk request that
carried it has answered, then gets its own article's outcome: it returns when that item succeeded and raises
that item's error otherwise, so acknowledging, retrying or dead-lettering stays per article in the caller.
Nothing is buffered past a caller's return: a process killed with articles in a batch has returned for none
of them, and their messages are delivered again.

The first caller to find no open batch opens one and leads it: it waits until the batch holds `max_docs`
articles, or as many as there are callers that can run at once in this process (`capacity`: more cannot
arrive), or `max_delay` seconds have passed; then it closes the batch, writes it and wakes the others.
Articles arriving meanwhile open the next batch, so one bulk request may be in flight while the next fills.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable

from newsdesk.errors import NewsdeskError, TransientError
from newsdesk.index import IndexResult
from newsdesk.models import Article

DEFAULT_MAX_DOCS = 200
DEFAULT_MAX_DELAY = 0.5  # seconds an article may wait for others before its batch is written


class _Batch:
    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.full = threading.Event()  # set when no more articles may join: the leader writes at once
        self.written = threading.Event()
        self.result: IndexResult | None = None
        self.error: BaseException | None = None  # the whole request failed (Elasticsearch down, alias missing)

    def outcome(self, article: Article) -> str | None:
        if self.error is not None:  # each caller raises its own copy: one exception raised on many threads
            if isinstance(self.error, NewsdeskError):
                raise copy.copy(self.error)
            raise TransientError(f"bulk write failed: {type(self.error).__name__}: {self.error}")
        assert self.result is not None
        refused = self.result.refused.get(article.id)
        if refused is not None:
            raise refused
        return self.result.placed.get(article.id)


class BulkBatcher:
    def __init__(
        self,
        write: Callable[[list[Article]], IndexResult],
        max_docs: int = DEFAULT_MAX_DOCS,
        max_delay: float = DEFAULT_MAX_DELAY,
        capacity: int = 1,
    ):
        if max_docs < 1 or max_delay < 0 or capacity < 1:
            raise ValueError(f"max_docs {max_docs} and capacity {capacity} must be >= 1, max_delay {max_delay} >= 0")
        self._write = write
        self.max_docs = max_docs
        self.max_delay = max_delay
        self.capacity = capacity
        self._lock = threading.Lock()
        self._open: _Batch | None = None
        self.batches_written = 0  # for tests and benchmarks: how many bulk writes served how many articles

    def index(self, article: Article) -> str | None:
        """Index `article` in the next bulk write; returns once its item succeeded (with the index that holds it,
        when the index names one), raises its failure."""
        with self._lock:
            batch = self._open
            leading = batch is None
            if batch is None:
                batch = self._open = _Batch()
            batch.articles.append(article)
            if len(batch.articles) >= min(self.max_docs, self.capacity):
                self._open = None  # closed: the next article opens a new batch
                batch.full.set()
        if leading:
            batch.full.wait(self.max_delay)
            with self._lock:
                if self._open is batch:
                    self._open = None
            self._run(batch)
        else:
            batch.written.wait()  # the leader always sets it (_run's finally); its write has the client's timeouts
        return batch.outcome(article)

    def _run(self, batch: _Batch) -> None:
        try:
            batch.result = self._write(batch.articles)
        except BaseException as exc:  # handed to every caller of the batch, each raises it
            batch.error = exc
            if not isinstance(exc, Exception):  # a time limit or an interrupt: the leader's own to raise
                raise
        finally:
            self.batches_written += 1
            batch.written.set()
