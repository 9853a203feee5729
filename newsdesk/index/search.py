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
from typing import Any, Self

from pydantic import BaseModel, Field, field_validator, model_validator

from newsdesk.index.document import ANALYZERS, language_field
from newsdesk.index.filters import BY_NAME, FACET_NAMES, FACETS, FILTER_NAMES, FILTERS, MAX_FACET_SIZE, Filter, Match

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_QUOTES_PER_ARTICLE = 5
MAX_RESULT_WINDOW = 10_000  # the index's max_result_window: numbered pages stop there, export goes on
MAX_SOURCES = 1000
HIGHLIGHT_PRE, HIGHLIGHT_POST = "<mark>", "</mark>"
TEXT_FIELDS = ["title^3", "body", "authors", "quotes"]  # title boosted over body; per language: language_text_fields
SQS_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE|PREFIX"  # no FUZZY/SLOP/NEAR: cheap, predictable
SUMMARY_FIELDS = [
    *("id", "title", "url", "source", "sources", "section", "authors", "published_at", "language", "indexed_at"),
    "cluster_id",
]
CLUSTER_FIELD = "cluster_id"  # collapse=true: one hit per value of it, the best-ranked member of each cluster


class Sort(str, Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"  # by publication date
    INDEXED = "indexed"  # most recently indexed first: what a feed of new matches wants


def _clean_text(value: str) -> str:
    """Drop control characters (NUL and friends) that no analyzer wants; keep ordinary spaces."""
    return "".join(ch for ch in value if ch.isprintable() or ch == " ").strip()


def _lift_filters(data: Any) -> Any:
    """Declared filters may be given as top-level keys (`SearchRequest(source="x")`): gather them into `filters`."""
    if isinstance(data, dict) and any(name in data for name in FILTER_NAMES):
        data = dict(data)
        lifted = {name: data.pop(name) for name in FILTER_NAMES if name in data}
        data["filters"] = {**(data.get("filters") or {}), **lifted}
    return data


class FilteredRequest(BaseModel):
    """The query text, the declared filters and the date range: what search, quotes, export and saved searches share."""

    q: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    filters: dict[str, str] = Field(
        default_factory=dict, description=f"filter name -> value; names: {', '.join(FILTER_NAMES)}"
    )
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
    indexed_since: datetime | None = Field(
        default=None, exclude=True, description="only articles indexed at or after this (alerts; not a user filter)"
    )

    @model_validator(mode="before")
    @classmethod
    def _gather_filters(cls, data: Any) -> Any:
        return _lift_filters(data)

    @field_validator("q")
    @classmethod
    def _strip_controls(cls, value: str) -> str:
        return _clean_text(value)

    @field_validator("filters", mode="before")
    @classmethod
    def _declared_filters(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        cleaned: dict[str, str] = {}
        for name, raw in value.items():
            if name not in BY_NAME:
                raise ValueError(f"unknown filter {str(name)[:40]!r}; filters are {', '.join(FILTER_NAMES)}")
            if raw is None:
                continue
            if not isinstance(raw, str):
                raise ValueError(f"filter {name!r} takes one text value")
            text = _clean_text(raw)
            if len(text) > BY_NAME[name].max_length:
                raise ValueError(f"filter {name!r} is longer than {BY_NAME[name].max_length} characters")
            if text:
                cleaned[name] = text
        return cleaned

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.date_from and self.date_to and _as_date(self.date_from) > _as_date(self.date_to):
            raise ValueError("'from' must not be after 'to'")
        return self

    def filter(self, name: str) -> str | None:
        return self.filters.get(name)

    def active_filters(self, *, skip: tuple[str, ...] = ()) -> list[tuple[Filter, str]]:
        """The declared filters that have a value, in declaration order."""
        return [(f, self.filters[f.name]) for f in FILTERS if f.name in self.filters and f.name not in skip]


class SearchRequest(FilteredRequest):
    sort: Sort = Sort.RELEVANCE
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    page: int = Field(default=1, ge=1, description="numbered page (size results each), within the first 10,000")
    cursor: str | None = Field(default=None, max_length=1000, description="opaque search_after cursor")
    facet_sizes: dict[str, int] = Field(default_factory=dict, description="facet name -> values wanted (show more)")
    collapse: bool = Field(
        default=False, description="one hit per syndication cluster (its best match); total counts clusters"
    )

    @model_validator(mode="after")
    def _paging(self) -> Self:
        if self.page > 1 and self.cursor:
            raise ValueError("give 'page' or 'cursor', not both")
        if self.collapse and self.cursor:
            raise ValueError("collapsed results page by number ('page'), not by 'cursor'")
        if self.page * self.size > MAX_RESULT_WINDOW:
            raise ValueError(
                f"page {self.page} lies beyond the first {MAX_RESULT_WINDOW:,} results; narrow the search or export it"
            )
        for name, wanted in self.facet_sizes.items():
            if name not in FACET_NAMES:
                raise ValueError(f"unknown facet {name[:40]!r}; facets are {', '.join(FACET_NAMES)}")
            if not 1 <= wanted <= MAX_FACET_SIZE:
                raise ValueError(f"a facet shows 1 to {MAX_FACET_SIZE} values")
        return self

    @property
    def relevance_sorted(self) -> bool:
        return bool(self.q) and self.sort is Sort.RELEVANCE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def facet_size(self, facet: Filter) -> int:
        return self.facet_sizes.get(facet.name, facet.facet_size)


class SearchHit(BaseModel):
    id: str
    title: str | None = None
    url: str
    source: str | None = None
    section: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    indexed_at: datetime | None = None
    score: float | None = None
    highlight: list[str] = Field(default_factory=list, description="HTML snippets; matches wrapped in <mark>")
    title_highlight: str | None = Field(default=None, description="the title as HTML with matches in <mark>")
    sources: list[str] = Field(default_factory=list, description="every source the URL came through")
    cluster_id: str | None = Field(default=None, description="its syndication cluster (filter cluster= lists them)")
    more_versions: int = Field(
        default=0, description="collapsed search: other articles of its cluster that match too (cluster= lists them)"
    )


class FacetBucket(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int
    offset: int = Field(default=0, description="position of the first hit among all matches (0 = the first)")
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]] = Field(
        default_factory=dict,
        description=f"{', '.join(FACET_NAMES)}, and published (by month, oldest first)",
    )
    more_facet_values: list[str] = Field(
        default_factory=list, description="facets holding more values than shown (ask with a larger facet size)"
    )
    next_cursor: str | None = None
    notice: str | None = Field(default=None, description="why the query could not match, e.g. only stop words")
    collapsed: bool = Field(default=False, description="one hit per cluster: total counts clusters, not articles")


def only_stop_words_notice(q: str) -> str:
    return f"Your query ({q}) is made only of common words (like 'the', 'and') that the index ignores; add other words."


class QuoteRequest(FilteredRequest):
    """Quotes search: 'quotes by <speaker> containing <q>' (at least one of the two), in articles the other
    filters select. The speaker filter applies to the quote itself, not just to its article."""

    sort: Sort = Sort.RELEVANCE
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="articles per page")
    cursor: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _something_to_match(self) -> Self:
        if not self.q and not self.filter("speaker"):
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


