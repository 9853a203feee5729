"""newsdesk/index/elastic.py migration on the real node: aliases swap, no lost writes, readers never fail."""

import threading
import time
from datetime import UTC, datetime

from newsdesk.index.elastic import ElasticIndex, load_template, mapping_version
from newsdesk.index.search import SearchRequest
from newsdesk.models import Article
from tests.processes import newsdesk


def make(n: int, title: str) -> Article:
    return Article(
        url=f"https://m.test/{n}",
        canonical_url=f"https://m.test/{n}",
        title=title,
        body=f"body {n}",
        source="m",
        published_at=datetime(2024, 1, 1 + n % 28, tzinfo=UTC),
    )


def test_migrate_keeps_writes_made_during_the_copy(es_url, es_prefix):
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles([make(n, "original") for n in range(2000)])
    index.refresh()
    stop = threading.Event()
    written: list[int] = []
    read_failures: list[str] = []
    counts: list[int] = []

    def writer() -> None:  # live traffic: updates to old articles and brand-new ones, throughout
        live = ElasticIndex(es_url, prefix=es_prefix)
        n = 0
        while not stop.is_set():
            batch = [make(n % 2000, "updated"), make(10_000 + n, "new")]
            assert live.index_articles(batch).errors == []
            written.append(n)
            n += 1
            time.sleep(0.002)

    def reader() -> None:
        live = ElasticIndex(es_url, prefix=es_prefix)
        while not stop.is_set():
            try:
                counts.append(live.search(SearchRequest(q="body", size=1)).total)
            except Exception as exc:
                read_failures.append(repr(exc))

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    report = index.migrate(batch_size=300)
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(30)

    assert report.old_index == f"{es_prefix}-articles-v1" and report.new_index == f"{es_prefix}-articles-v2"
    assert index.alias_targets() == {index.read_alias: [report.new_index], index.write_alias: [report.new_index]}
    assert read_failures == [] and min(counts) >= 2000
    index.refresh()
    n_written = len(written)
    assert n_written > 10
    assert index.count() == 2000 + n_written  # every original, every new article, nothing twice
    for n in range(min(n_written, 2000)):
        article = index.get(make(n, "").id)
        assert article is not None and article.title == "updated", (n, article and article.title)


def test_cli_status_and_migrate(es_url, es_prefix, base_env):
    env = {**base_env, "NEWSDESK_ELASTICSEARCH_URL": es_url, "NEWSDESK_INDEX_PREFIX": es_prefix}
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles([make(n, "harbor") for n in range(5)])
    migrated = newsdesk("index", "migrate", "--delete-old", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert f"{es_prefix}-articles-v1 -> {es_prefix}-articles-v2: copied 5" in migrated.stdout
    status = newsdesk("index", "status", env=env)
    assert f"alias {es_prefix}-articles -> {es_prefix}-articles-v2" in status.stdout
    version = mapping_version(load_template(es_prefix))
    assert f"index {es_prefix}-articles-v2: 5 docs, mapping version {version}" in status.stdout
    assert "-articles-v1" not in status.stdout
    embedded = newsdesk("index", "status", env={**base_env})
    assert embedded.returncode == 2 and "NEWSDESK_ELASTICSEARCH_URL" in embedded.stderr
