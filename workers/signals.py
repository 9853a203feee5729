"""Celery signal handlers that feed the operator dashboard: outcomes, latency, lag, errors, sources, heartbeats.

Every handler writes through newsdesk.ops.monitoring.Monitor and never lets a monitoring failure reach a task.
The task id is bound into log context (`%(task_id)s` on every log record) while a task runs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
    worker_ready,
    worker_shutdown,
)
from celery.worker import state as worker_state

from newsdesk.connections import connect_redis
from newsdesk.dates import parse_iso_datetime
from newsdesk.ops.monitoring import ErrorRecord, Monitor, WorkerBeat, index_lags
from newsdesk.settings import get_settings
from workers import queues
from workers.queues import FETCH_TASK, INDEX_TASK, POLL_TASK, TASK_ROUTES

log = logging.getLogger(__name__)

ENQUEUED_AT_HEADER = "newsdesk_enqueued_at"  # unix time the message was published; read by the dashboard
HEARTBEAT_SECONDS = 2.0

current_task_id: ContextVar[str] = ContextVar("current_task_id", default="-")
_started: dict[str, float] = {}
_monitor: tuple[int, Monitor] | None = None


def monitor() -> Monitor:
    """One Monitor per process (re-created after a fork)."""
    global _monitor
    if _monitor is None or _monitor[0] != os.getpid():
        client = connect_redis(get_settings().redis_url)
        _monitor = (os.getpid(), Monitor(client))
    return _monitor[1]


def stage_of(task_name: str) -> str:
    return TASK_ROUTES.get(task_name, {}).get("queue", "other")


POLL_SOURCE_TASK = getattr(queues, "POLL_SOURCE_TASK", "newsdesk.poll_source")  # the source registry's poll
POLL_TASKS = (POLL_TASK, POLL_SOURCE_TASK)


def source_of(task_name: str, args: tuple | list, kwargs: dict[str, Any]) -> str | None:
    """The source a poll or fetch task works for: poll_source(name), poll_feed/fetch_article(url, source)."""
    if task_name == POLL_SOURCE_TASK:
        return args[0] if args else kwargs.get("name")
    if kwargs.get("source"):
        return kwargs["source"]
    return args[1] if len(args) > 1 and isinstance(args[1], str) else None


def _safely(handler):
    def wrapper(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception:  # monitoring must never fail a task
            log.warning("monitoring handler %s failed", handler.__name__, exc_info=True)

    wrapper.__name__ = handler.__name__
    return wrapper


# ---------- log context ----------

_base_factory = logging.getLogRecordFactory()


def _record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.task_id = current_task_id.get()
    return record


logging.setLogRecordFactory(_record_factory)


# ---------- publishing ----------


@before_task_publish.connect
def stamp_enqueue_time(headers: dict | None = None, **_: Any) -> None:
    if headers is not None:
        headers[ENQUEUED_AT_HEADER] = time.time()


# ---------- task life cycle ----------


@task_prerun.connect
def on_prerun(task_id: str | None = None, **_: Any) -> None:
    _started[task_id or "-"] = time.monotonic()
    current_task_id.set(task_id or "-")


@task_postrun.connect
@_safely
def on_postrun(task_id: str | None = None, task=None, state: str | None = None, **_: Any) -> None:
    """Count the run once, by outcome: a dead-lettered run finished 'successfully' but failed."""
    current_task_id.set("-")
    started = _started.pop(task_id or "-", None)
    duration = time.monotonic() - started if started is not None else None
    if state == "RETRY":
        outcome = "retried"
    elif state == "SUCCESS" and not getattr(task.request, "dead_letter_reason", None):
        outcome = "succeeded"
    else:
        outcome = "failed"
    monitor().record_task(stage_of(task.name), outcome, duration)


@task_success.connect
@_safely
def on_success(sender=None, **_: Any) -> None:
    request = sender.request
    args, kwargs = list(request.args or []), dict(request.kwargs or {})
    reason = getattr(request, "dead_letter_reason", None)
    if reason:
        _record_failure(sender, reason, getattr(request, "dead_letter_kind", ""), args, kwargs)
        return
    refusal = getattr(request, "refusal", None)  # a deliberate refusal (robots.txt, size...): not an error
    if refusal and (source := source_of(sender.name, args, kwargs)):
        monitor().record_source(source, "robots" if refusal[0] == "robots" else "failed", error=refusal[1])
    elif sender.name in (*POLL_TASKS, FETCH_TASK) and (source := source_of(sender.name, args, kwargs)):
        monitor().record_source(source, "poll_ok" if sender.name in POLL_TASKS else "fetch_ok")
    elif sender.name == INDEX_TASK and isinstance(article := (args[0] if args else kwargs.get("article")), dict):
        _record_indexed(article)


@task_failure.connect
@_safely
def on_failure(sender=None, exception: BaseException | None = None, args=None, kwargs=None, **_: Any) -> None:
    """An exception escaped the task (StageTask normally turns them into dead letters)."""
    _record_failure(
        sender,
        f"{type(exception).__name__}: {exception}",
        getattr(exception, "reason", ""),
        list(args or []),
        dict(kwargs or {}),
    )


@task_retry.connect
@_safely
def on_retry(sender=None, request=None, reason=None, **_: Any) -> None:
    """A retry is the stage's latest error too: an operator sees why work waits (a missing alias, a 503 host)."""
    log.info("retrying %s: %s", getattr(request, "task", "?"), reason)
    task_name = str(getattr(sender, "name", None) or getattr(request, "task", "?"))
    kwargs, args = dict(getattr(request, "kwargs", None) or {}), list(getattr(request, "args", None) or [])
    subject = kwargs.get("url") or (str(args[0]) if args and not isinstance(args[0], dict) else "")
    monitor().record_error(
        ErrorRecord(
            at=time.time(),
            stage=stage_of(task_name),
            task=task_name,
            reason=f"retrying: {reason}"[:1000],
            subject=str(subject)[:300],
        )
    )


