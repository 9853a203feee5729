"""Per-host rate limit and concurrency cap, shared by every fetcher process through Redis (or in memory).

Written by hand: no maintained library offers a Redis rate limiter *and* lease-based semaphore
that fits a synchronous fetcher, and each is a few lines of Lua that run atomically in Redis.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from newsdesk.errors import TransientError

# GCRA (a token bucket with burst 1): the key holds the "theoretical arrival time" of the next
# permitted request; Redis' own clock is used, so every machine agrees on time.
_BUCKET_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > 0 then return tostring(wait) end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(interval * 1000) + 1000)
return '0'
"""

# A semaphore of leases: members are tokens scored by expiry, so a crashed fetcher's slot frees itself.
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 60)
  return 1
end
return 0
"""

KEY_PREFIX = "newsdesk:host"


@dataclass(frozen=True)
class HostLimit:
    rate: float  # requests per second
    concurrency: int


class RedisHostLimiter:
    """Rate and concurrency per host key, enforced across processes and machines."""

    def __init__(self, redis_client, lease_seconds: float = 120.0):
        self.redis = redis_client
        self.lease = lease_seconds
        self._bucket = redis_client.register_script(_BUCKET_LUA)
        self._acquire = redis_client.register_script(_ACQUIRE_LUA)

    def try_token(self, host: str, rate: float) -> float:
        """0 when a request may start now (and the token is taken), else seconds to wait."""
        return float(self._bucket(keys=[f"{KEY_PREFIX}:{host}:bucket"], args=[1.0 / rate]))

    def try_slot(self, host: str, concurrency: int) -> str | None:
        token = uuid.uuid4().hex
        ok = self._acquire(keys=[f"{KEY_PREFIX}:{host}:inflight"], args=[token, concurrency, self.lease])
        return token if ok else None

    def release(self, host: str, token: str) -> None:
        self.redis.zrem(f"{KEY_PREFIX}:{host}:inflight", token)


class MemoryHostLimiter:
    """The same limits inside one process (embedded mode, no Redis)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._inflight: dict[str, set[str]] = {}

    def try_token(self, host: str, rate: float) -> float:
        with self._lock:
            now = time.monotonic()
            due = max(self._next.get(host, 0.0), now)
            if due > now:
                return due - now
            self._next[host] = now + 1.0 / rate
            return 0.0

    def try_slot(self, host: str, concurrency: int) -> str | None:
        with self._lock:
            slots = self._inflight.setdefault(host, set())
            if len(slots) >= concurrency:
                return None
            token = uuid.uuid4().hex
            slots.add(token)
            return token

    def release(self, host: str, token: str) -> None:
        with self._lock:
            self._inflight.get(host, set()).discard(token)


def acquire(limiter, host: str, limit: HostLimit, max_wait: float) -> str:
    """Wait (at most max_wait) for a concurrency slot, then for a rate token; returns the slot token.

    The slot is taken first so a request never burns its rate token while queued behind others.
    Raises TransientError with a retry-after when the host stays busy longer than max_wait.
    """
    deadline = time.monotonic() + max_wait
    while (token := limiter.try_slot(host, limit.concurrency)) is None:
        if time.monotonic() > deadline:
            raise TransientError(f"{host} has {limit.concurrency} requests in flight already", retry_after=5.0)
        time.sleep(0.05)
    try:
        while (wait := limiter.try_token(host, limit.rate)) > 0:
            if time.monotonic() + wait > deadline:
                raise TransientError(f"{host} is rate limited for another {wait:.1f}s", retry_after=wait)
            time.sleep(wait)
    except BaseException:
        limiter.release(host, token)
        raise
    return token
