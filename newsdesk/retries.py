"""The retry policy: which failures are retried, and after how long (one plain function for every caller)."""

from __future__ import annotations

import random

from newsdesk.errors import TransientError

# Bounded jitter: each delay is 75-100 % of its exponential step, so the total span has a known minimum
# (full jitter could retry 15 times within seconds and dead-letter during a short outage).
JITTER_FLOOR = 0.75


def backoff_step(attempt: int, *, base: float, cap: float) -> float:
    """The un-jittered delay before retry number `attempt` + 1: base * 2**attempt, at most `cap`."""
    return min(cap, base * 2 ** min(attempt, 64))


def retry_delay(
    error: BaseException,
    attempt: int,
    max_retries: int,
    *,
    base: float = 2.0,
    cap: float = 120.0,
) -> float | None:
    """Seconds to wait before retrying `error` after `attempt` retries so far, or None for "do not retry".

    Only TransientError is retried (timeouts, network errors, 5xx, 408/425/429, Elasticsearch down);
    every other 4xx, a refusal or a parse failure is permanent. Backoff is capped exponential with
    bounded jitter, and a server's Retry-After wins when it asks for longer (capped at `cap`).
    """
    if not will_retry(error, attempt, max_retries):
        return None
    step = backoff_step(attempt, base=base, cap=cap)
    backoff = random.uniform(JITTER_FLOOR * step, step)
    return max(backoff, min(getattr(error, "retry_after", None) or 0.0, cap))


def minimum_retry_span(max_retries: int, *, base: float, cap: float) -> float:
    """The shortest time, in seconds, that all `max_retries` retries can take (what an outage must outlast)."""
    return sum(JITTER_FLOOR * backoff_step(n, base=base, cap=cap) for n in range(max_retries))


def will_retry(error: BaseException, attempt: int, max_retries: int) -> bool:
    """The deterministic half of retry_delay: whether another attempt will be made."""
    return isinstance(error, TransientError) and attempt < max_retries
