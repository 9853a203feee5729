"""Bulk writes shared by concurrent index tasks (newsdesk/index/batcher.py) on the real node: one refused
document fails alone, the rest of its batch is indexed once."""

from __future__ import annotations

import threading

from newsdesk.errors import PermanentError
from newsdesk.index.batcher import BulkBatcher
from newsdesk.index.elastic import ElasticIndex
from newsdesk.models import Quote
from tests.newsdesk.index.test_elastic_migrate import make

NESTED_LIMIT = 10_000  # Elasticsearch's index.mapping.nested_objects.limit: a document with more is refused


def test_one_refused_document_fails_alone_and_its_batch_is_indexed(es_url, es_prefix):
    index = ElasticIndex(es_url, prefix=es_prefix)
    articles = [make(n, "batched") for n in range(8)]
    oversized = articles[3]
    oversized.quotes = [Quote(text=f"q{n}") for n in range(NESTED_LIMIT + 1)]
    batcher = BulkBatcher(index.index_articles, max_docs=200, max_delay=10.0, capacity=len(articles))
    outcomes: dict[str, BaseException | None] = {}

    def one(n: int) -> None:
        try:
            batcher.index(articles[n])
            outcomes[articles[n].url] = None
        except Exception as exc:  # the outcome under test
            outcomes[articles[n].url] = exc

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(articles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert batcher.batches_written == 1  # all eight waited in one batch: the eighth closed it
    refused = outcomes[oversized.url]
    assert isinstance(refused, PermanentError) and "nested" in str(refused), refused
    assert all(outcomes[a.url] is None for a in articles if a is not oversized), outcomes
    index.refresh()
    assert index.count() == len(articles) - 1
    assert index.get(oversized.id) is None