def _record_failure(task, reason: str, kind: str, args: list, kwargs: dict) -> None:
    first = args[0] if args else kwargs.get("url") or kwargs.get("page_key") or kwargs.get("article") or ""
    subject = str(first.get("url", "") if isinstance(first, dict) else first)[:300]
    monitor().record_error(
        ErrorRecord(at=time.time(), stage=stage_of(task.name), task=task.name, reason=reason[:1000], subject=subject)
    )
    if task.name in (*POLL_TASKS, FETCH_TASK) and (source := source_of(task.name, args, kwargs)):
        monitor().record_source(source, "robots" if "robots" in (kind or "") else "failed", error=reason)


def _record_indexed(article: dict[str, Any]) -> None:
    lags = index_lags(
        parse_iso_datetime(article.get("published_at")),
        parse_iso_datetime(article.get("fetched_at")),
        datetime.now(UTC),
    )
    for kind, seconds in lags.items():
        monitor().record_lag(kind, seconds)
    if article.get("source"):
        monitor().record_source(article["source"], "indexed")


# ---------- worker heartbeats ----------


class _Heartbeat(threading.Thread):
    def __init__(self, name: str, queues: list[str]):
        super().__init__(name="newsdesk-heartbeat", daemon=True)
        self.beat = WorkerBeat(name=name, queues=queues, pid=os.getpid())
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.beat.active = len(worker_state.active_requests)
                self.beat.last_heartbeat = time.time()
                monitor().beat(self.beat)
            except Exception:
                log.warning("worker heartbeat failed", exc_info=True)
            self.stopped.wait(HEARTBEAT_SECONDS)


_heartbeat: _Heartbeat | None = None


@worker_ready.connect
@_safely
def on_worker_ready(sender=None, **_: Any) -> None:
    global _heartbeat
    queues = sorted(sender.app.amqp.queues.consume_from or sender.app.amqp.queues)
    _heartbeat = _Heartbeat(sender.hostname, queues)
    _heartbeat.start()


@worker_shutdown.connect
@_safely
def on_worker_shutdown(sender=None, **_: Any) -> None:
    if _heartbeat is not None:
        _heartbeat.stopped.set()
        monitor().worker_gone(_heartbeat.beat.name)
