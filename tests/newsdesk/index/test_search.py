"""newsdesk/index/search.py: the Elasticsearch bodies built from requests, and cursor checks (no backend needed)."""

from datetime import date

import pytest
from pydantic import ValidationError

from newsdesk.index.document import ANALYZERS
from newsdesk.index.filters import FACET_NAMES
from newsdesk.index.search import (
    QuoteRequest,
    SearchRequest,
    Sort,
    build_es_query,
    build_quotes_query,
    decode_cursor,
    encode_cursor,
)


def test_text_goes_only_through_simple_query_string_with_title_boosted():
    body = build_es_query(SearchRequest(q='"harbor bridge" -toll OR vote'))
    (text,) = body["query"]["bool"]["must"]
    per_language = [clause["simple_query_string"] for clause in text["dis_max"]["queries"]]
    assert len(per_language) == len(ANALYZERS)  # one clause per language, the standard fallback included
    for sqs, analyzer in zip(per_language, ANALYZERS, strict=True):
        assert sqs["query"] == '"harbor bridge" -toll | vote' and sqs["lenient"] is True
        assert sqs["fields"][:2] == [f"title_{analyzer}^3", f"body_{analyzer}"]
        assert "FUZZY" not in sqs["flags"] and "NEAR" not in sqs["flags"]
    assert body["sort"][0] == "_score"


def test_filters_are_terms_on_keyword_fields_and_dates_cover_whole_days():
    body = build_es_query(
        SearchRequest(
            source="ledger",
            section="World",
            author="Ann Lee",
            language="en",
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 31),
        )
    )
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"sources": "ledger"}} in filters and {"term": {"authors": "Ann Lee"}} in filters
    assert {"range": {"published_at": {"gte": "2024-01-01", "lte": "2024-01-31||/d"}}} in filters
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}  # no text: newest first
    assert set(body["aggs"]) == {*FACET_NAMES, "published"}


def test_quotes_query_is_one_nested_query_with_inner_hits():
    body = build_quotes_query(QuoteRequest(speaker="Elena Park", q="bridge"))
    (nested,) = body["query"]["bool"]["must"]
    assert nested["nested"]["path"] == "quotes"
    clauses = nested["nested"]["query"]["bool"]["must"]
    assert clauses[0]["simple_query_string"]["fields"] == ["quotes.text"]
    assert clauses[1] == {"match": {"quotes.speaker.text": {"query": "Elena Park", "operator": "and"}}}
    assert "highlight" in nested["nested"]["inner_hits"]


def test_cursor_round_trip_and_sort_mismatch():
    cursor = encode_cursor([1.5, 1700000000000, "abc"])
    assert build_es_query(SearchRequest(q="x", cursor=cursor))["search_after"] == [1.5, 1700000000000, "abc"]
    with pytest.raises(ValueError, match="sort order"):
        build_es_query(SearchRequest(q="x", sort=Sort.NEWEST, cursor=cursor))


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "!!!",
        encode_cursor([]),
        encode_cursor([{"script": "x"}]),
        encode_cursor([True]),
        encode_cursor(list(range(9))),
        "e30=",
    ],
)
def test_hostile_cursors_are_refused(cursor):
    with pytest.raises(ValueError):
        decode_cursor(cursor)


@pytest.mark.parametrize(
    "fields",
    [{"q": "x" * 501}, {"size": 0}, {"size": 101}, {"date_from": date(2024, 2, 1), "date_to": date(2024, 1, 1)}],
)
def test_requests_out_of_bounds_are_invalid(fields):
    with pytest.raises(ValidationError):
        SearchRequest(**fields)


def test_control_characters_are_dropped_and_quotes_need_something_to_match():
    assert SearchRequest(q="\x00bridge\x07 ").q == "bridge"
    with pytest.raises(ValidationError):
        QuoteRequest()
