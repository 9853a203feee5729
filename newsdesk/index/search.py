"""Search requests and responses, and the Elasticsearch queries built from them.

User text only ever reaches Elasticsearch through simple_query_string, which never throws on
bad syntax; every other parameter is typed and bounded here, before any backend sees it.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_QUOTES_PER_ARTICLE = 5
FACET_SIZE = 10
MAX_SOURCES = 1000
HIGHLIGHT_PRE, HIGHLIGHT_POST = "<mark>", "</mark>"
TEXT_FIELDS = ["title^3", "body", "authors.text", "quotes_text"]  # title boosted over body
SQS_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE|PREFIX"  # no FUZZY/SLOP/NEAR: cheap, predictable
SUMMARY_FIELDS = ["id", "title", "url", "source", "section", "authors", "published_at", "language"]


class Sort(str, Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


def _clean_text(value: str) -> str:
    """Drop control characters (NUL and friends) that no analyzer wants; keep ordinary spaces."""
    return "".join(ch for ch in value if ch.isprintable() or ch == " ").strip()


class SearchRequest(BaseModel):
    q: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    source: str | None = Field(default=None, max_length=200)
    section: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=20)
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
    sort: Sort = Sort.RELEVANCE
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(default=None, max_length=1000, description="opaque search_after cursor")

    @field_validator("q")
    @classmethod
    def _strip_controls(cls, value: str) -> str:
        return _clean_text(value)

    @model_validator(mode="after")
    def _dates_in_order(self) -> SearchRequest:
        if self.date_from and self.date_to and _as_date(self.date_from) > _as_date(self.date_to):
            raise ValueError("'from' must not be after 'to'")
        return self

    @property
    def relevance_sorted(self) -> bool:
        return bool(self.q) and self.sort is Sort.RELEVANCE

    def filters(self) -> dict[str, str]:
        return {
            name: value
            for name, value in (
                ("source", self.source),
                ("section", self.section),
                ("authors", self.author),
                ("language", self.language),
            )
            if value
        }


class SearchHit(BaseModel):
    id: str
    title: str | None = None
    url: str
    source: str | None = None
    section: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    score: float | None = None
    highlight: list[str] = Field(default_factory=list, description="HTML snippets; matches wrapped in <mark>")
    title_highlight: str | None = Field(default=None, description="the title as HTML with matches in <mark>")


class FacetBucket(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]] = Field(
        default_factory=dict, description="source, section, author, and published (by month, oldest first)"
    )
    next_cursor: str | None = None
    notice: str | None = Field(default=None, description="why the query could not match, e.g. only stop words")


def only_stop_words_notice(q: str) -> str:
    return f"Your query ({q}) is made only of common words (like 'the', 'and') that the index ignores; add other words."


class QuoteRequest(BaseModel):
    """Quotes search: 'quotes by <speaker> containing <q>'; at least one of the two."""

    speaker: str | None = Field(default=None, max_length=200)
    q: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    source: str | None = Field(default=None, max_length=200)
    sort: Sort = Sort.RELEVANCE
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="articles per page")
    cursor: str | None = Field(default=None, max_length=1000)

    @field_validator("q", "speaker")
    @classmethod
    def _strip_controls(cls, value: str | None) -> str | None:
        return _clean_text(value) if value is not None else None

    @model_validator(mode="after")
    def _something_to_match(self) -> QuoteRequest:
        if not self.q and not self.speaker:
            raise ValueError("give 'speaker', 'q' or both")
        return self

    @property
    def relevance_sorted(self) -> bool:
        return self.sort is Sort.RELEVANCE


class ArticleRef(BaseModel):
    id: str
    title: str | None = None
    url: str
    source: str | None = None
    published_at: datetime | None = None


class QuoteHit(BaseModel):
    text: str
    speaker: str | None = None
    kind: str
    highlight: str = Field(description="the quote as HTML with matches in <mark>")
    article: ArticleRef


class QuoteResponse(BaseModel):
    total_articles: int = Field(description="articles holding at least one matching quote")
    hits: list[QuoteHit]
    next_cursor: str | None = None


class SourceCount(BaseModel):
    name: str
    articles: int
    latest: datetime | None = None


class SourcesResponse(BaseModel):
    sources: list[SourceCount]


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values).encode()).decode()


def decode_cursor(cursor: str, length: int | None = None) -> list[Any]:
    """Cursors come from users: anything not a short list of scalars (of the expected length) is rejected."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("invalid cursor") from None
    if not isinstance(values, list) or not 1 <= len(values) <= 4:
        raise ValueError("invalid cursor")
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError("invalid cursor")
    if length is not None and len(values) != length:
        raise ValueError("cursor does not belong to this sort order; start again without it")
    return values


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _date_range(date_from: date | datetime | None, date_to: date | datetime | None) -> dict[str, Any] | None:
    if not (date_from or date_to):
        return None
    bounds: dict[str, str] = {}
    if date_from:
        bounds["gte"] = date_from.isoformat()
    if date_to:  # a bare date means the whole day
        bounds["lte"] = date_to.isoformat() + ("||/d" if not isinstance(date_to, datetime) else "")
    return {"range": {"published_at": bounds}}


