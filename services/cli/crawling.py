"""`newsdesk sources ...`, `newsdesk urls` and `newsdesk reparse`: the crawling commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.connections import redis_client
from newsdesk.errors import NewsdeskError
from newsdesk.models import Outcome, Source
from newsdesk.settings import get_settings
from services.cli.output import fail, print_failures, summary

sources_app = typer.Typer(no_args_is_help=True, help="Add, change, pause and remove scheduled sources (kept in Redis).")


def _registry():
    """workers.sources, after checking Redis is configured (sources live in RedBeat entries)."""
    if not get_settings().redis_url:
        fail("sources are kept in Redis: set NEWSDESK_REDIS_URL", code=2)
    from workers import sources

    return sources


def _describe(source: Source) -> str:
    from newsdesk.crawl.sources import describe_schedule

    parts = [f"{len(source.feeds)} feeds", f"{len(source.sitemaps)} sitemaps", f"{len(source.sections)} sections"]
    state = "paused" if source.paused else "active"
    return f"{source.name}\t{state}\t{describe_schedule(source)}\t{', '.join(parts)}"


@sources_app.command("add")
def add(
    name: Annotated[str | None, typer.Argument(help="source name (letters, digits, . _ -)")] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="RSS/Atom feed URL (repeatable)")] = None,
    sitemap: Annotated[list[str] | None, typer.Option("--sitemap", help="sitemap or sitemap index URL")] = None,
    section: Annotated[list[str] | None, typer.Option("--section", help="section page URL")] = None,
    pattern: Annotated[str | None, typer.Option(help="regex article links on section pages match")] = None,
    every: Annotated[int | None, typer.Option(help="poll interval in seconds")] = None,
    cron: Annotated[str | None, typer.Option(help='cron schedule, e.g. "*/15 * * * *"')] = None,
    rate: Annotated[float | None, typer.Option(help="requests per second per host")] = None,
    concurrency: Annotated[int | None, typer.Option(help="requests in flight per host")] = None,
    paused: Annotated[bool, typer.Option(help="add it paused")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="seed every source in a YAML file")] = None,
    replace: Annotated[bool, typer.Option(help="with --file: overwrite sources that exist")] = False,
) -> None:
    """Add (or replace) one source, or seed sources from a YAML file."""
    from newsdesk.crawl.sources import load_sources, make_source

    registry = _registry()
    try:
        if file is not None:
            added, kept = registry.seed_sources(load_sources(file), replace=replace)
            typer.echo(
                f"added {len(added)} sources" + (f"; kept {len(kept)} existing: {', '.join(kept)}" if kept else "")
            )
            return
        if not name:
            fail("give a source NAME, or --file")
        entry = {
            "name": name,
            "feeds": feed or [],
            "sitemaps": sitemap or [],
            "sections": section or [],
            "article_pattern": pattern,
            "cron": cron,
            "paused": paused,
            "host_rate": rate,
            "host_concurrency": concurrency,
        }
        if every is not None:
            entry["interval"] = every
        source = make_source(entry)
    except (NewsdeskError, OSError) as exc:
        fail(str(exc))
    registry.save_source(source)
    typer.echo(f"saved {_describe(source)}")


@sources_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every source with its state and schedule."""
    sources = _registry().list_sources()
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in sources]))
        return
    for source in sources:
        typer.echo(_describe(source))
    if not sources:
        typer.echo("no sources (add one with `newsdesk sources add` or seed with --file)")


@sources_app.command("show")
def show(name: str) -> None:
    """One source's definition and the outcomes of its URLs, as JSON."""
    source = _registry().get_source(name)
    if source is None:
        fail(f"no source named {name!r}")

    from newsdesk.ops.crawllog import CrawlLog

    counts = CrawlLog(redis_client(get_settings().redis_url)).counts(name)
    typer.echo(json.dumps({**source.model_dump(mode="json"), "urls": counts}, indent=2))


@sources_app.command("pause")
def pause(name: str) -> None:
    """Stop scheduled polls of a source (its definition is kept)."""
    if _registry().set_paused(name, True) is None:
        fail(f"no source named {name!r}")
    typer.echo(f"paused {name}")


