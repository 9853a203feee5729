"""Export: every match of a search as CSV rows or JSON lines, whatever the number of matches."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

EXPORT_PAGE_SIZE = 500  # documents per backend round trip; a point in time / keyset keeps paging exact
SUMMARY_EXPORT_FIELDS = ("id", "url", "title", "source", "sources", "published_at", "authors", "language", "cluster_id")
FULL_EXPORT_FIELDS = (*SUMMARY_EXPORT_FIELDS, "body", "quotes", "credits")
LIST_SEPARATOR = "; "  # authors (or sources) in one CSV cell


class ExportFormat(str, Enum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def fields(self) -> tuple[str, ...]:
        """CSV keeps to flat columns; JSON lines also carry the body, quotes and credits."""
        return FULL_EXPORT_FIELDS if self is ExportFormat.JSONL else SUMMARY_EXPORT_FIELDS

    @property
    def media_type(self) -> str:
        return "text/csv; charset=utf-8" if self is ExportFormat.CSV else "application/x-ndjson"


def export_record(doc: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """One exported article: exactly `fields`, in order, missing ones as None (lists as [])."""
    return {name: doc.get(name, [] if name in ("authors", "sources", "quotes", "credits") else None) for name in fields}


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def encode_records(records: Iterable[dict[str, Any]], export_format: ExportFormat) -> Iterator[str]:
    """Text chunks, one per record (after a header row for CSV), to stream or write as they come."""
    if export_format is ExportFormat.CSV:
        yield _csv_line(list(SUMMARY_EXPORT_FIELDS))
        for record in records:
            yield _csv_line(
                [
                    LIST_SEPARATOR.join(value) if isinstance(value, list) else ("" if value is None else value)
                    for value in (record.get(name) for name in SUMMARY_EXPORT_FIELDS)
                ]
            )
    else:
        for record in records:
            yield json.dumps(record, ensure_ascii=False) + "\n"
