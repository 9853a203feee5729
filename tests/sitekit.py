"""A local test web site on 127.0.0.1: canned responses by path, every request logged with its time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


Handler = Callable[["BaseHTTPRequestHandler"], Response]


class TestSite:
    """Routes map a path to a Response or to a function of the request that returns one."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                site.requests.append((time.monotonic(), self.path, dict(self.headers)))
                route = site.routes.get(self.path.split("?", 1)[0])
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_fixture(self, path: str, fixture: str, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve a fixture file, with the placeholder BASE replaced by this site's base URL."""
        text = (FIXTURES / fixture).read_text(encoding="utf-8").replace("BASE", self.base)
        self.routes[path] = Response(text.encode("utf-8"), headers={"Content-Type": content_type})

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p.split("?", 1)[0] == path)

    def __enter__(self) -> "TestSite":
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


def news_site() -> TestSite:
    """The standard site: an RSS feed at /feed.xml listing three article pages."""
    site = TestSite()
    site.add_fixture("/feed.xml", "site/feed.xml", "application/rss+xml; charset=utf-8")
    for path, fixture in ARTICLE_PATHS.items():
        site.add_fixture(path, fixture)
    return site


if __name__ == "__main__":  # the bundled demo site for scripts/demo: prints its base URL, serves until killed
    import sys

    with news_site() as demo:
        print(demo.base, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.exit(0)
