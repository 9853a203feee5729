"""The stage functions (discover, fetch, parse, index) and the in-process runner built from them.

Celery tasks in workers/ call these same functions; the in-process runner chains them directly,
so the embedded default and the distributed setup cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.discovery import DiscoveredLink, links_from_feed
from newsdesk.errors import NewsdeskError, PermanentError
from newsdesk.fetch import FEED_TYPES, Fetcher
from newsdesk.index import ArticleIndex, IndexResult, open_index
from newsdesk.models import Article
from newsdesk.pagestore import PageStore
from newsdesk.runs import MemoryRun, RunTracker, Tally
from newsdesk.settings import Settings


@dataclass
class FetchOutcome:
    page_key: str | None  # None when the server answered 304 Not Modified
    status: int


class Pipeline:
    """Holds one fetcher, page store and index per process; stage methods are what tasks call."""

    def __init__(self, settings: Settings, index: ArticleIndex | None = None):
        self.settings = settings
        self.store = PageStore(settings.pages_dir)
        self._fetcher: Fetcher | None = None
        self._index = index

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    @property
    def index(self) -> ArticleIndex:
        if self._index is None:
            self._index = open_index(self.settings)
        return self._index

    def discover(self, feed_url: str, source: str | None = None) -> list[DiscoveredLink]:
        page = self.fetcher.fetch(feed_url, accept=FEED_TYPES, source=source)
        return links_from_feed(page)

    def fetch(self, url: str, source: str | None = None) -> FetchOutcome:
        page = self.fetcher.fetch(url, source=source)
        if page.status == 304:
            return FetchOutcome(page_key=None, status=304)
        return FetchOutcome(page_key=self.store.put(page), status=page.status)

    def parse(self, page_key: str) -> Article:
        # Imported here so fetch- and index-only processes never load the extractor.
        from newsdesk.parse import parse_page

        return parse_page(self.store.get(page_key))

    def index_articles(self, articles: list[Article]) -> IndexResult:
        result = self.index.index_articles(articles)
        if result.errors:
            raise PermanentError(f"index rejected {len(result.errors)} article(s): {result.errors[0]}")
        return result

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
        if self._index is not None:
            self._index.close()


def run_article(pipeline: Pipeline, url: str, source: str | None, run: RunTracker) -> None:
    """One article through fetch -> parse -> index, in this process; each failure recorded once."""
    try:
        fetched = pipeline.fetch(url, source)
        if fetched.page_key is None:
            run.add("not_modified")
            return
        run.add("fetched")
        article = pipeline.parse(fetched.page_key)
        run.add("parsed")
        pipeline.index_articles([article])
        run.add("indexed")
    except NewsdeskError as exc:
        run.add("failed", error=f"{url}: {exc}")


def crawl_in_process(
    pipeline: Pipeline,
    feed_url: str,
    source: str | None = None,
    on_progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """Poll one feed and run each article through every stage in this process."""
    links = pipeline.discover(feed_url, source)
    run = MemoryRun(total=len(links))
    if on_progress:
        on_progress(run.tally)
    for link in links:
        run_article(pipeline, link.url, source, run)
        if on_progress:
            on_progress(run.tally)
    pipeline.index.refresh()
    return run.tally
