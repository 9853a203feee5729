"""Dependencies shared by the routes: settings, the article index, Redis, strict query parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Annotated

import redis
from fastapi import Depends, HTTPException, Request

from newsdesk.connections import redis_client
from newsdesk.index import ArticleIndex, open_index
from newsdesk.settings import Settings, get_settings


@lru_cache(maxsize=1)
def _index() -> ArticleIndex:
    return open_index(get_settings())


async def get_index() -> ArticleIndex:
    """The process's index. Opening it does no network I/O, so this stays off the threadpool."""
    return _index()


@lru_cache(maxsize=1)
def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return redis_client(url) if url else None


def only_params(*allowed: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency that refuses unknown or repeated query parameters (a typo is an error, not ignored)."""

    async def check(request: Request) -> None:  # no I/O: async keeps it off the threadpool
        names = [name for name, _ in request.query_params.multi_items()]
        unknown = sorted({name for name in names if name not in allowed})
        if unknown:
            raise HTTPException(
                status_code=400,
                detail=f"unknown parameter(s): {', '.join(n[:40] for n in unknown[:5])}; allowed: {', '.join(allowed)}",
            )
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise HTTPException(status_code=400, detail=f"parameter(s) given more than once: {', '.join(repeated)}")

    return check


SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[ArticleIndex, Depends(get_index)]
RedisDep = Annotated["redis.Redis | None", Depends(_redis)]
