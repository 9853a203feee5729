"""Search requests and responses, and the Elasticsearch query built from a request.

User text only ever reaches Elasticsearch through simple_query_string, which never throws on
bad syntax; every other parameter is typed and bounded here, before any backend sees it.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, field_validator

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
FACET_SIZE = 10
HIGHLIGHT_PRE, HIGHLIGHT_POST = "<mark>", "</mark>"


class Sort(str, Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


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
        return "".join(ch for ch in value if ch.isprintable() or ch == " ").strip()

    def filters(self) -> dict[str, str]:
        return {
            name: value
            for name, value in (
                ("source", self.source), ("section", self.section),
                ("authors", self.author), ("language", self.language),
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


class FacetBucket(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)
    next_cursor: str | None = None


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    """Cursors come from users: anything not a short list of scalars is rejected."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("invalid cursor") from None
    if not isinstance(values, list) or not 1 <= len(values) <= 4:
        raise ValueError("invalid cursor")
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError("invalid cursor")
    return values


def _date_bound(value: date | datetime) -> str:
    return value.isoformat()


def build_es_query(request: SearchRequest) -> dict[str, Any]:
    """The Elasticsearch search body for a request (query, filters, sort, facets, highlight)."""
    must: list[dict[str, Any]] = []
    if request.q:
        must.append(
            {
                "simple_query_string": {
                    "query": request.q,
                    "fields": ["title^3", "body", "authors.text", "quotes_text"],
                    "default_operator": "and",
                    "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE|PREFIX",
                    "lenient": True,
                }
            }
        )
    filters: list[dict[str, Any]] = [{"term": {field: value}} for field, value in request.filters().items()]
    if request.date_from or request.date_to:
        bounds: dict[str, str] = {}
        if request.date_from:
            bounds["gte"] = _date_bound(request.date_from)
        if request.date_to:
            bounds["lte"] = _date_bound(request.date_to)
        filters.append({"range": {"published_at": bounds}})
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}

    if request.sort is Sort.NEWEST or not request.q:
        sort: list[Any] = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    else:
        sort = ["_score", {"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]

    body: dict[str, Any] = {
        "query": query,
        "size": request.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": {"excludes": ["body", "quotes", "credits", "images"]},
        "highlight": {
            "encoder": "html",
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            "fields": {
                "title": {"number_of_fragments": 0},
                "body": {"fragment_size": 180, "number_of_fragments": 2, "no_match_size": 180},
            },
        },
        "aggs": {
            "source": {"terms": {"field": "source", "size": FACET_SIZE}},
            "section": {"terms": {"field": "section", "size": FACET_SIZE}},
            "author": {"terms": {"field": "authors", "size": FACET_SIZE}},
            "published": {
                "date_histogram": {"field": "published_at", "calendar_interval": "month", "min_doc_count": 1}
            },
        },
    }
    if request.cursor:
        body["search_after"] = decode_cursor(request.cursor)
    return body


def response_from_es(raw: dict[str, Any], request: SearchRequest) -> SearchResponse:
    hits: list[SearchHit] = []
    last_sort: list[Any] | None = None
    for hit in raw["hits"]["hits"]:
        doc = hit["_source"]
        highlight = hit.get("highlight", {})
        snippets = highlight.get("title", []) + highlight.get("body", [])
        hits.append(
            SearchHit(
                id=hit["_id"], title=doc.get("title"), url=doc.get("url", ""), source=doc.get("source"),
                section=doc.get("section"), authors=doc.get("authors", []),
                published_at=doc.get("published_at"), score=hit.get("_score"), highlight=snippets,
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
