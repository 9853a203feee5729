"""Stage 3: the article index (Elasticsearch, or an embedded SQLite FTS5 index when none is set)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsdesk.index.search import QuoteRequest, QuoteResponse, SearchRequest, SearchResponse, SourcesResponse
from newsdesk.models import Article
from newsdesk.settings import Settings


@dataclass
class IndexResult:
    indexed: int = 0
    errors: list[str] = field(default_factory=list)


class ArticleIndex(Protocol):
    def ensure(self) -> None: ...
    def index_articles(self, articles: list[Article]) -> IndexResult: ...
    def get(self, article_id: str) -> Article | None: ...
    def search(self, request: SearchRequest) -> SearchResponse: ...
    def export_articles(self, request: SearchRequest, fields: Sequence[str] = ...) -> Iterator[dict[str, Any]]:
        """Every article matching the request (its sort, size and cursor ignored), as export records."""
        ...

    def quotes(self, request: QuoteRequest) -> QuoteResponse: ...
    def sources(self) -> SourcesResponse: ...
    def count(self) -> int: ...
    def refresh(self) -> None: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...


def open_index(settings: Settings) -> ArticleIndex:
    """Elasticsearch when NEWSDESK_ELASTICSEARCH_URL is set, else the embedded index under the data dir."""
    if settings.elasticsearch_url:
        from newsdesk.index.elastic import ElasticIndex

        return ElasticIndex.from_settings(settings)
    from newsdesk.index.embedded import EmbeddedIndex

    return EmbeddedIndex(settings.embedded_index_path)
