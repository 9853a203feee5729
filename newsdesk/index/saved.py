"""Saved searches: a named query with its filters, an optional webhook, and where its alerts have got to.

Stored in Redis when the pipeline is distributed (every API process and worker sees the same list), in a
SQLite file under the data dir otherwise. The id is random and unguessable: it is the capability that lets
a feed reader follow `/saved-searches/{id}/feed.atom` without the admin key.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import redis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsdesk.errors import InvalidURL
from newsdesk.index.search import FilteredRequest, SearchRequest, Sort
from newsdesk.settings import Settings

MAX_SAVED_SEARCHES = 1000
DELIVERED_MEMORY = timedelta(days=7)  # an article alerted once is not alerted again within this time
REDIS_KEY = "newsdesk:saved_searches"
ALERTS_KEY = "newsdesk:saved_searches:alerts"
WEBHOOKS_KEY = "newsdesk:saved_searches:webhooks"  # ids of those with a webhook: no alert work when empty


class SavedSearchFull(Exception):
    """No room for another saved search."""


class SavedSearchCreate(FilteredRequest):
    """What a user saves: a name, the query text and filters (as /search takes them), an optional webhook."""

    model_config = ConfigDict(extra="forbid")  # a misspelt filter is an error, not a search for everything

    name: str = Field(min_length=1, max_length=200)
    webhook_url: str | None = Field(
        default=None, max_length=2048, description="POSTed a JSON list of new matches when they are indexed"
    )

    @field_validator("name")
    @classmethod
    def _name_has_text(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("name must not be blank")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from newsdesk.crawl.safety import validate_url

        try:
            validate_url(value)
        except InvalidURL as exc:
            raise ValueError(str(exc)) from None
        return value.strip()


class SavedSearch(SavedSearchCreate):
    id: str
    created_at: datetime

    def request(self, size: int = 20, sort: Sort = Sort.INDEXED, **changes: Any) -> SearchRequest:
        """Its query as a search request, most recently indexed first."""
        return SearchRequest(
            q=self.q,
            filters=self.filters,
            date_from=self.date_from,
            date_to=self.date_to,
            sort=sort,
            size=size,
            **changes,
        )


def new_saved_search(fields: SavedSearchCreate) -> SavedSearch:
    return SavedSearch(**fields.model_dump(), id=secrets.token_hex(16), created_at=datetime.now(UTC))


class AlertState(BaseModel):
    """How far a saved search's webhook has been served: articles indexed since `since` are checked,
    and `delivered` (article id -> when) keeps an article from being sent twice."""

    since: datetime
    delivered: dict[str, datetime] = Field(default_factory=dict)

    def forget_old(self, now: datetime) -> None:
        self.delivered = {key: when for key, when in self.delivered.items() if when > now - DELIVERED_MEMORY}


class SavedSearchStore(Protocol):
    def add(self, search: SavedSearch) -> None: ...
    def get(self, search_id: str) -> SavedSearch | None: ...
    def all(self) -> list[SavedSearch]: ...
    def remove(self, search_id: str) -> bool: ...
    def alert_state(self, search: SavedSearch) -> AlertState: ...
    def save_alert_state(self, search_id: str, state: AlertState) -> None: ...


def _decode(raw: str | bytes) -> SavedSearch:
    return SavedSearch.model_validate_json(raw)


class RedisSavedSearches:
    def __init__(self, client: redis.Redis):
        self.redis = client

    def add(self, search: SavedSearch) -> None:
        if self.redis.hlen(REDIS_KEY) >= MAX_SAVED_SEARCHES:
            raise SavedSearchFull(f"at most {MAX_SAVED_SEARCHES} saved searches; delete some first")
        with self.redis.pipeline() as pipe:
            pipe.hset(REDIS_KEY, search.id, search.model_dump_json())
            if search.webhook_url:
                pipe.sadd(WEBHOOKS_KEY, search.id)
            pipe.execute()

    def get(self, search_id: str) -> SavedSearch | None:
        raw = self.redis.hget(REDIS_KEY, search_id)
        return _decode(raw) if raw else None

    def all(self) -> list[SavedSearch]:
        searches = [_decode(raw) for raw in self.redis.hvals(REDIS_KEY)]
        return sorted(searches, key=lambda s: (s.created_at, s.id))

    def remove(self, search_id: str) -> bool:
        with self.redis.pipeline() as pipe:
            pipe.hdel(REDIS_KEY, search_id)
            pipe.hdel(ALERTS_KEY, search_id)
            pipe.srem(WEBHOOKS_KEY, search_id)
            removed, _, _ = pipe.execute()
        return bool(removed)

    def alert_state(self, search: SavedSearch) -> AlertState:
        raw = self.redis.hget(ALERTS_KEY, search.id)
        return AlertState.model_validate_json(raw) if raw else AlertState(since=search.created_at)

    def save_alert_state(self, search_id: str, state: AlertState) -> None:
        if self.redis.hexists(REDIS_KEY, search_id):  # deleted meanwhile: leave no orphan
            self.redis.hset(ALERTS_KEY, search_id, state.model_dump_json())


class SqliteSavedSearches:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS saved_searches"
                " (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, doc TEXT NOT NULL, alert_state TEXT)"
            )

    def add(self, search: SavedSearch) -> None:
        with self._lock, self._db:
            if self._db.execute("SELECT count(*) FROM saved_searches").fetchone()[0] >= MAX_SAVED_SEARCHES:
                raise SavedSearchFull(f"at most {MAX_SAVED_SEARCHES} saved searches; delete some first")
            self._db.execute(
                "INSERT INTO saved_searches (id, created_at, doc) VALUES (?, ?, ?)",
                (search.id, search.created_at.isoformat(), search.model_dump_json()),
            )

    def get(self, search_id: str) -> SavedSearch | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM saved_searches WHERE id = ?", (search_id,)).fetchone()
        return _decode(row[0]) if row else None

    def all(self) -> list[SavedSearch]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM saved_searches ORDER BY created_at, id").fetchall()
        return [_decode(row[0]) for row in rows]

    def remove(self, search_id: str) -> bool:
        with self._lock, self._db:
            return self._db.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount > 0

    def alert_state(self, search: SavedSearch) -> AlertState:
        with self._lock:
            row = self._db.execute("SELECT alert_state FROM saved_searches WHERE id = ?", (search.id,)).fetchone()
        return AlertState.model_validate_json(row[0]) if row and row[0] else AlertState(since=search.created_at)

    def save_alert_state(self, search_id: str, state: AlertState) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE saved_searches SET alert_state = ? WHERE id = ?", (state.model_dump_json(), search_id)
            )

    def close(self) -> None:
        self._db.close()


def open_saved_searches(settings: Settings) -> SavedSearchStore:
    """Redis when the pipeline is distributed, else a SQLite file beside the embedded index."""
    if settings.redis_url:
        from newsdesk.connections import redis_client

        return RedisSavedSearches(redis_client(settings.redis_url))
    return SqliteSavedSearches(settings.data_dir / "saved_searches.sqlite3")
