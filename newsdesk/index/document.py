"""Article <-> search document: the one place that decides what the index stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsdesk.models import Article


def to_document(article: Article) -> dict[str, Any]:
    doc = article.model_dump(mode="json")
    doc["id"] = article.id
    doc["quotes_text"] = [quote.text for quote in article.quotes]
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    return doc


def from_document(doc: dict[str, Any]) -> Article:
    fields = {name: value for name, value in doc.items() if name in Article.model_fields}
    return Article(**fields)