def language_text_fields(analyzer: str) -> list[str]:
    """TEXT_FIELDS as one language's copies: `title_german^3`, `body_german`, ..."""
    fields = []
    for field in TEXT_FIELDS:
        name, _, boost = field.partition("^")
        fields.append(language_field(name, analyzer) + (f"^{boost}" if boost else ""))
    return fields


def _articles_text_query(q: str) -> dict[str, Any]:
    """The query text against every language's fields, one clause per language: each clause analyses the whole
    query with that language's analyzer, and an article, whose text sits in one language's fields, matches
    through its own clause alone (so a stop word in one language never becomes a required term in another)."""
    return {"dis_max": {"queries": [_text_query(q, language_text_fields(analyzer)) for analyzer in ANALYZERS]}}


def _sort(relevance: bool, by: Sort = Sort.NEWEST) -> list[Any]:
    field = "indexed_at" if by is Sort.INDEXED else "published_at"
    newest = [{field: {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    return ["_score", *newest] if relevance else newest


def _highlight(fields: dict[str, Any]) -> dict[str, Any]:
    return {"encoder": "html", "pre_tags": [HIGHLIGHT_PRE], "post_tags": [HIGHLIGHT_POST], "fields": fields}


def _value_query(facet: Filter, value: str) -> dict[str, Any]:
    if facet.match is Match.WORDS:  # the keyword's analysed `.text` subfield
        return {"match": {f"{facet.es_field}.text": {"query": value, "operator": "and"}}}
    return {"term": {facet.es_field: value}}


def _object_conditions(facet: Filter) -> list[dict[str, Any]]:
    """What else the nested object must hold (a credit's role) for its value to count."""
    return [{"terms": {f"{facet.nested}.{name}": list(allowed)}} for name, allowed in facet.where.items()]


def es_filter_clause(facet: Filter, value: str) -> dict[str, Any]:
    """One declared filter as an Elasticsearch filter clause (nested filters match within one object)."""
    if not facet.nested:
        return _value_query(facet, value)
    conditions = [_value_query(facet, value), *_object_conditions(facet)]
    return {"nested": {"path": facet.nested, "query": {"bool": {"filter": conditions}}}}


def es_facet_agg(facet: Filter, size: int) -> dict[str, Any]:
    """A declared facet as an aggregation; nested values count articles (reverse_nested), not quotes or credits."""
    if not facet.nested:
        return {"terms": {"field": facet.es_field, "size": size}}
    values: dict[str, Any] = {
        "terms": {"field": facet.es_field, "size": size, "order": [{"articles": "desc"}, {"_key": "asc"}]},
        "aggs": {"articles": {"reverse_nested": {}}},
    }
    if facet.where:
        values = {"filter": {"bool": {"filter": _object_conditions(facet)}}, "aggs": {"values": values}}
    return {"nested": {"path": facet.nested}, "aggs": {"values": values}}


def _facet_buckets(agg: dict[str, Any]) -> tuple[list[FacetBucket], bool]:
    """Buckets of a facet built by es_facet_agg (walking down through nested/filter), and whether more exist."""
    while "buckets" not in agg:
        agg = agg["values"]
    buckets = [
        FacetBucket(
            value=str(bucket.get("key_as_string", bucket["key"])),
            count=bucket["articles"]["doc_count"] if "articles" in bucket else bucket["doc_count"],
        )
        for bucket in agg["buckets"]
    ]
    return buckets, agg.get("sum_other_doc_count", 0) > 0


def build_es_filters(request: FilteredRequest, *, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The declared filters and the date range as filter clauses."""
    filters = [es_filter_clause(facet, value) for facet, value in request.active_filters(skip=skip)]
    if dates := _date_range(request.date_from, request.date_to):
        filters.append(dates)
    if request.indexed_since:
        filters.append({"range": {"indexed_at": {"gte": request.indexed_since.isoformat()}}})
    return filters


def build_es_match_query(request: FilteredRequest) -> dict[str, Any]:
    """The query part alone (text and filters): what decides which articles match, shared by search and export."""
    must: list[dict[str, Any]] = [_articles_text_query(request.q)] if request.q else []
    return {"bool": {"must": must or [{"match_all": {}}], "filter": build_es_filters(request)}}


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
    sort = _sort(request.relevance_sorted, request.sort)
    body: dict[str, Any] = {
        "query": build_es_match_query(request),
        "size": request.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": SUMMARY_FIELDS,
        "highlight": _highlight(
            {
                **{language_field("title", analyzer): {"number_of_fragments": 0} for analyzer in ANALYZERS},
                **{
                    language_field("body", analyzer): {
                        "fragment_size": 180,
                        "number_of_fragments": 2,
                        "no_match_size": 180,
                    }
                    for analyzer in ANALYZERS
                },
            }
        ),
        "aggs": {
            **{facet.name: es_facet_agg(facet, request.facet_size(facet)) for facet in FACETS},
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
    if request.collapse:
        # inner_hits of size 0 still count the group's matches; the cardinality counts groups for the total
        # (exact well beyond what a page shows: below precision_threshold, HyperLogLog++ is practically exact).
        body["collapse"] = {"field": CLUSTER_FIELD, "inner_hits": {"name": "versions", "size": 0}}
        body["aggs"][_CLUSTER_COUNT] = {"cardinality": {"field": CLUSTER_FIELD, "precision_threshold": 40_000}}
    if request.cursor:
        body["search_after"] = decode_cursor(request.cursor, length=len(sort))
    elif request.offset:
        body["from"] = request.offset
    return body


def _merge_languages(highlight: dict[str, list[str]]) -> dict[str, list[str]]:
    """Highlights keyed by language copy (`body_german`) keyed by the field they copy (`body`)."""
    merged: dict[str, list[str]] = {}
    for name, fragments in highlight.items():
        field, _, analyzer = name.rpartition("_")
        merged.setdefault(field if analyzer in ANALYZERS else name, []).extend(fragments)
    return merged


_CLUSTER_COUNT = "_clusters"  # the aggregation counting clusters: not a facet


def response_from_es(raw: dict[str, Any], request: SearchRequest) -> SearchResponse:
    hits: list[SearchHit] = []
    last_sort: list[Any] | None = None
    for hit in raw["hits"]["hits"]:
        doc = hit["_source"]
        highlight = _merge_languages(hit.get("highlight", {}))
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
                indexed_at=doc.get("indexed_at"),
                score=hit.get("_score"),
                highlight=titles + highlight.get("body", []),
                title_highlight=titles[0] if titles else None,
                sources=doc.get("sources") or ([doc["source"]] if doc.get("source") else []),
                cluster_id=doc.get("cluster_id") or hit["_id"],
                more_versions=max(0, _versions(hit) - 1),
            )
        )
        last_sort = hit.get("sort")
    facets: dict[str, list[FacetBucket]] = {}
    more: list[str] = []
    aggregations = dict(raw.get("aggregations", {}))
    clusters = aggregations.pop(_CLUSTER_COUNT, None)
    for name, agg in aggregations.items():
        facets[name], has_more = _facet_buckets(agg)
        if has_more:
            more.append(name)
    total = clusters["value"] if clusters else raw["hits"]["total"]["value"]
    next_cursor = encode_cursor(last_sort) if last_sort and len(hits) == request.size and not clusters else None
    return SearchResponse(
        total=total,
        offset=0 if request.cursor else request.offset,
        hits=hits,
        facets=facets,
        more_facet_values=more,
        next_cursor=next_cursor,
        collapsed=request.collapse,
    )


def _versions(hit: dict[str, Any]) -> int:
    """How many matching articles a collapsed hit's cluster holds (1 when the search was not collapsed)."""
    return int(hit.get("inner_hits", {}).get("versions", {}).get("hits", {}).get("total", {}).get("value", 1))


def build_quotes_query(request: QuoteRequest) -> dict[str, Any]:
    """One nested query: quotes whose speaker matches and whose text matches, with the article around them."""
    must: list[dict[str, Any]] = []
    if request.q:
        must.append(_text_query(request.q, ["quotes.text"]))
    if speaker := request.filter("speaker"):
        must.append(_value_query(BY_NAME["speaker"], speaker))
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
    filters = build_es_filters(request, skip=("speaker",))  # the speaker is matched on the quote itself
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
                "terms": {"field": "sources", "size": MAX_SOURCES},
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
