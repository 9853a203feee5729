"""`newsdesk index`: status of the versioned Elasticsearch index, migration, alias repair, rollover, retention."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from newsdesk.settings import get_settings
from services.cli.output import err

app = typer.Typer(no_args_is_help=True, help="Manage the Elasticsearch article index (versions and aliases).")


def _elastic_index():
    settings = get_settings()
    if not settings.elasticsearch_url:
        err.print("[red]error:[/red] NEWSDESK_ELASTICSEARCH_URL is not set; the embedded index has no versions")
        raise typer.Exit(2)
    from newsdesk.index.elastic import ElasticIndex

    return ElasticIndex.from_settings(settings)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False) -> None:
    """Show the versioned indices, where the read and write aliases point, and mapping versions."""
    from newsdesk.errors import TransientError

    index = _elastic_index()
    try:
        try:
            index.ensure()
        except TransientError as exc:  # a missing alias is what status must show, not a reason to stop
            err.print(f"[yellow]warning:[/yellow] {exc}", highlight=False)
        info = index.status()
    finally:
        index.close()
    if as_json:
        typer.echo(json.dumps(info))
        return
    typer.echo(f"template mapping version {info['template_version']}")
    for alias, targets in info["aliases"].items():
        typer.echo(f"alias {alias} -> {', '.join(targets) or 'MISSING (run `newsdesk index repair`)'}")
    for row in info["indices"]:
        typer.echo(f"index {row['index']}: {row['docs']} docs, mapping version {row['mapping_version']}")


@app.command()
def migrate(
    batch_size: Annotated[int, typer.Option(min=10, max=10000, help="documents per scroll page and bulk")] = 1000,
    delete_old: Annotated[
        bool, typer.Option("--delete-old/--keep-old", help="delete the old index after the swap")
    ] = False,
) -> None:
    """Create the next index version from the current template, copy every article, swap both aliases.

    Writes keep flowing during the copy: the write alias moves first, and copies never overwrite
    a newer write. Readers see the old index until the new one is complete.
    """
    index = _elastic_index()
    try:
        report = index.migrate(batch_size=batch_size, delete_old=delete_old, on_progress=err.print)
    except Exception as exc:  # noqa: BLE001 - one clear line: what failed; the aliases are only swapped on success
        err.print(f"[red]error:[/red] migration failed: {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        index.close()
    typer.echo(
        f"migrated {report.old_index} -> {report.new_index}: copied {report.copied}, "
        f"{report.skipped_newer} already newer" + (", old index deleted" if report.deleted_old else "")
    )


@app.command()
def repair() -> None:
    """Put the read and write aliases back on the newest versioned index (after an alias was deleted or
    lost), folding any stray concrete index named like an alias into it. Safe to run again."""
    index = _elastic_index()
    try:
        done = index.repair()
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        err.print(f"[red]error:[/red] repair failed: {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        index.close()
    for line in done:
        typer.echo(line)
    if not done:
        typer.echo("nothing to repair: both aliases are in place")


@app.command()
def rollover(
    max_age: Annotated[str, typer.Option(help="roll when the write index is older than this (30d, 12h)")] = "30d",
    max_size: Annotated[
        str, typer.Option(help="roll when the write index's largest primary shard is bigger than this (20gb)")
    ] = "20gb",
    now: Annotated[bool, typer.Option("--now", help="roll whatever the conditions")] = False,
) -> None:
    """Start a new write index when the current one is older than --max-age or bigger than --max-size.

    Run it daily (cron, a Kubernetes CronJob): the read alias spans every rolled index, re-indexed articles
    are overwritten where they are, `migrate` copies all of them, and `drop-before` deletes old months."""
    from newsdesk.errors import TransientError

    index = _elastic_index()
    try:
        report = index.rollover(max_age=max_age, max_primary_shard_size=max_size, force=now)
    except (TransientError, ValueError) as exc:
        err.print(f"[red]error:[/red] rollover failed: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        index.close()
    if report.new_index:
        typer.echo(f"rolled over {report.old_index} -> {report.new_index}")
    else:
        met = ", ".join(f"{name}: {'met' if ok else 'not met'}" for name, ok in report.conditions.items())
        typer.echo(f"no rollover: {report.old_index} stays the write index ({met})")


@app.command("drop-before")
def drop_before(
    month: Annotated[str, typer.Argument(help="YYYY-MM: drop indices whose newest article was indexed before it")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only list what would be dropped")] = False,
) -> None:
    """Delete rolled indices that hold only articles indexed before MONTH (the write index always stays)."""
    from datetime import UTC, datetime

    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        err.print(f"[red]error:[/red] month must be YYYY-MM, got {month!r}", highlight=False)
        raise typer.Exit(2) from None
    index = _elastic_index()
    try:
        report = index.drop_before(start, dry_run=dry_run)
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        err.print(f"[red]error:[/red] drop-before failed: {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        index.close()
    verb = "would drop" if dry_run else "dropped"
    typer.echo(f"{verb} {', '.join(report.dropped) or 'nothing'}; kept {', '.join(report.kept)}")
