"""Dashboard dependencies: Redis (required), the monitor, dead letters, the admin key, the task publisher."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated

import redis
from fastapi import Depends, Header, HTTPException, status

from newsdesk.connections import redis_client
from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.ops.monitoring import Monitor
from newsdesk.settings import Settings, get_settings


@lru_cache(maxsize=1)
def _client(url: str) -> redis.Redis:
    return redis_client(url)


def get_redis(settings: Annotated[Settings, Depends(get_settings)]) -> redis.Redis:
    if not settings.redis_url:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "the dashboard watches the Celery queues: set NEWSDESK_REDIS_URL"
        )
    return _client(settings.redis_url)


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    x_admin_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """The admin key, as `X-Admin-Key: <key>` or `Authorization: Bearer <key>`; no configured key, no admin."""
    if not settings.admin_key:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin actions are disabled: set NEWSDESK_ADMIN_KEY")
    given = x_admin_key
    if not given and authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given or not hmac.compare_digest(given.encode(), settings.admin_key.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid admin key is required", headers={"WWW-Authenticate": "Bearer"}
        )


def publish_task(letter: DeadLetter) -> None:
    """Send a dead letter's task again, with its original arguments, through the one Celery app (ledgered)."""
    from workers.reconcile import publish_recorded

    publish_recorded(letter.task, letter.args, letter.kwargs)


def get_publisher() -> Callable[[DeadLetter], None]:
    return publish_task


RedisDep = Annotated[redis.Redis, Depends(get_redis)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AdminDep = Depends(require_admin)
PublisherDep = Annotated[Callable[[DeadLetter], None], Depends(get_publisher)]


def monitor(client: RedisDep) -> Monitor:
    return Monitor(client)


def dead_letters(client: RedisDep) -> DeadLetterStore:
    return DeadLetterStore(client)


MonitorDep = Annotated[Monitor, Depends(monitor)]
DeadLettersDep = Annotated[DeadLetterStore, Depends(dead_letters)]
