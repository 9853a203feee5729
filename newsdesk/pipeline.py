"""The stage functions (discover, fetch, parse, index) and the in-process runner built from them.

Celery tasks in workers/ call these same functions; the in-process runner chains them directly,
so the embedded default and the distributed setup cannot drift apart. A stage's crawl-state writes (crawl log,
validators) go on the Redis pipeline `pipe` when the caller gives one: a task sends them in the one round trip
that records its outcome; without one they are written at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from redis.client import Pipeline as RedisPipeline

from newsdesk.connections import redis_client
from newsdesk.crawl.discovery import (
    DiscoveredLink,
    links_from_feed,
    links_from_section,
    links_from_sitemap,
    newest_first,
)
from newsdesk.crawl.fetch import FEED_TYPES, HTML_TYPES, SITEMAP_TYPES, Fetcher
from newsdesk.crawl.seen import ValidatorStore
from newsdesk.errors import NewsdeskError, PermanentError, TransientError
from newsdesk.index import ArticleIndex, IndexResult, open_index
from newsdesk.index.clusters import Clusters, open_clusters
from newsdesk.models import Article, FetchedPage, Outcome, Source, article_id
from newsdesk.ops.crawllog import CrawlEntry, CrawlLog, classify
from newsdesk.ops.runs import MemoryRun, RunTracker, Tally
from newsdesk.retries import will_retry
from newsdesk.settings import Settings
from newsdesk.store.archive import archived_pages, latest_pages
from newsdesk.store.objects import open_object_store
from newsdesk.store.pages import PageStore

MAX_SITEMAPS_PER_POLL = 50
SourceRecorder = Callable[[list[str], str], object]  # Pipeline.record_source: skipped URLs gain the polled source


@dataclass
class FetchOutcome:
    page_key: str | None  # None when the server answered 304 Not Modified
    status: int
    size: int = 0  # body bytes, after decompression (the URL's lineage shows them)


class Pipeline:
    """Holds one fetcher, page store and index per process; stage methods are what tasks call."""

    def __init__(self, settings: Settings, index: ArticleIndex | None = None, redis_client=None):
        self.settings = settings
        self.store = PageStore(open_object_store(settings))
        self._fetcher: Fetcher | None = None
        self._index = index
        self._redis = redis_client
        self._clusters: Clusters | None = None

    @property
    def redis(self):
        """Crawl state (politeness, validators, crawl log) is shared through Redis when it is configured."""
        if self._redis is None and self.settings.redis_url:
            self._redis = redis_client(self.settings.redis_url)
        return self._redis

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, self.redis)
        return self._fetcher

    @property
    def crawl_log(self) -> CrawlLog | None:
        return CrawlLog(self.redis) if self.redis is not None else None

    def _log(
        self,
        url: str,
        source: str | None,
        status: Outcome,
        reason: str = "",
        retries: int = 0,
        http_status: int | None = None,
        pipe: RedisPipeline | None = None,
    ) -> None:
        if self.crawl_log is not None:
            self.crawl_log.record(
                CrawlEntry(
                    url=url, status=status.value, source=source, reason=reason, retries=retries, http_status=http_status
                ),
                pipe,
            )

    def _get(
        self,
        url: str,
        source: str | None,
        kind: str,
        accept,
        attempt: int = 0,
        conditional: dict[str, str] | None = None,
        pipe: RedisPipeline | None = None,
    ) -> tuple[FetchedPage, str | None]:
        """Fetch, archive the response (its page-store key, or None), and log any failure as this URL's outcome."""
        try:
            page = self.fetcher.fetch(url, accept=accept, source=source, conditional=conditional)
        except Exception as exc:
            status, reason = classify(exc, will_retry(exc, attempt, self.settings.max_retries))
            self._log(url, source, status, reason, retries=attempt, pipe=pipe)
            raise
        key = None
        if self.settings.archive_enabled:
            try:
                key = self.store.put(page, kind)
            except NewsdeskError as exc:
                status, reason = classify(exc, will_retry(exc, attempt, self.settings.max_retries))
                self._log(
                    url, source, status, f"page store: {reason}", retries=attempt, http_status=page.status, pipe=pipe
                )
                raise
        return page, key

    @property
    def index(self) -> ArticleIndex:
        if self._index is None:
            self._index = open_index(self.settings)
        return self._index

    @property
    def clusters(self) -> Clusters:
        """Syndication clusters and sources, shared by every index process (Redis when configured, else SQLite)."""
        if self._clusters is None:
            self._clusters = open_clusters(self.settings, self.redis)
        return self._clusters

    def discover(self, feed_url: str, source: str | None = None) -> list[DiscoveredLink]:
        page, _ = self._get(feed_url, source, "feed", FEED_TYPES)
        self._log(feed_url, source, Outcome.FETCHED, http_status=page.status)
        return newest_first(links_from_feed(page))

    def discover_source(self, source: Source) -> list[DiscoveredLink]:
        """Every article link of a source: its feeds, sitemaps (indexes followed) and section pages.

        One broken feed or sitemap is logged and skipped; the rest of the source is still polled."""
        found: dict[str, DiscoveredLink] = {}

        def collect(links: list[DiscoveredLink] | None) -> None:
            for link in links or []:
                known = found.get(link.url)
                if known is None or (link.updated and (known.updated is None or link.updated > known.updated)):
                    found[link.url] = link

        for url in source.feeds:
            collect(self._read_discovery(url, source.name, "feed", FEED_TYPES, links_from_feed))
        pending = [(url, 0) for url in source.sitemaps]
        visited: set[str] = set()
        while pending and len(visited) < MAX_SITEMAPS_PER_POLL:
            url, depth = pending.pop(0)
            if url in visited:
                continue
            visited.add(url)
            links = self._read_discovery(url, source.name, "sitemap", SITEMAP_TYPES, links_from_sitemap)
            if links is not None:
                collect(links.articles)
                if depth < self.settings.sitemap_max_depth:
                    pending.extend((child.url, depth + 1) for child in links.sitemaps)
        for url in source.sections:
            collect(
                self._read_discovery(
                    url,
                    source.name,
                    "section",
                    HTML_TYPES,
                    lambda page: links_from_section(page, source.article_pattern),
                )
            )
        return newest_first(list(found.values()))

    def _read_discovery(self, url: str, source: str, kind: str, accept, extract: Callable):
        """extract(fetched page), or None when fetching or reading failed (the crawl log says why)."""
        try:
            page, _ = self._get(url, source, kind, accept)
        except NewsdeskError:
            return None
        try:
            result = extract(page)
        except NewsdeskError as exc:
            self._log(url, source, Outcome.FAILED, str(exc), http_status=page.status)
            return None
        self._log(url, source, Outcome.FETCHED, http_status=page.status)
        return result

    def fetch(
        self,
        url: str,
        source: str | None = None,
        attempt: int = 0,
        conditional: bool = True,
        pipe: RedisPipeline | None = None,
    ) -> FetchOutcome:
        """Conditional GET with the URL's stored ETag / Last-Modified; a 304 is not stored or re-parsed.
        conditional=False (a re-sent fetch whose page may never have been indexed) always downloads."""
        validators = ValidatorStore(self.redis) if self.redis is not None else None
        headers = validators.conditional_headers(url) if validators and conditional else None
        page, key = self._get(url, source, "article", HTML_TYPES, attempt, headers, pipe)
        if page.status == 304:
            self._log(url, source, Outcome.NOT_MODIFIED, retries=attempt, http_status=304, pipe=pipe)
            return FetchOutcome(page_key=None, status=304)
        if key is None:  # the archive is off: the page is still stored once, for the parser
            key = self.store.put(page)
        if validators:
            validators.remember(url, page.headers, pipe)
        self._log(url, source, Outcome.FETCHED, retries=attempt, http_status=page.status, pipe=pipe)
        return FetchOutcome(page_key=key, status=page.status, size=len(page.body))

    def parse(self, page_key: str, pipe: RedisPipeline | None = None) -> Article:
        # Imported here so fetch- and index-only processes never load the extractor.
        from newsdesk.parse import parse_page

        page = self.store.get(page_key)
        try:
            article = parse_page(page)
        except NewsdeskError as exc:
            self._log(page.url, page.source, Outcome.FAILED, f"parse: {exc}", http_status=page.status, pipe=pipe)
            raise
        self._log(page.url, page.source, Outcome.PARSED, http_status=page.status, pipe=pipe)
        return article

    def index_articles(self, articles: list[Article], pipe: RedisPipeline | None = None) -> IndexResult:
        """Index a batch as one unit: any article the index refused fails the whole call."""
        result = self.write_articles(articles)
        if failure := result.first_failure():
            if isinstance(failure, TransientError):
                raise failure
            raise PermanentError(f"index rejected {len(result.errors)} article(s): {result.errors[0]}")
        for article in articles:
            self.log_indexed(article, pipe)
        return result

    def write_articles(self, articles: list[Article]) -> IndexResult:
        """Place each article in its syndication cluster (and add its source), then one bulk write; each
        article's own refusal is in the result (`refused`). The caller logs the ones that succeeded."""
        return self.index.index_articles(self.clusters.place(articles))

    def record_source(self, urls: list[str], source: str) -> int:
        """A poll of `source` skipped these URLs as already seen: each one's document and cluster entry gain the
        source it lacks, without a fetch; returns how many did. One store round trip when every one has it.

        The document first, then the store: a failure in between leaves the store without the source, so the next
        poll (or this one's retry) finds it missing again and the document's update is a no-op. A URL not indexed
        yet gets the source pending, and takes it when it is placed."""
        indexed, unindexed = self.clusters.missing_source([article_id(url) for url in urls], source)
        if not indexed and not unindexed:
            return 0
        found = self.index.set_sources(indexed) if indexed else set()
        self.clusters.add_source([id_ for id_ in indexed if id_ in found], unindexed, source)
        return len(found) + len(unindexed)

    def log_indexed(self, article: Article, pipe: RedisPipeline | None = None) -> None:
        self._log(article.url, article.source, Outcome.INDEXED, pipe=pipe)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
        if self._index is not None:
            self._index.close()
        if self._clusters is not None:
            self._clusters.close()


