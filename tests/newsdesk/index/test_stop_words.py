"""A query made only of stop words says so (API, page, CLI) instead of silently finding nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsdesk.index import ArticleIndex
from tests.processes import newsdesk

pytestmark = pytest.mark.elasticsearch


@pytest.fixture
def es_client(elastic_index: ArticleIndex) -> Iterator[TestClient]:
    from services.app import app
    from services.search_api import deps

    app.dependency_overrides[deps.get_index] = lambda: elastic_index
    with TestClient(app) as test_client:
        yield test_client
    app.dependency_overrides.pop(deps.get_index, None)


def test_only_stop_words_answers_with_a_notice(es_client: TestClient) -> None:
    body = es_client.get("/search", params={"q": "the"}).json()
    assert body["total"] == 0
    assert "only of common words" in body["notice"]

    page = es_client.get("/", params={"q": "the and"})
    assert page.status_code == 200
    assert 'class="notice"' in page.text and "only of common words" in page.text


def test_a_query_that_simply_matches_nothing_has_no_notice(es_client: TestClient) -> None:
    assert es_client.get("/search", params={"q": "zyzzyvaquux"}).json()["notice"] is None
    assert es_client.get("/search", params={"q": "the council"}).json()["notice"] is None


def test_cli_prints_the_notice(elastic_index: ArticleIndex, es_url: str, es_prefix: str, base_env) -> None:
    env = {**base_env, "NEWSDESK_ELASTICSEARCH_URL": es_url, "NEWSDESK_INDEX_PREFIX": es_prefix}
    found = newsdesk("search", "the", env=env)
    assert found.returncode == 0, found.stderr
    assert "0 results" in found.stdout and "only of common words" in found.stdout
