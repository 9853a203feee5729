"""A local test web site on 127.0.0.1: canned responses by path, every request logged with its time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


Handler = Callable[["BaseHTTPRequestHandler"], Response | None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a fetcher killed mid-request) is no server error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class TestSite:
    """Routes map a path to a Response or to a function of the request that returns one."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.fallback: Handler | None = None  # answers paths that have no route
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append((time.monotonic(), self.path, dict(self.headers)))
                route = site.routes.get(self.path.split("?", 1)[0], site.fallback)
                response = route(self) if callable(route) else route
                if response is None:
                    response = Response(b"not found", 404, {"Content-Type": "text/plain"})
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        # shutdown() waits for the serving loop's next poll: the default 0.5 s was most of a short test's time.
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def add_fixture(self, path: str, fixture: str, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve a fixture file, with the placeholder BASE replaced by this site's base URL."""
        text = (FIXTURES / fixture).read_text(encoding="utf-8").replace("BASE", self.base)
        self.routes[path] = Response(text.encode("utf-8"), headers={"Content-Type": content_type})

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p.split("?", 1)[0] == path)

    def __enter__(self) -> TestSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


ARTICLE_PATHS = {
    "/news/2021/08/21/afghanistan-armed-resistance": "site/panjshir.html",
    "/local/2024/03/12/harbor-bridge-vote": "site/harbor-bridge.html",
    "/world/2023/07/02/drought-reservoirs": "site/drought-wire.html",
}

# The pages name .jpg files; drawings in SVG stand in for the photographs.
IMAGE_PATHS = {"/img/bridge.jpg": "site/img/bridge.svg", "/img/panjshir.jpg": "site/img/panjshir.svg"}


def news_site() -> TestSite:
    """The standard site: an RSS feed at /feed.xml listing three article pages."""
    site = TestSite()
    site.add_fixture("/feed.xml", "site/feed.xml", "application/rss+xml; charset=utf-8")
    for path, fixture in ARTICLE_PATHS.items():
        site.add_fixture(path, fixture)
    for path, fixture in IMAGE_PATHS.items():  # what a browser loads for the article page's images
        site.add_fixture(path, fixture, "image/svg+xml")
    return site


FIRST_NAMES = ("Ana", "Bilal", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kofi", "Lena")
LAST_NAMES = ("Ruiz", "Okafor", "Lindqvist", "Haddad", "Novak", "Tanaka", "Mensah", "Costa", "Weber", "Iyer")
TOPICS = (
    "harbor",
    "council",
    "budget",
    "reservoir",
    "railway",
    "school",
    "hospital",
    "festival",
    "bridge",
    "election",
    "wildfire",
    "museum",
    "market",
    "stadium",
    "library",
    "ferry",
    "tunnel",
    "orchard",
)
VERBS = ("approves", "delays", "rejects", "reviews", "funds", "questions", "expands", "reopens")


def generated_article(number: int, base: str) -> tuple[str, bytes]:
    """Article `number` of a generated news site: (path, HTML) with its own title, byline and paragraphs."""
    import random

    rng = random.Random(number)
    topic, other = rng.sample(TOPICS, 2)
    title = f"City {rng.choice(VERBS)} {topic} plan after {other} report, story {number}"
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    path = f"/local/2024/{1 + number % 12:02d}/{1 + number % 28:02d}/{topic}-{other}-{number}"
    paragraphs = []
    for n in range(6):
        words = " ".join(rng.choice(TOPICS) for _ in range(8))
        paragraphs.append(
            f"<p>Paragraph {n + 1} of story {number}: officials said the {topic} work would "
            f"continue while residents discussed {words} at a meeting on the {other}.</p>"
        )
    published = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:00:00+00:00"
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Test Ledger</title>'
        f'<link rel="canonical" href="{base}{path}"><meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="{published}"></head><body>'
        f'<header><nav><a href="/">Home</a> <a href="/local">Local</a></nav></header>'
        f'<article><h1>{title}</h1><p class="byline">By {author}</p>'
        f'<time datetime="{published}">{published[:10]}</time>{"".join(paragraphs)}</article>'
        f"<footer>Copyright The Test Ledger</footer></body></html>"
    )
    return path, html.encode()


class Outage:
    """Wraps a site's routing: while on, every path (robots.txt and the feed too) answers 503."""

    def __init__(self, site: TestSite):
        self.site, self.until = site, 0.0
        self.refused = 0

    def start(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    @property
    def active(self) -> bool:
        return time.monotonic() < self.until


def generated_news_site(articles: int = 200) -> tuple[TestSite, list[str], Outage]:
    """A site of `articles` generated article pages and an RSS feed at /feed.xml listing all of them.

    Returns the site, the article URLs, and an Outage switch that makes the whole host answer 503.
    """
    site = TestSite()
    outage = Outage(site)
    urls, items = [], []
    for number in range(articles):
        path, html = generated_article(number, site.base)
        site.routes[path] = Response(html)
        urls.append(f"{site.base}{path}")
        items.append(
            f"<item><title>Story {number}</title><link>{site.base}{path}</link><guid>{site.base}{path}</guid></item>"
        )
    site.routes["/feed.xml"] = Response(
        (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>The Test Ledger</title>'
            f"<link>{site.base}/</link>{''.join(items)}</channel></rss>"
        ).encode(),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    routes = dict(site.routes)
    site.routes = {}

    def route(handler: BaseHTTPRequestHandler) -> Response | None:
        if outage.active:
            outage.refused += 1
            return Response(b"service unavailable", 503, {"Content-Type": "text/plain"})
        found = routes.get(handler.path.split("?", 1)[0])
        return found(handler) if callable(found) else found

    site.fallback = route
    return site, urls, outage


if __name__ == "__main__":  # the bundled demo site for scripts/demo: prints its base URL, serves until killed
    import sys

    with news_site() as demo:
        print(demo.base, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.exit(0)
