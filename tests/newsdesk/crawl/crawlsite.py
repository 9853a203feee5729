"""A misbehaving local site for crawl tests: robots rules, 429s, flaky 500s, slow and huge bodies, bombs."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterable
from email.utils import formatdate

from tests.sitekit import Response, TestSite

HTML = "text/html; charset=utf-8"


def article(title: str, body: str = "") -> bytes:
    text = body or " ".join(f"{title} paragraph sentence number {n} with enough words to count." for n in range(12))
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


def stream(
    handler, chunks: Iterable[bytes], delay: float = 0.0, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Write a chunked response ourselves (no Content-Length), then hand TestSite a sink to write into."""
    handler.send_response(status)
    for name, value in (headers or {"Content-Type": HTML}).items():
        handler.send_header(name, value)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    try:
        for chunk in chunks:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.flush()
            if delay:
                time.sleep(delay)
        handler.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the fetcher hung up on purpose
    handler.close_connection = True
    handler.wfile = io.BytesIO()  # TestSite writes its own response next: into the void
    return Response()


class Flaky:
    """Fails `failures` times with `status` (and headers), then serves `then`."""

    def __init__(self, failures: int, status: int, then: Response, headers: dict[str, str] | None = None):
        self.left, self.status, self.then, self.headers = failures, status, then, headers or {}
        self.lock = threading.Lock()

    def __call__(self, handler) -> Response:
        with self.lock:
            if self.left > 0:
                self.left -= 1
                return Response(b"try later", self.status, {"Content-Type": "text/plain", **self.headers})
        return self.then


class Conditional:
    """ETag and Last-Modified; answers 304 when the request carries a matching validator."""

    def __init__(self, body: bytes, etag: str = '"v1"'):
        self.body, self.etag = body, etag
        self.modified = formatdate(time.time() - 3600, usegmt=True)

    def __call__(self, handler) -> Response:
        if (
            handler.headers.get("If-None-Match") == self.etag
            or handler.headers.get("If-Modified-Since") == self.modified
        ):
            return Response(b"", 304, {"ETag": self.etag, "Last-Modified": self.modified})
        return Response(self.body, 200, {"Content-Type": HTML, "ETag": self.etag, "Last-Modified": self.modified})


def gzip_bomb(decoded_bytes: int) -> bytes:
    return gzip.compress(b"\0" * decoded_bytes, compresslevel=9)


def sitemap_index(base: str, children: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{base}{child}</loc></sitemap>" for child in children)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    ).encode()


def urlset(base: str, entries: list[tuple[str, str]], news: bool = False) -> bytes:
    """entries: (path, lastmod or publication date)."""
    items = []
    for path, when in entries:
        if news:
            items.append(
                f"<url><loc>{base}{path}</loc><news:news><news:publication><news:name>T</news:name>"
                f"<news:language>en</news:language></news:publication>"
                f"<news:publication_date>{when}</news:publication_date><news:title>{path}</news:title>"
                f"</news:news></url>"
            )
        else:
            items.append(f"<url><loc>{base}{path}</loc><lastmod>{when}</lastmod></url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(items) + "</urlset>"
    ).encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}?utm_source=rss#top</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>{base}/</link>{items}</channel></rss>'
    ).encode()


def add(site: TestSite, path: str, body: bytes, content_type: str = HTML, **headers: str) -> None:
    site.routes[path] = Response(body, headers={"Content-Type": content_type, **headers})
