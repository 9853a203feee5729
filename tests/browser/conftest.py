"""Browser-test fixtures: Debian's chromium through Playwright, and a real `newsdesk serve` over either index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.index import ArticleIndex
from newsdesk.models import Article
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import IN_CI
from tests.processes import REPO, api_server

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def serve_articles(
    request, base_env: dict[str, str], tmp_path: Path, articles: list[Article]
) -> Iterator[tuple[str, str]]:
    """A `newsdesk serve` process over the index named by request.param (embedded or elasticsearch) holding
    `articles`; yields (backend, base URL)."""
    env = dict(base_env)
    index: ArticleIndex
    if request.param == "elasticsearch":
        from newsdesk.index.elastic import ElasticIndex

        es_url, prefix = request.getfixturevalue("es_url"), request.getfixturevalue("es_prefix")
        env.update(NEWSDESK_ELASTICSEARCH_URL=es_url, NEWSDESK_INDEX_PREFIX=prefix)
        index = ElasticIndex(es_url, prefix=prefix)
    else:
        from newsdesk.index.embedded import EmbeddedIndex

        index = EmbeddedIndex(Path(env["NEWSDESK_DATA_DIR"]) / "index.sqlite3")
    index.index_articles(articles)
    index.refresh()
    index.close()
    with api_server(env, tmp_path / "api.log") as base:
        yield request.param, base