def reparse_archive(
    pipeline: Pipeline, source: str | None = None, since: datetime | None = None, batch: int = 100
) -> Tally:
    """Parse the newest stored response of every article URL again and re-index it; nothing is fetched."""
    from newsdesk.parse import parse_page

    legacy = pipeline.settings.warc_dir if pipeline.settings.warc_dir.is_dir() else None
    pages = latest_pages(archived_pages(pipeline.store, legacy, source=source, since=since))
    run = MemoryRun(total=len(pages))
    articles: list[Article] = []
    for page in pages:
        try:
            articles.append(parse_page(page))
            run.add("parsed", url=page.url)
        except NewsdeskError as exc:
            run.add("failed", error=f"{page.url}: {exc}", url=page.url)
        if len(articles) >= batch or (articles and page is pages[-1]):
            pipeline.index_articles(articles)
            for article in articles:
                run.add("indexed", url=article.url)
            articles = []
    if articles:
        pipeline.index_articles(articles)
        for article in articles:
            run.add("indexed", url=article.url)
    pipeline.index.refresh()
    return run.tally


def run_article(pipeline: Pipeline, url: str, source: str | None, run: RunTracker) -> None:
    """One article through fetch -> parse -> index, in this process; each failure recorded once."""
    try:
        fetched = pipeline.fetch(url, source)
        if fetched.page_key is None:
            run.add("not_modified", url=url)
            return
        run.add("fetched", url=url)
        article = pipeline.parse(fetched.page_key)
        run.add("parsed", url=url)
        pipeline.index_articles([article])
        run.add("indexed", url=url)
    except NewsdeskError as exc:
        run.add("failed", error=f"{url}: {exc}", url=url)


