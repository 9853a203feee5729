"""Fixtures for index, API and page tests: both backends loaded with the fixture articles, an API client over each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsdesk.index import ArticleIndex
from tests.corpus import fixture_articles


@pytest.fixture
def articles():
    return fixture_articles()


@pytest.fixture
def elastic_index(es_url: str, es_prefix: str, articles) -> Iterator[ArticleIndex]:
    from newsdesk.index.elastic import ElasticIndex

    index = ElasticIndex(es_url, prefix=es_prefix)
    result = index.index_articles(articles)
    assert result.errors == [] and result.indexed == len(articles)
    index.refresh()
    yield index
    index.close()


@pytest.fixture
def embedded_index(tmp_path, articles) -> Iterator[ArticleIndex]:
    from newsdesk.index.embedded import EmbeddedIndex

    index = EmbeddedIndex(tmp_path / "index.sqlite3")
    index.index_articles(articles)
    yield index
    index.close()


@pytest.fixture(params=[pytest.param("elasticsearch", marks=pytest.mark.elasticsearch), "embedded"])
def index(request) -> ArticleIndex:
    """The same tests run over the real Elasticsearch node and over the embedded SQLite index."""
    return request.getfixturevalue("elastic_index" if request.param == "elasticsearch" else "embedded_index")


@pytest.fixture
def client(index) -> Iterator[TestClient]:
    from services.app import app
    from services.search_api import deps

    app.dependency_overrides[deps.get_index] = lambda: index
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client
    app.dependency_overrides.pop(deps.get_index, None)
