"""What waits in the Celery queues, read straight from kombu's Redis transport.

kombu keeps each queue as a Redis list (LPUSH in, BRPOP out, so the oldest message is at the tail;
messages sent with a priority go to `<queue>\\x06\\x16<n>` lists), and every message a worker has
taken but not acknowledged in the `unacked` hash: running tasks and, because of acks_late,
retries waiting out their countdown (their `eta` header lies in the future).
"""

from __future__ import annotations

import json
import time

import redis
from pydantic import Field, computed_field
from pydantic.dataclasses import dataclass

from newsdesk.dates import parse_iso_datetime
from workers.queues import ENQUEUED_AT_HEADER

UNACKED_KEY = "unacked"
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
# Unacked entries read per look (the hash holds one per running or retry-waiting task): bounds the
# dashboard's cost when a backlog of retries waits out an outage. Beyond it, counts are a sample.
UNACKED_READ_LIMIT = 5000


@dataclass
class QueueState:
    """One queue as the dashboard shows it (also its API shape: a pydantic dataclass, so no copy of it)."""

    name: str
    ready: int = Field(default=0, description="waiting in the queue for a worker")
    reserved: int = Field(default=0, description="taken by a worker: running or prefetched, not yet acknowledged")
    delayed: int = Field(default=0, description="taken by a worker and held until a retry countdown ends")
    oldest_age_seconds: float | None = Field(default=None, description="age of the oldest task still waiting")

    @property
    def unacked(self) -> int:
        """In flight: taken by a worker but not acknowledged, so it comes back if that worker dies."""
        return self.reserved + self.delayed

    @computed_field(description="ready + reserved + delayed")  # type: ignore[prop-decorator]
    @property
    def depth(self) -> int:
        return self.ready + self.reserved + self.delayed


def _unacked_values(client: redis.Redis, limit: int) -> list[bytes | str]:
    if client.hlen(UNACKED_KEY) <= limit:
        return client.hvals(UNACKED_KEY)
    values = []
    for _tag, raw in client.hscan_iter(UNACKED_KEY, count=500):
        values.append(raw)
        if len(values) >= limit:
            break
    return values


def _eta(headers: dict) -> float | None:
    eta = parse_iso_datetime(headers.get("eta"))
    return eta.timestamp() if eta else None


def inspect_queues(
    client: redis.Redis, queues: tuple[str, ...] | list[str], now: float | None = None
) -> list[QueueState]:
    now = time.time() if now is None else now
    lists = {q: [q, *(f"{q}{PRIORITY_SEP}{p}" for p in PRIORITY_STEPS)] for q in queues}
    with client.pipeline() as pipe:
        for q in queues:
            for key in lists[q]:
                pipe.llen(key)
            pipe.lindex(q, -1)
        results = pipe.execute()
    states, i = {}, 0
    for q in queues:
        ready = sum(int(n) for n in results[i : i + len(lists[q])])
        oldest = results[i + len(lists[q])]
        i += len(lists[q]) + 1
        state = QueueState(name=q, ready=ready)
        if oldest:
            try:
                enqueued = json.loads(oldest).get("headers", {}).get(ENQUEUED_AT_HEADER)
            except ValueError:
                enqueued = None
            if enqueued:
                state.oldest_age_seconds = max(0.0, now - float(enqueued))
        states[q] = state
    for raw in _unacked_values(client, UNACKED_READ_LIMIT):
        try:
            message, _exchange, routing_key = json.loads(raw)
        except ValueError:
            continue
        unacked_state = states.get(routing_key)
        if unacked_state is None:
            continue
        eta = _eta(message.get("headers") or {})
        if eta is not None and eta > now:
            unacked_state.delayed += 1
        else:
            unacked_state.reserved += 1
    return [states[q] for q in queues]
