"""API shapes of the dashboard's JSON: the overview the page polls, dead letters, admin action results."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class QueueOut(BaseModel):
    name: str
    depth: int = Field(description="ready + reserved + delayed")
    ready: int = Field(description="waiting in the queue for a worker")
    reserved: int = Field(description="taken by a worker: running or prefetched, not yet acknowledged")
    delayed: int = Field(description="taken by a worker and held until a retry countdown ends")
    oldest_age_seconds: float | None = Field(description="age of the oldest task still waiting")


class ErrorOut(BaseModel):
    at: float
    stage: str
    task: str
    reason: str
    subject: str


class StageOut(BaseModel):
    name: str
    totals: dict[str, int] = Field(description="succeeded, failed, retried since stats were cleared")
    per_minute: dict[str, float] = Field(description="average per minute over the last 5 minutes, by outcome")
    latency_p50: float | None = Field(description="seconds, over the recent runs")
    latency_p95: float | None
    latency_samples: int
    error_rate: float | None = Field(description="failed / finished over the last 5 minutes")
    last_errors: list[ErrorOut]


class Throughput(BaseModel):
    minutes: list[int] = Field(description="unix time of each minute's start, oldest first (last hour)")
    series: dict[str, dict[str, list[int]]] = Field(description="stage -> outcome -> count per minute")


class WorkerOut(BaseModel):
    name: str
    queues: list[str]
    active: int = Field(description="tasks in progress")
    last_heartbeat: float
    seconds_since_heartbeat: float


class LagOut(BaseModel):
    p50: float | None
    p95: float | None
    samples: int


class SourceOut(BaseModel):
    name: str
    paused: bool
    last_poll_ok: float | None
    last_fetch_ok: float | None
    last_failure: float | None
    last_error: str | None
    articles_24h: int
    failures_24h: int
    robots_24h: int


class InFlightOut(BaseModel):
    articles: int = Field(description="accepted articles not yet at an end (the ledger, newsdesk/ops/ledger.py)")
    oldest_age_seconds: float | None = Field(description="the longest an article has waited at its current stage")
    resent_total: int = Field(description="work the reconciler re-sent after it was lost in transit")
    lost_total: int = Field(description="work lost in transit too often, now dead letters")


class Overview(BaseModel):
    generated_at: float
    queues: list[QueueOut]
    stages: list[StageOut]
    throughput: Throughput
    workers: list[WorkerOut]
    lag: dict[str, LagOut] = Field(description="published -> indexed and fetched -> indexed, seconds")
    dead_letters: int
    in_flight: InFlightOut
    sources: list[SourceOut]
    admin_enabled: bool = Field(description="false when no NEWSDESK_ADMIN_KEY is configured")


class DeadLetterOut(BaseModel):  # type: ignore[no-redef]  # a field named kwargs meets the plugin's __init__(**kwargs)
    id: str
    task: str
    args: list[Any]
    kwargs: dict[str, Any]
    error: str
    traceback: str
    queue: str
    retries: int
    failed_at: float


class FailureGroupOut(BaseModel):
    key: str = Field(description="stable id of the group: POST /ops/api/deadletters/groups/{key}/retry")
    task: str
    cause: str = Field(description="the error with its URLs, numbers, ids and quoted values blanked")
    count: int
    newest_at: float
    example: str


class DeadLetterPage(BaseModel):
    count: int
    data: list[DeadLetterOut]


class Selection(BaseModel):
    ids: list[str] = Field(default_factory=list, max_length=10_000)
    all: bool = Field(default=False, description="act on every dead letter, ignoring ids")


class ActionResult(BaseModel):
    action: str
    done: list[str]
    count: int


class LineageEventOut(BaseModel):
    at: float
    event: str = Field(
        description="accepted, fetched, not modified, parsed, indexed, retrying, re-sent, refused, dead letter"
    )
    stage: str
    detail: str


class UrlLineageOut(BaseModel):
    url: str
    in_flight_at: str | None = Field(description="the stage it waits at, when still in flight (the ledger)")
    events: list[LineageEventOut] = Field(description="oldest first, the last 50, kept a week")
