"""Alerts through the queues: a real Celery worker indexes an article and, on queue `alerts`, POSTs it to the
saved search's webhook (a real receiver on loopback), retrying when the receiver is down."""

from __future__ import annotations

from celery import Celery

from newsdesk.connections import redis_client
from newsdesk.index.elastic import ElasticIndex
from newsdesk.index.saved import RedisSavedSearches, SavedSearchCreate, new_saved_search
from tests.corpus import by_title, fixture_articles
from tests.processes import celery_worker
from tests.receiver import webhook_receiver
from workers.queues import INDEX_QUEUE, INDEX_TASK


def test_an_indexed_match_reaches_the_webhook_once_after_a_retry(
    base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    env = {
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
        "NEWSDESK_RETRY_BACKOFF_BASE": "0.5",
    }
    articles = fixture_articles()
    index = ElasticIndex(es_url, prefix=es_prefix)
    index.index_articles(articles)
    index.refresh()
    fresh = by_title(articles, "Harbor Bridge").model_copy(deep=True)
    fresh.url = fresh.canonical_url = "https://news.example/local/bridge-tolls"
    fresh.title = "Bridge tolls to rise in May"
    other = by_title(articles, "drought").model_copy(deep=True)
    other.url = other.canonical_url = "https://news.example/world/drought-2"

    with webhook_receiver() as receiver:
        store = RedisSavedSearches(redis_client(redis_url))
        search = new_saved_search(SavedSearchCreate(name="tolls", q="bridge", webhook_url=receiver.url))
        store.add(search)
        receiver.statuses = [503]  # down for the first delivery: the task is retried by the one retry policy
        broker = Celery(broker=redis_url)
        with celery_worker(env, tmp_path / "worker.log", queues=f"{INDEX_QUEUE},alerts"):
            for article in (fresh, other):
                broker.send_task(
                    INDEX_TASK, kwargs={"article": article.model_dump(mode="json"), "url": article.url}, queue="index"
                )
            bodies = receiver.wait_for(1, timeout=60)
        assert receiver.statuses == []  # the 503 was answered, then the retry succeeded
    assert [article["id"] for body in bodies for article in body["articles"]] == [fresh.id]
    assert store.alert_state(search).delivered.keys() == {fresh.id}
    index.close()


def test_no_alert_check_is_queued_while_no_saved_search_has_a_webhook(redis_url, clean_redis):
    from workers.alerts import SCHEDULED_KEY, schedule_alert_check

    store = RedisSavedSearches(clean_redis)
    store.add(new_saved_search(SavedSearchCreate(name="feed only", q="bridge")))
    schedule_alert_check(clean_redis)
    assert clean_redis.keys(f"{SCHEDULED_KEY}:*") == [] and clean_redis.llen("alerts") == 0
