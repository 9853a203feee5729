"""Syndication clusters and sources (newsdesk.index.clusters), through the pipeline's index stage, on the real
Elasticsearch node with its state in real Redis, and on the embedded index with its state in SQLite."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.index import ArticleIndex
from newsdesk.index.clusters import MIN_WORDS, SIMILARITY, Clusters, open_clusters, signature, similarity
from newsdesk.index.search import SearchRequest
from newsdesk.models import Article
from newsdesk.pipeline import Pipeline
from newsdesk.settings import Settings
from tests.corpus import by_title, fixture_articles


@dataclass
class Desk:
    """One backend: a pipeline indexing into it, and how to open a second, independent placer on its state."""

    pipeline: Pipeline
    settings: Settings

    @property
    def index(self) -> ArticleIndex:
        return self.pipeline.index

    def index_articles(self, articles: list[Article]) -> None:
        self.pipeline.index_articles(articles)
        self.index.refresh()

    def other_process(self) -> Clusters:
        """What another index worker (or this one after a restart) places with: a fresh connection to the state."""
        if self.settings.redis_url:
            import redis

            return open_clusters(self.settings, redis.Redis.from_url(self.settings.redis_url))
        return open_clusters(self.settings, None)


@pytest.fixture(
    params=[pytest.param("elasticsearch", marks=[pytest.mark.elasticsearch, pytest.mark.redis]), "embedded"]
)
def desk(request, tmp_path: Path) -> Iterator[Desk]:
    if request.param == "elasticsearch":
        from newsdesk.index.elastic import ElasticIndex

        prefix = request.getfixturevalue("es_prefix")
        request.getfixturevalue("clean_redis")
        settings = Settings(
            data_dir=tmp_path / "data", redis_url=request.getfixturevalue("redis_url"), index_prefix=prefix
        )
        index: ArticleIndex = ElasticIndex(request.getfixturevalue("es_url"), prefix=prefix)
    else:
        from newsdesk.index.embedded import EmbeddedIndex

        settings = Settings(data_dir=tmp_path / "data")
        index = EmbeddedIndex(settings.embedded_index_path)
    pipeline = Pipeline(settings, index=index)
    yield Desk(pipeline, settings)
    pipeline.close()


def copy_at(article: Article, outlet: str, body: str | None = None) -> Article:
    """The article as another outlet publishes it: its own URL and source, the same (or an edited) body."""
    copy = article.model_copy(deep=True)
    copy.url = copy.canonical_url = f"https://{outlet}.example/world/armed-resistance"
    copy.source = outlet
    if body is not None:
        copy.body = body
    return copy


def lightly_edited(body: str) -> str:
    """What a subscriber does to a wire story: its own dateline, a dropped closing paragraph, a few words changed,
    a credit line of its own."""
    paragraphs = body.split("\n\n")
    edited = "\n\n".join(paragraphs[:-1]).replace(" said ", " told reporters ").replace("Taliban", "the Taliban")
    return f"KABUL (Daily Planet) — {edited}\n\nCopyright 2026 The Daily Planet. All rights reserved."


@pytest.fixture
def wire_story() -> Article:
    return by_title(fixture_articles(), "Armed Resistance")


def test_copies_across_three_sources_form_one_cluster_named_by_the_first(desk, wire_story):
    others = [a for a in fixture_articles() if a.id != wire_story.id]
    copies = [copy_at(wire_story, outlet) for outlet in ("wire-a", "wire-b", "wire-c")]
    desk.index_articles([*others, copies[0]])
    desk.index_articles(copies[1:])
    clusters = {copy.id: desk.index.get(copy.id).cluster_id for copy in copies}
    assert set(clusters.values()) == {copies[0].id}
    listed = desk.index.search(SearchRequest(cluster=copies[0].id, size=20))
    assert {hit.id for hit in listed.hits} == {copy.id for copy in copies} and listed.total == 3


def test_unrelated_articles_stay_their_own_clusters(desk):
    articles = fixture_articles()
    desk.index_articles(articles)
    found = desk.index.search(SearchRequest(size=20))
    assert found.total == len(articles)
    assert {hit.id: hit.cluster_id for hit in found.hits} == {a.id: a.id for a in articles}


def test_a_lightly_edited_copy_joins_the_cluster(desk, wire_story):
    original = copy_at(wire_story, "wire")
    edited = copy_at(wire_story, "planet", lightly_edited(wire_story.body))
    edited.url = edited.canonical_url = "https://planet.example/2021/resistance-grows"
    edited.title = "Resistance grows in the valley"
    desk.index_articles([original])
    desk.index_articles([edited])
    assert desk.index.get(edited.id).cluster_id == original.id


def test_collapse_gives_one_hit_per_cluster_with_the_count_of_other_versions(desk, wire_story):
    others = [a for a in fixture_articles() if a.id != wire_story.id]
    copies = [copy_at(wire_story, outlet) for outlet in ("wire-a", "wire-b", "wire-c")]
    desk.index_articles([*others, *copies])
    everything = desk.index.search(SearchRequest(size=20))
    assert everything.total == len(others) + 3
    collapsed = desk.index.search(SearchRequest(size=20, collapse=True))
    assert collapsed.collapsed and collapsed.total == len(others) + 1
    versions = {hit.cluster_id: hit.more_versions for hit in collapsed.hits}
    assert versions == {**{a.id: 0 for a in others}, copies[0].id: 2}
    assert len({hit.cluster_id for hit in collapsed.hits}) == len(collapsed.hits)
    matched = desk.index.search(SearchRequest(q="Panjshir", size=20, collapse=True))
    assert matched.total == 1 and matched.hits[0].more_versions == 2
    second = desk.index.search(SearchRequest(size=2, page=2, collapse=True, sort="newest"))
    first = desk.index.search(SearchRequest(size=2, page=1, collapse=True, sort="newest"))
    assert {h.cluster_id for h in first.hits}.isdisjoint(h.cluster_id for h in second.hits)


def test_a_url_fetched_through_two_sources_keeps_both_and_each_facet_counts_it_once(desk):
    articles = fixture_articles()
    harbor = by_title(articles, "Harbor Bridge")  # crawled by "tribune"
    desk.index_articles(articles)
    again = harbor.model_copy(deep=True)
    again.source = "metro-feed"
    desk.index_articles([again])
    desk.index_articles([again.model_copy(deep=True)])  # the same source once more adds nothing
    stored = desk.index.get(harbor.id)
    assert stored is not None and stored.sources == ["tribune", "metro-feed"] and stored.source == "tribune"
    found = desk.index.search(SearchRequest(size=20))
    assert found.total == len(articles)  # still one document
    facet = {bucket.value: bucket.count for bucket in found.facets["source"]}
    assert facet == {"tribune": 2, "ledger": 2, "metro-feed": 1}  # tribune: Harbor Bridge and the hostile page
    assert [hit.id for hit in desk.index.search(SearchRequest(source="metro-feed")).hits] == [harbor.id]
    assert harbor.id in {hit.id for hit in desk.index.search(SearchRequest(source="tribune")).hits}
    listing = {source.name: source.articles for source in desk.index.sources().sources}
    assert listing["metro-feed"] == 1 and listing["tribune"] == 2


def test_reindexing_keeps_clusters_across_processes_and_restarts(desk, wire_story):
    first, second = copy_at(wire_story, "wire-a"), copy_at(wire_story, "wire-b")
    desk.index_articles([first, second])
    restarted = desk.other_process()
    try:
        # a reparse with a changed body, and the first member itself again: nothing moves
        reparsed = second.model_copy(update={"body": second.body + "\n\nUpdated with a correction."})
        placed = restarted.place([reparsed, first])
        assert [a.cluster_id for a in placed] == [first.id, first.id]
        third = restarted.place([copy_at(wire_story, "wire-c")])[0]
        assert third.cluster_id == first.id
    finally:
        restarted.close()


def test_concurrent_placers_never_split_one_story(desk, wire_story):
    """Several workers place copies of one story at the same instant, round after round: one cluster each round."""
    placers = [desk.other_process() for _ in range(4)]
    barrier = threading.Barrier(len(placers))
    rounds: list[dict[str, str | None]] = []
    try:
        for round_number in range(5):
            body = f"Round {round_number} update. {wire_story.body}"
            copies = [copy_at(wire_story, f"outlet-{round_number}-{n}", body) for n in range(len(placers))]
            placed: dict[str, str | None] = {}

            def place(placer: Clusters, article: Article, placed: dict[str, str | None] = placed) -> None:
                barrier.wait()
                placed[article.id] = placer.place([article])[0].cluster_id

            threads = [threading.Thread(target=place, args=pair) for pair in zip(placers, copies, strict=True)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rounds.append(placed)
    finally:
        for placer in placers:
            placer.close()
    assert all(len(placed) == len(placers) for placed in rounds)
    assert len({cluster for placed in rounds for cluster in placed.values()}) == 1  # every round joined the first


def test_exports_carry_the_cluster_and_every_source(desk, wire_story):
    copies = [copy_at(wire_story, outlet) for outlet in ("wire-a", "wire-b")]
    desk.index_articles(copies)
    again = copies[1].model_copy(deep=True)
    again.source = "wire-mirror"
    desk.index_articles([again])
    from newsdesk.index.export import ExportFormat, encode_records

    records = {r["id"]: r for r in desk.index.export_articles(SearchRequest())}
    assert {r["cluster_id"] for r in records.values()} == {copies[0].id}
    assert records[copies[1].id]["sources"] == ["wire-b", "wire-mirror"]
    rows = list(csv.DictReader(io.StringIO("".join(encode_records(records.values(), ExportFormat.CSV)))))
    assert {row["cluster_id"] for row in rows} == {copies[0].id}
    assert {row["sources"] for row in rows} == {"wire-a", "wire-b; wire-mirror"}


def test_the_page_shows_more_versions_and_links_to_the_cluster(desk, wire_story):
    from services.app import app
    from services.search_api import deps

    others = [a for a in fixture_articles() if a.id != wire_story.id]
    copies = [copy_at(wire_story, outlet) for outlet in ("wire-a", "wire-b", "wire-c")]
    desk.index_articles([*others, *copies])
    app.dependency_overrides[deps.get_index] = lambda: desk.index
    try:
        with TestClient(app) as client:
            page = client.get("/", params={"q": "Panjshir"}).text
            assert len(re.findall(r'<li class="hit">', page)) == 1
            link = re.search(r'<a class="more-versions" href="([^"]+)">2 more versions</a>', page)
            assert link is not None and f"cluster={copies[0].id}" in link.group(1)
            listed = client.get(link.group(1).replace("&amp;", "&")).text
            assert len(re.findall(r'<li class="hit">', listed)) == 3 and "more-versions" not in listed
            api = client.get("/search", params={"collapse": "true", "size": 20}).json()
            assert api["collapsed"] and api["total"] == len(others) + 1
            assert client.get("/search", params={"collapse": "true", "cursor": "WzFd"}).status_code == 422
    finally:
        app.dependency_overrides.pop(deps.get_index, None)


# --- the signature itself: no index needed ------------------------------------------------------


def test_short_bodies_never_cluster():
    brief = " ".join(["word"] * (MIN_WORDS - 1))
    assert signature(brief) is None
    assert signature(" ".join(f"w{n}" for n in range(MIN_WORDS))) is not None


def test_similarity_separates_copies_from_other_stories(wire_story):
    articles = fixture_articles()
    story = signature(wire_story.body)
    edited = signature(lightly_edited(wire_story.body))
    assert story is not None and edited is not None
    assert similarity(story, story) == 1.0 and similarity(story, edited) >= SIMILARITY
    for other in articles:
        theirs = signature(other.body)
        if other.id != wire_story.id and theirs is not None:
            assert similarity(story, theirs) < 0.1


def test_migrate_gives_documents_of_the_older_mapping_a_cluster_and_sources(es_url, es_prefix):
    from newsdesk.index.document import to_document
    from newsdesk.index.elastic import ElasticIndex, doc_version

    index = ElasticIndex(es_url, prefix=es_prefix)
    index.ensure()
    articles = fixture_articles()
    for article in articles:  # as mapping version 3 wrote them: no cluster_id, no sources
        doc = {k: v for k, v in to_document(article).items() if k not in ("cluster_id", "sources")}
        index.client.index(
            index=index.write_alias, id=article.id, document=doc, version=doc_version(doc), version_type="external"
        )
    index.refresh()
    assert index.migrate(batch_size=2).copied == len(articles)
    raw = index.client.search(index=index.read_alias, size=20, query={"match_all": {}})["hits"]["hits"]
    assert {hit["_id"]: (hit["_source"]["cluster_id"], hit["_source"]["sources"]) for hit in raw} == {
        a.id: (a.id, [a.source]) for a in articles
    }
    collapsed = index.search(SearchRequest(collapse=True, size=20))
    assert collapsed.total == len(articles) and all(hit.more_versions == 0 for hit in collapsed.hits)
    assert index.search(SearchRequest(source="tribune")).total == 2
    index.close()
