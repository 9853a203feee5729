"""The ledger of in-flight articles and the reconciler that re-sends work lost between queue and worker.

Celery's Redis transport can lose a message: kombu BRPOPs it off the queue list and only then writes it to
the `unacked` hash (a worker killed in between, or a Redis kill -9 losing its last writes, drops it; see
celery/celery#7950, kombu#305). So every accepted article is written here first, keyed by its URL's
fingerprint, with what to re-send if it stops making progress:

- a ZSET article key -> deadline (unix time after which the article counts as stuck),
- a hash article key -> Work (the task to re-send, its kwargs and queue, the stage it waits in).

Each stage writes its transition BEFORE publishing the next task (accepted, handed off, retry scheduled)
and removes the entry at the end (indexed, dead letter, not modified, refused), so a crash at any point
leaves an entry while work may be lost. The reconciler looks only at entries past their deadline, and
re-sends one only when neither its stage's queue nor `unacked` holds a message for it: a long backlog or a
retry waiting out its countdown is not duplicated. Duplicates that slip through are harmless (the index id
is the canonical URL's fingerprint). After `max_resends` re-sends at one stage the work becomes a dead letter.

Every write takes a Redis pipeline, so a stage can fold it into its own round trip.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.ops.monitoring import ErrorRecord, Monitor
from newsdesk.ops.runs import RedisRun

log = logging.getLogger(__name__)

DEADLINES_KEY = "newsdesk:ledger:deadlines"
WORK_KEY = "newsdesk:ledger:work"
RESENT_TOTAL_KEY = "newsdesk:ledger:resent"
LOST_TOTAL_KEY = "newsdesk:ledger:lost"
RECONCILE_LOCK_KEY = "newsdesk:ledger:reconcile-lock"
UNACKED_KEY = "unacked"  # kombu's Redis transport: delivery tag -> [message, exchange, routing key]
STUCK_PER_PASS = 500  # entries one pass looks at; the rest wait for the next pass

# Replace the entry only if it is still exactly what the reconciler read: a stage that moved the article on
# meanwhile wins, and two reconcilers never re-send one article twice. An empty new value removes the entry.
_COMPARE_AND_SET = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
return 1
"""


def article_key(url: str) -> str:
    """The ledger's id for an article: its accepted URL's fingerprint (short, fixed length)."""
    return hashlib.sha1(url.encode("utf-8", "replace")).hexdigest()[:24]


@dataclass
class Work:
    """What the ledger keeps per article: where it waits and what to send again if it is lost there."""

    url: str
    stage: str  # the queue holding the article's current message: fetch, parse or index
    task: str  # the task to re-send (may be an earlier stage, e.g. parse again from the page store)
    kwargs: dict[str, Any]
    queue: str  # the queue to re-send it to
    at: float = field(default_factory=time.time)  # when this transition was written
    resent: int = 0  # re-sends at this stage so far

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def load(cls, raw: bytes | str) -> Work:
        return cls(**json.loads(raw))


@dataclass
class LedgerStats:
    in_flight: int = field(metadata={"description": "accepted articles not yet at an end"})
    oldest_age_seconds: float | None = field(
        metadata={"description": "the longest an article has waited at its current stage"}
    )
    resent_total: int = field(metadata={"description": "work the reconciler re-sent after it was lost in transit"})
    lost_total: int = field(metadata={"description": "work re-sent max_resends times, now dead letters"})


