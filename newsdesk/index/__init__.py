"""Stage 3: the article index (Elasticsearch, or an embedded SQLite FTS5 index when none is set)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsdesk.errors import NewsdeskError, TransientError
from newsdesk.index.search import QuoteRequest, QuoteResponse, SearchRequest, SearchResponse, SourcesResponse
from newsdesk.models import Article
from newsdesk.settings import Settings


@dataclass
class IndexResult:
    indexed: int = 0
    errors: list[str] = field(default_factory=list)  # permanent refusals, as messages
    # article id -> why the index refused that one article (a TransientError: overloaded, worth a retry)
    refused: dict[str, NewsdeskError] = field(default_factory=dict)
    placed: dict[str, str] = field(default_factory=dict)  # article id -> the index holding it (Elasticsearch)

    def first_failure(self) -> NewsdeskError | None:
        """What to raise for the whole batch: a transient refusal first (retrying the batch may succeed)."""
        transient = [error for error in self.refused.values() if isinstance(error, TransientError)]
        return next(iter(transient or self.refused.values()), None)


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
