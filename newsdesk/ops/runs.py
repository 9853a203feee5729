"""Crawl-run tallies: how many of a run's articles each stage has finished, for progress and summaries.

In-process runs count in memory; distributed runs count in a Redis hash that every worker updates,
so the `newsdesk crawl` command can wait for its articles without a Celery result backend.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

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


class RunTracker(Protocol):
    def add(self, stage: str, error: str | None = None) -> None: ...


class MemoryRun:
    def __init__(self, total: int = 0):
        self.tally = Tally(total=total)

    def add(self, stage: str, error: str | None = None) -> None:
        setattr(self.tally, stage, getattr(self.tally, stage) + 1)
        if error:
            self.tally.errors.append(error)


class RedisRun:
    def __init__(self, redis_client, run_id: str | None = None):
        self.redis = redis_client
        self.run_id = run_id or uuid.uuid4().hex
        self.key = f"newsdesk:run:{self.run_id}"

    def start(self, total: int) -> None:
        with self.redis.pipeline() as pipe:
            pipe.hset(self.key, mapping={"total": total, **{stage: 0 for stage in STAGES}})
            pipe.expire(self.key, RUN_TTL_SECONDS)
            pipe.execute()

    def add(self, stage: str, error: str | None = None) -> None:
        with self.redis.pipeline() as pipe:
            pipe.hincrby(self.key, stage, 1)
            if error:
                pipe.rpush(f"{self.key}:errors", error[:500])
                pipe.expire(f"{self.key}:errors", RUN_TTL_SECONDS)
            pipe.execute()

    def read(self) -> Tally:
        raw = self.redis.hgetall(self.key)
        values = {k.decode() if isinstance(k, bytes) else k: int(v) for k, v in raw.items()}
        errors = [e.decode() if isinstance(e, bytes) else e for e in self.redis.lrange(f"{self.key}:errors", 0, 50)]
        return Tally(**{name: values.get(name, 0) for name in ("total", *STAGES)}, errors=errors)
