"""Operational figures kept in Redis: task outcomes per minute, stage latency, lag, errors, workers, sources.

Writers are the stage tasks (workers/base.py, each write queued on the pipeline of the task's one round trip)
and the worker heartbeats (workers/signals.py); readers are the dashboard and /metrics (services/dashboard/). Keys are named hierarchically under `newsdesk:stats:` and bounded: per-minute
counters expire after two hours, per-hour source counters after a day, recent samples are capped lists.
No Celery here: stage names and task details come in as plain strings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import redis

if TYPE_CHECKING:
    from newsdesk.ops.ledger import LedgerStats

PREFIX = "newsdesk:stats"
TOTALS_KEY = f"{PREFIX}:tasks"  # hash "<stage>/<outcome>" -> count since the stats were last cleared
ERRORS_KEY = f"{PREFIX}:errors"  # list of recent failures, newest first
WORKERS_KEY = "newsdesk:workers"  # hash worker name -> WorkerBeat JSON
SOURCES_KNOWN_KEY = "newsdesk:sources:known"

OUTCOMES = ("succeeded", "failed", "retried")
LAG_KINDS = ("published", "fetched")  # published -> indexed, fetched -> indexed
# An article published longer ago than this before it was fetched is from an archive or a backfill: its
# published -> indexed lag measures the newsroom, not the pipeline, so only fetched -> indexed counts.
FRESH_ARTICLE_SECONDS = 48 * 3600

MINUTE_TTL_SECONDS = 2 * 3600
HOUR_TTL_SECONDS = 25 * 3600
RECENT_SAMPLES = 1000  # durations kept per stage for p50/p95
RECENT_ERRORS = 200
ERROR_RATE_WINDOW_MINUTES = 5
WORKER_STALE_SECONDS = 30.0

# Histogram bucket upper bounds (seconds), shared by the dashboard and /metrics.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _minute(now: float) -> int:
    return int(now // 60) * 60


def _hour(now: float) -> int:
    return int(now // 3600) * 3600


def percentile(samples: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of the samples, None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def index_lags(published: datetime | None, fetched: datetime | None, now: datetime) -> dict[str, float]:
    """Seconds from publication and from fetch to `now` (indexing), per LAG_KINDS; an old article's
    published lag is left out (FRESH_ARTICLE_SECONDS), so a backfill does not read as a "2571 d" lag."""
    lags: dict[str, float] = {}
    if fetched is not None:
        lags["fetched"] = (now - fetched).total_seconds()
    if published is not None:
        reference = fetched or now
        if (reference - published).total_seconds() <= FRESH_ARTICLE_SECONDS:
            lags["published"] = (now - published).total_seconds()
    return lags


@dataclass
class Histogram:
    """Cumulative bucket counts in the Prometheus sense: buckets[i] counts samples <= bounds[i]."""

    bounds: tuple[float, ...]
    buckets: list[int]
    count: int
    sum: float


@dataclass
class WorkerBeat:
    name: str
    queues: list[str]
    active: int = 0
    pid: int = 0
    last_heartbeat: float = field(default_factory=time.time)
    started_at: float = field(default_factory=time.time)


@dataclass
class ErrorRecord:
    at: float
    stage: str
    task: str
    reason: str
    subject: str = ""


@dataclass
class SourceHealth:
    name: str
    paused: bool = False
    last_poll_ok: float | None = None
    last_fetch_ok: float | None = None
    last_failure: float | None = None
    last_error: str | None = None
    articles_24h: int = 0
    failures_24h: int = 0
    robots_24h: int = 0
    failures_total: int = 0
    robots_total: int = 0


class Monitor:
    """Reads and writes every operational figure; one per process, around one Redis client."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    # ---------- writing (stage tasks: each write is queued on `pipe` when given, else sent on its own) ----------

    @contextmanager
    def _writing(self, pipe: redis.client.Pipeline | None) -> Iterator[redis.client.Pipeline]:
        if pipe is not None:
            yield pipe
            return
        with self.redis.pipeline() as own:
            yield own
            own.execute()

    def record_task(
        self,
        stage: str,
        outcome: str,
        duration: float | None = None,
        now: float | None = None,
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """One finished task run: its outcome (succeeded, failed, retried) and how long it ran."""
        now = time.time() if now is None else now
        minute_key = f"{PREFIX}:minute:{_minute(now)}"
        with self._writing(pipe) as pipe:
            pipe.hincrby(TOTALS_KEY, f"{stage}/{outcome}", 1)
            pipe.hincrby(minute_key, f"{stage}/{outcome}", 1)
            pipe.expire(minute_key, MINUTE_TTL_SECONDS)
            if duration is not None:
                self._sample(pipe, f"{PREFIX}:latency:{stage}", LATENCY_BUCKETS, duration)

    def record_lag(self, kind: str, seconds: float, pipe: redis.client.Pipeline | None = None) -> None:
        """Seconds from an article's publication (or its fetch) until it was indexed."""
        with self._writing(pipe) as pipe:
            self._sample(pipe, f"{PREFIX}:lag:{kind}", LAG_BUCKETS, max(0.0, seconds))

    @staticmethod
    def _sample(pipe, key: str, bounds: tuple[float, ...], value: float) -> None:
        pipe.lpush(f"{key}:recent", value)
        pipe.ltrim(f"{key}:recent", 0, RECENT_SAMPLES - 1)
        bucket = next((str(b) for b in bounds if value <= b), "+Inf")
        pipe.hincrby(f"{key}:hist", bucket, 1)
        pipe.hincrby(f"{key}:hist", "count", 1)
        pipe.hincrbyfloat(f"{key}:hist", "sum", value)

    def record_error(self, error: ErrorRecord, pipe: redis.client.Pipeline | None = None) -> None:
        with self._writing(pipe) as pipe:
            pipe.lpush(ERRORS_KEY, json.dumps(asdict(error)))
            pipe.ltrim(ERRORS_KEY, 0, RECENT_ERRORS - 1)

    def record_source(
        self,
        source: str,
        event: str,
        now: float | None = None,
        error: str | None = None,
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """A per-source event: poll_ok, fetch_ok, indexed (an article), failed, robots (a robots.txt refusal)."""
        now = time.time() if now is None else now
        stats_key = f"newsdesk:sources:stats:{source}"
        hour_key = f"newsdesk:sources:hourly:{_hour(now)}"
        with self._writing(pipe) as pipe:
            pipe.sadd(SOURCES_KNOWN_KEY, source)
            if event in ("poll_ok", "fetch_ok"):
                pipe.hset(stats_key, f"last_{event}", now)
            if event in ("indexed", "failed", "robots"):
                pipe.hincrby(hour_key, f"{source}/{event}", 1)
                pipe.expire(hour_key, HOUR_TTL_SECONDS)
            if event in ("failed", "robots"):
                pipe.hincrby(stats_key, f"{event}_total", 1)
                pipe.hset(stats_key, "last_failure", now)
                if error:
                    pipe.hset(stats_key, "last_error", error[:500])

    def beat(self, worker: WorkerBeat) -> None:
        self.redis.hset(WORKERS_KEY, worker.name, json.dumps(asdict(worker)))

    def worker_gone(self, name: str) -> None:
        self.redis.hdel(WORKERS_KEY, name)

    # ---------- reading (dashboard, /metrics) ----------

    def totals(self) -> dict[str, dict[str, int]]:
        """{stage: {outcome: count}} since the stats were last cleared."""
        result: dict[str, dict[str, int]] = {}
        for name, value in self.redis.hgetall(TOTALS_KEY).items():
            stage, _, outcome = _s(name).partition("/")
            result.setdefault(stage, {})[outcome] = int(value)
        return result

    def per_minute(self, minutes: int = 60, now: float | None = None) -> list[tuple[int, dict[str, dict[str, int]]]]:
        """[(minute start, {stage: {outcome: count}})] for the last `minutes` minutes, oldest first."""
        now = time.time() if now is None else now
        starts = [_minute(now) - 60 * n for n in range(minutes - 1, -1, -1)]
        with self.redis.pipeline() as pipe:
            for start in starts:
                pipe.hgetall(f"{PREFIX}:minute:{start}")
            raws = pipe.execute()
        series = []
        for start, raw in zip(starts, raws):
            counts: dict[str, dict[str, int]] = {}
            for name, value in raw.items():
                stage, _, outcome = _s(name).partition("/")
                counts.setdefault(stage, {})[outcome] = int(value)
            series.append((start, counts))
        return series

    def error_rate(self, stage: str, now: float | None = None) -> float | None:
        """Failed / (succeeded + failed) over the last few minutes; None when nothing finished."""
        window = self.per_minute(ERROR_RATE_WINDOW_MINUTES, now)
        failed = sum(counts.get(stage, {}).get("failed", 0) for _, counts in window)
        done = failed + sum(counts.get(stage, {}).get("succeeded", 0) for _, counts in window)
        return failed / done if done else None

    def recent(self, key: str) -> list[float]:
        return [float(v) for v in self.redis.lrange(f"{key}:recent", 0, -1)]

    def latency_samples(self, stage: str) -> list[float]:
        return self.recent(f"{PREFIX}:latency:{stage}")

    def lag_samples(self, kind: str) -> list[float]:
        return self.recent(f"{PREFIX}:lag:{kind}")

    def histogram(self, key: str, bounds: tuple[float, ...]) -> Histogram:
        raw = {_s(k): v for k, v in self.redis.hgetall(f"{key}:hist").items()}
        running, buckets = 0, []
        for bound in bounds:
            running += int(raw.get(str(bound), 0))
            buckets.append(running)
        return Histogram(bounds=bounds, buckets=buckets, count=int(raw.get("count", 0)), sum=float(raw.get("sum", 0.0)))

    def latency_histogram(self, stage: str) -> Histogram:
        return self.histogram(f"{PREFIX}:latency:{stage}", LATENCY_BUCKETS)

    def lag_histogram(self, kind: str) -> Histogram:
        return self.histogram(f"{PREFIX}:lag:{kind}", LAG_BUCKETS)

    def in_flight(self, now: float | None = None) -> LedgerStats:
        """The in-flight ledger's figures (accepted articles not yet at an end, re-sends)."""
        from newsdesk.ops.ledger import Ledger

        return Ledger(self.redis, stuck_after=0).stats(now)

    def recent_errors(self, limit: int = 20, stage: str | None = None) -> list[ErrorRecord]:
        errors = [ErrorRecord(**json.loads(raw)) for raw in self.redis.lrange(ERRORS_KEY, 0, RECENT_ERRORS - 1)]
        return [e for e in errors if stage is None or e.stage == stage][:limit]

    def workers(self, now: float | None = None, stale_after: float = WORKER_STALE_SECONDS) -> list[WorkerBeat]:
        """Workers whose last heartbeat is recent enough to call them online."""
        now = time.time() if now is None else now
        beats = [WorkerBeat(**json.loads(raw)) for raw in self.redis.hvals(WORKERS_KEY)]
        return sorted((b for b in beats if now - b.last_heartbeat <= stale_after), key=lambda b: b.name)

    def sources(self, now: float | None = None, configured: Mapping[str, bool] | None = None) -> list[SourceHealth]:
        """Health of every source seen in task traffic or configured, with its last-24-hour counts.

        `configured` maps each source of the registry to whether it is paused; the registry owns pausing.
        """
        now = time.time() if now is None else now
        configured = configured or {}
        names = sorted({_s(n) for n in self.redis.smembers(SOURCES_KNOWN_KEY)} | set(configured))
        hours = [_hour(now) - 3600 * n for n in range(24)]
        with self.redis.pipeline() as pipe:
            for hour in hours:
                pipe.hgetall(f"newsdesk:sources:hourly:{hour}")
            for name in names:
                pipe.hgetall(f"newsdesk:sources:stats:{name}")
            raws = pipe.execute()
        hourly: dict[str, int] = {}
        for raw in raws[: len(hours)]:
            for key, value in raw.items():
                hourly[_s(key)] = hourly.get(_s(key), 0) + int(value)
        result = []
        for name, raw in zip(names, raws[len(hours) :]):
            stats = {_s(k): _s(v) for k, v in raw.items()}

            def as_time(key: str, stats: dict[str, str] = stats) -> float | None:
                return float(stats[key]) if key in stats else None

            result.append(
                SourceHealth(
                    name=name,
                    paused=configured.get(name, False),
                    last_poll_ok=as_time("last_poll_ok"),
                    last_fetch_ok=as_time("last_fetch_ok"),
                    last_failure=as_time("last_failure"),
                    last_error=stats.get("last_error"),
                    articles_24h=hourly.get(f"{name}/indexed", 0),
                    failures_24h=hourly.get(f"{name}/failed", 0),
                    robots_24h=hourly.get(f"{name}/robots", 0),
                    failures_total=int(stats.get("failed_total", 0)),
                    robots_total=int(stats.get("robots_total", 0)),
                )
            )
        return result