class Ledger:
    def __init__(self, redis_client: redis.Redis, stuck_after: float):
        self.redis = redis_client
        self.stuck_after = stuck_after

    # ---- transitions (each queued on `pipe`; the caller executes it)
    def record(self, pipe: redis.client.Pipeline, work: Work, wait: float = 0.0) -> None:
        """Accepted or handed off: the article is due at its stage within stuck_after (+ `wait`) seconds."""
        key = article_key(work.url)
        pipe.hset(WORK_KEY, key, work.dump())
        pipe.zadd(DEADLINES_KEY, {key: work.at + wait + self.stuck_after})

    def retry_scheduled(self, pipe: redis.client.Pipeline, url: str, countdown: float) -> None:
        """A retry waits out `countdown` first: its deadline moves past it (only if the article is in flight)."""
        pipe.zadd(DEADLINES_KEY, {article_key(url): time.time() + countdown + self.stuck_after}, xx=True)

    def finished(self, pipe: redis.client.Pipeline, url: str) -> None:
        """Indexed, dead-lettered, not modified or refused: nothing more can be lost."""
        key = article_key(url)
        pipe.zrem(DEADLINES_KEY, key)
        pipe.hdel(WORK_KEY, key)

    # ---- reading
    def get(self, url: str) -> Work | None:
        raw = self.redis.hget(WORK_KEY, article_key(url))
        return Work.load(raw) if raw else None

    def stuck(self, now: float, limit: int = STUCK_PER_PASS) -> list[tuple[str, bytes | str, Work]]:
        """(key, stored value, work) of entries past their deadline, oldest deadline first."""
        keys = [_text(k) for k in self.redis.zrangebyscore(DEADLINES_KEY, "-inf", now, start=0, num=limit)]  # type: ignore[arg-type]
        if not keys:
            return []
        found = []
        for key, raw in zip(keys, self.redis.hmget(WORK_KEY, keys)):
            if raw is None:  # finished between the two reads (or a torn write): drop the orphan deadline
                self.redis.zrem(DEADLINES_KEY, key)
                continue
            found.append((key, raw, Work.load(raw)))
        return found

    def stats(self, now: float | None = None) -> LedgerStats:
        now = time.time() if now is None else now
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(DEADLINES_KEY)
            pipe.zrange(DEADLINES_KEY, 0, 0)
            pipe.get(RESENT_TOTAL_KEY)
            pipe.get(LOST_TOTAL_KEY)
            in_flight, first, resent, lost = pipe.execute()
        oldest = None
        if first and (raw := self.redis.hget(WORK_KEY, first[0])):
            oldest = max(0.0, now - Work.load(raw).at)
        return LedgerStats(int(in_flight), oldest, int(resent or 0), int(lost or 0))

    # ---- the reconciler's writes: compare-and-set against what it read
    def replace(self, key: str, expected: bytes | str, work: Work | None) -> bool:
        new = work.dump() if work else ""
        deadline = (work.at + self.stuck_after) if work else 0
        return bool(self.redis.eval(_COMPARE_AND_SET, 2, WORK_KEY, DEADLINES_KEY, key, expected, new, deadline))

    def push(self, keys: list[str], now: float) -> None:
        """Still waiting (in a queue or unacked): look again after another stuck_after (one round trip)."""
        if keys:
            self.redis.zadd(DEADLINES_KEY, dict.fromkeys(keys, now + self.stuck_after), xx=True, gt=True)


# ---- what the broker holds: kombu's Redis transport layout (a list per queue, the `unacked` hash)


