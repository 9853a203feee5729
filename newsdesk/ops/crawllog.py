"""Crawl log: each URL's last outcome (fetched, parsed, indexed, not modified, skipped by robots, refused, failed...).

Layout: one hash `newsdesk:crawllog` of url -> JSON entry, plus sorted sets by time for each
status, each source, and each (source, status) pair, so `newsdesk urls --source S --status failed`
and the dashboard read a page of entries without scanning. A write is one script (read the previous entry, keep
what the fetch learnt, move the URL between the sorted sets), so a stage can queue it on its own round trip.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import redis

from newsdesk.errors import FetchRefused, NewsdeskError, TransientError
from newsdesk.models import Outcome

LOG_KEY = "newsdesk:crawllog"
MAX_REASON = 500

# KEYS[1] the log hash; ARGV: url, entry JSON, entry time, LOG_KEY. Sorted sets by time: all URLs, each status,
# and when the entry has a source, that source and (source, status).
_RECORD = """
local function index_keys(e)
  local keys = {ARGV[4] .. ':all', ARGV[4] .. ':status:' .. e.status}
  if e.source and e.source ~= cjson.null and e.source ~= '' then
    keys[3] = ARGV[4] .. ':source:' .. e.source
    keys[4] = ARGV[4] .. ':source:' .. e.source .. ':status:' .. e.status
  end
  return keys
end
local entry = cjson.decode(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local previous = cjson.decode(raw)
  if entry.retries == 0 then entry.retries = previous.retries end
  if entry.http_status == cjson.null or entry.http_status == 0 then entry.http_status = previous.http_status end
  for _, key in ipairs(index_keys(previous)) do redis.call('ZREM', key, ARGV[1]) end
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
for _, key in ipairs(index_keys(entry)) do redis.call('ZADD', key, ARGV[3], ARGV[1]) end
return 1
"""


@dataclass
class CrawlEntry:
    url: str
    status: str  # an Outcome value
    source: str | None = None
    reason: str = ""
    retries: int = 0
    http_status: int | None = None
    at: float = field(default_factory=time.time)


def classify(error: BaseException, will_retry: bool) -> tuple[Outcome, str]:
    """The outcome a fetch error leaves in the log, and the reason shown with it."""
    if isinstance(error, FetchRefused):
        return (Outcome.SKIPPED_ROBOTS if error.reason == "robots" else Outcome.REFUSED), f"{error.reason}: {error}"
    if isinstance(error, TransientError) and will_retry:
        return Outcome.RETRYING, str(error)
    if isinstance(error, NewsdeskError):
        return Outcome.FAILED, str(error)
    return Outcome.FAILED, f"{type(error).__name__}: {error}"


class CrawlLog:
    def __init__(self, redis_client):
        self.redis = redis_client

    def record(self, entry: CrawlEntry, pipe: redis.client.Pipeline | None = None) -> None:
        """The URL's latest outcome; parse and index outcomes keep what the fetch learnt (retries, HTTP status).
        Queued on `pipe` when given, else sent at once."""
        entry.reason = entry.reason[:MAX_REASON]
        args = (LOG_KEY, entry.url, json.dumps(asdict(entry)), repr(entry.at), LOG_KEY)
        if pipe is not None:
            pipe.eval(_RECORD, 1, *args)
        else:
            self.redis.eval(_RECORD, 1, *args)

    def get(self, url: str) -> CrawlEntry | None:
        raw = self.redis.hget(LOG_KEY, url)
        return CrawlEntry(**json.loads(raw)) if raw else None

    def query(self, source: str | None = None, status: str | None = None, limit: int = 100) -> list[CrawlEntry]:
        """Newest first."""
        if source and status:
            key = f"{LOG_KEY}:source:{source}:status:{status}"
        elif source:
            key = f"{LOG_KEY}:source:{source}"
        elif status:
            key = f"{LOG_KEY}:status:{status}"
        else:
            key = f"{LOG_KEY}:all"
        return self._entries(self.redis.zrevrange(key, 0, limit - 1))

    def _entries(self, urls: list) -> list[CrawlEntry]:
        if not urls:
            return []
        return [CrawlEntry(**json.loads(raw)) for raw in self.redis.hmget(LOG_KEY, urls) if raw]

    def counts(self, source: str | None = None) -> dict[str, int]:
        prefix = f"{LOG_KEY}:source:{source}:status:" if source else f"{LOG_KEY}:status:"
        return {o.value: int(self.redis.zcard(prefix + o.value)) for o in Outcome}
