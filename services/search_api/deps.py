"""Dependencies shared by the routes: settings, the article index, Redis."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import redis
from fastapi import Depends

from newsdesk.index import ArticleIndex, open_index
from newsdesk.settings import Settings, get_settings


@lru_cache(maxsize=1)
def _index() -> ArticleIndex:
    return open_index(get_settings())


@lru_cache(maxsize=1)
def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) if url else None


SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[ArticleIndex, Depends(_index)]
RedisDep = Annotated["redis.Redis | None", Depends(_redis)]
