"""Speakers as entities end to end: parsed from a page, stored under their canonical name, found by it.

The same article goes into the embedded index and into the real Elasticsearch node; the quotes search by
the canonical name finds every quote, whichever way the article wrote the name, and the nested speaker
field holds one value per person (what a speaker facet counts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.index import ArticleIndex
from newsdesk.index.document import to_document
from newsdesk.index.elastic import ElasticIndex
from newsdesk.index.search import QuoteRequest
from newsdesk.models import Article
from newsdesk.parse import extract_article

PAGE = """<html><head><title>White House declines to comment on the trip</title></head><body><article>
<h1>White House declines to comment on the trip</h1>
<p>White House Press Secretary Stephanie Grisham spoke to reporters on Monday morning before the flight.</p>
<p>\u201cWe are not going to comment on the schedule of the trip today,\u201d Grisham said.</p>
<p>\u201cThe president will travel to Ohio next week for the rally,\u201d Secretary Stephanie Grisham said later.</p>
<p>The ministry called the plan \u201ca reckless gamble with public money\u201d in a statement.</p>
<p>\u201cWe will not accept these terms under any circumstances,\u201d said the union\u2019s chief negotiator, Ana Ruiz.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def article() -> Article:
    return extract_article(PAGE, url="https://news.example.org/2026/white-house-trip")


def test_the_parser_gives_one_entity_per_person(article: Article) -> None:
    people = [(q.speaker, q.speaker_mention, q.speaker_role, q.speaker_kind) for q in article.quotes]
    assert people == [
        ("Stephanie Grisham", "Grisham", "White House press secretary", "person"),
        ("Stephanie Grisham", "Secretary Stephanie Grisham", "White House press secretary", "person"),
        ("the ministry", "The ministry", None, "organization"),
        ("Ana Ruiz", "the union\u2019s chief negotiator, Ana Ruiz", "the union\u2019s chief negotiator", "person"),
    ]


def test_the_document_keeps_the_speaker_fields(article: Article) -> None:
    quotes = to_document(article)["quotes"]
    assert {q["speaker"] for q in quotes} == {"Stephanie Grisham", "the ministry", "Ana Ruiz"}
    assert quotes[0]["speaker_mention"] == "Grisham" and quotes[0]["speaker_kind"] == "person"


@pytest.fixture
def embedded_index(tmp_path, article: Article) -> Iterator[ArticleIndex]:
    from newsdesk.index.embedded import EmbeddedIndex

    index = EmbeddedIndex(tmp_path / "index.sqlite3")
    index.index_articles([article])
    yield index
    index.close()


@pytest.fixture
def elastic_index(es_url: str, es_prefix: str, article: Article) -> Iterator[ElasticIndex]:
    index = ElasticIndex(es_url, prefix=es_prefix)
    result = index.index_articles([article])
    assert result.errors == [] and result.indexed == 1
    index.refresh()
    yield index
    index.close()


@pytest.fixture(params=[pytest.param("elasticsearch", marks=pytest.mark.elasticsearch), "embedded"])
def index(request: pytest.FixtureRequest) -> ArticleIndex:
    return request.getfixturevalue("elastic_index" if request.param == "elasticsearch" else "embedded_index")


def test_the_quotes_search_finds_a_person_by_the_canonical_name(index: ArticleIndex) -> None:
    hits = index.quotes(QuoteRequest(speaker="Stephanie Grisham")).hits
    assert [hit.speaker for hit in hits] == ["Stephanie Grisham", "Stephanie Grisham"]
    assert {hit.text.split()[0] for hit in hits} == {"We", "The"}


def test_a_title_from_one_mention_is_not_part_of_the_stored_name(index: ArticleIndex) -> None:
    assert index.quotes(QuoteRequest(speaker="Secretary Grisham")).hits == []
    assert [hit.speaker for hit in index.quotes(QuoteRequest(speaker="Ruiz")).hits] == ["Ana Ruiz"]


@pytest.mark.elasticsearch
def test_the_speaker_field_counts_people_not_spellings(elastic_index: ElasticIndex) -> None:
    client = elastic_index.client
    body = {
        "size": 0,
        "aggs": {
            "quotes": {
                "nested": {"path": "quotes"},
                "aggs": {
                    "speakers": {"terms": {"field": "quotes.speaker"}},
                    "kinds": {"terms": {"field": "quotes.speaker_kind"}},
                },
            }
        },
    }
    aggs = client.search(index=elastic_index.read_alias, body=body)["aggregations"]["quotes"]
    speakers = {b["key"]: b["doc_count"] for b in aggs["speakers"]["buckets"]}
    assert speakers == {"Stephanie Grisham": 2, "the ministry": 1, "Ana Ruiz": 1}
    assert {b["key"] for b in aggs["kinds"]["buckets"]} == {"person", "organization"}
