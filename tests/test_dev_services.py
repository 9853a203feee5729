"""Smoke tests for the dev Elasticsearch node started by `deploy/dev/services up`.

They check exactly what the dev node re-creates on top of the Maven Central server jar (see
deploy/dev/README.md): the "english" analyzer, GET/HEAD / for info()/ping(), and a nested + highlight
round trip. Without a reachable node they skip loudly, or fail when CI=true.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.elasticsearch

IN_CI = os.environ.get("CI", "").lower() == "true"
ES_URL = (
    os.environ.get("NEWSDESK_TEST_ELASTICSEARCH_URL")
    or os.environ.get("NEWSDESK_ELASTICSEARCH_URL")
    or "http://127.0.0.1:9200"
)


@pytest.fixture(scope="module")
def es():
    from elasticsearch import Elasticsearch

    client = Elasticsearch(ES_URL, request_timeout=30)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as exc:  # connection refused, timeout, wrong product...
        message = (
            f"Elasticsearch at {ES_URL} is not reachable ({type(exc).__name__}: {exc}); "
            "start it with `deploy/dev/services up`"
        )
        if IN_CI:
            pytest.fail(f"CI=true and {message}", pytrace=False)
        warnings.warn(f"SKIPPING: {message}")
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    return client


@pytest.fixture
def index(es) -> Iterator[str]:
    name = f"test-devsvc-{uuid.uuid4().hex[:10]}"
    yield name
    es.options(ignore_status=404).indices.delete(index=name)


def test_info_and_ping(es) -> None:
    info = es.info()
    assert info["version"]["number"].split(".")[0] == "9"
    assert info["tagline"] == "You Know, for Search"
    assert es.ping() is True


def test_english_analyzer_stems(es) -> None:
    tokens = es.indices.analyze(analyzer="english", text="The runners were running")["tokens"]
    terms = [t["token"] for t in tokens]
    assert "run" in terms  # "running" -> "run"
    assert "the" not in terms  # English stop words removed
    assert [t["token"] for t in es.indices.analyze(analyzer="english", text="running")["tokens"]] == ["run"]


def test_nested_query_with_highlight_round_trip(es, index: str) -> None:
    from elasticsearch import helpers

    es.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "english"},
                "source": {"type": "keyword"},
                "published_at": {"type": "date"},
                "quotes": {
                    "type": "nested",
                    "properties": {
                        "text": {"type": "text", "analyzer": "english"},
                        "speaker": {"type": "keyword"},
                    },
                },
            }
        },
    )
    docs = [
        {
            "title": "City marathon draws record runners",
            "source": "ap",
            "published_at": "2024-05-01T10:00:00Z",
            "quotes": [
                {"text": "We kept running through the rain", "speaker": "Ana Ruiz"},
                {"text": "Traffic will reopen at noon", "speaker": "Police"},
            ],
        },
        {
            "title": "Council approves budget",
            "source": "bbc",
            "published_at": "2024-05-02T10:00:00Z",
            "quotes": [{"text": "The budget runs to 2026", "speaker": "Mayor"}],
        },
    ]
    ok, errors = helpers.bulk(es, ({"_index": index, "_id": str(i), "_source": d} for i, d in enumerate(docs)))
    assert (ok, errors) == (2, [])
    es.indices.refresh(index=index)

    # Nested query: the stemmed word must match within the *same* quote as the speaker.
    resp = es.search(
        index=index,
        query={
            "nested": {
                "path": "quotes",
                "query": {
                    "bool": {
                        "must": [
                            {"match": {"quotes.text": "runs"}},
                            {"term": {"quotes.speaker": "Ana Ruiz"}},
                        ]
                    }
                },
                "inner_hits": {"highlight": {"fields": {"quotes.text": {}}}},
            }
        },
    )
    hits = resp["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["0"]
    inner = hits[0]["inner_hits"]["quotes"]["hits"]["hits"]
    assert inner[0]["_source"]["speaker"] == "Ana Ruiz"
    assert inner[0]["highlight"]["quotes.text"] == ["We kept <em>running</em> through the rain"]

    # Top-level match + highlight through the english analyzer ("runners" ~ "runner").
    resp = es.search(index=index, query={"match": {"title": "runner"}}, highlight={"fields": {"title": {}}})
    assert [h["_id"] for h in resp["hits"]["hits"]] == ["0"]
    assert resp["hits"]["hits"][0]["highlight"]["title"] == ["City marathon draws record <em>runners</em>"]
