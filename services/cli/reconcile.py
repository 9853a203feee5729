"""`newsdesk reconcile`: one reconciler pass now (workers run one every NEWSDESK_RECONCILE_INTERVAL anyway)."""

from __future__ import annotations

import time

import typer

from newsdesk.settings import get_settings
from services.cli.output import fail


def reconcile() -> None:
    """Re-send in-flight articles that no queue or worker holds past their deadline; print what was sent."""
    settings = get_settings()
    if not settings.redis_url:
        fail("the in-flight ledger is kept in Redis: set NEWSDESK_REDIS_URL", code=2)
    import redis

    from workers.reconcile import reconciler

    found = reconciler()
    try:
        report = found.run_once()
        stats = found.ledger.stats()
    except redis.RedisError as exc:
        fail(f"Redis unreachable: {type(exc).__name__}: {exc}", code=2)
    for work in report.resent:
        typer.echo(f"re-sent\t{work.task}\t{work.url}\t(re-send {work.resent} at {work.stage})")
    for work in report.lost:
        typer.echo(f"dead letter\t{work.task}\t{work.url}\tlost in transit {work.resent} times")
    oldest = f"{stats.oldest_age_seconds:.0f} s" if stats.oldest_age_seconds is not None else "-"
    typer.echo(
        f"{report.stuck} past their deadline: {len(report.resent)} re-sent, {report.pushed} still queued or running, "
        f"{len(report.lost)} dead-lettered; in flight {stats.in_flight}, oldest at its stage {oldest}, "
        f"re-sent in total {stats.resent_total} (at {time.strftime('%H:%M:%S')})"
    )
