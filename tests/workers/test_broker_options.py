"""Celery's broker settings from one Redis URL, and the reconnect fix on both kombu Redis transports."""

from __future__ import annotations

import pytest
import redis
from kombu import Connection

from workers.broker import FailoverSafeChannel, FailoverSafeSentinelChannel, celery_redis_options


@pytest.mark.parametrize(
    ("url", "transport"),
    [
        ("redis://127.0.0.1:6379/0", "workers.broker:FailoverSafeTransport"),
        ("sentinel://127.0.0.1:26379;sentinel://127.0.0.1:26380/0", "workers.broker:FailoverSafeSentinelTransport"),
    ],
)
def test_every_redis_url_gets_the_reconnect_safe_transport(url: str, transport: str) -> None:
    options = celery_redis_options(url, visibility_timeout=271)
    assert options["broker_transport"] == transport
    assert options["broker_transport_options"]["visibility_timeout"] == 271
    assert Connection(options["broker_url"], transport=transport).transport_cls == transport


@pytest.mark.parametrize("channel", [FailoverSafeChannel, FailoverSafeSentinelChannel])
def test_a_channel_whose_connection_is_gone_raises_a_connection_error(channel) -> None:
    """kombu 5.7.0 raised AttributeError here, which Celery treats as unrecoverable (the worker exited)."""
    orphan = channel.__new__(channel)
    orphan.connection = type("Detached", (), {"client": None})()
    with pytest.raises(redis.exceptions.ConnectionError):
        orphan._connparams()
