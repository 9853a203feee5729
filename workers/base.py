"""StageTask: the retry policy, failure recording and per-article bookkeeping every stage task shares.

A task runs its body in `with self.stage(run_id, subject, url=..., source=...) as step:`. Whatever the stage
records about its article (crawl log and validators from newsdesk/pipeline.py, lineage event, ledger
transition, run tally, monitoring counters) is queued on the step's Redis pipeline and sent in one MULTI/EXEC
per outcome: `step.hand_off` (then the next task is published, so its ledger entry is written before its
message), `step.finish` (an outcome with no next stage), or the failure path (a retry or a dead letter).
Successes and failures are recorded here, from the task's own arguments, not in Celery signal handlers.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import redis
from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded
from kombu.exceptions import OperationalError
from redis.client import Pipeline as RedisPipeline

from newsdesk.connections import connect_redis
from newsdesk.errors import FetchRefused, NewsdeskError, TransientError
from newsdesk.models import Article
from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.ops.ledger import Ledger, Work
from newsdesk.ops.lineage import record_event
from newsdesk.ops.monitoring import ErrorRecord, Monitor, index_lags
from newsdesk.ops.runs import FINAL, RedisRun
from newsdesk.pipeline import Pipeline
from newsdesk.retries import retry_delay
from newsdesk.settings import get_settings
from workers.queues import FETCH_TASK, INDEX_TASK, PARSE_TASK, POLL_SOURCE_TASK, POLL_TASK, TASK_ROUTES

ARTICLE_TASKS = (FETCH_TASK, PARSE_TASK, INDEX_TASK)  # the tasks an article's ledger entry follows
SOURCE_TASKS = (POLL_TASK, POLL_SOURCE_TASK, FETCH_TASK)  # their outcomes count in the source's health

# Redis (broker and crawl state) unreachable: a connection refused, reset or timed out, or a publish failing.
BACKEND_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError)


@dataclass
class Step:
    """One run of a stage task: its article, and the writes waiting for the round trip of its outcome."""

    task: StageTask
    run_id: str | None
    subject: str  # what the run tally names in errors: the URL, page key or feed
    url: str | None  # the article's accepted URL (ledger, lineage, run tally); None for polls and alerts
    source: str | None
    pipe: RedisPipeline  # crawl-state writes of newsdesk/pipeline.py go here too (`pipe=step.pipe`)
    started: float = field(default_factory=time.monotonic)
    recorded: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def hand_off(
        self,
        outcome: str,
        task_name: str,
        kwargs: dict[str, Any],
        detail: str = "",
        resend: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Record `outcome` (fetched, parsed) and the next stage's ledger entry in one round trip, then publish
        its task; `resend`: what the ledger re-sends instead if that message is lost (parse again rather than
        carry the article in Redis). kwargs["url"] is the URL the article is counted under from here on."""
        self.url = kwargs["url"]
        resend_task, resend_kwargs = resend or (task_name, kwargs)
        work = Work(
            url=self.url,
            stage=queue_of(task_name),
            task=resend_task,
            kwargs=resend_kwargs,
            queue=queue_of(resend_task),
        )
        self.task.record_outcome(self, outcome, detail, then=work)
        self.task.app.send_task(task_name, kwargs=kwargs)

    def finish(self, outcome: str, detail: str = "", indexed: Article | None = None) -> None:
        """Record an outcome with no next stage (not_modified, indexed: the article's ledger entry ends)."""
        self.task.record_outcome(self, outcome, detail, indexed=indexed)


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

    @cached_property
    def monitor(self) -> Monitor:
        return Monitor(self.redis)

    @property
    def queue(self) -> str:
        return queue_of(self.name)

    def run_tracker(self, run_id: str | None) -> RedisRun | None:
        return RedisRun(self.redis, run_id) if run_id else None

    # ---- outcomes: each queued on the step's pipeline, sent in one MULTI/EXEC

    def record_outcome(
        self,
        step: Step,
        outcome: str,
        detail: str = "",
        error: str | None = None,
        event: str | None = None,
        then: Work | None = None,
        indexed: Article | None = None,
        ran: str = "succeeded",
    ) -> None:
        """The article's run tally, lineage event and ledger transition (`then`: its next stage; a final
        outcome ends the entry), this task run's monitoring counters (`ran`: succeeded or failed; a refusal
        is a run that succeeded), and whatever the stage queued already."""
        pipe = step.pipe
        if (tracker := self.run_tracker(step.run_id)) is not None:
            tracker.add(outcome, error, url=step.url or "?", pipe=pipe)
        if step.url and self.name in ARTICLE_TASKS:
            record_event(pipe, step.url, event or outcome.replace("_", " "), error or detail, stage=self.queue)
            if then is not None:
                self.ledger.record(pipe, then)
            elif outcome in FINAL:
                self.ledger.finished(pipe, step.url)
        self.monitor.record_task(self.queue, ran, step.elapsed, pipe=pipe)
        if self.name == FETCH_TASK and step.source and outcome != "failed":
            self.monitor.record_source(step.source, "fetch_ok", pipe=pipe)
        if indexed is not None:
            for kind, seconds in index_lags(indexed.published_at, indexed.fetched_at, datetime.now(UTC)).items():
                self.monitor.record_lag(kind, seconds, pipe=pipe)
            if indexed.source:
                self.monitor.record_source(indexed.source, "indexed", pipe=pipe)
        self._send(step)

    def _record_plain_success(self, step: Step) -> None:
        """A poll or an alert check ran: counted, and a poll is its source's latest."""
        self.monitor.record_task(self.queue, "succeeded", step.elapsed, pipe=step.pipe)
        if self.name in (POLL_TASK, POLL_SOURCE_TASK) and step.source:
            self.monitor.record_source(step.source, "poll_ok", pipe=step.pipe)
        self._send(step)

    def _record_error(self, step: Step, reason: str, retrying: bool = False) -> None:
        record = ErrorRecord(
            at=time.time(),
            stage=self.queue,
            task=self.name,
            reason=(f"retrying: {reason}" if retrying else reason)[:1000],
            subject=(step.url or step.subject)[:300],  # the article's URL where there is one, not its page key
        )
        self.monitor.record_error(record, pipe=step.pipe)

    def _send(self, step: Step) -> None:
        step.recorded = True
        try:
            step.pipe.execute()
        except redis.RedisError as exc:
            raise TransientError(f"bookkeeping: Redis write failed: {exc}") from None

    # ---- the one failure policy

    @contextmanager
    def stage(
        self, run_id: str | None, subject: str, *, url: str | None = None, source: str | None = None
    ) -> Iterator[Step]:
        """Retry transient errors with backoff; record anything else as a dead letter, never re-raise it.

        `url` is the article's accepted URL (article tasks), `source` the source a poll or fetch works for.
        When Redis itself is unreachable, neither a retry nor a dead letter can be written: the message
        is rejected back to its queue, or, if even that fails, left unacknowledged for Redis to deliver
        again after the visibility timeout. Acknowledging it (Celery's way with a failed acks_late task)
        would lose it."""
        with self.redis.pipeline(transaction=True) as pipe:
            step = Step(self, run_id, subject, url, source, pipe)
            try:
                try:
                    yield step
                    if not step.recorded:  # a poll or an alert check; a failed write is retried like a hand-off's
                        self._record_plain_success(step)
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
                        self._retry_scheduled(step, delay, exc)
                        raise self.retry(exc=exc, countdown=delay) from exc
                    self._dead_letter(step, exc, f"gave up after {self.request.retries} retries: {exc}")
            except FetchRefused as exc:  # deliberate (robots.txt, private address, size): logged, not a dead letter
                with self._requeue_if_unrecordable():
                    if step.source:
                        event = "robots" if exc.reason == "robots" else "failed"
                        self.monitor.record_source(step.source, event, error=str(exc), pipe=pipe)
                    self.record_outcome(step, "failed", error=f"{subject}: {exc}", event="refused")
            except NewsdeskError as exc:
                with self._requeue_if_unrecordable():
                    self._dead_letter(step, exc, str(exc))
            except (Exception, SoftTimeLimitExceeded) as exc:  # noqa: BLE001 - a bug or a hang must not lose the work
                with self._requeue_if_unrecordable():
                    self._dead_letter(step, exc, f"{type(exc).__name__}: {exc}")

    def _retry_scheduled(self, step: Step, countdown: float, exc: BaseException) -> None:
        pipe = step.pipe
        if step.url and self.name in ARTICLE_TASKS:
            self.ledger.retry_scheduled(pipe, step.url, countdown)
            record_event(pipe, step.url, "retrying", f"in {countdown:.0f} s: {exc}", stage=self.queue)
        self.monitor.record_task(self.queue, "retried", step.elapsed, pipe=pipe)
        # A retry is the stage's latest error too: an operator sees why work waits (a missing alias, a 503 host).
        self._record_error(step, f"Retry in {countdown:.0f}s: {exc}", retrying=True)
        self._send(step)

    @contextmanager
    def _requeue_if_unrecordable(self) -> Iterator[None]:
        try:
            yield
        except (*BACKEND_UNREACHABLE, TransientError) as exc:  # TransientError: the bookkeeping write failed
            raise Reject(f"Redis unreachable, task requeued: {exc}", requeue=True) from exc
        except Reject as exc:  # Task.retry() could not publish the retry and would drop the message
            if exc.requeue or not isinstance(exc.reason, BACKEND_UNREACHABLE):
                raise
            raise Reject(f"Redis unreachable, retry not published, task requeued: {exc.reason}", requeue=True) from exc

    def _dead_letter(self, step: Step, exc: BaseException, message: str) -> None:
        request = self.request
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
        if self.name in SOURCE_TASKS and step.source:
            kind = str(getattr(exc, "reason", type(exc).__name__))
            event = "robots" if "robots" in kind else "failed"
            self.monitor.record_source(step.source, event, error=message, pipe=step.pipe)
        self._record_error(step, message)
        self.record_outcome(step, "failed", error=f"{step.subject}: {message}", event="dead letter", ran="failed")

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """An exception escaped StageTask.stage (a bug in it): still on the error list, never a crash here."""
        try:
            error = ErrorRecord(
                at=time.time(), stage=self.queue, task=self.name, reason=f"{type(exc).__name__}: {exc}"[:1000]
            )
            self.monitor.record_error(error)
            self.monitor.record_task(self.queue, "failed")
        except Exception:  # noqa: BLE001 - Redis is down too; Celery logs the failure itself
            pass


def queue_of(task_name: str) -> str:
    return TASK_ROUTES.get(task_name, {}).get("queue", "")
