from datetime import UTC, datetime

import pytest

from newsdesk.index.embedded import EmbeddedIndex, to_fts_query
from newsdesk.index.search import SearchRequest, Sort
from newsdesk.models import Article


def make(n: int, title: str, body: str, source: str = "ledger", day: int = 1) -> Article:
    return Article(
        url=f"https://x.test/{n}",
        canonical_url=f"https://x.test/{n}",
        title=title,
        body=body,
        source=source,
        section="World",
        authors=["Ann Lee"],
        published_at=datetime(2024, 1, day, tzinfo=UTC),
    )


@pytest.fixture
def index(tmp_path):
    idx = EmbeddedIndex(tmp_path / "index.sqlite3")
    idx.index_articles(
        [
            make(1, "Panjshir fighters resist", "Resistance fighters in the Panjshir valley held out.", day=3),
            make(2, "Harbor bridge vote", "The council voted to replace the bridge.", source="tribune", day=5),
            make(3, "Drought in Spain", "Reservoirs fall as farmers wait for rain in the valley.", day=1),
        ]
    )
    yield idx
    idx.close()


def test_reindexing_the_same_canonical_url_overwrites(index):
    index.index_articles([make(1, "Panjshir fighters resist (updated)", "Updated body about Panjshir.")])
    assert index.count() == 3
    assert index.get(make(1, "", "").id).title.endswith("(updated)")


def test_search_matches_stems_highlights_and_facets(index):
    result = index.search(SearchRequest(q="fighter"))
    assert result.total == 1 and result.hits[0].title == "Panjshir fighters resist"
    assert "<mark>" in result.hits[0].highlight[0]
    result = index.search(SearchRequest(q="valley"))
    assert result.total == 2
    assert {b.value: b.count for b in result.facets["source"]} == {"ledger": 2}


def test_exclusion_phrase_or_and_filters(index):
    assert index.search(SearchRequest(q="valley -panjshir")).total == 1
    assert index.search(SearchRequest(q='"replace the bridge"')).total == 1
    assert index.search(SearchRequest(q="drought OR bridge")).total == 2
    assert index.search(SearchRequest(q="valley", source="tribune")).total == 0
    newest = index.search(SearchRequest(q="", sort=Sort.NEWEST))
    assert next(h.title for h in newest.hits) == "Harbor bridge vote"


@pytest.mark.parametrize(
    "hostile", ['"unbalanced', "a AND OR NOT (", "*", "NEAR(", "title:x", "'; DROP TABLE articles; --", "\x00\x01"]
)
def test_hostile_queries_never_raise(index, hostile):
    result = index.search(SearchRequest(q=hostile))
    assert result.total >= 0
    assert index.count() == 3


def test_fts_translation_quotes_every_term():
    assert to_fts_query('panjshir -taliban "first successes"') == '("panjshir" AND "first successes") NOT "taliban"'
    assert to_fts_query("a OR b") == '("a" OR "b")'
    assert to_fts_query("-only") is None


def test_an_index_written_before_facet_values_is_filled_on_open(tmp_path):
    import sqlite3

    from tests.corpus import fixture_articles

    path = tmp_path / "old.sqlite3"
    index = EmbeddedIndex(path)
    index.index_articles(fixture_articles())
    index.close()
    with sqlite3.connect(path) as db:  # what an index from before the declared filters looks like
        db.execute("DELETE FROM facet_values")
        db.execute("DELETE FROM facet_meta")
    reopened = EmbeddedIndex(path)
    assert reopened.search(SearchRequest(filters={"agency": "Associated Press"})).total == 2
    speakers = {b.value for b in reopened.search(SearchRequest()).facets["speaker"]}
    assert "Zahir Aghbar" in speakers
    reopened.close()
