"""Admin actions (retry, discard, pause) need the admin key: 401 without it and nothing changes."""

import pytest
from fastapi.testclient import TestClient

from newsdesk.models import Source
from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.settings import get_settings
from services.dashboard.deps import get_publisher
from services.dashboard.main import app

pytestmark = pytest.mark.redis
KEY = "s3cret-admin-key"


@pytest.fixture
def client(clean_redis, redis_url, source_registry, monkeypatch):
    monkeypatch.setenv("NEWSDESK_REDIS_URL", redis_url)
    monkeypatch.setenv("NEWSDESK_ADMIN_KEY", KEY)
    get_settings.cache_clear()
    sent: list[DeadLetter] = []
    app.dependency_overrides[get_publisher] = lambda: sent.append
    with TestClient(app) as test_client:
        test_client.sent = sent
        test_client.registry = source_registry
        yield test_client
    app.dependency_overrides.clear()
    get_settings.cache_clear()


def _letters(redis_client, n=2):
    store = DeadLetterStore(redis_client)
    return store, [
        store.add(
            DeadLetter(task="newsdesk.fetch_article", args=[f"http://x/{i}", "wire"], kwargs={}, error="HTTP 404")
        )
        for i in range(n)
    ]


def _admin_requests(letter_id):
    return [
        ("/ops/api/deadletters/retry", {"ids": [letter_id]}),
        ("/ops/api/deadletters/retry", {"all": True}),
        ("/ops/api/deadletters/discard", {"ids": [letter_id]}),
        ("/ops/api/deadletters/discard", {"all": True}),
        (f"/ops/api/deadletters/{letter_id}/retry", None),
        (f"/ops/api/deadletters/{letter_id}/discard", None),
        ("/ops/api/sources/wire/pause", None),
        ("/ops/api/sources/wire/resume", None),
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Admin-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}, {"X-Admin-Key": ""}],
)
def test_without_the_key_every_admin_action_is_401_and_changes_nothing(client, clean_redis, headers):
    store, ids = _letters(clean_redis)
    registry = client.registry
    registry.save_source(Source(name="wire", feeds=["https://wire.test/feed.xml"], paused=True))
    for path, body in _admin_requests(ids[0]):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
    assert sorted(store.ids()) == sorted(ids) and client.sent == []
    assert registry.get_source("wire").paused


def test_with_no_configured_key_admin_is_refused_even_with_a_key(client, clean_redis, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ADMIN_KEY", "")
    get_settings.cache_clear()
    store, ids = _letters(clean_redis)
    for path, body in _admin_requests(ids[0]):
        response = client.post(path, json=body, headers={"X-Admin-Key": ""})
        assert response.status_code == 403, (path, response.text)
    assert sorted(store.ids()) == sorted(ids) and client.sent == []
    assert client.get("/ops/api/overview").json()["admin_enabled"] is False


def test_with_the_key_retry_discard_and_pause_work(client, clean_redis):
    store, ids = _letters(clean_redis, 4)
    response = client.post(f"/ops/api/deadletters/{ids[0]}/retry", headers={"X-Admin-Key": KEY})
    assert response.status_code == 200 and response.json() == {"action": "retry", "done": [ids[0]], "count": 1}
    assert [letter.args[0] for letter in client.sent] == ["http://x/0"]
    assert client.post(f"/ops/api/deadletters/{ids[0]}/retry", headers={"X-Admin-Key": KEY}).status_code == 404

    bearer = {"Authorization": f"Bearer {KEY}"}
    assert client.post("/ops/api/deadletters/discard", json={"ids": [ids[1]]}, headers=bearer).json()["count"] == 1
    assert client.post("/ops/api/deadletters/retry", json={"all": True}, headers=bearer).json()["count"] == 2
    assert store.count() == 0 and len(client.sent) == 3

    assert client.post("/ops/api/sources/wire/pause", headers=bearer).status_code == 404  # not configured
    client.registry.save_source(Source(name="wire", feeds=["https://wire.test/feed.xml"]))
    assert client.post("/ops/api/sources/wire/pause", headers=bearer).status_code == 200
    assert client.registry.get_source("wire").paused
    assert [s["paused"] for s in client.get("/ops/api/overview").json()["sources"]] == [True]
    assert client.post("/ops/api/sources/wire/resume", headers=bearer).status_code == 200
    assert not client.registry.get_source("wire").paused
    assert [s["paused"] for s in client.get("/ops/api/overview").json()["sources"]] == [False]


def test_dead_letters_listed_with_arguments_error_and_traceback(client, clean_redis):
    store = DeadLetterStore(clean_redis)
    store.add(
        DeadLetter(
            task="newsdesk.parse_article",
            args=["pagekey"],
            kwargs={"run_id": "r1"},
            error="binary content, not HTML",
            traceback="Traceback ...\nNotAnArticle",
            queue="parse",
        )
    )
    body = client.get("/ops/api/deadletters").json()
    assert body["count"] == 1
    letter = body["data"][0]
    assert (letter["task"], letter["args"], letter["kwargs"], letter["queue"]) == (
        "newsdesk.parse_article",
        ["pagekey"],
        {"run_id": "r1"},
        "parse",
    )
    assert letter["error"] == "binary content, not HTML" and "NotAnArticle" in letter["traceback"]


def test_overview_is_documented_in_openapi(client):
    spec = client.get("/openapi.json").json()
    assert "/ops/api/overview" in spec["paths"] and "Overview" in spec["components"]["schemas"]
    assert "/ops/api/deadletters/{letter_id}/retry" in spec["paths"]


def test_retry_this_group_resends_exactly_the_letters_of_one_cause(client, clean_redis):
    store = DeadLetterStore(clean_redis)
    gone = [
        store.add(
            DeadLetter(
                task="newsdesk.fetch_article",
                args=[],
                kwargs={"url": f"http://x/{i}"},
                error=f"HTTP 404 for http://x/{i}",
            )
        )
        for i in range(3)
    ]
    other = store.add(DeadLetter(task="newsdesk.fetch_article", args=[], kwargs={}, error="HTTP 503 for http://y/1"))
    groups = client.get("/ops/api/deadletters/groups").json()
    assert [(g["cause"], g["count"]) for g in groups] == [("HTTP 404 for <url>", 3), ("HTTP 503 for <url>", 1)]
    key = groups[0]["key"]
    assert client.post(f"/ops/api/deadletters/groups/{key}/retry").status_code == 401  # admin key needed
    assert store.count() == 4
    answer = client.post(f"/ops/api/deadletters/groups/{key}/retry", headers={"X-Admin-Key": KEY})
    assert answer.status_code == 200 and sorted(answer.json()["done"]) == sorted(gone)
    assert sorted(letter.kwargs["url"] for letter in client.sent) == [f"http://x/{i}" for i in range(3)]
    assert store.ids() == [other]
    missing = client.post(f"/ops/api/deadletters/groups/{key}/retry", headers={"X-Admin-Key": KEY})
    assert missing.status_code == 404
