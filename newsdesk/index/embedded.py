"""Embedded index: SQLite FTS5 under the data dir, for a machine with no Elasticsearch.

The user's query is translated into FTS5 syntax here, term by term, with every term quoted, so
no user input can make FTS5 raise a syntax error.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from newsdesk.index import IndexResult
from newsdesk.index.document import from_document, to_document, upgrade_document
from newsdesk.index.export import EXPORT_PAGE_SIZE, SUMMARY_EXPORT_FIELDS, export_record
from newsdesk.index.filters import FACETS, FILTERS, Filter, Match, values_of
from newsdesk.index.search import (
    CLUSTER_FIELD,
    MAX_QUOTES_PER_ARTICLE,
    ArticleRef,
    FacetBucket,
    FilteredRequest,
    QuoteHit,
    QuoteRequest,
    QuoteResponse,
    SearchHit,
    SearchRequest,
    SearchResponse,
    Sort,
    SourceCount,
    SourcesResponse,
    decode_cursor,
    encode_cursor,
)
from newsdesk.models import Article

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    published_at TEXT,
    source TEXT, section TEXT, language TEXT, authors TEXT,
    doc TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, body, authors, quotes, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS quotes (
    rowid INTEGER PRIMARY KEY,
    article_rowid INTEGER NOT NULL,
    speaker TEXT, kind TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_by_article ON quotes (article_rowid);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    text, speaker, tokenize = 'porter unicode61 remove_diacritics 2'
);
-- One row per article and value of each declared filter (newsdesk/index/filters.py): filters and facets read it.
CREATE TABLE IF NOT EXISTS facet_values (
    article_rowid INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facet_values_by_value ON facet_values (facet, value, article_rowid);
CREATE INDEX IF NOT EXISTS facet_values_by_article ON facet_values (article_rowid);
CREATE TABLE IF NOT EXISTS facet_meta (declared TEXT NOT NULL);
"""
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


def to_fts_query(text: str) -> str | None:
    """Forgiving query (phrases, -exclusion, OR) -> safe FTS5 expression; None when nothing to match."""
    positive: list[str] = []
    negative: list[str] = []
    join_next_with_or = False
    for match in _TOKEN.finditer(text):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word in ("OR", "|"):
                join_next_with_or = bool(positive)
                continue
            negate = "-" if word.startswith("-") and len(word) > 1 else ""
            phrase = word.lstrip("-") if negate else word
        terms = re.findall(r"\w+", phrase or "")
        if not terms:
            continue
        quoted = '"' + " ".join(terms) + '"'
        if negate:
            negative.append(quoted)
        elif join_next_with_or and positive:
            positive[-1] = f"({positive[-1]} OR {quoted})"
            join_next_with_or = False
        else:
            positive.append(quoted)
    if not positive:
        return None
    expression = " AND ".join(positive)
    for term in negative:
        expression = f"({expression}) NOT {term}"
    return expression