def _message_url(message: dict[str, Any]) -> str | None:
    """The `url` keyword of a Celery (protocol 2) message: its body is base64 JSON [args, kwargs, embed]."""
    try:
        body = message.get("body", "")
        if (message.get("properties") or {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        url = kwargs.get("url")
        return url if isinstance(url, str) else None
    except (ValueError, TypeError, AttributeError):
        return None


@dataclass
class BrokerView:
    """Article keys that have a message in a queue or in `unacked`, and the queues too long to scan."""

    alive: set[str] = field(default_factory=set)
    unscanned_queues: set[str] = field(default_factory=set)
    unacked_unscanned: bool = False

    def may_hold(self, key: str, stage: str) -> bool:
        return key in self.alive or stage in self.unscanned_queues or self.unacked_unscanned


def read_broker(client: redis.Redis, queues: Iterable[str], scan_limit: int) -> BrokerView:
    """One bounded look at every queue list and at `unacked`: a list or hash longer than scan_limit is not
    read (the work may be in it, so its stuck entries are pushed, not re-sent)."""
    view = BrokerView()
    for queue in queues:
        length = client.llen(queue)
        if length > scan_limit:
            view.unscanned_queues.add(queue)
            continue
        for raw in client.lrange(queue, 0, -1) if length else []:
            _note(view, raw, unacked=False)
    if client.hlen(UNACKED_KEY) > scan_limit:
        view.unacked_unscanned = True
    else:
        for _tag, raw in client.hscan_iter(UNACKED_KEY, count=500):
            _note(view, raw, unacked=True)
    return view


def _note(view: BrokerView, raw: bytes | str, unacked: bool) -> None:
    try:
        message = json.loads(raw)
        if unacked:
            message = message[0]
    except (ValueError, TypeError, IndexError, KeyError):
        return
    if isinstance(message, dict) and (url := _message_url(message)):
        view.alive.add(article_key(url))


# ---- the reconciler

Publish = Callable[[Work], None]


@dataclass
class ReconcileReport:
    stuck: int = 0
    pushed: int = 0  # still waiting in a queue or unacked: deadline moved on
    resent: list[Work] = field(default_factory=list)
    lost: list[Work] = field(default_factory=list)  # re-sent max_resends times: now dead letters


class Reconciler:
    """Re-sends ledger entries past their deadline that no queue and no worker holds."""

    def __init__(
        self,
        ledger: Ledger,
        publish: Publish,
        queues: Iterable[str],
        max_resends: int = 3,
        scan_limit: int = 5000,
    ):
        self.ledger, self.redis, self.publish = ledger, ledger.redis, publish
        self.queues, self.max_resends, self.scan_limit = tuple(queues), max_resends, scan_limit

    def acquire(self, hold_seconds: float) -> bool:
        """One reconciler per interval across every worker: SET NX EX, left to expire (it also paces passes)."""
        return bool(self.redis.set(RECONCILE_LOCK_KEY, str(time.time()), nx=True, ex=max(1, int(hold_seconds))))

    def run_once(self, now: float | None = None) -> ReconcileReport:
        now = time.time() if now is None else now
        report = ReconcileReport()
        stuck = self.ledger.stuck(now)
        report.stuck = len(stuck)
        if not stuck:
            return report  # the common case costs one ZRANGEBYSCORE
        view = read_broker(self.redis, self.queues, self.scan_limit)
        waiting = [key for key, _raw, work in stuck if view.may_hold(key, work.stage)]
        self.ledger.push(waiting, now)
        report.pushed = len(waiting)
        for key, raw, work in stuck:
            if view.may_hold(key, work.stage):
                continue
            if work.resent >= self.max_resends:
                if self.ledger.replace(key, raw, None):
                    self._lost(work)
                    report.lost.append(work)
            else:
                again = Work(**{**asdict(work), "at": now, "resent": work.resent + 1})
                if self.ledger.replace(key, raw, again):
                    self.publish(again)
                    self._note(
                        again, "re-sent", f"{work.task}: lost in transit at {work.stage}, re-send {again.resent}"
                    )
                    report.resent.append(again)
                    log.warning("re-sent %s for %s (lost in transit, re-send %d)", work.task, work.url, again.resent)
        return report

    def _note(self, work: Work, event: str, detail: str, total_key: str = RESENT_TOTAL_KEY) -> None:
        from newsdesk.ops.lineage import record_event  # lineage keys articles like the ledger, so it imports it

        with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(total_key)
            record_event(pipe, work.url, event, detail, stage=work.stage)
            pipe.execute()

    def _lost(self, work: Work) -> None:
        """The same end as any failed task: a dead letter an operator can retry, and `failed` in its run."""
        reason = f"lost in transit {work.resent} times"
        DeadLetterStore(self.redis).add(
            DeadLetter(task=work.task, args=[], kwargs=work.kwargs, error=reason, queue=work.queue, retries=work.resent)
        )
        self._note(work, "dead letter", reason, total_key=LOST_TOTAL_KEY)
        Monitor(self.redis).record_error(
            ErrorRecord(at=time.time(), stage=work.stage, task=work.task, reason=reason, subject=work.url[:300])
        )
        run_id = work.kwargs.get("run_id")
        if run_id:
            RedisRun(self.redis, run_id).add("failed", error=f"{work.url}: {reason}", url=work.url)
        log.error("dead-lettered %s for %s: %s", work.task, work.url, reason)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
