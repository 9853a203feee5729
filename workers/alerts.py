"""Alert tasks (queue `alerts`): after an index batch, each saved search with a webhook gets its new matches.

The index task only schedules a check (one per second of indexing at most, a Redis SET NX); the check fans
out one delivery task per webhook, so a slow or failing receiver is retried on its own and never holds up
the indexer or the other receivers.
"""

from __future__ import annotations

import time
from functools import cached_property

import redis

from newsdesk.errors import TransientError
from newsdesk.index.alerts import deliver_new_matches
from newsdesk.index.saved import WEBHOOKS_KEY, RedisSavedSearches
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import ALERT_DELIVER_TASK, ALERTS_CHECK_TASK

# Runs this long after the batch that asked for it: Elasticsearch makes a write searchable within its 1 s
# refresh interval, so every article of that second of indexing is visible to the check.
CHECK_DELAY = 2.0
SCHEDULED_KEY = "newsdesk:alerts:scheduled"
LOCK_KEY = "newsdesk:alerts:delivering"
DELIVERY_LOCK_SECONDS = 300  # outlives the task time limit, so a killed worker's lock expires on its own


def schedule_alert_check(client: redis.Redis) -> None:
    """Ask for a check of the saved searches after an index batch; one per second of indexing, and none
    while no saved search has a webhook (so nothing waits on `alerts` where no worker consumes it)."""
    if not client.scard(WEBHOOKS_KEY):
        return
    if client.set(f"{SCHEDULED_KEY}:{int(time.time())}", 1, nx=True, ex=60):
        app.send_task(ALERTS_CHECK_TASK, countdown=CHECK_DELAY)


class AlertTask(StageTask):
    @cached_property
    def saved_searches(self) -> RedisSavedSearches:
        return RedisSavedSearches(self.redis)


@app.task(name=ALERTS_CHECK_TASK, base=AlertTask, bind=True)
def check_saved_searches(self: AlertTask) -> None:
    with self.stage(None, "saved searches"):
        for search in self.saved_searches.all():
            if search.webhook_url:
                app.send_task(ALERT_DELIVER_TASK, kwargs={"search_id": search.id})


@app.task(name=ALERT_DELIVER_TASK, base=AlertTask, bind=True)
def deliver_alerts(self: AlertTask, search_id: str) -> None:
    with self.stage(None, f"saved search {search_id}"):
        # One delivery per saved search at a time, so two checks close together cannot both send an article.
        lock = self.redis.lock(f"{LOCK_KEY}:{search_id}", timeout=DELIVERY_LOCK_SECONDS)
        if not lock.acquire(blocking=False):
            raise TransientError(f"saved search {search_id}: another delivery is running")
        try:
            deliver_new_matches(self.saved_searches, self.pipeline.index, search_id, self.settings)
        finally:
            lock.release()
