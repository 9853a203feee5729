"""robots.txt through protego, cached per host in Redis (shared by all fetchers) and in process."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from newsdesk.errors import PermanentError

KEY_PREFIX = "newsdesk:robots"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def is_robots_url(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


class RobotsCache:
    """fetch(robots_url) returns the file's text; a 4xx means "no rules" (RFC 9309 section 2.3.1.3).

    A TransientError from fetch (5xx, timeout) propagates: the URL is retried later rather than
    crawled without knowing the rules.
    """

    def __init__(self, fetch: Callable[[str], str], user_agent: str, ttl: float, redis_client=None):
        self.fetch = fetch
        self.user_agent = user_agent
        self.ttl = ttl
        self.redis = redis_client
        self._local: dict[str, tuple[float, Protego]] = {}

    def rules(self, url: str) -> Protego:
        origin = robots_url(url)
        cached = self._local.get(origin)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        text = self._shared_text(origin)
        parsed = Protego.parse(text)
        self._local[origin] = (time.monotonic() + min(self.ttl, 60.0), parsed)
        return parsed

    def _shared_text(self, origin: str) -> str:
        key = f"{KEY_PREFIX}:{origin}"
        if self.redis is not None:
            stored = self.redis.get(key)
            if stored is not None:
                return stored.decode("utf-8", "replace")
        try:
            text = self.fetch(origin)
        except PermanentError:  # 4xx, refused content type...: no usable rules, so none apply
            text = ""
        if self.redis is not None and self.ttl > 0:
            self.redis.set(key, text.encode("utf-8"), ex=int(self.ttl))
        return text

    def allowed(self, url: str) -> bool:
        return self.rules(url).can_fetch(url, self.user_agent)

    def crawl_delay(self, url: str) -> float | None:
        delay = self.rules(url).crawl_delay(self.user_agent)
        return float(delay) if delay else None
