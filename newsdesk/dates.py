"""The one parser of ISO 8601 / W3C timestamps: metadata, sitemaps, WARC records, task headers, index stamps."""

from __future__ import annotations

from datetime import UTC, datetime

_FALLBACK_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d")


def parse_iso_datetime(value: object) -> datetime | None:
    """An aware datetime, or None for anything unparsable; a time without an offset is taken as UTC."""
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif not isinstance(value, str) or not value.strip():
        return None
    else:
        text = value.strip().replace("Z", "+00:00")
        parsed = None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _FALLBACK_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
