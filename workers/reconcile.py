"""Runs the ledger's reconciler (newsdesk/ops/ledger.py) in every worker, so no beat process is needed.

A thread started on worker_ready tries a pass every NEWSDESK_RECONCILE_INTERVAL seconds; a Redis lock
(SET NX EX, left to expire) lets one worker of the whole cluster run each interval. The same thread prunes
expired crawl state (newsdesk/ops/retention.py) once an hour.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery.signals import worker_ready, worker_shutdown

from newsdesk.connections import redis_client
from newsdesk.ops.ledger import Ledger, Reconciler, ReconcileReport, Work
from newsdesk.ops.retention import prune_if_due
from newsdesk.settings import get_settings
from workers.base import ARTICLE_TASKS, queue_of
from workers.celery_app import app
from workers.queues import FETCH_TASK, PROCESSING_QUEUES

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600


def publish_work(work: Work) -> None:
    app.send_task(work.task, kwargs=work.kwargs, queue=work.queue)


def publish_recorded(task_name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Send an article's task from outside a stage (a dead letter retried from /ops), its ledger entry first,
    so that message too is re-sent if it is lost."""
    url = kwargs.get("url")
    if task_name in ARTICLE_TASKS and isinstance(url, str):
        settings = get_settings()
        ledger = Ledger(redis_client(settings.redis_url), settings.effective_reconcile_stuck_after)
        resend = {**kwargs, "unconditional": True} if task_name == FETCH_TASK else kwargs
        queue = queue_of(task_name)
        with ledger.redis.pipeline(transaction=True) as pipe:
            ledger.record(pipe, Work(url=url, stage=queue, task=task_name, kwargs=resend, queue=queue))
            pipe.execute()
    app.send_task(task_name, args=args, kwargs=kwargs)


def reconciler() -> Reconciler:
    settings = get_settings()
    ledger = Ledger(redis_client(settings.redis_url), settings.effective_reconcile_stuck_after)
    return Reconciler(
        ledger,
        publish_work,
        PROCESSING_QUEUES,
        max_resends=settings.reconcile_max_resends,
        scan_limit=settings.reconcile_scan_limit,
    )


def reconcile_if_due() -> ReconcileReport | None:
    """One pass unless another process ran one within the interval (then None)."""
    found = reconciler()
    if not found.acquire(get_settings().reconcile_interval):
        return None
    return found.run_once()


def prune_expired_state() -> None:
    settings = get_settings()
    pruned = prune_if_due(
        redis_client(settings.redis_url),
        settings.crawl_log_retention_days,
        settings.seen_retention_days,
        PRUNE_EVERY_SECONDS,
    )
    if pruned and (pruned.crawl_log or pruned.seen):
        log.info("pruned %d crawl-log and %d seen-set entries past retention", pruned.crawl_log, pruned.seen)


class _ReconcileLoop(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="newsdesk-reconciler", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = get_settings().reconcile_interval
        while not self.stopped.wait(interval):
            try:
                reconcile_if_due()
            except Exception:  # Redis down: the next pass tries again
                log.warning("reconciler pass failed", exc_info=True)
            try:
                prune_expired_state()
            except Exception:  # Redis down: the next hour tries again
                log.warning("pruning expired crawl state failed", exc_info=True)


_loop: _ReconcileLoop | None = None


@worker_ready.connect
def start_reconciler(**_: Any) -> None:
    global _loop
    if _loop is None:
        _loop = _ReconcileLoop()
        _loop.start()


@worker_shutdown.connect
def stop_reconciler(**_: Any) -> None:
    if _loop is not None:
        _loop.stopped.set()
