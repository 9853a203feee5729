"""Beat schedule: one periodic feed poll per source listed in the sources file (YAML)."""

from __future__ import annotations

from pathlib import Path

import yaml

from newsdesk.models import Source
from workers.celery_app import app, settings
from workers.queues import POLL_TASK


def load_sources(path: Path) -> list[Source]:
    """The YAML file holds `sources: [{name, feeds | feed, interval}, ...]`."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    sources = []
    for entry in data.get("sources", []):
        entry = dict(entry)
        if "feed" in entry:
            entry.setdefault("feeds", []).append(entry.pop("feed"))
        sources.append(Source(**entry))
    return sources


def beat_schedule(sources: list[Source]) -> dict[str, dict]:
    return {
        f"poll:{source.name}:{n}": {
            "task": POLL_TASK,
            "schedule": float(source.interval),
            "args": (feed_url, source.name),
        }
        for source in sources
        if not source.paused
        for n, feed_url in enumerate(source.feeds)
    }


if settings.sources_file and Path(settings.sources_file).exists():
    app.conf.beat_schedule = beat_schedule(load_sources(settings.sources_file))
