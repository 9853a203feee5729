"""Dead letters: work that failed for good, kept with its arguments and error so an operator can retry it.

Beside the letters, the store keeps their groups by cause (newsdesk/ops/failures.py) incrementally, so
"failures by cause" reads a hash of counts instead of every letter:

- `newsdesk:deadletters:groups` hash group key -> number of letters,
- `newsdesk:deadletters:group-info` hash group key -> {task, cause},
- `newsdesk:deadletters:group:<key>` ZSET letter id -> failed_at (what "retry this group" re-sends),
- `newsdesk:deadletters:group-of` hash letter id -> group key (what a removal decrements).

Adding and removing a letter update them in the same Lua script, so counts never drift from the letters.
Letters written before the groups existed are grouped once, on first read (`FailureGroups.ensure_built`).
"""

from __future__ import annotations

import builtins
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from newsdesk.ops.failures import FailureGroup, failure_cause, group_key

DEAD_LETTERS_KEY = "newsdesk:deadletters"
BY_TIME_KEY = f"{DEAD_LETTERS_KEY}:by_time"
GROUP_COUNTS_KEY = f"{DEAD_LETTERS_KEY}:groups"
GROUP_INFO_KEY = f"{DEAD_LETTERS_KEY}:group-info"
GROUP_OF_KEY = f"{DEAD_LETTERS_KEY}:group-of"
GROUP_MEMBERS_PREFIX = f"{DEAD_LETTERS_KEY}:group:"
GROUPS_BUILT_KEY = f"{DEAD_LETTERS_KEY}:groups-built"  # set once every letter is grouped
GROUPS_BUILD_LOCK_KEY = f"{DEAD_LETTERS_KEY}:groups-building"
MAX_DEAD_LETTERS = 10_000
MAX_GROUPS_SHOWN = 200

# KEYS: letters, by_time, group-of, counts, info, the group's members. ARGV: id, letter JSON (empty: the
# letter is already stored, only group it), failed_at, group key, info JSON. ZADD says whether the id is new
# to its group, so grouping a letter twice (a rebuild racing a write) counts it once.
_ADD = """
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
elseif redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
if redis.call('ZADD', KEYS[6], ARGV[3], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
  redis.call('HINCRBY', KEYS[4], ARGV[4], 1)
  redis.call('HSETNX', KEYS[5], ARGV[4], ARGV[5])
end
return 1
"""

