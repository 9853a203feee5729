"""Stage 1: URL -> FetchedPage, with the SSRF guard on every hop and hard caps on size and time."""

from __future__ import annotations

import email.utils
import time
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from newsdesk.crawl.politeness import Politeness
from newsdesk.crawl.robots import is_robots_url
from newsdesk.crawl.safety import check_destination, pinned_url
from newsdesk.errors import FetchRefused, PermanentError, TransientError
from newsdesk.models import FetchedPage
from newsdesk.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "text/html",  # some servers label feeds as html; feedparser decides
    "text/plain",
)
ROBOTS_TYPES = ("text/plain", "text/html", "application/octet-stream")
SITEMAP_TYPES = (
    "application/xml",
    "text/xml",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "text/plain",
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_CODES = frozenset({408, 425, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """One HTTP client per process; fetch() is safe to call from several threads.

    Every hop: SSRF check (and connect to the checked address), robots.txt, the host's rate and
    concurrency limits; then caps on redirects, total time, bytes on the wire and decoded bytes.
    """

    def __init__(self, settings: Settings, redis_client=None):
        self.settings = settings
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(10.0, settings.fetch_timeout)),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )
        self.politeness = Politeness(settings, self._fetch_robots, redis_client)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fetch_robots(self, url: str) -> str:
        page = self.fetch(url, accept=ROBOTS_TYPES)
        return page.body.decode("utf-8", "replace")

    def fetch(
        self,
        url: str,
        *,
        accept: Iterable[str] = HTML_TYPES,
        source: str | None = None,
        conditional: dict[str, str] | None = None,
    ) -> FetchedPage:
        """Download url. Raises TransientError (retry), PermanentError / FetchRefused (record)."""
        accept = tuple(accept)
        deadline: float | None = None
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            address = check_destination(current, self.settings.allow_private_hosts)
            robots_file = is_robots_url(current)
            if not robots_file:
                self.politeness.check_robots(current)
            target, host_header, extensions = pinned_url(current, address)
            headers = {**host_header, **(dict(conditional or {}) if current == url else {})}
            try:
                with self.politeness.slot(current, use_robots=not robots_file):
                    deadline = deadline or time.monotonic() + self.settings.fetch_total_timeout
                    with self._client.stream("GET", target, headers=headers, extensions=extensions) as response:
                        if response.status_code in REDIRECT_CODES and "location" in response.headers:
                            current = urljoin(current, response.headers["location"])
                            continue
                        return self._read(url, current, response, accept, source, deadline)
            except httpx.TimeoutException as exc:
                raise TransientError(f"timeout fetching {current}: {type(exc).__name__}") from None
            except httpx.TransportError as exc:
                raise TransientError(f"network error fetching {current}: {exc}") from None
        raise FetchRefused(f"more than {self.settings.max_redirects} redirects from {url}", reason="redirects")

    def _read(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        accept: tuple[str, ...],
        source: str | None,
        deadline: float,
    ) -> FetchedPage:
        status = response.status_code
        if status in RETRYABLE_CODES:
            raise TransientError(
                f"HTTP {status} from {final_url}", retry_after=parse_retry_after(response.headers.get("retry-after"))
            )
        if status >= 400:
            raise PermanentError(f"HTTP {status} from {final_url}")
        headers = {name.lower(): value for name, value in response.headers.items()}
        if status == 304:
            return FetchedPage(
                url=url,
                final_url=final_url,
                status=304,
                headers=headers,
                fetched_at=datetime.now(UTC),
                source=source,
            )
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type and content_type not in accept:
            raise FetchRefused(f"content type {content_type!r} is not accepted for {final_url}", reason="content_type")
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchRefused(f"{final_url} declares {declared} bytes, over the {limit}-byte cap", reason="too_large")
        body = self._read_body(response, headers, final_url, deadline)
        for name in ("content-encoding", "content-length", "transfer-encoding"):
            headers.pop(name, None)
        return FetchedPage(
            url=url,
            final_url=final_url,
            status=status,
            headers=headers,
            fetched_at=datetime.now(UTC),
            source=source,
            body=body,
        )

    def _read_body(self, response: httpx.Response, headers: dict[str, str], final_url: str, deadline: float) -> bytes:
        """Stream the raw body and decode it ourselves: httpx cannot bound what one compressed chunk
        inflates to, zlib's max_length can, so a gzip bomb is cut without ever being held in memory."""
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        elif encoding in ("identity", ""):
            decoder = None
        else:
            raise FetchRefused(f"{final_url} uses unsupported content encoding {encoding!r}", reason="encoding")
        wire_limit, decoded_limit = self.settings.max_body_bytes, self.settings.max_decompressed_bytes
        wire = 0
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():
            wire += len(chunk)
            if wire > wire_limit:
                raise FetchRefused(f"{final_url} is larger than the {wire_limit}-byte cap", reason="too_large")
            if time.monotonic() > deadline:
                raise TransientError(f"reading {final_url} took longer than {self.settings.fetch_total_timeout:.0f}s")
            while chunk:
                if decoder is None:
                    data, chunk = chunk, b""
                else:
                    try:
                        data = decoder.decompress(chunk, decoded_limit - size + 1)
                    except zlib.error as exc:
                        raise PermanentError(f"corrupt {encoding} body from {final_url}: {exc}") from None
                    chunk = decoder.unconsumed_tail
                size += len(data)
                if size > decoded_limit:
                    raise FetchRefused(
                        f"{final_url} decodes to more than the {decoded_limit}-byte cap", reason="too_large"
                    )
                chunks.append(data)
        return b"".join(chunks)
