"""StageTask: the retry policy and failure recording every stage task shares."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import redis
from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded
from kombu.exceptions import OperationalError
from redis.client import Pipeline as RedisPipeline

from newsdesk.connections import connect_redis
from newsdesk.errors import FetchRefused, NewsdeskError, TransientError
from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.ops.ledger import Ledger, Work
from newsdesk.ops.lineage import record_event
from newsdesk.ops.runs import FINAL, RedisRun
from newsdesk.pipeline import Pipeline
from newsdesk.retries import retry_delay
from newsdesk.settings import get_settings
from workers.queues import FETCH_TASK, INDEX_TASK, PARSE_TASK, TASK_ROUTES

ARTICLE_TASKS = (FETCH_TASK, PARSE_TASK, INDEX_TASK)  # the tasks an article's ledger entry follows

# Redis (broker and crawl state) unreachable: a connection refused, reset or timed out, or a publish failing.
BACKEND_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError)


class StageTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True
    # The newsdesk setting governs retries (StageTask.stage); Celery's default of 3 would re-raise the
    # transient error on the 4th failure, past the dead-letter path, and acks_late would lose the message.
    max_retries = None

    @cached_property
    def settings(self):
        return get_settings()

    @cached_property
    def redis(self) -> redis.Redis:
        # Its own client, not the process-wide one: the fault suite was measured with this connection.
        return connect_redis(self.settings.redis_url, socket_timeout=None)

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.settings)

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self.redis, self.settings.effective_reconcile_stuck_after)

    def hand_off(
        self, task_name: str, kwargs: dict[str, Any], resend: tuple[str, dict[str, Any]] | None = None
    ) -> None:
        """Publish the next stage's task, its ledger entry written first, so a message lost in between is
        re-sent (`resend`: what to send instead, e.g. parse again rather than carry the article in Redis)."""
        resend_task, resend_kwargs = resend or (task_name, kwargs)
        work = Work(
            url=kwargs["url"],
            stage=queue_of(task_name),
            task=resend_task,
            kwargs=resend_kwargs,
            queue=queue_of(resend_task),
        )
        self._ledger_write(lambda pipe: self.ledger.record(pipe, work))
        self.app.send_task(task_name, kwargs=kwargs)

    def _ledger_write(self, write: Callable[[RedisPipeline], None]) -> None:
        try:
            with self.redis.pipeline(transaction=True) as pipe:
                write(pipe)
                pipe.execute()
        except redis.RedisError as exc:
            raise TransientError(f"ledger: Redis write failed: {exc}") from None

    def _article_url(self) -> str | None:
        """The URL this task's article is accepted, counted and ledgered under (its `url=` keyword)."""
        kwargs, args = self.request.kwargs or {}, self.request.args or []
        return kwargs.get("url") or (str(args[0]) if args and isinstance(args[0], str) else None)

    def run_tracker(self, run_id: str | None) -> RedisRun | None:
        return RedisRun(self.redis, run_id) if run_id else None

    def count(self, run_id: str | None, stage: str, error: str | None = None, detail: str = "") -> None:
        """Record this task's article (its `url=` keyword) at stage; idempotent, raises TransientError."""
        tracker = self.run_tracker(run_id)
        url = self._article_url()
        if tracker:
            tracker.add(stage, error, url=url or "?")
        if url and self.name in ARTICLE_TASKS:
            self._ledger_write(lambda pipe: self._transition(pipe, url, stage, error or detail))

    def _transition(self, pipe: RedisPipeline, url: str, stage: str, detail: str) -> None:
        """The article's lineage event, and at a final outcome (indexed, dead letter, refused, not modified)
        the end of its ledger entry."""
        event = stage.replace("_", " ")
        if stage == "failed":
            event = "dead letter" if getattr(self.request, "dead_letter_reason", None) else "refused"
        record_event(pipe, url, event, detail, stage=queue_of(self.name))
        if stage in FINAL:
            self.ledger.finished(pipe, url)

    @contextmanager
    def stage(self, run_id: str | None, subject: str) -> Iterator[None]:
        """Retry transient errors with backoff; record anything else as a dead letter, never re-raise it.

        When Redis itself is unreachable, neither a retry nor a dead letter can be written: the message
        is rejected back to its queue, or, if even that fails, left unacknowledged for Redis to deliver
        again after the visibility timeout. Acknowledging it (Celery's way with a failed acks_late task)
        would lose it."""
        try:
            try:
                yield
            except BACKEND_UNREACHABLE as exc:  # the state store or broker went away mid-task
                raise TransientError(f"Redis unreachable: {type(exc).__name__}: {exc}") from exc
        except TransientError as exc:
            delay = retry_delay(
                exc,
                self.request.retries,
                self.settings.max_retries,
                base=self.settings.retry_backoff_base,
                cap=self.settings.retry_backoff_cap,
            )
            with self._requeue_if_unrecordable():
                if delay is not None:
                    self._retry_scheduled(delay, exc)
                    raise self.retry(exc=exc, countdown=delay) from exc
                self._dead_letter(run_id, subject, exc, f"gave up after {self.request.retries} retries: {exc}")
        except FetchRefused as exc:  # deliberate (robots.txt, private address, size): logged, not a dead letter
            self.request.refusal = (exc.reason, str(exc))  # per-source refusal counts (workers/signals.py)
            with self._requeue_if_unrecordable():
                self.count(run_id, "failed", error=f"{subject}: {exc}")
        except NewsdeskError as exc:
            with self._requeue_if_unrecordable():
                self._dead_letter(run_id, subject, exc, str(exc))
        except (Exception, SoftTimeLimitExceeded) as exc:  # noqa: BLE001 - a bug or a hang must not lose the work
            with self._requeue_if_unrecordable():
                self._dead_letter(run_id, subject, exc, f"{type(exc).__name__}: {exc}")

    def _retry_scheduled(self, countdown: float, exc: BaseException) -> None:
        url = self._article_url()
        if url and self.name in ARTICLE_TASKS:

            def write(pipe: RedisPipeline) -> None:
                self.ledger.retry_scheduled(pipe, url, countdown)
                record_event(pipe, url, "retrying", f"in {countdown:.0f} s: {exc}", stage=queue_of(self.name))

            self._ledger_write(write)

    @contextmanager
    def _requeue_if_unrecordable(self) -> Iterator[None]:
        try:
            yield
        except (*BACKEND_UNREACHABLE, TransientError) as exc:  # TransientError: the run tally's write failed
            raise Reject(f"Redis unreachable, task requeued: {exc}", requeue=True) from exc
        except Reject as exc:  # Task.retry() could not publish the retry and would drop the message
            if exc.requeue or not isinstance(exc.reason, BACKEND_UNREACHABLE):
                raise
            raise Reject(f"Redis unreachable, retry not published, task requeued: {exc.reason}", requeue=True) from exc

    def _dead_letter(self, run_id: str | None, subject: str, exc: BaseException, message: str) -> None:
        request = self.request
        # Read by workers/signals.py: this run counts as failed although the task returned.
        request.dead_letter_reason, request.dead_letter_kind = message, getattr(exc, "reason", type(exc).__name__)
        DeadLetterStore(self.redis).add(
            DeadLetter(
                task=self.name,
                args=list(request.args or []),
                kwargs=dict(request.kwargs or {}),
                error=message,
                traceback="".join(traceback.format_exception(exc))[-4000:],
                queue=(request.delivery_info or {}).get("routing_key", ""),
                retries=request.retries,
            )
        )
        self.count(run_id, "failed", error=f"{subject}: {message}")


def queue_of(task_name: str) -> str:
    return TASK_ROUTES.get(task_name, {}).get("queue", "")
