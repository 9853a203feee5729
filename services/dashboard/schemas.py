"""API shapes of the dashboard's JSON: the overview the page polls, dead letters, admin action results.

Records that exist in the domain (an error, a worker's heartbeat, a source's health, a dead letter, a failure
group, a lineage event, the ledger's figures) are served as those dataclasses themselves: pydantic builds their
schema from the dataclass fields (descriptions from each field's metadata), so each shape has one definition.
Only what the dashboard assembles from several of them is declared here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from newsdesk.ops.deadletters import DeadLetter
from newsdesk.ops.ledger import LedgerStats
from newsdesk.ops.lineage import Event
from newsdesk.ops.monitoring import ErrorRecord, SourceHealth, WorkerBeat
from services.dashboard.broker import QueueState
from services.dashboard.workers import WorkerDetail


class StageOut(BaseModel):
    name: str
    totals: dict[str, int] = Field(description="succeeded, failed, retried since stats were cleared")
    per_minute: dict[str, float] = Field(description="average per minute over the last 5 minutes, by outcome")
    latency_p50: float | None = Field(description="seconds, over the recent runs")
    latency_p95: float | None
    latency_samples: int
    error_rate: float | None = Field(description="failed / finished over the last 5 minutes")
    last_errors: list[ErrorRecord]


class Throughput(BaseModel):
    minutes: list[int] = Field(description="unix time of each minute's start, oldest first (last hour)")
    series: dict[str, dict[str, list[int]]] = Field(description="stage -> outcome -> count per minute")


class LagOut(BaseModel):
    p50: float | None
    p95: float | None
    samples: int


class Overview(BaseModel):
    generated_at: float
    queues: list[QueueState]
    stages: list[StageOut]
    throughput: Throughput
    workers: list[WorkerBeat] = Field(description="workers whose heartbeat is recent (newsdesk/ops/monitoring.py)")
    lag: dict[str, LagOut] = Field(description="published -> indexed and fetched -> indexed, seconds")
    dead_letters: int
    in_flight: LedgerStats = Field(description="the in-flight ledger (newsdesk/ops/ledger.py)")
    sources: list[SourceHealth]
    admin_enabled: bool = Field(description="false when no NEWSDESK_ADMIN_KEY is configured")


class DeadLetterPage(BaseModel):
    count: int
    data: list[DeadLetter]


class Selection(BaseModel):
    ids: list[str] = Field(default_factory=list, max_length=10_000)
    all: bool = Field(default=False, description="act on every dead letter, ignoring ids")


class ActionResult(BaseModel):
    action: str
    done: list[str]
    count: int


class UrlLineage(BaseModel):
    url: str
    in_flight_at: str | None = Field(description="the stage it waits at, when still in flight (the ledger)")
    events: list[Event] = Field(description="oldest first, the last 50, kept a week")


class WorkerList(BaseModel):
    workers: list[WorkerDetail] = Field(description="every worker that answered, and every recent heartbeat")
    answered_within: float = Field(description="seconds the broadcast waited for replies")
