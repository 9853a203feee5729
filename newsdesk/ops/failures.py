"""Failures grouped by cause: the task and the error message with its variable parts (URLs, numbers, ids) blanked."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.ops.deadletters import DeadLetter

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


@dataclass
class FailureGroup:
    key: str  # stable for the same task and cause: the handle for "retry this group"
    task: str
    cause: str
    count: int = 0
    newest_at: float = 0.0
    example: str = ""  # the newest letter's full error
    ids: list[str] = field(default_factory=list)


def group_key(task: str, cause: str) -> str:
    return hashlib.sha1(f"{task}\n{cause}".encode()).hexdigest()[:16]


def group_failures(letters: Iterable[DeadLetter]) -> list[FailureGroup]:
    """Groups, largest first (then newest first)."""
    groups: dict[str, FailureGroup] = {}
    for letter in letters:
        cause = failure_cause(letter.error)
        key = group_key(letter.task, cause)
        group = groups.setdefault(key, FailureGroup(key=key, task=letter.task, cause=cause))
        group.count += 1
        group.ids.append(letter.id)
        if letter.failed_at >= group.newest_at:
            group.newest_at, group.example = letter.failed_at, letter.error
    return sorted(groups.values(), key=lambda g: (-g.count, -g.newest_at))