_PHRASE_OR_WORD = re.compile(r'"[^"]*"?|[^"\s]+|\s+')


def to_sqs_syntax(q: str) -> str:
    """The words people type for operators (OR, AND outside quotes) in simple_query_string's syntax (|, +)."""
    operators = {"OR": "|", "AND": "+"}
    return "".join(operators.get(part, part) for part in _PHRASE_OR_WORD.findall(q))


def _text_query(q: str, fields: list[str]) -> dict[str, Any]:
    return {
        "simple_query_string": {
            "query": to_sqs_syntax(q),
            "fields": fields,
            "default_operator": "and",
            "flags": SQS_FLAGS,
            "lenient": True,
        }
    }


def _sort(relevance: bool) -> list[Any]:
    newest = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    return ["_score", *newest] if relevance else newest


def _highlight(fields: dict[str, Any]) -> dict[str, Any]:
    return {"encoder": "html", "pre_tags": [HIGHLIGHT_PRE], "post_tags": [HIGHLIGHT_POST], "fields": fields}


def build_es_match_query(request: SearchRequest) -> dict[str, Any]:
    """The query part alone (text and filters): what decides which articles match, shared by search and export."""
    must: list[dict[str, Any]] = [_text_query(request.q, TEXT_FIELDS)] if request.q else []
    filters: list[dict[str, Any]] = [{"term": {field: value}} for field, value in request.filters().items()]
    if dates := _date_range(request.date_from, request.date_to):
        filters.append(dates)
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}


def build_es_export_page(request: SearchRequest, fields: list[str], size: int) -> dict[str, Any]:
    """One export page: the search's query, newest first; the point in time adds its _shard_doc tiebreaker."""
    return {
        "query": build_es_match_query(request),
        "size": size,
        "sort": _sort(relevance=False),
        "track_total_hits": False,
        "_source": fields,
    }


def build_es_query(request: SearchRequest) -> dict[str, Any]:
    """The Elasticsearch search body for a request (query, filters, sort, facets, highlight)."""
    sort = _sort(request.relevance_sorted)
    body: dict[str, Any] = {
        "query": build_es_match_query(request),
        "size": request.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": SUMMARY_FIELDS,
        "highlight": _highlight(
            {
                "title": {"number_of_fragments": 0},
                "body": {"fragment_size": 180, "number_of_fragments": 2, "no_match_size": 180},
            }
        ),
        "aggs": {
            "source": {"terms": {"field": "source", "size": FACET_SIZE}},
            "section": {"terms": {"field": "section", "size": FACET_SIZE}},
            "author": {"terms": {"field": "authors", "size": FACET_SIZE}},
            "published": {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": "month",
                    "min_doc_count": 1,
                    "format": "yyyy-MM",
                }
            },
        },
    }
    if request.cursor:
        body["search_after"] = decode_cursor(request.cursor, length=len(sort))
    return body


