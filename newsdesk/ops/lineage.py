"""Per-URL lineage: what happened to an article, event by event ("what happened to this URL?").

A capped Redis list per article (keyed like the ledger, by the accepted URL's fingerprint), newest first,
that expires a week after its last event: accepted, fetched (HTTP status), not modified, parsed, indexed,
retrying (with reason), re-sent (lost in transit), refused, dead letter. Writes take a pipeline, so a stage
folds them into the round trip that records its transition.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import redis

from newsdesk.ops.ledger import article_key

LINEAGE_PREFIX = "newsdesk:lineage:"
MAX_EVENTS = 50  # per URL: enough for a day of retries; older events drop off
LINEAGE_TTL_SECONDS = 7 * 24 * 3600


@dataclass
class Event:
    event: str = field(
        metadata={
            "description": "accepted, fetched, not modified, parsed, indexed, retrying, re-sent, refused, dead letter"
        }
    )
    detail: str = ""
    stage: str = ""
    at: float = field(default_factory=time.time)


def lineage_key(url: str) -> str:
    return f"{LINEAGE_PREFIX}{article_key(url)}"


def record_event(pipe: redis.client.Pipeline, url: str, event: str, detail: str = "", stage: str = "") -> None:
    key = lineage_key(url)
    pipe.lpush(key, json.dumps(asdict(Event(event=event, detail=detail[:500], stage=stage))))
    pipe.ltrim(key, 0, MAX_EVENTS - 1)
    pipe.expire(key, LINEAGE_TTL_SECONDS)


def events(client: redis.Redis, url: str) -> list[Event]:
    """The URL's events, oldest first."""
    raws = client.lrange(lineage_key(url), 0, -1)
    return [Event(**json.loads(raw)) for raw in reversed(raws)]
