"""Saved searches over both backends: admin-only management, clear 422s, an Atom feed any reader follows,
and webhook alerts sent at least once to a real receiver on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser
import pytest
from fastapi.testclient import TestClient

from newsdesk.errors import TransientError
from newsdesk.index import ArticleIndex
from newsdesk.index.alerts import WebhookRefused, deliver_new_matches
from newsdesk.index.saved import (
    RedisSavedSearches,
    SavedSearchCreate,
    SavedSearchStore,
    SqliteSavedSearches,
    new_saved_search,
)
from newsdesk.settings import Settings, get_settings
from tests.corpus import by_title
from tests.receiver import webhook_receiver

KEY = "saved-search-admin-key"
ADMIN = {"X-Admin-Key": KEY}


@pytest.fixture
def store(index, request, tmp_path) -> Iterator[SavedSearchStore]:
    """Redis beside Elasticsearch (the distributed setup), SQLite beside the embedded index."""
    from newsdesk.index.elastic import ElasticIndex

    if isinstance(index, ElasticIndex):
        request.getfixturevalue("clean_redis")
        from newsdesk.connections import redis_client

        yield RedisSavedSearches(redis_client(request.getfixturevalue("redis_url")))
    else:
        sqlite = SqliteSavedSearches(tmp_path / "saved.sqlite3")
        yield sqlite
        sqlite.close()


def _settings() -> Settings:
    """Admin actions on, webhooks to the loopback receiver allowed (NEWSDESK_ALLOW_PRIVATE_HOSTS)."""
    return Settings(admin_key=KEY, allow_private_hosts=["127.0.0.1"])


@pytest.fixture
def api(index, store) -> Iterator[TestClient]:
    from services.app import app
    from services.search_api import deps
    from services.search_api.routes import saved

    app.dependency_overrides[deps.get_index] = lambda: index
    app.dependency_overrides[saved.get_saved_searches] = lambda: store
    app.dependency_overrides[get_settings] = _settings
    with TestClient(app) as client:
        yield client
    app.dependency_overrides.clear()


def _new_match(articles, title: str, url: str):
    fresh = by_title(articles, "Harbor Bridge").model_copy(deep=True)
    fresh.url = fresh.canonical_url = url
    fresh.title = title
    fresh.published_at = datetime(2020, 1, 1, tzinfo=UTC)  # published long ago, indexed now: still the newest entry
    return fresh


def test_create_list_delete_need_the_admin_key(api):
    body = {"name": "Park on the bridge", "q": "bridge", "speaker": "Elena Park"}
    for headers in ({}, {"X-Admin-Key": "wrong"}):
        assert api.post("/saved-searches", json=body, headers=headers).status_code == 401
        assert api.get("/saved-searches", headers=headers).status_code == 401
    created = api.post("/saved-searches", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    saved = created.json()
    assert saved["id"] and saved["filters"] == {"speaker": "Elena Park"} and saved["q"] == "bridge"
    assert created.headers["location"] == f"/saved-searches/{saved['id']}"
    listed = api.get("/saved-searches", headers=ADMIN).json()["saved_searches"]
    assert [s["id"] for s in listed] == [saved["id"]]
    assert api.delete(f"/saved-searches/{saved['id']}").status_code == 401
    assert api.delete(f"/saved-searches/{saved['id']}", headers=ADMIN).status_code == 204
    assert api.delete(f"/saved-searches/{saved['id']}", headers=ADMIN).status_code == 404
    assert api.get(f"/saved-searches/{saved['id']}/feed.atom").status_code == 404


@pytest.mark.parametrize(
    "body, message",
    [
        ({"q": "bridge"}, "name"),
        ({"name": "  ", "q": "x"}, "name must not be blank"),
        ({"name": "x", "sorce": "ledger"}, "sorce"),
        ({"name": "x", "filters": {"colour": "red"}}, "unknown filter 'colour'"),
        ({"name": "x", "source": 5}, "one text value"),
        ({"name": "x", "q": "y" * 501}, "q"),
        ({"name": "x", "webhook_url": "ftp://example.org/hook"}, "scheme"),
        ({"name": "x", "date_from": "2024-02-01", "date_to": "2024-01-01"}, "'from' must not be after 'to'"),
    ],
)
def test_bad_saved_searches_are_clear_422s(api, body, message):
    response = api.post("/saved-searches", json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


def test_a_webhook_on_a_private_address_is_refused_in_production_mode(api):
    from services.app import app

    app.dependency_overrides[get_settings] = lambda: Settings(admin_key=KEY)  # no NEWSDESK_ALLOW_PRIVATE_HOSTS
    body = {"name": "x", "q": "bridge", "webhook_url": "http://127.0.0.1:9/hook"}
    response = api.post("/saved-searches", json=body, headers=ADMIN)
    assert response.status_code == 422 and "non-public address" in response.json()["detail"]


def test_atom_feed_shows_newest_matches_and_a_newly_indexed_one(api, index: ArticleIndex, articles):
    saved = api.post("/saved-searches", json={"name": "Bridge watch", "q": "bridge"}, headers=ADMIN).json()
    url = f"/saved-searches/{saved['id']}/feed.atom"
    first = api.get(url)
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(first.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "newsdesk: Bridge watch"
    assert [entry.title for entry in feed.entries] == [by_title(articles, "Harbor Bridge").title]
    assert feed.entries[0].link.startswith("https://news.example/")

    index.index_articles([_new_match(articles, "Second bridge vote set for May", "https://news.example/bridge-2")])
    index.refresh()
    feed = feedparser.parse(api.get(url).content)
    assert not feed.bozo
    assert feed.entries[0].title == "Second bridge vote set for May"  # most recently indexed first
    assert len(feed.entries) == 2 and len({entry.id for entry in feed.entries}) == 2
    assert feed.entries[0].updated_parsed and feed.entries[0].summary


def test_webhook_gets_each_new_match_once_and_failures_are_retried(index: ArticleIndex, store, articles):
    settings = _settings()
    with webhook_receiver() as receiver:
        search = new_saved_search(SavedSearchCreate(name="bridge", q="bridge", webhook_url=receiver.url))
        store.add(search)
        # articles indexed before the search was saved are not news
        assert deliver_new_matches(store, index, search.id, settings).sent == 0

        fresh = _new_match(articles, "Bridge tolls rise", "https://news.example/tolls")
        unrelated = _new_match(articles, "Drought", "https://news.example/drought-2")
        unrelated.body, unrelated.quotes = "Reservoirs fall.", []
        index.index_articles([fresh, unrelated])
        index.refresh()

        receiver.statuses = [503]  # the receiver is down once: a TransientError for the retry policy
        with pytest.raises(TransientError):
            deliver_new_matches(store, index, search.id, settings)
        assert receiver.bodies == []
        assert deliver_new_matches(store, index, search.id, settings).sent == 1
        (body,) = receiver.bodies
        assert body["saved_search"] == {"id": search.id, "name": "bridge"}
        assert [article["id"] for article in body["articles"]] == [fresh.id]
        assert deliver_new_matches(store, index, search.id, settings).sent == 0  # not sent twice

        receiver.statuses = [410]
        index.index_articles([_new_match(articles, "Bridge opens", "https://news.example/opens")])
        index.refresh()
        with pytest.raises(WebhookRefused, match="410"):  # permanent: a dead letter, not retried
            deliver_new_matches(store, index, search.id, settings)


def test_webhook_delivery_applies_the_ssrf_guard(index: ArticleIndex, store, articles):
    with webhook_receiver() as receiver:
        search = new_saved_search(SavedSearchCreate(name="bridge", q="bridge", webhook_url=receiver.url))
        store.add(search)
        index.index_articles([_new_match(articles, "Bridge tolls rise", "https://news.example/tolls")])
        index.refresh()
        with pytest.raises(WebhookRefused, match="non-public address"):
            deliver_new_matches(store, index, search.id, Settings())  # production: no private hosts allowed
        assert receiver.bodies == []