# KEYS: letters, by_time, group-of, counts, info. ARGV: id, the members' key prefix. The group's key is read
# here, so removal is one atomic step (standalone Redis or Sentinel; Celery rules out Redis Cluster anyway).
_REMOVE = """
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local group = redis.call('HGET', KEYS[3], ARGV[1])
if group then
  redis.call('HDEL', KEYS[3], ARGV[1])
  if redis.call('ZREM', ARGV[2] .. group, ARGV[1]) == 1 and redis.call('HINCRBY', KEYS[4], group, -1) <= 0 then
    redis.call('HDEL', KEYS[4], group)
    redis.call('HDEL', KEYS[5], group)
  end
end
return removed
"""


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

    @property
    def group(self) -> tuple[str, str]:
        """(group key, cause)."""
        cause = failure_cause(self.error)
        return group_key(self.task, cause), cause

    @property
    def url(self) -> str | None:
        """The article's URL (a stage task's `url=` keyword, or a fetch's first argument), for its lineage."""
        url = self.kwargs.get("url") or (self.args[0] if self.args and isinstance(self.args[0], str) else None)
        return url if isinstance(url, str) and "://" in url else None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class DeadLetterStore:
    """A Redis hash of id -> letter plus a sorted set by time, capped in size, and the letters' groups."""

    def __init__(self, redis_client):
        self.redis = redis_client
        self._add_script = redis_client.register_script(_ADD)
        self._remove_script = redis_client.register_script(_REMOVE)

    def add(self, letter: DeadLetter) -> str:
        self._write(letter, json.dumps(asdict(letter), default=str))
        self._trim()
        return letter.id

    def _write(self, letter: DeadLetter, raw: str, pipe: Any = None) -> bool:
        """Store (raw non-empty) and group the letter, on `pipe` when given; False when grouping one that is gone."""
        key, cause = letter.group
        members = GROUP_MEMBERS_PREFIX + key
        keys = [DEAD_LETTERS_KEY, BY_TIME_KEY, GROUP_OF_KEY, GROUP_COUNTS_KEY, GROUP_INFO_KEY, members]
        info = json.dumps({"task": letter.task, "cause": cause})
        return bool(self._add_script(keys=keys, args=[letter.id, raw, letter.failed_at, key, info], client=pipe))

    def _trim(self) -> None:
        excess = self.redis.zcard(BY_TIME_KEY) - MAX_DEAD_LETTERS
        if excess > 0:
            for letter_id in self.redis.zrange(BY_TIME_KEY, 0, excess - 1):
                self.remove(_text(letter_id))

    def get(self, letter_id: str) -> DeadLetter | None:
        raw = self.redis.hget(DEAD_LETTERS_KEY, letter_id)
        return DeadLetter(**json.loads(raw)) if raw else None

    def list(self, limit: int = 100, offset: int = 0) -> list[DeadLetter]:
        ids = self.redis.zrevrange(BY_TIME_KEY, offset, offset + limit - 1)
        return self._letters(ids)

    def _letters(self, ids: builtins.list) -> builtins.list[DeadLetter]:
        if not ids:
            return []
        return [DeadLetter(**json.loads(raw)) for raw in self.redis.hmget(DEAD_LETTERS_KEY, ids) if raw]

    def count(self) -> int:
        return int(self.redis.zcard(BY_TIME_KEY))

    def remove(self, letter_id: str) -> bool:
        keys = [DEAD_LETTERS_KEY, BY_TIME_KEY, GROUP_OF_KEY, GROUP_COUNTS_KEY, GROUP_INFO_KEY]
        return bool(self._remove_script(keys=keys, args=[letter_id, GROUP_MEMBERS_PREFIX]))

    def ids(self) -> builtins.list[str]:
        return [_text(i) for i in self.redis.zrange(BY_TIME_KEY, 0, -1)]

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

    # ---- failures grouped by cause

    def groups(self, limit: int = MAX_GROUPS_SHOWN) -> builtins.list[FailureGroup]:
        """The largest groups first (then the newest), each with its newest letter's error as the example."""
        self.ensure_groups_built()
        counts = {_text(k): int(v) for k, v in self.redis.hgetall(GROUP_COUNTS_KEY).items() if int(v) > 0}
        keys = sorted(counts, key=lambda k: -counts[k])[: limit * 2]  # enough to order ties by time below
        if not keys:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(GROUP_INFO_KEY, keys)
            for key in keys:
                pipe.zrevrange(GROUP_MEMBERS_PREFIX + key, 0, 0, withscores=True)
            infos, *newest = pipe.execute()
        groups = []
        for key, info, top in zip(keys, infos, newest):
            described = json.loads(info) if info else {"task": "?", "cause": "?"}
            example_id, newest_at = (_text(top[0][0]), float(top[0][1])) if top else ("", 0.0)
            groups.append(
                FailureGroup(key=key, count=counts[key], newest_at=newest_at, example_id=example_id, **described)
            )
        groups.sort(key=lambda g: (-g.count, -g.newest_at))
        groups = groups[:limit]
        examples = {letter.id: letter for letter in self._letters([g.example_id for g in groups if g.example_id])}
        for group in groups:
            if example := examples.get(group.example_id):
                group.example, group.example_url = example.error, example.url
        return groups

    def group_ids(self, key: str) -> builtins.list[str]:
        """Every letter of one group, oldest first."""
        self.ensure_groups_built()
        return [_text(i) for i in self.redis.zrange(GROUP_MEMBERS_PREFIX + key, 0, -1)]

    def ensure_groups_built(self) -> None:
        """Group letters stored before the groups were kept (once; a second reader meanwhile sees them grow)."""
        if self.redis.exists(GROUPS_BUILT_KEY) or not self.redis.set(GROUPS_BUILD_LOCK_KEY, "1", nx=True, ex=300):
            return
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                for n, (_id, raw) in enumerate(self.redis.hscan_iter(DEAD_LETTERS_KEY, count=500), start=1):
                    self._write(DeadLetter(**json.loads(raw)), "", pipe)
                    if n % 500 == 0:
                        pipe.execute()
                pipe.execute()
            self.redis.set(GROUPS_BUILT_KEY, str(time.time()))
        finally:
            self.redis.delete(GROUPS_BUILD_LOCK_KEY)
