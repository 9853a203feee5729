"""Politeness: robots.txt rules, Crawl-delay and the per-host limits, applied before every request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from newsdesk.crawl.ratelimit import HostLimit, MemoryHostLimiter, RedisHostLimiter, acquire
from newsdesk.crawl.robots import RobotsCache
from newsdesk.errors import FetchRefused
from newsdesk.models import Source
from newsdesk.settings import Settings

HOST_LIMITS_KEY = "newsdesk:hostlimits"


def host_key(url: str) -> str:
    """The unit of politeness: host and port, lower-cased."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def source_hosts(source: Source) -> set[str]:
    return {host_key(url) for url in (*source.feeds, *source.sitemaps, *source.sections)}


class HostLimits:
    """Per-host overrides set by sources (Redis hash host -> {rate, concurrency})."""

    def __init__(self, redis_client=None):
        self.redis = redis_client

    def set_for_source(self, source: Source) -> None:
        if self.redis is None:
            return
        limits = {"rate": source.host_rate, "concurrency": source.host_concurrency}
        for host in source_hosts(source):
            if source.host_rate or source.host_concurrency:
                self.redis.hset(HOST_LIMITS_KEY, host, json.dumps(limits))
            else:
                self.redis.hdel(HOST_LIMITS_KEY, host)

    def get(self, host: str) -> dict:
        if self.redis is None:
            return {}
        raw = self.redis.hget(HOST_LIMITS_KEY, host)
        return json.loads(raw) if raw else {}


class Politeness:
    def __init__(self, settings: Settings, fetch_robots: Callable[[str], str], redis_client=None):
        self.settings = settings
        self.robots = RobotsCache(fetch_robots, settings.user_agent, settings.robots_cache_seconds, redis_client)
        self.limits = HostLimits(redis_client)
        lease = settings.fetch_total_timeout + 10
        self.limiter = RedisHostLimiter(redis_client, lease) if redis_client is not None else MemoryHostLimiter()

    def check_robots(self, url: str) -> None:
        if self.settings.obey_robots and not self.robots.allowed(url):
            raise FetchRefused(f"robots.txt disallows {url}", reason="robots")

    def limit_for(self, url: str, use_robots: bool = True) -> HostLimit:
        """The source's limit or the default, slowed further by the host's Crawl-delay."""
        override = self.limits.get(host_key(url))
        rate = override.get("rate") or self.settings.per_host_rate
        concurrency = override.get("concurrency") or self.settings.per_host_concurrency
        if use_robots and self.settings.obey_robots:
            delay = self.robots.crawl_delay(url)
            if delay:
                rate = min(rate, 1.0 / delay)
        return HostLimit(rate=rate, concurrency=concurrency)

    @contextmanager
    def slot(self, url: str, use_robots: bool = True) -> Iterator[None]:
        host = host_key(url)
        token = acquire(self.limiter, host, self.limit_for(url, use_robots), self.settings.politeness_max_wait)
        try:
            yield
        finally:
            self.limiter.release(host, token)
