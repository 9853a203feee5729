"""The remote-control command behind the dashboard's worker page: pool, queues, tasks in progress, memory.

One broadcast (`newsdesk_worker`) answers everything the page shows, so a page costs one round of replies,
bounded by the caller's timeout (a dead worker simply does not answer). Registered when `workers` loads.
"""

from __future__ import annotations

import resource
from typing import Any

import psutil
from celery.worker import state as worker_state
from celery.worker.control import inspect_command


def _tree_rss(process: psutil.Process) -> int:
    """Resident bytes of the worker and its pool processes (prefork children hold most of it)."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:  # a child recycled meanwhile
            continue
    return total


def _task(request: Any) -> dict[str, Any]:
    kwargs = request.kwargs if isinstance(request.kwargs, dict) else {}
    args = request.args if isinstance(request.args, (list, tuple)) else []
    url = kwargs.get("url") or (args[0] if args and isinstance(args[0], str) else None)
    return {"id": request.id, "name": request.name, "url": url, "started_at": request.time_start}


@inspect_command(name="newsdesk_worker")
def newsdesk_worker(state: Any) -> dict[str, Any]:
    """newsdesk's worker page: pool, concurrency, queues, tasks in progress, processed counts, memory, uptime."""
    consumer = state.consumer
    stats = consumer.controller.stats()
    pool = stats.get("pool") or {}
    implementation = str(pool.get("implementation", "?"))
    return {
        "pid": stats.get("pid"),
        "pool": implementation.rpartition(":")[0].rpartition(".")[2] or implementation,
        "concurrency": pool.get("max-concurrency"),
        "processes": pool.get("processes") or [],
        "queues": sorted(queue.name for queue in consumer.task_consumer.queues),
        "processed": dict(stats.get("total") or {}),
        "uptime_seconds": stats.get("uptime"),
        "rss_bytes": _tree_rss(psutil.Process()),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # Linux reports KiB
        "active": [_task(request) for request in list(worker_state.active_requests)],
        "reserved": len(worker_state.reserved_requests) - len(worker_state.active_requests),
    }
