"""The worker drill-down: every worker's pool, queues, tasks in progress, counts and memory.

Asked over the broker with one broadcast of `newsdesk_worker` (workers/inspection.py), waiting at most
INSPECT_TIMEOUT seconds, so a dead or wedged worker never hangs the page; workers whose heartbeat
(newsdesk/ops/monitoring.py) is recent but that did not answer are listed too, as not answering.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import Field
from pydantic.dataclasses import dataclass

from newsdesk.ops.monitoring import Monitor

INSPECT_TIMEOUT = 1.0  # seconds a broadcast waits for replies


@dataclass
class TaskInProgress:
    id: str
    name: str
    url: str | None
    started_at: float | None
    runtime_seconds: float | None


@dataclass
class WorkerDetail:
    name: str
    answered: bool = Field(description="replied to the broadcast within the timeout")
    last_heartbeat: float | None = Field(default=None, description="newsdesk's heartbeat (every 2 s while running)")
    pid: int | None = None
    pool: str | None = Field(default=None, description="prefork, threads, solo, ...")
    concurrency: int | None = None
    processes: list[int] = Field(default_factory=list, description="pool child pids (prefork)")
    queues: list[str] = Field(default_factory=list)
    active: list[TaskInProgress] = Field(default_factory=list, description="tasks in progress")
    reserved: int = Field(default=0, description="prefetched, not yet started")
    processed: dict[str, int] = Field(default_factory=dict, description="tasks run since start, by name")
    rss_bytes: int | None = Field(default=None, description="resident memory of the worker and its pool processes")
    peak_rss_bytes: int | None = Field(default=None, description="the main process's peak")
    uptime_seconds: float | None = None


def _detail(name: str, reply: dict[str, Any], now: float) -> WorkerDetail:
    active = [
        TaskInProgress(
            id=str(task.get("id")),
            name=str(task.get("name")),
            url=task.get("url"),
            started_at=task.get("started_at"),
            runtime_seconds=max(0.0, now - task["started_at"]) if task.get("started_at") else None,
        )
        for task in reply.get("active") or []
    ]
    fields = {k: reply[k] for k in WorkerDetail.__dataclass_fields__ if k in reply and k not in ("name", "active")}
    return WorkerDetail(name=name, answered=True, active=active, **fields)


def broadcast(app: Any, destination: list[str] | None, timeout: float) -> dict[str, dict[str, Any]]:
    """name -> reply of every worker that answered within `timeout` (stops early once each destination did)."""
    replies = app.control.broadcast(
        "newsdesk_worker",
        reply=True,
        timeout=timeout,
        destination=destination,
        limit=len(destination) if destination else None,
    )
    answered: dict[str, dict[str, Any]] = {}
    for reply in replies or []:
        for name, body in reply.items():
            if isinstance(body, dict) and "error" not in body:
                answered[name] = body
    return answered


def inspect_workers(
    app: Any, monitor: Monitor, name: str | None = None, timeout: float = INSPECT_TIMEOUT
) -> list[WorkerDetail]:
    """Every worker (or the one named), those answering first, by name."""
    now = time.time()
    beats = {beat.name: beat for beat in monitor.workers(now)}
    replies = broadcast(app, [name] if name else None, timeout)
    details = []
    for worker in sorted(set(replies) | set(beats)):
        if name and worker != name:
            continue
        beat = beats.get(worker)
        if worker in replies:
            detail = _detail(worker, replies[worker], now)
        else:
            detail = WorkerDetail(name=worker, answered=False, pid=beat.pid if beat else None)
            detail.queues = list(beat.queues) if beat else []
        detail.last_heartbeat = beat.last_heartbeat if beat else None
        details.append(detail)
    return sorted(details, key=lambda d: (not d.answered, d.name))
