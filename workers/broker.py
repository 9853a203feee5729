"""Celery's Redis settings for a plain or a Sentinel URL, and kombu's Redis transports with one reconnect fix.

kombu 5.7.0: when the master dies (or a plain Redis is killed: seen in the fault suite's Redis kill too), the consumer closes its channel; the channel drops its connection pool, then
restores the unacknowledged messages through a new pool, whose parameters it reads from a transport already
detached from its connection. That AttributeError ('NoneType' object has no attribute 'hostname') is not a
connection error, so Celery calls it unrecoverable and the worker process exits (seen in 2 of 6 failover runs).
Raised as a connection error instead, it is ignored like any other: the consumer reconnects through the Sentinel
to the promoted replica, and the messages still in the unacked hash come back after the visibility timeout.
"""

from __future__ import annotations

from typing import Any

import redis
from kombu.transport.redis import Channel, SentinelChannel, SentinelTransport, Transport

from newsdesk.connections import (
    CONNECT_TIMEOUT_SECONDS,
    DEFAULT_REDIS_URL,
    SOCKET_TIMEOUT_SECONDS,
    is_sentinel_url,
    parse_sentinel_url,
    sentinel_master_name,
)


class _ReconnectSafe:
    """Mixed into a kombu Redis channel, before it."""

    connection: Any

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise redis.exceptions.ConnectionError("broker connection closed while Redis restarts or fails over")
        return super()._connparams(asynchronous)  # type: ignore[misc]


class FailoverSafeChannel(_ReconnectSafe, Channel):
    pass


class FailoverSafeTransport(Transport):
    Channel = FailoverSafeChannel


class FailoverSafeSentinelChannel(_ReconnectSafe, SentinelChannel):
    pass


class FailoverSafeSentinelTransport(SentinelTransport):
    Channel = FailoverSafeSentinelChannel


def celery_redis_options(url: str | None, visibility_timeout: int) -> dict[str, Any]:
    """Celery settings for the broker and RedBeat at `url`: kombu's `sentinel://` transport needs the master
    name in broker_transport_options; RedBeat wants `redis-sentinel://` plus the Sentinel list in its options."""
    url = url or DEFAULT_REDIS_URL
    transport: dict[str, Any] = {"visibility_timeout": visibility_timeout}
    if not is_sentinel_url(url):
        return {
            "broker_url": url,
            "broker_transport": f"{__name__}:FailoverSafeTransport",
            "broker_transport_options": transport,
            "redbeat_redis_url": url,
        }
    parts = parse_sentinel_url(url)
    master = sentinel_master_name()
    timeouts = {"socket_timeout": SOCKET_TIMEOUT_SECONDS, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}
    # The password of the URL is the master's (kombu passes it to master connections); Sentinels go without.
    transport.update(master_name=master, sentinel_kwargs=timeouts)
    redbeat = {
        "sentinels": parts.hosts,
        "service_name": master,
        "db": parts.db,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "password": parts.password,
    }
    return {
        "broker_url": url,
        "broker_transport": f"{__name__}:FailoverSafeSentinelTransport",
        "broker_transport_options": transport,
        "redbeat_redis_url": "redis-sentinel://" + ";".join(f"{host}:{port}" for host, port in parts.hosts),
        "redbeat_redis_options": redbeat,
    }
