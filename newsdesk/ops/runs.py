"""Crawl-run tallies: how many of a run's articles each stage has finished, for progress and summaries.

In-process runs count in memory; distributed runs count in a Redis hash that every worker updates,
so the `newsdesk crawl` command can wait for its articles without a Celery result backend.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

import redis

from newsdesk.errors import TransientError

STAGES = ("fetched", "not_modified", "parsed", "indexed", "failed")
RUN_TTL_SECONDS = 24 * 3600


@dataclass
class Tally:
    total: int = 0
    fetched: int = 0
    not_modified: int = 0
    parsed: int = 0
    indexed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def finished(self) -> int:
        """Articles that reached the end of the pipeline, one way or another."""
        return self.indexed + self.failed + self.not_modified

    @property
    def done(self) -> bool:
        return self.finished >= self.total


FINAL = ("indexed", "failed", "not_modified")  # an article ends in exactly one of these; the last one recorded wins
PROGRESS = ("fetched", "parsed")


class RunTracker(Protocol):
    def add(self, stage: str, error: str | None = None, url: str | None = None) -> None: ...


class MemoryRun:
    """Counts keyed by article URL like RedisRun, so a stage repeated for one URL counts once."""

    def __init__(self, total: int = 0):
        self.tally = Tally(total=total)
        self._progress: dict[str, set[str]] = {stage: set() for stage in PROGRESS}
        self._outcome: dict[str, str] = {}
        self._anonymous = 0

    def add(self, stage: str, error: str | None = None, url: str | None = None) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        if url is None:  # a caller without a URL: each call is its own article
            self._anonymous += 1
            url = f"#{self._anonymous}"
        if stage in PROGRESS:
            self._progress[stage].add(url)
            setattr(self.tally, stage, len(self._progress[stage]))
        else:  # counts moved, not recounted: a 2,000-article crawl would spend seconds recounting
            previous = self._outcome.get(url)
            if previous is not None:
                setattr(self.tally, previous, getattr(self.tally, previous) - 1)
            self._outcome[url] = stage
            setattr(self.tally, stage, getattr(self.tally, stage) + 1)
        if error:
            self.tally.errors.append(error)


class RedisRun:
    """A run's tally in Redis: per-stage URL sets and a URL -> final outcome hash, counts derived from them.

    Every write is idempotent (SADD, HSET), so a task redelivered after a worker kill or retried after a
    Redis blip never double-counts, and retrying a failed write never under-counts. A write that fails
    because Redis is unreachable raises TransientError, so the task is retried instead of losing the count.
    """

    def __init__(self, redis_client, run_id: str | None = None):
        self.redis = redis_client
        self.run_id = run_id or uuid.uuid4().hex
        self.key = f"newsdesk:run:{self.run_id}"
        self.outcome_key = f"{self.key}:outcome"
        self.errors_key = f"{self.key}:errors"

    def stage_key(self, stage: str) -> str:
        return f"{self.key}:{stage}"

    def start(self, total: int) -> None:
        self.set_total(total)

    def set_total(self, total: int) -> None:
        self._write(lambda pipe: pipe.hset(self.key, "total", total), self.key)

    def add(
        self, stage: str, error: str | None = None, url: str | None = None, pipe: redis.client.Pipeline | None = None
    ) -> None:
        """Count `url` at `stage`; queued on `pipe` when given (the caller executes it), else written at once."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        if not url:
            raise ValueError("a distributed run counts articles by URL: url is required")

        def record(pipe) -> None:
            if stage in PROGRESS:
                pipe.sadd(self.stage_key(stage), url)
            else:
                pipe.hset(self.outcome_key, url, stage)
            if error:
                pipe.hset(self.errors_key, url, error[:500])

        written = self.stage_key(stage) if stage in PROGRESS else self.outcome_key
        keys = (written, self.errors_key) if error else (written,)
        if pipe is not None:
            self._queue(pipe, record, keys)
        else:
            self._write(record, *keys)

    def _write(self, record, *keys: str) -> None:
        try:
            with self.redis.pipeline(transaction=True) as pipe:
                self._queue(pipe, record, keys)
                pipe.execute()
        except redis.RedisError as exc:
            raise TransientError(f"run tally {self.run_id}: Redis write failed: {exc}") from None

    @staticmethod
    def _queue(pipe: redis.client.Pipeline, record, keys: tuple[str, ...]) -> None:
        record(pipe)
        for key in keys:
            pipe.expire(key, RUN_TTL_SECONDS)

    def read(self) -> Tally:
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(self.key, "total")
            for stage in PROGRESS:
                pipe.scard(self.stage_key(stage))
            pipe.hvals(self.outcome_key)
            pipe.hvals(self.errors_key)
            total, *progress, outcomes, errors = pipe.execute()
        finals = [_text(value) for value in outcomes]
        counts = {**dict(zip(PROGRESS, progress)), **{name: finals.count(name) for name in FINAL}}
        return Tally(total=int(total or 0), **counts, errors=[_text(e) for e in errors[:50]])


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
