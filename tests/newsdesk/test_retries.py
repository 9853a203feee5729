"""The retry schedule: long enough to ride out a 10-minute outage, and exhaustion always ends in a dead letter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsdesk.errors import PermanentError, TransientError
from newsdesk.retries import backoff_step, minimum_retry_span, retry_delay
from newsdesk.settings import Settings


def test_default_schedule_spans_at_least_fifteen_minutes_at_its_shortest():
    settings = Settings()
    span = minimum_retry_span(settings.max_retries, base=settings.retry_backoff_base, cap=settings.retry_backoff_cap)
    assert span >= 15 * 60
    # and the jittered delays really drawn never add up to less
    for _ in range(50):
        drawn = sum(
            retry_delay(
                TransientError("down"),
                n,
                settings.max_retries,
                base=settings.retry_backoff_base,
                cap=settings.retry_backoff_cap,
            )
            for n in range(settings.max_retries)
        )
        assert span <= drawn <= span / 0.75 + 1e-6


def test_delays_grow_exponentially_are_capped_and_jitter_is_bounded():
    assert [backoff_step(n, base=2, cap=120) for n in range(8)] == [2, 4, 8, 16, 32, 64, 120, 120]
    for n in range(20):
        step = backoff_step(n, base=2, cap=120)
        delays = [retry_delay(TransientError("down"), n, 20, base=2, cap=120) for _ in range(100)]
        assert all(0.75 * step <= delay <= step <= 120 for delay in delays)
    assert backoff_step(10_000, base=2, cap=120) == 120  # no overflow on a huge attempt count


def test_retry_after_wins_but_is_capped_and_exhaustion_stops():
    assert retry_delay(TransientError("busy", retry_after=90), 0, 5, base=2, cap=120) == 90
    assert retry_delay(TransientError("busy", retry_after=9999), 0, 5, base=2, cap=120) == 120
    assert retry_delay(TransientError("down"), 5, 5) is None
    assert retry_delay(PermanentError("404"), 0, 5) is None


def test_visibility_timeout_default_outlasts_a_retry_and_a_too_short_one_is_refused():
    settings = Settings(task_time_limit=120, retry_backoff_cap=120)
    assert settings.effective_visibility_timeout > 120 + 120
    assert settings.effective_visibility_timeout < 3600  # a killed worker's work comes back in minutes
    with pytest.raises(ValidationError, match="must exceed task_time_limit"):
        Settings(task_time_limit=120, retry_backoff_cap=120, visibility_timeout=200)
    assert Settings(visibility_timeout=900).effective_visibility_timeout == 900


def test_exhausted_transient_failure_becomes_a_dead_letter_and_is_not_reraised(clean_redis, redis_url):
    from newsdesk.ops.deadletters import DeadLetterStore
    from workers import app
    from workers.queues import FETCH_TASK

    task = app.tasks[FETCH_TASK]
    task.settings = Settings(redis_url=redis_url, max_retries=16)
    task.redis = clean_redis
    # Past Celery's default of 3: before the fix, self.retry() re-raised here and the message was lost.
    task.push_request(
        id="t-1",
        retries=16,
        args=["https://example.org/a"],
        kwargs={},
        delivery_info={"routing_key": "fetch"},
        called_directly=False,
    )
    try:
        with task.stage("run-1", "https://example.org/a"):
            raise TransientError("Elasticsearch unreachable during bulk indexing")
    finally:
        task.pop_request()
        del task.settings, task.redis
    letters = DeadLetterStore(clean_redis).list()
    assert len(letters) == 1
    assert "gave up after 16 retries" in letters[0].error and letters[0].retries == 16


def test_a_task_that_cannot_reach_redis_is_requeued_not_acknowledged(free_redis_port):
    """Redis gone mid-task: no retry or dead letter can be written, so the message goes back (Reject)."""
    import redis
    from celery.exceptions import Reject

    from workers import app
    from workers.queues import FETCH_TASK

    unreachable = f"redis://127.0.0.1:{free_redis_port}/0"
    task = app.tasks[FETCH_TASK]
    task.settings = Settings(redis_url=unreachable, max_retries=16)
    task.redis = redis.Redis.from_url(unreachable, socket_connect_timeout=0.5)
    task.push_request(
        id="t-2",
        retries=16,
        args=["https://example.org/a"],
        kwargs={},
        delivery_info={"routing_key": "fetch"},
        called_directly=False,
    )
    try:
        with pytest.raises(Reject) as info, task.stage("run-1", "https://example.org/a"):
            task.redis.get("newsdesk:anything")  # the politeness or crawl-log call that meets the outage
    finally:
        task.pop_request()
        del task.settings, task.redis
    assert info.value.requeue is True


@pytest.fixture
def free_redis_port() -> int:
    from tests.processes import free_port

    return free_port()


def test_a_retry_that_cannot_be_published_requeues_the_task(monkeypatch):
    """Celery's Task.retry() answers a failed publish with Reject(requeue=False), which drops the message.
    (The real broker outage is in tests/faults; here the publish fails at its boundary.)"""
    from celery.exceptions import Reject
    from kombu.exceptions import OperationalError

    from workers import app
    from workers.queues import FETCH_TASK

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)
    task = app.tasks[FETCH_TASK]
    task.settings = Settings(max_retries=16)
    task.push_request(
        id="t-3",
        retries=0,
        args=["https://example.org/a"],
        kwargs={},
        delivery_info={"routing_key": "fetch"},
        called_directly=False,
    )
    try:
        with pytest.raises(Reject) as info, task.stage("run-1", "https://example.org/a"):
            raise TransientError("host answered 503")
    finally:
        task.pop_request()
        del task.settings
    assert info.value.requeue is True
