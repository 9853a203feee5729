"""The one factory for Redis clients: one connection pool per URL per process (re-made after a fork).

A URL is either a plain Redis URL (`redis://host:port/db`) or a Sentinel URL in kombu's form,
`sentinel://[:password@]host:port;sentinel://host:port/db`, whose master is named by
NEWSDESK_REDIS_SENTINEL_MASTER. A Sentinel client asks the Sentinels for the current master on every new
connection, so after a failover the next command (a retry) reaches the promoted replica.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.sentinel import Sentinel

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_SENTINEL_MASTER = "mymaster"
SOCKET_TIMEOUT_SECONDS = 5.0  # a Redis that does not answer in 5 s is down; callers treat that as transient
CONNECT_TIMEOUT_SECONDS = 2.0
SENTINEL_SCHEME = "sentinel"

_clients: dict[tuple[int, str], redis.Redis] = {}


@dataclass(frozen=True)
class SentinelURL:
    """The parts of a `sentinel://h1:p1;sentinel://h2:p2/db` URL."""

    hosts: list[tuple[str, int]]
    db: int
    password: str | None


def is_sentinel_url(url: str | None) -> bool:
    return bool(url) and str(url).split("://", 1)[0].lower() == SENTINEL_SCHEME


def parse_sentinel_url(url: str) -> SentinelURL:
    """Split kombu's `;`-separated Sentinel list; the database and password may be given on any one of them."""
    hosts: list[tuple[str, int]] = []
    db, password = 0, None
    for part in filter(None, (piece.strip() for piece in url.split(";"))):
        parsed = urlsplit(part)
        if parsed.scheme.lower() != SENTINEL_SCHEME or not parsed.hostname:
            raise ValueError(f"not a Sentinel URL: {part!r} (expected sentinel://host:port[/db])")
        hosts.append((parsed.hostname, parsed.port or 26379))
        if parsed.path.strip("/"):
            db = int(parsed.path.strip("/"))
        if parsed.password:
            password = unquote(parsed.password)
    if not hosts:
        raise ValueError(f"no Sentinel in {url!r}")
    return SentinelURL(hosts=hosts, db=db, password=password)


def sentinel_master_name() -> str:
    from newsdesk.settings import get_settings

    return get_settings().redis_sentinel_master


def connect_redis(url: str | None, socket_timeout: float | None = SOCKET_TIMEOUT_SECONDS) -> redis.Redis:
    """A new client for `url` (plain Redis or Sentinel): the one place that knows how to reach Redis.

    Most callers want the shared `redis_client`; a caller that needs a connection of its own (the worker's
    task state, the monitor) calls this."""
    url = url or DEFAULT_REDIS_URL
    options: dict[str, Any] = {"socket_timeout": socket_timeout, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if not is_sentinel_url(url):
        return redis.Redis.from_url(url, **options)
    parts = parse_sentinel_url(url)
    sentinel = Sentinel(parts.hosts, sentinel_kwargs=options, password=parts.password, **options)
    return sentinel.master_for(sentinel_master_name(), db=parts.db, **options)


def redis_client(url: str | None) -> redis.Redis:
    """A client for `url` (the default local Redis when unset), shared by every caller in this process.

    Celery forks pool children after import: a pool inherited across a fork would share sockets with the
    parent, so the cache is keyed by pid.
    """
    key = (os.getpid(), url or DEFAULT_REDIS_URL)
    client = _clients.get(key)
    if client is None:
        client = connect_redis(key[1])
        _clients[key] = client
    return client
