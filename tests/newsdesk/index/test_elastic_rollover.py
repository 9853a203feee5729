"""Rolled indices on the real node: rollover, re-index without a second copy, migrate and repair across them,
dropping old months, shards and replicas as settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

from newsdesk.index.elastic import ElasticIndex
from newsdesk.index.search import SearchRequest
from newsdesk.models import Article
from tests.processes import newsdesk


def make(n: int, title: str) -> Article:
    return Article(
        url=f"https://r.test/{n}",
        canonical_url=f"https://r.test/{n}",
        title=title,
        body=f"body {n} {title}",
        source="r",
        published_at=datetime(2024, 1, 1 + n % 28, tzinfo=UTC),
    )


def documents_per_index(es: Elasticsearch, prefix: str) -> dict[str, int]:
    es.indices.refresh(index=f"{prefix}-articles-v*")
    rows: Any = es.cat.indices(index=f"{prefix}-articles-v*", format="json").body
    return {row["index"]: int(row["docs.count"]) for row in rows}


def test_rollover_reindex_migrate_and_drop(es_url: str, es_prefix: str) -> None:
    es = Elasticsearch(es_url)
    index = ElasticIndex(es_url, prefix=es_prefix, shards=2, replicas=0)
    assert index.index_articles([make(n, "harbor") for n in range(10)]).indexed == 10
    first = f"{es_prefix}-articles-v1"
    assert es.indices.get_settings(index=first)[first]["settings"]["index"]["number_of_shards"] == "2"

    unmet = index.rollover(max_age="30d", max_primary_shard_size="20gb")
    assert unmet.new_index is None and unmet.conditions == {
        "[max_age: 30d]": False,
        "[max_primary_shard_size: 20gb]": False,
    }
    rolled = index.rollover(force=True)
    second = f"{es_prefix}-articles-v1-000002"
    assert (rolled.old_index, rolled.new_index) == (first, second)
    assert index.write_index() == second
    assert index.alias_targets() == {index.read_alias: [first, second], index.write_alias: [first, second]}

    # New articles land in the new write index; re-indexed ones are overwritten where they are.
    index.index_articles([make(n, "bridge") for n in range(10, 20)])
    index.index_articles([make(n, "harbor updated") for n in range(5)])
    assert documents_per_index(es, es_prefix) == {first: 10, second: 10}
    index.refresh()
    assert index.count() == 20
    assert index.search(SearchRequest(q="harbor")).total == 10 and index.search(SearchRequest(q="bridge")).total == 10
    assert getattr(index.get(make(3, "").id), "title", None) == "harbor updated"

    # Old months go one index at a time; the write index always stays.
    nothing = index.drop_before(datetime(2000, 1, 1, tzinfo=UTC))
    assert nothing.dropped == [] and nothing.kept == [first, second]
    next_month = datetime(datetime.now(UTC).year + 1, 1, 1, tzinfo=UTC)
    assert index.drop_before(next_month, dry_run=True).dropped == [first]
    assert documents_per_index(es, es_prefix) == {first: 10, second: 10}

    # Migrate copies every rolled index into one new generation and moves both aliases off all of them.
    report = index.migrate(batch_size=7, delete_old=True)
    third = f"{es_prefix}-articles-v2"
    assert report.new_index == third and report.copied == 20
    assert index.alias_targets() == {index.read_alias: [third], index.write_alias: [third]}
    assert documents_per_index(es, es_prefix) == {third: 20}
    assert getattr(index.get(make(3, "").id), "title", None) == "harbor updated"
    index.close()


def test_repair_puts_aliases_over_every_rolled_index(es_url: str, es_prefix: str) -> None:
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles([make(n, "harbor") for n in range(3)])
    index.rollover(force=True)
    first, second = f"{es_prefix}-articles-v1", f"{es_prefix}-articles-v1-000002"
    es = Elasticsearch(es_url)
    es.indices.delete_alias(index="*", name=index.read_alias)
    es.indices.delete_alias(index="*", name=index.write_alias)
    done = ElasticIndex(es_url, prefix=es_prefix).repair()
    assert f"alias {index.read_alias} -> {first}" in done and f"alias {index.write_alias} -> {second}" in done
    assert index.alias_targets() == {index.read_alias: [first, second], index.write_alias: [first, second]}
    assert index.write_index() == second
    index.index_articles([make(1, "harbor again")])  # still found in the first index: no second copy
    assert documents_per_index(es, es_prefix) == {first: 3, second: 0}
    index.close()


def test_cli_rollover_and_drop_before(es_url: str, es_prefix: str, base_env: dict[str, str]) -> None:
    env = {**base_env, "NEWSDESK_ELASTICSEARCH_URL": es_url, "NEWSDESK_INDEX_PREFIX": es_prefix}
    ElasticIndex(es_url, prefix=es_prefix).index_articles([make(n, "harbor") for n in range(3)])
    waited = newsdesk("index", "rollover", env=env)
    assert waited.returncode == 0 and "no rollover" in waited.stdout and "not met" in waited.stdout, waited
    rolled = newsdesk("index", "rollover", "--now", env=env)
    assert rolled.returncode == 0, rolled.stderr
    assert f"rolled over {es_prefix}-articles-v1 -> {es_prefix}-articles-v1-000002" in rolled.stdout
    bad = newsdesk("index", "drop-before", "2024-13", env=env)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr and "Traceback" not in bad.stderr
    dropped = newsdesk("index", "drop-before", "2000-01", env=env)
    assert dropped.returncode == 0 and "dropped nothing" in dropped.stdout, dropped