@sources_app.command("resume")
def resume(name: str) -> None:
    """Schedule a paused source again."""
    if _registry().set_paused(name, False) is None:
        fail(f"no source named {name!r}")
    typer.echo(f"resumed {name}")


@sources_app.command("remove")
def remove(name: str) -> None:
    """Delete a source and its schedule (crawled articles stay indexed)."""
    if not _registry().remove_source(name):
        fail(f"no source named {name!r}")
    typer.echo(f"removed {name}")


@sources_app.command("run-now")
def run_now(
    name: str,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="discover here, then wait until indexed")] = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait with --wait")] = 600.0,
) -> None:
    """Poll a source once now, outside its schedule."""
    registry = _registry()
    source = registry.get_source(name)
    if source is None:
        fail(f"no source named {name!r}")
    if not wait:
        registry.run_now(name)
        typer.echo(f"queued a poll of {name}")
        return

    from newsdesk.pipeline import Pipeline
    from services.cli.runs import queue_run, wait_for_run

    settings = get_settings()
    client = redis_client(settings.redis_url)
    pipeline = Pipeline(settings, redis_client=client)
    try:
        links = pipeline.discover_source(source)
        run, queued = queue_run(
            client, links, source.name, limit=settings.max_links_per_poll, record_source=pipeline.record_source
        )
    except NewsdeskError as exc:
        fail(str(exc))
    finally:
        pipeline.close()
    tally = wait_for_run(run, queued, timeout)
    typer.echo(f"{len(links)} links, {tally.total} new: {summary(tally)}")
    print_failures(tally)


def urls(
    url: Annotated[str | None, typer.Argument(help="one URL: every event of its lineage, oldest first")] = None,
    source: Annotated[str | None, typer.Option(help="only this source's URLs")] = None,
    status: Annotated[Outcome | None, typer.Option(help="only URLs whose last outcome is this")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """The crawl log: each URL's last outcome, newest first; with URL, what happened to that URL."""
    settings = get_settings()
    if not settings.redis_url:
        fail("the crawl log is kept in Redis: set NEWSDESK_REDIS_URL", code=2)
    if url is not None:
        _lineage(url, as_json)
        return

    from newsdesk.ops.crawllog import CrawlLog

    log = CrawlLog(redis_client(settings.redis_url))
    for entry in log.query(source=source, status=status.value if status else None, limit=limit):
        if as_json:
            typer.echo(json.dumps(entry.__dict__))
        else:
            when = datetime.fromtimestamp(entry.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
            extra = f"  retries={entry.retries}" if entry.retries else ""
            typer.echo(
                f"{when}  {entry.status:<14} {entry.url}{extra}" + (f"\n    {entry.reason}" if entry.reason else "")
            )


def _lineage(url: str, as_json: bool) -> None:
    from newsdesk.ops.ledger import Ledger
    from newsdesk.ops.lineage import events

    client = redis_client(get_settings().redis_url)
    found = events(client, url)
    if not found:
        fail(f"no events for {url} (never accepted, or older than a week)")
    in_flight = Ledger(client, stuck_after=0).get(url)
    for event in found:
        if as_json:
            typer.echo(json.dumps(event.__dict__))
            continue
        when = datetime.fromtimestamp(event.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{when}  {event.stage:<6} {event.event:<12} {event.detail}".rstrip())
    if not as_json:
        typer.echo(f"in flight at {in_flight.stage}" if in_flight else "not in flight")


def reparse(
    source: Annotated[str | None, typer.Option(help="only this source's pages")] = None,
    since: Annotated[datetime | None, typer.Option(help="only pages fetched at or after this date/time (UTC)")] = None,
) -> None:
    """Parse archived responses again and re-index them, without fetching anything."""
    from newsdesk.pipeline import Pipeline, reparse_archive

    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    pipeline = Pipeline(get_settings())
    try:
        tally = reparse_archive(pipeline, source=source, since=since)
    except NewsdeskError as exc:
        fail(str(exc))
    finally:
        pipeline.close()
    typer.echo(f"{tally.total} archived pages: {summary(tally)}")
    print_failures(tally)