def response_from_es(raw: dict[str, Any], request: SearchRequest) -> SearchResponse:
    hits: list[SearchHit] = []
    last_sort: list[Any] | None = None
    for hit in raw["hits"]["hits"]:
        doc = hit["_source"]
        highlight = hit.get("highlight", {})
        titles = highlight.get("title", [])
        hits.append(
            SearchHit(
                id=hit["_id"],
                title=doc.get("title"),
                url=doc.get("url", ""),
                source=doc.get("source"),
                section=doc.get("section"),
                authors=doc.get("authors", []),
                published_at=doc.get("published_at"),
                score=hit.get("_score"),
                highlight=titles + highlight.get("body", []),
                title_highlight=titles[0] if titles else None,
            )
        )
        last_sort = hit.get("sort")
    facets: dict[str, list[FacetBucket]] = {}
    for name, agg in raw.get("aggregations", {}).items():
        facets[name] = [
            FacetBucket(value=str(bucket.get("key_as_string", bucket["key"])), count=bucket["doc_count"])
            for bucket in agg.get("buckets", [])
        ]
    total = raw["hits"]["total"]["value"]
    next_cursor = encode_cursor(last_sort) if last_sort and len(hits) == request.size else None
    return SearchResponse(total=total, hits=hits, facets=facets, next_cursor=next_cursor)


def build_quotes_query(request: QuoteRequest) -> dict[str, Any]:
    """One nested query: quotes whose speaker matches and whose text matches, with the article around them."""
    must: list[dict[str, Any]] = []
    if request.q:
        must.append(_text_query(request.q, ["quotes.text"]))
    if request.speaker:
        must.append({"match": {"quotes.speaker.text": {"query": request.speaker, "operator": "and"}}})
    nested = {
        "nested": {
            "path": "quotes",
            "query": {"bool": {"must": must}},
            "score_mode": "max",
            "inner_hits": {
                "size": MAX_QUOTES_PER_ARTICLE,
                "_source": ["quotes.text", "quotes.speaker", "quotes.kind"],
                "highlight": _highlight({"quotes.text": {"number_of_fragments": 0}}),
            },
        }
    }
    filters = [{"term": {"source": request.source}}] if request.source else []
    sort = _sort(request.relevance_sorted)
    body: dict[str, Any] = {
        "query": {"bool": {"must": [nested], "filter": filters}},
        "size": request.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": ["id", "title", "url", "source", "published_at"],
    }
    if request.cursor:
        body["search_after"] = decode_cursor(request.cursor, length=len(sort))
    return body


def quotes_from_es(raw: dict[str, Any], request: QuoteRequest) -> QuoteResponse:
    from html import escape

    hits: list[QuoteHit] = []
    last_sort: list[Any] | None = None
    articles = raw["hits"]["hits"]
    for article in articles:
        doc = article["_source"]
        ref = ArticleRef(
            id=article["_id"],
            title=doc.get("title"),
            url=doc.get("url", ""),
            source=doc.get("source"),
            published_at=doc.get("published_at"),
        )
        for inner in article.get("inner_hits", {}).get("quotes", {}).get("hits", {}).get("hits", []):
            quote = inner["_source"]
            marked = inner.get("highlight", {}).get("quotes.text", [])
            hits.append(
                QuoteHit(
                    text=quote.get("text", ""),
                    speaker=quote.get("speaker"),
                    kind=quote.get("kind", "direct"),
                    highlight=marked[0] if marked else escape(quote.get("text", "")),
                    article=ref,
                )
            )
        last_sort = article.get("sort")
    next_cursor = encode_cursor(last_sort) if last_sort and len(articles) == request.size else None
    return QuoteResponse(total_articles=raw["hits"]["total"]["value"], hits=hits, next_cursor=next_cursor)


def build_sources_query() -> dict[str, Any]:
    return {
        "size": 0,
        "aggs": {
            "sources": {
                "terms": {"field": "source", "size": MAX_SOURCES},
                "aggs": {"latest": {"max": {"field": "published_at"}}},
            }
        },
    }


def sources_from_es(raw: dict[str, Any]) -> SourcesResponse:
    sources = [
        SourceCount(name=bucket["key"], articles=bucket["doc_count"], latest=bucket["latest"].get("value_as_string"))
        for bucket in raw.get("aggregations", {}).get("sources", {}).get("buckets", [])
    ]
    return SourcesResponse(sources=sources)
