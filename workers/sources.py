"""Source registry over celery-redbeat: one RedBeat entry per source, editable while beat runs.

The entry's kwargs carry the whole source definition, so beat hands the poll task the current
definition and `newsdesk sources show` reads the same record beat schedules from. Pausing is
RedBeat's own `enabled` flag.
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab, schedule
from redbeat import RedBeatSchedulerEntry
from redbeat.schedulers import ensure_conf, get_redis

from newsdesk.crawl.politeness import HostLimits
from newsdesk.models import Source
from workers.celery_app import app
from workers.queues import POLL_SOURCE_TASK

ENTRY_PREFIX = "source:"


def _schedule(source: Source):
    if source.cron:
        minute, hour, day_of_month, month_of_year, day_of_week = source.cron.split()
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            app=app,
        )
    return schedule(timedelta(seconds=source.interval), app=app)


def _key(name: str) -> str:
    ensure_conf(app)
    return RedBeatSchedulerEntry.generate_key(app, ENTRY_PREFIX + name)


def _entry(name: str) -> RedBeatSchedulerEntry | None:
    try:
        return RedBeatSchedulerEntry.from_key(_key(name), app=app)
    except KeyError:
        return None


def _source(entry: RedBeatSchedulerEntry) -> Source:
    return Source.model_validate({**entry.kwargs["definition"], "paused": not entry.enabled})


def save_source(source: Source) -> None:
    """Add or replace a source; beat picks the change up within beat_max_loop_interval."""
    definition = source.model_dump(mode="json", exclude={"paused"})
    RedBeatSchedulerEntry(
        ENTRY_PREFIX + source.name,
        POLL_SOURCE_TASK,
        _schedule(source),
        kwargs={"name": source.name, "definition": definition},
        enabled=not source.paused,
        app=app,
    ).save()
    HostLimits(get_redis(app)).set_for_source(source)


def get_source(name: str) -> Source | None:
    entry = _entry(name)
    return _source(entry) if entry else None


def list_sources() -> list[Source]:
    redis = get_redis(app)
    prefix = _key("")
    keys = [k.decode() if isinstance(k, bytes) else k for k in redis.zrange(app.redbeat_conf.schedule_key, 0, -1)]
    entries = [_entry(key[len(prefix) :]) for key in sorted(keys) if key.startswith(prefix)]
    return [_source(entry) for entry in entries if entry]


def set_paused(name: str, paused: bool) -> Source | None:
    source = get_source(name)
    if source is None:
        return None
    source.paused = paused
    save_source(source)
    return source


def remove_source(name: str) -> bool:
    entry = _entry(name)
    if entry is None:
        return False
    entry.delete()
    return True


def seed_sources(sources: list[Source], replace: bool = False) -> tuple[list[str], list[str]]:
    """Add sources from a seed file; existing ones are kept (they may have been edited) unless replace."""
    added, kept = [], []
    for source in sources:
        if not replace and _entry(source.name) is not None:
            kept.append(source.name)
            continue
        save_source(source)
        added.append(source.name)
    return added, kept


def run_now(name: str) -> bool:
    """Poll a source once, now, outside its schedule (paused sources too: the operator asked)."""
    source = get_source(name)
    if source is None:
        return False
    app.send_task(POLL_SOURCE_TASK, kwargs={"name": source.name, "definition": source.model_dump(mode="json")})
    return True
