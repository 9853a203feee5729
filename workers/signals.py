"""Celery signal handlers: the enqueue time on every message, the task id on every log record, worker heartbeats.

A task's outcome (succeeded, retried, failed, dead letter) is recorded by the task itself (workers/base.py),
from its own arguments, in the round trip of its bookkeeping; what is left here has no task body to live in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextvars import ContextVar
from typing import Any

from celery.signals import (
    before_task_publish,
    celeryd_init,
    task_postrun,
    task_prerun,
    worker_ready,
    worker_shutdown,
)
from celery.worker import state as worker_state

from newsdesk.connections import connect_redis
from newsdesk.ops.monitoring import Monitor, WorkerBeat
from newsdesk.settings import get_settings
from workers.queues import ENQUEUED_AT_HEADER

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0

current_task_id: ContextVar[str] = ContextVar("current_task_id", default="-")
_monitor: tuple[int, Monitor] | None = None


def monitor() -> Monitor:
    """One Monitor per process (re-created after a fork)."""
    global _monitor
    if _monitor is None or _monitor[0] != os.getpid():
        client = connect_redis(get_settings().redis_url)
        _monitor = (os.getpid(), Monitor(client))
    return _monitor[1]


def _safely(handler):
    def wrapper(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception:  # monitoring must never fail a worker
            log.warning("monitoring handler %s failed", handler.__name__, exc_info=True)

    wrapper.__name__ = handler.__name__
    return wrapper


# ---------- log context ----------

_base_factory = logging.getLogRecordFactory()


def _record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.task_id = current_task_id.get()
    return record


@celeryd_init.connect
def install_task_id_on_log_records(**_: Any) -> None:
    # Only in a worker: the API and CLI import this package too, and their log records are their own.
    logging.setLogRecordFactory(_record_factory)


@task_prerun.connect
def bind_task_id(task_id: str | None = None, **_: Any) -> None:
    current_task_id.set(task_id or "-")


@task_postrun.connect
def unbind_task_id(**_: Any) -> None:
    current_task_id.set("-")


# ---------- publishing ----------


@before_task_publish.connect
def stamp_enqueue_time(headers: dict | None = None, **_: Any) -> None:
    if headers is not None:
        headers[ENQUEUED_AT_HEADER] = time.time()


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
