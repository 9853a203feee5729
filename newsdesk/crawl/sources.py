"""Sources: reading and validating source definitions (YAML seed file, CLI input); no scheduling here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from newsdesk.crawl.safety import validate_url
from newsdesk.errors import PermanentError
from newsdesk.models import Source


class InvalidSource(PermanentError):
    """A source definition that cannot be scheduled; the message names the source and the field."""


def make_source(entry: dict[str, Any]) -> Source:
    """One source from a mapping: `feed:` is shorthand for a one-item `feeds:`; every URL is checked."""
    entry = dict(entry)
    for single, plural in (("feed", "feeds"), ("sitemap", "sitemaps"), ("section", "sections")):
        if single in entry:
            entry[plural] = [*entry.get(plural, []), entry.pop(single)]
    name = entry.get("name", "?")
    try:
        source = Source(**entry)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise InvalidSource(f"source {name!r}: {where}: {problem['msg']}") from None
    urls = [*source.feeds, *source.sitemaps, *source.sections]
    if not urls:
        raise InvalidSource(f"source {name!r} has no feeds, sitemaps or sections")
    for url in urls:
        validate_url(url)
    return source


def load_sources(path: Path) -> list[Source]:
    """The YAML file holds `sources: [{name, feeds, sitemaps, sections, interval | cron, ...}, ...]`."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    sources = [make_source(entry) for entry in data.get("sources", [])]
    names = [source.name for source in sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidSource(f"{path}: source names used twice: {', '.join(duplicates)}")
    return sources


def describe_schedule(source: Source) -> str:
    return f"cron {source.cron}" if source.cron else f"every {source.interval}s"
