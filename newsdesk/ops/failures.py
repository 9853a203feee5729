"""Failures grouped by cause: the task and the error message with its variable parts (URLs, numbers, ids) blanked.

The groups themselves are kept incrementally by the dead-letter store (newsdesk/ops/deadletters.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

# Order matters: URLs before hosts and numbers, so "https://a.test/1" is one <url>, not a host and a number.
_VARIABLE_PARTS = (
    (re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I), "<url>"),
    (re.compile(r"'[^']{0,300}'|\"[^\"]{0,300}\""), "<text>"),
    (re.compile(r"\b[0-9a-f]{12,}\b", re.I), "<id>"),
    (re.compile(r"\b\d+(?:\.\d+)*\b"), "<n>"),
    (re.compile(r"\s+"), " "),
)
HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")  # kept: a 404 and a 503 are different causes
MAX_CAUSE_LENGTH = 200


def failure_cause(error: str) -> str:
    """'HTTP 404 for https://a.test/7 after 3 tries' -> 'HTTP 404 for <url> after <n> tries'."""
    statuses = HTTP_STATUS.findall(error)
    cause = error
    for pattern, placeholder in _VARIABLE_PARTS:
        cause = pattern.sub(placeholder, cause)
    for status in statuses:
        cause = cause.replace("HTTP <n>", f"HTTP {status}", 1)
    return cause.strip()[:MAX_CAUSE_LENGTH]


def group_key(task: str, cause: str) -> str:
    """Stable for the same task and cause: the handle for "retry this group"."""
    return hashlib.sha1(f"{task}\n{cause}".encode()).hexdigest()[:16]


@dataclass
class FailureGroup:
    key: str = field(metadata={"description": "stable id of the group: POST /ops/api/deadletters/groups/{key}/retry"})
    task: str
    cause: str = field(metadata={"description": "the error with its URLs, numbers, ids and quoted values blanked"})
    count: int = 0
    newest_at: float = 0.0
    example: str = field(default="", metadata={"description": "the newest letter's full error"})
    example_id: str = field(default="", metadata={"description": "the newest letter's id"})
    example_url: str | None = field(default=None, metadata={"description": "its article's URL (see its lineage)"})
