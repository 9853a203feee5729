"""One item of an Elasticsearch `_bulk` answer: written, worth a retry, or refused for good."""

from __future__ import annotations

import json
from typing import Any

from newsdesk.errors import NewsdeskError, PermanentError, TransientError

# Statuses that mean "Elasticsearch is overloaded, red or restarting": retrying later may succeed.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _body(item: dict[str, Any]) -> dict[str, Any]:
    """{"index": {...}} -> {...}: the action's own answer."""
    return next(iter(item.values()), {}) if item else {}


def item_status(item: dict[str, Any]) -> int | None:
    return _body(item).get("status")


def item_id(item: dict[str, Any]) -> str:
    return str(_body(item).get("_id", ""))


def item_index(item: dict[str, Any]) -> str:
    """The concrete index the item went to (behind the write alias): what a URL's lineage names."""
    return str(_body(item).get("_index", ""))


def is_conflict(item: dict[str, Any]) -> bool:
    """A version conflict: a newer write of the same article is already there, which counts as done."""
    return item_status(item) == 409


def is_missing_alias(item: dict[str, Any]) -> bool:
    return "require_alias" in str(_body(item).get("error", {}).get("reason", ""))


def refusal(item: dict[str, Any]) -> NewsdeskError:
    """Why one document was not written: overload (TransientError, retried alone) or a rejection for good."""
    text = json.dumps(item, default=str)
    if item_status(item) in TRANSIENT_STATUSES:
        return TransientError(f"Elasticsearch refused a document ({item_status(item)}): {text[:300]}")
    return PermanentError(f"Elasticsearch rejected the document: {text[:500]}")
