"""Article <-> search document: the one place that decides what the index stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsdesk.models import Article


def to_document(article: Article) -> dict[str, Any]:
    """An article not placed in a cluster (newsdesk.index.clusters) is its own cluster, from its one source."""
    doc = article.model_dump(mode="json")
    doc["id"] = article.id
    doc["quotes_text"] = [quote.text for quote in article.quotes]
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    return upgrade_document(doc)


def upgrade_document(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill the fields a document written by an older mapping lacks (cluster_id, sources); migrate copies through it."""
    if not doc.get("cluster_id"):
        doc["cluster_id"] = doc.get("id")
    if not doc.get("sources"):
        doc["sources"] = [doc["source"]] if doc.get("source") else []
    return doc


def from_document(doc: dict[str, Any]) -> Article:
    fields = {name: value for name, value in upgrade_document(dict(doc)).items() if name in Article.model_fields}
    return Article(**fields)
