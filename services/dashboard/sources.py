"""The source registry (RedBeat entries, workers/sources.py) as the dashboard sees it: configured and paused."""

from __future__ import annotations

import redis

from workers import sources as registry


def configured_sources() -> dict[str, bool]:
    """Source name -> paused, for every source in the registry; empty when Redis cannot say."""
    try:
        return {source.name: source.paused for source in registry.list_sources()}
    except redis.RedisError:
        return {}


def set_source_paused(name: str, paused: bool) -> bool:
    """Pause or resume a source's schedule; False when no such source is configured."""
    return registry.set_paused(name, paused) is not None
