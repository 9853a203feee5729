"""The three fixture pages parsed into articles, each from its own source, for search tests."""

from __future__ import annotations

from functools import lru_cache

from newsdesk.models import Article
from tests.sitekit import ARTICLE_PATHS, FIXTURES

SOURCES = {"site/panjshir.html": "ledger", "site/harbor-bridge.html": "tribune", "site/drought-wire.html": "ledger"}
HOSTILE_TITLE = 'Council <script>alert("x")</script> & "quotes"'


@lru_cache(maxsize=1)
def _parsed() -> tuple[Article, ...]:
    from newsdesk.parse import extract_article

    articles = []
    for path, fixture in ARTICLE_PATHS.items():
        url = f"https://news.example{path}"
        article = extract_article((FIXTURES / fixture).read_text().replace("BASE", "https://news.example"), url=url)
        article.source = SOURCES[fixture]
        articles.append(article)
    return tuple(articles)


def fixture_articles() -> list[Article]:
    """Fresh copies of the parsed fixture pages plus one article whose text is hostile HTML."""
    articles = [article.model_copy(deep=True) for article in _parsed()]
    hostile = articles[1].model_copy(deep=True)
    hostile.url = hostile.canonical_url = "https://news.example/local/hostile"
    hostile.title = HOSTILE_TITLE
    hostile.body = "The <b>council</b> met. <img src=x onerror=alert(1)> Nothing else happened."
    hostile.quotes = []
    hostile.source = "tribune"
    hostile.section = "Opinion"
    return [*articles, hostile]


def by_title(articles: list[Article], word: str) -> Article:
    return next(article for article in articles if article.title and word in article.title)