def crawl_in_process(
    pipeline: Pipeline,
    feed_url: str,
    source: str | None = None,
    on_progress: Callable[[Tally], None] | None = None,
    parse_processes: int | None = None,
) -> Tally:
    """Poll one feed and run each article through every stage in this process.

    With more than one parse process (default NEWSDESK_PARSE_PROCESSES, one per CPU), pages are parsed on a
    process pool while this process goes on fetching, and parsed articles are indexed in batches; each
    article's outcome is the one the sequential path (one process) gives."""
    links = pipeline.discover(feed_url, source)[: pipeline.settings.max_links_per_poll]
    run = MemoryRun(total=len(links))
    if on_progress:
        on_progress(run.tally)
    processes = parse_processes or pipeline.settings.effective_parse_processes
    if processes > 1 and len(links) > 1:
        _crawl_on_parse_pool(pipeline, [link.url for link in links], source, run, on_progress, processes)
    else:
        for link in links:
            run_article(pipeline, link.url, source, run)
            if on_progress:
                on_progress(run.tally)
    pipeline.index.refresh()
    return run.tally


INDEX_BATCH = 50  # parsed articles per write of the embedded crawl
PARSE_BACKLOG_PER_PROCESS = 8  # pages fetched ahead of the parsers: bounds memory, keeps every process busy


