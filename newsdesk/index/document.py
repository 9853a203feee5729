"""Article <-> search document: the one place that decides what the index stores.

Elasticsearch analyses an article's text in its own language: the title, body and quote texts are copied into
fields named after the analyzer of the article's detected language (`body_german`), and any other or unknown
language goes to the `standard` fields. One analyzer runs per article, stems are never mixed across languages,
and each language's term statistics stay its own; search queries every language's fields (`search.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsdesk.models import Article

# ISO 639-1 code -> the Elasticsearch analyzer for it (the names of the official distribution's analyzers,
# which the dev node provides too).
LANGUAGE_ANALYZERS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
}
FALLBACK_ANALYZER = "standard"
ANALYZERS = (*LANGUAGE_ANALYZERS.values(), FALLBACK_ANALYZER)
# The free text a search query reads ("quotes": the quote texts). The authors are copied too, so that one analyzer
# reads the whole query for an article: a stop word the language drops is dropped from every field it searches.
ANALYZED_FIELDS = ("title", "body", "quotes", "authors")


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


def analyzer_for(language: str | None) -> str:
    """The analyzer for a language tag as pages give it ("de", "de-AT", "pt_BR", "EN"); standard for any other."""
    primary = (language or "").strip().lower().replace("_", "-").partition("-")[0]
    return LANGUAGE_ANALYZERS.get(primary, FALLBACK_ANALYZER)


def language_field(field: str, analyzer: str) -> str:
    return f"{field}_{analyzer}"


LANGUAGE_FIELDS = frozenset(language_field(field, analyzer) for field in ANALYZED_FIELDS for analyzer in ANALYZERS)


def with_language_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as Elasticsearch indexes it: its text copied into its language's fields, earlier copies (and the
    embedded index's `quotes_text`) dropped. `migrate` passes copied documents through here, so a new mapping and
    a changed language table take effect on every document."""
    analyzer = analyzer_for(doc.get("language"))
    out = {name: value for name, value in doc.items() if name not in LANGUAGE_FIELDS and name != "quotes_text"}
    texts = {
        "title": doc.get("title"),
        "body": doc.get("body"),
        "quotes": [quote["text"] for quote in doc.get("quotes") or [] if quote.get("text")],
        "authors": doc.get("authors"),
    }
    for field, text in texts.items():
        if text:
            out[language_field(field, analyzer)] = text
    return out


def to_es_document(article: Article) -> dict[str, Any]:
    return with_language_fields(to_document(article))
