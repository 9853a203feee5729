"""Index writes only through the write alias (require_alias), and `newsdesk index repair`, on the real node."""

import pytest
from elasticsearch import Elasticsearch

from newsdesk.errors import TransientError
from newsdesk.index.document import to_document
from newsdesk.index.elastic import ElasticIndex, doc_version
from newsdesk.index.search import SearchRequest
from tests.newsdesk.index.test_elastic_migrate import make


def test_deleted_write_alias_is_a_clear_transient_error_and_repair_restores_indexing(es_url, es_prefix):
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles([make(n, "before") for n in range(3)])
    raw = Elasticsearch(es_url)
    raw.indices.delete_alias(index=f"{es_prefix}-articles-v1", name=index.write_alias)

    with pytest.raises(TransientError, match=r"write alias .*-articles-write is missing; run `newsdesk index repair`"):
        index.index_articles([make(10, "during")])
    # no stray concrete index named like the alias was auto-created
    assert not raw.indices.exists(index=index.write_alias)
    # a fresh worker's ensure() also reports it clearly instead of failing or looping
    with pytest.raises(TransientError, match="newsdesk index repair"):
        ElasticIndex(es_url, prefix=es_prefix).index_articles([make(11, "during")])

    done = ElasticIndex(es_url, prefix=es_prefix).repair()
    assert done == [f"alias {index.write_alias} -> {es_prefix}-articles-v1"]
    assert ElasticIndex(es_url, prefix=es_prefix).repair() == []  # idempotent

    assert index.index_articles([make(10, "after")]).errors == []
    index.refresh()
    assert index.search(SearchRequest(q="body", size=1)).total == 4


def test_repair_folds_a_stray_concrete_index_into_the_versioned_one(es_url, es_prefix):
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles([make(n, "kept") for n in range(2)])
    raw = Elasticsearch(es_url)
    raw.indices.delete_alias(index=f"{es_prefix}-articles-v1", name=index.write_alias)
    # what an older release without require_alias did: a bulk write auto-created an index named like the alias
    stray = to_document(make(5, "stray"))
    raw.index(
        index=index.write_alias,
        id="stray-1",
        document=stray,
        version=doc_version(stray),
        version_type="external_gte",
        refresh=True,
    )

    fresh = ElasticIndex(es_url, prefix=es_prefix)
    with pytest.raises(TransientError, match="newsdesk index repair"):
        fresh.ensure()

    done = fresh.repair()
    assert done[0].startswith(f"copied 1 documents from stray index {index.write_alias}")
    assert fresh.alias_targets() == {
        index.read_alias: [f"{es_prefix}-articles-v1"],
        index.write_alias: [f"{es_prefix}-articles-v1"],
    }
    copied = raw.get(index=f"{es_prefix}-articles-v1", id="stray-1")
    assert copied["_version"] == doc_version(stray) > 1  # external version kept
    fresh.index_articles([make(7, "after")])
    fresh.refresh()
    assert fresh.count() == 4


def test_index_status_and_repair_commands_show_a_missing_alias(es_url, es_prefix):
    from tests.processes import newsdesk

    index = ElasticIndex(es_url, prefix=es_prefix)
    index.ensure()
    Elasticsearch(es_url).indices.delete_alias(index=f"{es_prefix}-articles-v1", name=index.write_alias)
    env = {"NEWSDESK_ELASTICSEARCH_URL": es_url, "NEWSDESK_INDEX_PREFIX": es_prefix}
    status = newsdesk("index", "status", env=env)
    assert status.returncode == 0, status.stderr
    assert f"alias {index.write_alias} -> MISSING (run `newsdesk index repair`)" in status.stdout
    assert "Traceback" not in status.stderr
    repaired = newsdesk("index", "repair", env=env)
    assert repaired.returncode == 0, repaired.stderr
    assert f"alias {index.write_alias} -> {es_prefix}-articles-v1" in repaired.stdout
    again = newsdesk("index", "repair", env=env)
    assert "nothing to repair" in again.stdout