def _words_clause(column: str, value: str) -> tuple[str, list[object]] | None:
    """Every word of `value` appears in the column, any case; None when the value has no word."""
    words = re.findall(r"\w+", value)
    if not words:
        return None
    escaped = [w.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return " AND ".join(f"lower({column}) LIKE ? ESCAPE '\\'" for _ in words), [f"%{w}%" for w in escaped]


def _filter_clause(facet: Filter, value: str) -> tuple[str, list[object]] | None:
    """One declared filter as SQL over the articles row `a`, through facet_values; None when it matches nothing."""
    exact: tuple[str, list[object]] = ("value = ?", [value])
    match = _words_clause("value", value) if facet.match is Match.WORDS else exact
    if match is None:
        return None
    return f"a.rowid IN (SELECT article_rowid FROM facet_values WHERE facet = ? AND {match[0]})", [
        facet.name,
        *match[1],
    ]


def _article_filters(request: FilteredRequest, skip: tuple[str, ...]) -> tuple[str, list[object]] | None:
    """The declared filters and the date range as one WHERE clause; None when a filter can match nothing."""
    where: list[str] = []
    params: list[object] = []
    for facet, value in request.active_filters(skip=skip):
        clause = _filter_clause(facet, value)
        if clause is None:
            return None
        where.append(clause[0])
        params.extend(clause[1])
    if request.date_from:
        where.append("a.published_at >= ?")
        params.append(request.date_from.isoformat())
    if request.date_to:
        where.append("a.published_at <= ?")
        params.append(request.date_to.isoformat() + ("T23:59:59" if len(request.date_to.isoformat()) == 10 else ""))
    if request.indexed_since:  # to_document writes indexed_at as UTC isoformat: comparable as text
        where.append("json_extract(a.doc, '$.indexed_at') >= ?")
        params.append(request.indexed_since.astimezone(UTC).isoformat(timespec="microseconds"))
    return " AND ".join(where) or "1", params


def _marked_to_html(snippet: str) -> str:
    return html.escape(snippet).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")


class EmbeddedIndex:
    def __init__(self, path: Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self.ensure()

    def ensure(self) -> None:
        with self._lock:
            self._db.executescript(_SCHEMA)
            if self._db.execute("SELECT NOT EXISTS (SELECT 1 FROM quotes)").fetchone()[0]:
                with self._db:  # an index written before the quotes table existed: fill it once
                    for rowid, doc_json in self._db.execute("SELECT rowid, doc FROM articles").fetchall():
                        self._insert_quotes(rowid, json.loads(doc_json).get("quotes", []))
            declared = ",".join(f"{facet.name}={facet.es_field}" for facet in FILTERS)
            if self._db.execute("SELECT declared FROM facet_meta").fetchone() != (declared,):
                with self._db:  # written before facet_values, or with other filters declared: rebuild it once
                    self._db.execute("DELETE FROM facet_values")
                    for rowid, doc_json in self._db.execute("SELECT rowid, doc FROM articles").fetchall():
                        self._insert_facet_values(rowid, upgrade_document(json.loads(doc_json)))
                    self._db.execute("DELETE FROM facet_meta")
                    self._db.execute("INSERT INTO facet_meta (declared) VALUES (?)", (declared,))

    def _insert_quotes(self, article_rowid: int, quotes: list[dict]) -> None:
        for quote in quotes:
            cursor = self._db.execute(
                "INSERT INTO quotes (article_rowid, speaker, kind, text) VALUES (?, ?, ?, ?)",
                (article_rowid, quote.get("speaker"), quote.get("kind", "direct"), quote["text"]),
            )
            self._db.execute(
                "INSERT INTO quotes_fts (rowid, text, speaker) VALUES (?, ?, ?)",
                (cursor.lastrowid, quote["text"], quote.get("speaker") or ""),
            )

    def _insert_facet_values(self, article_rowid: int, doc: dict[str, Any]) -> None:
        self._db.executemany(
            "INSERT INTO facet_values (article_rowid, facet, value) VALUES (?, ?, ?)",
            [(article_rowid, facet.name, value) for facet in FILTERS for value in values_of(facet, doc)],
        )

    def index_articles(self, articles: list[Article]) -> IndexResult:
        with self._lock, self._db:
            for article in articles:
                doc = to_document(article)
                row = self._db.execute("SELECT rowid FROM articles WHERE id = ?", (article.id,)).fetchone()
                if row:
                    self._db.execute("DELETE FROM articles_fts WHERE rowid = ?", row)
                    self._db.execute("DELETE FROM articles WHERE rowid = ?", row)
                    self._db.execute(
                        "DELETE FROM quotes_fts WHERE rowid IN (SELECT rowid FROM quotes WHERE article_rowid = ?)", row
                    )
                    self._db.execute("DELETE FROM quotes WHERE article_rowid = ?", row)
                    self._db.execute("DELETE FROM facet_values WHERE article_rowid = ?", row)
                cursor = self._db.execute(
                    "INSERT INTO articles (id, published_at, source, section, language, authors, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        doc["published_at"],
                        article.source,
                        article.section,
                        article.language,
                        json.dumps(article.authors),
                        json.dumps(doc),
                    ),
                )
                self._db.execute(
                    "INSERT INTO articles_fts (rowid, title, body, authors, quotes) VALUES (?, ?, ?, ?, ?)",
                    (
                        cursor.lastrowid,
                        article.title or "",
                        article.body,
                        " ".join(article.authors),
                        "\n".join(doc["quotes_text"]),
                    ),
                )
                assert cursor.lastrowid is not None  # set by the INSERT just above
                self._insert_quotes(cursor.lastrowid, doc["quotes"])
                self._insert_facet_values(cursor.lastrowid, doc)
        return IndexResult(indexed=len(articles))

    def set_sources(self, sources: dict[str, list[str]]) -> set[str]:
        """The stored documents and their facet rows get these sources; returns the ids found."""
        found: set[str] = set()
        with self._lock, self._db:
            for article_id, listed in sources.items():
                row = self._db.execute("SELECT rowid, doc FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    continue
                found.add(article_id)
                doc = upgrade_document(json.loads(row[1]))
                if doc["sources"] == listed:
                    continue
                doc["sources"] = listed
                self._db.execute("UPDATE articles SET doc = ? WHERE rowid = ?", (json.dumps(doc), row[0]))
                self._db.execute("DELETE FROM facet_values WHERE article_rowid = ?", (row[0],))
                self._insert_facet_values(row[0], doc)
        return found

    def get(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM articles WHERE id = ?", (article_id,)).fetchone()
        return from_document(json.loads(row[0])) if row else None

    @staticmethod
    def _match_clause(request: FilteredRequest) -> tuple[str, list[object], str | None] | None:
        """WHERE clause, its parameters and the FTS5 expression for a request's text and filters;
        None when the query can match nothing. Shared by search and export."""
        where: list[str] = []
        params: list[object] = []
        fts = to_fts_query(request.q) if request.q else None
        if request.q and fts is None:
            return None
        if fts:
            where.append("articles_fts MATCH ?")
            params.append(fts)
        article_filters = _article_filters(request, skip=())
        if article_filters is None:
            return None
        where.append(article_filters[0])
        params.extend(article_filters[1])
        return " AND ".join(where), params, fts

    def export_articles(
        self, request: SearchRequest, fields: Sequence[str] = SUMMARY_EXPORT_FIELDS, page_size: int = EXPORT_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every match in rowid order, by keyset paging (rowid > the last one seen): each page is one
        indexed range scan, and the lock is held per page, never while the caller works."""
        match = self._match_clause(request)
        if match is None:
            return
        clause, params, _ = match
        last_rowid = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT a.rowid, a.doc FROM articles a JOIN articles_fts ON articles_fts.rowid = a.rowid"
                    f" WHERE ({clause}) AND a.rowid > ? ORDER BY a.rowid LIMIT ?",
                    [*params, last_rowid, page_size],
                ).fetchall()
            for rowid, doc_json in rows:
                yield export_record(upgrade_document(json.loads(doc_json)), fields)
                last_rowid = rowid
            if len(rows) < page_size:
                return

    def search(self, request: SearchRequest) -> SearchResponse:
        match = self._match_clause(request)
        if match is None:
            return SearchResponse(total=0, hits=[])
        clause, params, fts = match
        base = f"FROM articles a JOIN articles_fts ON articles_fts.rowid = a.rowid WHERE {clause}"
        # Offset paging is fine at embedded scale; the cursor keeps the API shape of the ES backend.
        offset = int(decode_cursor(request.cursor, length=1)[0]) if request.cursor else request.offset
        if offset < 0:
            raise ValueError("invalid cursor")
        relevance = fts and request.sort is Sort.RELEVANCE
        if relevance:
            order = "bm25(articles_fts, 10.0, 1.0, 2.0, 1.0)"
        elif request.sort is Sort.INDEXED:
            order = "json_extract(a.doc, '$.indexed_at') DESC"
        else:
            order = "a.published_at IS NULL, a.published_at DESC"
        snippet = (
            f"snippet(articles_fts, 1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 30),"
            f" highlight(articles_fts, 0, '{_MARK_OPEN}', '{_MARK_CLOSE}')"
            if fts
            else "substr(articles_fts.body, 1, 180), NULL"
        )
        # collapse: the best-ranked match of each cluster, with how many of its cluster match (a window over matches)
        cluster = f"COALESCE(json_extract(a.doc, '$.{CLUSTER_FIELD}'), a.id)"
        versions, leaders, leader_params = "1", "", []
        if request.collapse:
            versions = "ranked.n"
            leaders = (
                f" JOIN (SELECT a.rowid AS r, count(*) OVER (PARTITION BY {cluster}) AS n,"
                f" row_number() OVER (PARTITION BY {cluster} ORDER BY {order}, a.id) AS pos {base})"
                " ranked ON ranked.r = a.rowid AND ranked.pos = 1"
            )
            leader_params = params
        with self._lock:
            counted = f"count(DISTINCT {cluster})" if request.collapse else "count(*)"
            total = self._db.execute(f"SELECT {counted} {base}", params).fetchone()[0]
            rows = self._db.execute(
                f"SELECT a.id, a.doc, {snippet}, {versions} FROM articles a JOIN articles_fts"
                f" ON articles_fts.rowid = a.rowid{leaders} WHERE {clause} ORDER BY {order}, a.id LIMIT ? OFFSET ?",
                [*leader_params, *params, request.size, offset],
            ).fetchall()
            facets, more = self._facets(request, clause, params)
            months = Counter(
                row[0]
                for row in self._db.execute(f"SELECT substr(a.published_at, 1, 7) {base}", params)
                if row[0] is not None
            )
        hits = []
        for article_id, doc_json, snip, title_marked, matching_versions in rows:
            doc = upgrade_document(json.loads(doc_json))
            title_html = _marked_to_html(title_marked) if title_marked and _MARK_OPEN in title_marked else None
            hits.append(
                SearchHit(
                    id=article_id,
                    title=doc.get("title"),
                    url=doc["url"],
                    source=doc.get("source"),
                    section=doc.get("section"),
                    authors=doc.get("authors", []),
                    published_at=doc.get("published_at"),
                    indexed_at=doc.get("indexed_at"),
                    highlight=([title_html] if title_html else []) + ([_marked_to_html(snip)] if snip else []),
                    title_highlight=title_html,
                    sources=doc["sources"],
                    cluster_id=doc["cluster_id"],
                    more_versions=matching_versions - 1,
                )
            )
        next_offset = offset + len(hits)
        return SearchResponse(
            total=total,
            offset=offset,
            hits=hits,
            facets={**facets, "published": [FacetBucket(value=m, count=c) for m, c in sorted(months.items())]},
            more_facet_values=more,
            next_cursor=encode_cursor([next_offset]) if next_offset < total and not request.collapse else None,
            collapsed=request.collapse,
        )

    def _facets(
        self, request: SearchRequest, clause: str, params: list[object]
    ) -> tuple[dict[str, list[FacetBucket]], list[str]]:
        """Every declared facet in one GROUP BY over facet_values (counts are articles: a value is stored once
        per article); the top values of each, and which facets hold more than shown."""
        rows = self._db.execute(
            f"SELECT facet, value, count(*) AS c FROM facet_values WHERE facet IN ({','.join('?' * len(FACETS))})"
            " AND article_rowid IN"
            f" (SELECT a.rowid FROM articles a JOIN articles_fts ON articles_fts.rowid = a.rowid WHERE {clause})"
            " GROUP BY facet, value ORDER BY facet, c DESC, value",
            [*(facet.name for facet in FACETS), *params],
        ).fetchall()
        by_facet: dict[str, list[FacetBucket]] = {facet.name: [] for facet in FACETS}
        for name, value, count in rows:
            if name in by_facet:
                by_facet[name].append(FacetBucket(value=value, count=count))
        more = [facet.name for facet in FACETS if len(by_facet[facet.name]) > request.facet_size(facet)]
        return {facet.name: by_facet[facet.name][: request.facet_size(facet)] for facet in FACETS}, more

    def quotes(self, request: QuoteRequest) -> QuoteResponse:
        """Quotes whose text matches `q` (FTS5) and whose speaker holds every word of `speaker`."""
        where: list[str] = []
        params: list[object] = []
        if request.q:
            fts = to_fts_query(request.q)
            if fts is None:
                return QuoteResponse(total_articles=0, hits=[])
            where.append("quotes_fts MATCH ?")
            params.append("text : (" + fts + ")")
        speaker = request.filter("speaker")
        if speaker is not None:
            words = _words_clause("q.speaker", speaker)
            if words is None:
                return QuoteResponse(total_articles=0, hits=[])
            where.append(words[0])
            params.extend(words[1])
        article_filters = _article_filters(request, skip=("speaker",))  # the speaker is matched on the quote
        if article_filters is None:
            return QuoteResponse(total_articles=0, hits=[])
        where.append(article_filters[0])
        params.extend(article_filters[1])
        base = (
            "FROM quotes q JOIN quotes_fts ON quotes_fts.rowid = q.rowid JOIN articles a ON a.rowid = q.article_rowid"
            f" WHERE {' AND '.join(where) or '1'}"
        )
        offset = int(decode_cursor(request.cursor, length=1)[0]) if request.cursor else 0
        if offset < 0:
            raise ValueError("invalid cursor")
        rank = "bm25(quotes_fts)" if request.q and request.relevance_sorted else "0"
        marked = f"highlight(quotes_fts, 0, '{_MARK_OPEN}', '{_MARK_CLOSE}')" if request.q else "q.text"
        with self._lock:
            total = self._db.execute(f"SELECT count(DISTINCT a.rowid) {base}", params).fetchone()[0]
            articles = self._db.execute(
                f"WITH m AS MATERIALIZED (SELECT a.rowid AS arow, {rank} AS rank {base})"
                " SELECT a.rowid, a.id, a.doc, min(m.rank) AS best FROM m JOIN articles a ON a.rowid = m.arow"
                " GROUP BY a.rowid ORDER BY best, a.published_at IS NULL, a.published_at DESC, a.id LIMIT ? OFFSET ?",
                [*params, request.size, offset],
            ).fetchall()
            hits: list[QuoteHit] = []
            for article_rowid, article_id, doc_json, _ in articles:
                doc = json.loads(doc_json)
                ref = ArticleRef(
                    id=article_id,
                    title=doc.get("title"),
                    url=doc["url"],
                    source=doc.get("source"),
                    published_at=doc.get("published_at"),
                )
                quotes = self._db.execute(
                    f"SELECT q.text, q.speaker, q.kind, {marked} {base} AND a.rowid = ? ORDER BY q.rowid LIMIT ?",
                    [*params, article_rowid, MAX_QUOTES_PER_ARTICLE],
                ).fetchall()
                hits.extend(
                    QuoteHit(text=text, speaker=speaker, kind=kind, highlight=_marked_to_html(mark), article=ref)
                    for text, speaker, kind, mark in quotes
                )
        next_offset = offset + len(articles)
        return QuoteResponse(
            total_articles=total, hits=hits, next_cursor=encode_cursor([next_offset]) if next_offset < total else None
        )

    def sources(self) -> SourcesResponse:
        with self._lock:
            rows = self._db.execute(
                "SELECT f.value, count(*), max(a.published_at) FROM facet_values f JOIN articles a"
                " ON a.rowid = f.article_rowid WHERE f.facet = 'source'"
                " GROUP BY f.value ORDER BY count(*) DESC, f.value"
            ).fetchall()
        return SourcesResponse(sources=[SourceCount(name=n, articles=c, latest=latest) for n, c, latest in rows])

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        self._db.close()
