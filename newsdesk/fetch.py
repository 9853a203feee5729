"""Stage 1: URL -> FetchedPage, with the SSRF guard on every hop and hard caps on size and time."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import urljoin

import httpx

from newsdesk.errors import FetchRefused, PermanentError, TransientError
from newsdesk.models import FetchedPage
from newsdesk.safety import check_destination
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
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Fetcher:
    """One HTTP client per process; fetch() is safe to call from several threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(10.0, settings.fetch_timeout)),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        deadline = time.monotonic() + self.settings.fetch_timeout * 2
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            check_destination(current, self.settings.allow_private_hosts)
            headers = dict(conditional or {}) if current == url else {}
            try:
                with self._client.stream("GET", current, headers=headers) as response:
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
                url=url, final_url=final_url, status=304, headers=headers,
                fetched_at=datetime.now(timezone.utc), source=source,
            )
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type and content_type not in accept:
            raise FetchRefused(f"content type {content_type!r} is not accepted for {final_url}", reason="content_type")
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in headers:
            raise FetchRefused(f"{final_url} declares {declared} bytes, over the {limit}-byte cap", reason="too_large")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes yields decompressed data, so the cap also stops gzip bombs.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchRefused(f"{final_url} is larger than the {limit}-byte cap", reason="too_large")
            if time.monotonic() > deadline:
                raise TransientError(f"reading {final_url} took longer than allowed")
            chunks.append(chunk)
        headers.pop("content-encoding", None)
        return FetchedPage(
            url=url, final_url=final_url, status=status, headers=headers,
            fetched_at=datetime.now(timezone.utc), source=source, body=b"".join(chunks),
        )
