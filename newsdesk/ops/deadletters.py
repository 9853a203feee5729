"""Dead letters: work that failed for good, kept with its arguments and error so an operator can retry it."""

from __future__ import annotations

import builtins
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

DEAD_LETTERS_KEY = "newsdesk:deadletters"
MAX_DEAD_LETTERS = 10_000


@dataclass
class DeadLetter:
    task: str
    args: list[Any]
    kwargs: dict[str, Any]
    error: str
    traceback: str = ""
    queue: str = ""
    retries: int = 0
    failed_at: float = field(default_factory=time.time)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class DeadLetterStore:
    """A Redis hash of id -> letter plus a sorted set by time, capped in size."""

    def __init__(self, redis_client):
        self.redis = redis_client

    def add(self, letter: DeadLetter) -> str:
        with self.redis.pipeline() as pipe:
            pipe.hset(DEAD_LETTERS_KEY, letter.id, json.dumps(asdict(letter), default=str))
            pipe.zadd(f"{DEAD_LETTERS_KEY}:by_time", {letter.id: letter.failed_at})
            pipe.execute()
        self._trim()
        return letter.id

    def _trim(self) -> None:
        excess = self.redis.zcard(f"{DEAD_LETTERS_KEY}:by_time") - MAX_DEAD_LETTERS
        if excess > 0:
            oldest = self.redis.zrange(f"{DEAD_LETTERS_KEY}:by_time", 0, excess - 1)
            for letter_id in oldest:
                self.remove(letter_id.decode() if isinstance(letter_id, bytes) else letter_id)

    def get(self, letter_id: str) -> DeadLetter | None:
        raw = self.redis.hget(DEAD_LETTERS_KEY, letter_id)
        return DeadLetter(**json.loads(raw)) if raw else None

    def list(self, limit: int = 100, offset: int = 0) -> list[DeadLetter]:
        ids = self.redis.zrevrange(f"{DEAD_LETTERS_KEY}:by_time", offset, offset + limit - 1)
        if not ids:
            return []
        raws = self.redis.hmget(DEAD_LETTERS_KEY, ids)
        return [DeadLetter(**json.loads(raw)) for raw in raws if raw]

    def count(self) -> int:
        return int(self.redis.zcard(f"{DEAD_LETTERS_KEY}:by_time"))

    def remove(self, letter_id: str) -> bool:
        with self.redis.pipeline() as pipe:
            pipe.hdel(DEAD_LETTERS_KEY, letter_id)
            pipe.zrem(f"{DEAD_LETTERS_KEY}:by_time", letter_id)
            removed, _ = pipe.execute()
        return bool(removed)

    def ids(self) -> builtins.list[str]:
        return [
            i.decode() if isinstance(i, bytes) else i for i in self.redis.zrange(f"{DEAD_LETTERS_KEY}:by_time", 0, -1)
        ]

    def discard(self, letter_ids: Iterable[str]) -> builtins.list[str]:
        """Drop letters for good; returns the ids that were there."""
        return [letter_id for letter_id in letter_ids if self.remove(letter_id)]

    def retry(self, letter_ids: Iterable[str], publish: Callable[[DeadLetter], None]) -> builtins.list[str]:
        """Hand each letter back to `publish` (which re-sends its task with the same arguments).

        A letter is claimed by removing it first, so two operators pressing Retry at once send it once;
        if publishing fails it is put back and the error propagates. Returns the ids that were re-sent.
        """
        retried = []
        for letter_id in letter_ids:
            letter = self.get(letter_id)
            if letter is None or not self.remove(letter_id):
                continue
            try:
                publish(letter)
            except BaseException:
                self.add(letter)
                raise
            retried.append(letter_id)
        return retried
