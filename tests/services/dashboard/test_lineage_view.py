"""/ops/urls and /ops/api/urls on real Redis: a URL's events as a timeline, oldest first, escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.ops.lineage import record_event
from newsdesk.settings import get_settings
from services.dashboard.main import app

URL = "https://news.test/local/2024/03/12/harbor-bridge-vote?x=1&y=2"


@pytest.fixture
def client(clean_redis, redis_url, monkeypatch):
    monkeypatch.setenv("NEWSDESK_REDIS_URL", redis_url)
    get_settings.cache_clear()
    with TestClient(app) as test_client:
        yield test_client
    get_settings.cache_clear()


def _story(redis_client) -> None:
    with redis_client.pipeline() as pipe:
        record_event(pipe, URL, "accepted", "source wire, run r1", "fetch")
        record_event(pipe, URL, "retrying", "in 2 s: HTTP 503 for <script>alert(1)</script>", "fetch")
        record_event(pipe, URL, "fetched", "HTTP 200, 5120 bytes", "fetch")
        record_event(pipe, URL, "parsed", "", "parse")
        record_event(pipe, URL, "dead letter", "index rejected 1 article(s)", "index")
        pipe.execute()


def test_api_and_page_show_every_event_oldest_first(client, clean_redis):
    _story(clean_redis)
    body = client.get("/ops/api/urls", params={"url": URL}).json()
    assert [e["event"] for e in body["events"]] == ["accepted", "retrying", "fetched", "parsed", "dead letter"]
    assert body["events"][2] == {**body["events"][2], "stage": "fetch", "detail": "HTTP 200, 5120 bytes"}
    assert body["in_flight_at"] is None

    page = client.get("/ops/urls", params={"url": URL})
    assert page.status_code == 200
    events = re.findall(r'data-event="([^"]+)"', page.text)
    assert events == ["accepted", "retrying", "fetched", "parsed", "dead letter"]
    assert "HTTP 200, 5120 bytes" in page.text and 'class="event dead-letter"' in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert 'value="https://news.test/local/2024/03/12/harbor-bridge-vote?x=1&amp;y=2"' in page.text


def test_page_without_a_url_is_the_form_and_an_unknown_url_says_so(client):
    empty = client.get("/ops/urls")
    assert empty.status_code == 200 and 'id="lineage-form"' in empty.text and 'id="lineage"' not in empty.text
    unknown = client.get("/ops/urls", params={"url": "https://news.test/never"})
    assert unknown.status_code == 200 and 'id="no-events"' in unknown.text
    assert client.get("/ops/api/urls", params={"url": ""}).status_code == 422


def test_ops_page_has_the_lookup_form(client):
    assert 'action="/ops/urls"' in client.get("/ops").text


def test_without_redis_the_page_says_where_lineage_lives(monkeypatch):
    monkeypatch.delenv("NEWSDESK_REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        with TestClient(app) as test_client:
            page = test_client.get("/ops/urls", params={"url": URL})
    finally:
        get_settings.cache_clear()
    assert page.status_code == 503 and 'id="unavailable"' in page.text and "NEWSDESK_REDIS_URL" in page.text
