"""The one Celery app: Redis broker, one queue per stage, at-least-once delivery."""

from __future__ import annotations

import orjson
from celery import Celery
from kombu import Queue
from kombu.serialization import register

from newsdesk.settings import get_settings
from workers.broker import celery_redis_options
from workers.queues import PROCESSING_QUEUES, TASK_ROUTES

# Task messages in orjson: the same JSON on the wire (the ledger and the dashboard read it as JSON), encoded and
# decoded several times faster than kombu's json, which runs every dict through a Python object hook.
register("orjson", orjson.dumps, orjson.loads, content_type="application/x-orjson", content_encoding="binary")

settings = get_settings()
app = Celery("newsdesk")
app.conf.update(
    # broker_url, broker_transport_options (visibility timeout, Sentinel master) and the RedBeat URL/options.
    **celery_redis_options(settings.redis_url, settings.effective_visibility_timeout),
    task_queues=[Queue(name) for name in PROCESSING_QUEUES],
    task_default_queue=PROCESSING_QUEUES[0],
    task_routes=TASK_ROUTES,
    task_serializer="orjson",
    accept_content=["orjson", "json"],  # json: messages queued before orjson, and other producers
    task_ignore_result=True,
    # At-least-once: a task is acknowledged only after it ran, and re-queued if its worker dies.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_time_limit=settings.task_time_limit,
    task_soft_time_limit=max(1, settings.task_time_limit - 10),
    worker_prefetch_multiplier=1,
    # broker_transport_options' visibility_timeout (above): a task not acknowledged within this time is
    # delivered again (a SIGKILLed worker's work comes back after it); derived from the time limit and the
    # backoff cap so a waiting retry is not duplicated.
    # Explicit (Celery 5's default). In kill -9 Redis trials 2 of 8 tasks running at the kill were lost
    # with this True and with it False alike, so the loss is elsewhere (README, Reliability: open).
    worker_cancel_long_running_tasks_on_connection_loss=False,
    broker_connection_retry_on_startup=True,
    # No task events: nothing of ours reads them (/ops has its own counters, workers/base.py), and each was a
    # Redis PUBLISH per task state (received, started, succeeded) plus one per message sent. Flower turns them
    # on in the workers it watches (its enable_events); worker heartbeats are sent either way (workers/health.py).
    worker_send_task_events=False,
    task_send_sent_event=False,
    beat_schedule={},
    # Sources are RedBeat entries in Redis, so they can change while beat runs (workers/sources.py).
    beat_scheduler="redbeat.RedBeatScheduler",
    beat_max_loop_interval=5,  # how soon beat notices a source added, changed or resumed
    # workers/signals.py puts the running task's id on every log record.
    worker_log_format="[%(asctime)s: %(levelname)s/%(processName)s] [%(task_id)s] %(message)s",
)
