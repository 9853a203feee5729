"""The one factory for Redis clients: one connection pool per URL per process (re-made after a fork)."""

from __future__ import annotations

import os

import redis

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SOCKET_TIMEOUT_SECONDS = 5.0  # a Redis that does not answer in 5 s is down; callers treat that as transient
CONNECT_TIMEOUT_SECONDS = 2.0

_clients: dict[tuple[int, str], redis.Redis] = {}


def redis_client(url: str | None) -> redis.Redis:
    """A client for `url` (the default local Redis when unset), shared by every caller in this process.

    Celery forks pool children after import: a pool inherited across a fork would share sockets with the
    parent, so the cache is keyed by pid.
    """
    key = (os.getpid(), url or DEFAULT_REDIS_URL)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            key[1], socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
        _clients[key] = client
    return client
