"""StageTask: the retry policy and failure recording every stage task shares."""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from functools import cached_property
from typing import Iterator

import redis
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.errors import FetchRefused, NewsdeskError, TransientError
from newsdesk.pipeline import Pipeline
from newsdesk.retries import retry_delay
from newsdesk.ops.runs import RedisRun
from newsdesk.settings import get_settings
from workers.celery_app import DEFAULT_REDIS_URL


BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0


def retry_countdown(retries: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter (newsdesk.retries.retry_delay holds the policy)."""
    return retry_delay(TransientError("", retry_after), retries, retries + 1,
                       base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS) or 0.0


class StageTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True

    @cached_property
    def settings(self):
        return get_settings()

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url or DEFAULT_REDIS_URL)

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.settings)

    def run_tracker(self, run_id: str | None) -> RedisRun | None:
        return RedisRun(self.redis, run_id) if run_id else None

    def count(self, run_id: str | None, stage: str, error: str | None = None) -> None:
        """Record this task's article (its `url=` keyword) at stage; idempotent, raises TransientError."""
        tracker = self.run_tracker(run_id)
        if tracker:
            kwargs, args = self.request.kwargs or {}, self.request.args or []
            tracker.add(stage, error, url=kwargs.get("url") or (str(args[0]) if args else "?"))

    @contextmanager
    def stage(self, run_id: str | None, subject: str) -> Iterator[None]:
        """Retry transient errors with backoff; record anything else as a dead letter, never re-raise it."""
        try:
            yield
        except TransientError as exc:
            delay = retry_delay(exc, self.request.retries, self.settings.max_retries,
                                base=self.settings.retry_backoff_base, cap=self.settings.retry_backoff_cap)
            if delay is not None:
                raise self.retry(exc=exc, countdown=delay)
            self._dead_letter(run_id, subject, exc, f"gave up after {self.request.retries} retries: {exc}")
        except FetchRefused as exc:  # deliberate (robots.txt, private address, size): logged, not a dead letter
            self.request.refusal = (exc.reason, str(exc))  # per-source refusal counts (workers/signals.py)
            self.count(run_id, "failed", error=f"{subject}: {exc}")
        except NewsdeskError as exc:
            self._dead_letter(run_id, subject, exc, str(exc))
        except (Exception, SoftTimeLimitExceeded) as exc:  # a bug or a hang must not lose the work
            self._dead_letter(run_id, subject, exc, f"{type(exc).__name__}: {exc}")

    def _dead_letter(self, run_id: str | None, subject: str, exc: BaseException, message: str) -> None:
        request = self.request
        # Read by workers/signals.py: this run counts as failed although the task returned.
        request.dead_letter_reason, request.dead_letter_kind = message, getattr(exc, "reason", type(exc).__name__)
        DeadLetterStore(self.redis).add(
            DeadLetter(
                task=self.name, args=list(request.args or []), kwargs=dict(request.kwargs or {}),
                error=message, traceback="".join(traceback.format_exception(exc))[-4000:],
                queue=(request.delivery_info or {}).get("routing_key", ""), retries=request.retries,
            )
        )
        self.count(run_id, "failed", error=f"{subject}: {message}")
