"""Beat schedule: sources are RedBeat entries (workers/sources.py), seeded from the sources file at beat start."""

from __future__ import annotations

import logging
from pathlib import Path

from celery.signals import beat_init

from newsdesk.crawl.sources import load_sources
from workers.celery_app import settings

__all__ = ["load_sources", "seed_from_file"]

log = logging.getLogger(__name__)


def seed_from_file(path: Path) -> tuple[list[str], list[str]]:
    from workers.sources import seed_sources

    return seed_sources(load_sources(path))


@beat_init.connect
def _seed_on_beat_start(sender=None, **_kwargs) -> None:
    if settings.sources_file and Path(settings.sources_file).exists():
        added, kept = seed_from_file(settings.sources_file)
        log.info("sources seeded from %s: added %s, kept %s", settings.sources_file, added, kept)