def _crawl_on_parse_pool(
    pipeline: Pipeline,
    urls: list[str],
    source: str | None,
    run: MemoryRun,
    on_progress: Callable[[Tally], None] | None,
    processes: int,
) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait

    parsed: list[tuple[str, Article]] = []
    pending: dict[Future, str] = {}
    # Index writes (cluster placement + SQLite) run on one thread of their own, so this process keeps fetching
    # while a batch is written; at most one write is in flight, and its outcomes are counted here, in order.
    writer = ThreadPoolExecutor(1, thread_name_prefix="index-writer")
    writing: Future | None = None
    pipeline.index, pipeline.clusters  # noqa: B018 - opened here, not raced for by the writer's first call

    def settle_write() -> None:
        nonlocal writing
        if writing is not None:
            for stage, url, error in writing.result():
                run.add(stage, error=error, url=url)
            writing = None

    def index_parsed() -> None:
        nonlocal writing
        batch = parsed[:]
        parsed.clear()
        settle_write()
        writing = writer.submit(_index_batch, pipeline, batch)

    def collect(done: set[Future]) -> None:
        for future in done:
            url = pending.pop(future)
            outcome = future.result()
            if isinstance(outcome, str):
                run.add("failed", error=f"{url}: {outcome}", url=url)
            else:
                run.add("parsed", url=url)
                parsed.append((url, outcome))
        if len(parsed) >= INDEX_BATCH:
            index_parsed()
        if on_progress:
            on_progress(run.tally)

    # spawn: fresh interpreters, never a fork of this process's threads and open connections
    context = multiprocessing.get_context("spawn")
    with (
        writer,
        ProcessPoolExecutor(
            processes, mp_context=context, initializer=_start_parser, initargs=(pipeline.settings,)
        ) as pool,
    ):
        for url in urls:
            try:
                fetched = pipeline.fetch(url, source)
            except NewsdeskError as exc:
                run.add("failed", error=f"{url}: {exc}", url=url)
                continue
            if fetched.page_key is None:
                run.add("not_modified", url=url)
                continue
            run.add("fetched", url=url)
            pending[pool.submit(_parse_stored, fetched.page_key)] = url
            if len(pending) >= processes * PARSE_BACKLOG_PER_PROCESS:
                collect(wait(pending, return_when=FIRST_COMPLETED).done)
            else:
                collect({future for future in pending if future.done()})
        while pending:
            collect(wait(pending, return_when=FIRST_COMPLETED).done)
        if parsed:
            index_parsed()
        settle_write()
    if on_progress:
        on_progress(run.tally)


def _index_batch(pipeline: Pipeline, batch: list[tuple[str, Article]]) -> list[tuple[str, str, str | None]]:
    """Write one batch; when the index refuses one of its articles, find whose, as the sequential path would."""
    try:
        pipeline.index_articles([article for _, article in batch])
        return [("indexed", url, None) for url, _ in batch]
    except NewsdeskError:
        outcomes: list[tuple[str, str, str | None]] = []
        for url, article in batch:
            try:
                pipeline.index_articles([article])
                outcomes.append(("indexed", url, None))
            except NewsdeskError as exc:
                outcomes.append(("failed", url, f"{url}: {exc}"))
        return outcomes


_parser: Pipeline | None = None


def _start_parser(settings: Settings) -> None:
    global _parser
    _parser = Pipeline(settings)
    import newsdesk.parse  # noqa: F401 - load the extractor once, before the first page


def _parse_stored(page_key: str) -> Article | str:
    """In a parse process: the stored page's article, or the parse error's message (exceptions stay here)."""
    assert _parser is not None
    try:
        return _parser.parse(page_key)
    except NewsdeskError as exc:
        return str(exc)
