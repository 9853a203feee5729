"""The retry policy: which failures are retried, and after how long (one plain function for every caller)."""

from __future__ import annotations

import random

from newsdesk.errors import TransientError


def retry_delay(
    error: BaseException,
    attempt: int,
    max_retries: int,
    *,
    base: float = 2.0,
    cap: float = 600.0,
) -> float | None:
    """Seconds to wait before retrying `error` after `attempt` retries so far, or None for "do not retry".

    Only TransientError is retried (timeouts, network errors, 5xx, 408/425/429); every other
    4xx, a refusal or a parse failure is permanent. Backoff is exponential with full jitter,
    and a server's Retry-After wins when it asks for longer (capped at `cap`).
    """
    if not will_retry(error, attempt, max_retries):
        return None
    backoff = random.uniform(0, min(cap, base * 2**attempt))
    return max(backoff, min(error.retry_after or 0.0, cap))


def will_retry(error: BaseException, attempt: int, max_retries: int) -> bool:
    """The deterministic half of retry_delay: whether another attempt will be made."""
    return isinstance(error, TransientError) and attempt < max_retries
