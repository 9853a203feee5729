"""Per-language analysis on the real node: each article is searched through its own language's analyzer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.index.document import to_document
from newsdesk.index.elastic import ElasticIndex
from newsdesk.index.search import SearchRequest
from newsdesk.models import Article

pytestmark = pytest.mark.elasticsearch

ARTICLES = {
    "de": Article(
        url="https://lang.test/de",
        canonical_url="https://lang.test/de",
        language="de",
        title="Neue Häuser für die Altstadt",
        body="Die Stadt baut am Hafen dreihundert Häuser. Der Bürgermeister nannte die Pläne mutig.",
        authors=["Anna Weber"],
    ),
    "fr": Article(
        url="https://lang.test/fr",
        canonical_url="https://lang.test/fr",
        language="fr-FR",
        title="L'aéroport rouvre",
        body="L'avion de l'armée a atterri hier soir. Les enfants de l'école ont regardé les avions.",
    ),
    "en": Article(
        url="https://lang.test/en",
        canonical_url="https://lang.test/en",
        language="en",
        title="The council delays the elections",
        body="Councillors voted to delay the municipal elections while runners gathered outside.",
    ),
    "unknown": Article(
        url="https://lang.test/xx",
        canonical_url="https://lang.test/xx",
        language=None,
        title="Marathon notes",
        body="The runners were running through the harbour district.",
    ),
}


@pytest.fixture(scope="module")
def index(es_url: str) -> Iterator[ElasticIndex]:
    import uuid

    prefix = f"testlang{uuid.uuid4().hex[:8]}"
    index = ElasticIndex(es_url, prefix=prefix)
    result = index.index_articles(list(ARTICLES.values()))
    assert result.errors == [] and result.indexed == len(ARTICLES)
    index.refresh()
    yield index
    index.client.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
    index.client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")
    index.close()


def urls(index: ElasticIndex, q: str) -> set[str]:
    return {hit.url for hit in index.search(SearchRequest(q=q, size=10)).hits}


def test_a_german_article_matches_its_inflected_forms(index: ElasticIndex) -> None:
    assert urls(index, "Haus") == {ARTICLES["de"].url}  # "Häuser" ~ "Haus": German normalisation + stemming
    assert urls(index, "Hauses") == {ARTICLES["de"].url}
    assert urls(index, "die Häuser") == {ARTICLES["de"].url}  # a German stop word is no required term
    hit = index.search(SearchRequest(q="Haus")).hits[0]
    assert hit.title_highlight == "Neue <mark>Häuser</mark> für die Altstadt"
    assert any("<mark>Häuser</mark>" in fragment for fragment in hit.highlight)


def test_a_french_article_matches_through_elisions(index: ElasticIndex) -> None:
    assert urls(index, "avion") == {ARTICLES["fr"].url}  # "l'avion", "avions"
    assert urls(index, "armée") == {ARTICLES["fr"].url}
    assert urls(index, "aéroport") == {ARTICLES["fr"].url}  # language "fr-FR": the primary subtag decides
    hit = index.search(SearchRequest(q="avion")).hits[0]
    assert any("<mark>" in fragment and "avion" in fragment for fragment in hit.highlight)


def test_english_still_stems_and_drops_stop_words(index: ElasticIndex) -> None:
    assert urls(index, "election") == {ARTICLES["en"].url}  # "elections"
    assert urls(index, "the council") == {ARTICLES["en"].url}  # "the" is dropped, "council" required


def test_an_unknown_language_falls_back_to_the_standard_analyzer(index: ElasticIndex) -> None:
    # The standard analyzer keeps words as written: "running" matches the unknown-language article exactly, and
    # "run" (what English stemming would reduce both "runners" and "running" to) does not.
    assert urls(index, "running") == {ARTICLES["unknown"].url}
    assert urls(index, "run") == set()
    assert urls(index, "runners") == {ARTICLES["en"].url, ARTICLES["unknown"].url}


def test_the_analyzer_names_are_the_official_ones(index: ElasticIndex) -> None:
    def tokens(analyzer: str, text: str) -> list[str]:
        answer = index.client.indices.analyze(analyzer=analyzer, text=text)
        return [token["token"] for token in answer["tokens"]]

    assert tokens("german", "Häuser") == ["haus"]
    assert tokens("french", "l'avion") == ["avion"]
    assert tokens("spanish", "las casas") == ["cas"]
    assert tokens("english", "the elections") == ["elect"]


def test_migrate_fills_the_language_fields_of_documents_indexed_before_them(es_url: str, es_prefix: str) -> None:
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.ensure()
    # A document as mapping version 3 stored it: no per-language copies.
    old = to_document(ARTICLES["de"])
    index.client.index(index=index.write_alias, id=ARTICLES["de"].id, document=old, refresh=True)
    assert urls(index, "Haus") == set()
    report = index.migrate()
    assert report.copied == 1
    assert urls(index, "Haus") == {ARTICLES["de"].url}
    index.close()
