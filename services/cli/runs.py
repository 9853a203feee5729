"""Send discovered links to the fetch queue as one run, and wait for that run: shared by `crawl` and `run-now`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import redis

from newsdesk.crawl.discovery import DiscoveredLink
from newsdesk.ops.monitoring import Monitor
from newsdesk.ops.runs import RedisRun, Tally
from services.cli.output import fail, run_progress, summary

if TYPE_CHECKING:
    from newsdesk.pipeline import SourceRecorder

WORKERS_HINT = "are workers running? `newsdesk worker`"


def queue_run(
    client: redis.Redis, links: list[DiscoveredLink], source: str, limit: int, record_source: SourceRecorder | None
) -> tuple[RedisRun, int]:
    """The new links of `links` (at most `limit`) queued for fetching under a fresh run id; the ones skipped as
    seen gain this source (`record_source`). The poll counts as the source's latest, as a scheduled one does, so
    /ops does not show a run-now source as never polled."""
    from workers.fetcher import submit_new_links

    run = RedisRun(client)
    run.start(len(links))  # an upper bound until we know how many were new; lowered right after queueing
    queued = submit_new_links(client, links, source, run.run_id, limit=limit, record_source=record_source)
    run.set_total(queued)
    Monitor(client).record_source(source, "poll_ok")
    return run, queued


def wait_for_run(run: RedisRun, total: int, timeout: float) -> Tally:
    """Show progress until every queued article is indexed or failed; a Redis restart is waited out."""
    deadline = time.monotonic() + timeout
    next_reconcile = time.monotonic()
    with run_progress() as progress:
        bar = progress.add_task("", total=total)
        tally = Tally(total=total)
        while True:
            try:
                tally = run.read()
                progress.update(bar, completed=tally.finished, description=summary(tally))
            except redis.RedisError as exc:  # Redis restarting: the run's state is there when it is back
                progress.update(bar, description=f"Redis unreachable ({type(exc).__name__}), waiting")
                time.sleep(1)
            if tally.done:
                return tally
            if time.monotonic() >= next_reconcile:  # no worker may be running its reconciler: lend a hand
                next_reconcile = time.monotonic() + _reconcile_now()
            if time.monotonic() > deadline:
                fail(
                    f"timed out after {timeout:.0f}s with {tally.total - tally.finished} articles in the queues "
                    f"({summary(tally)}); {WORKERS_HINT}"
                )
            time.sleep(0.25)


def _reconcile_now() -> float:
    """A reconciler pass if none ran within the interval; returns seconds until the next try."""
    from newsdesk.settings import get_settings
    from workers.reconcile import reconcile_if_due

    try:
        reconcile_if_due()
    except redis.RedisError:
        pass  # Redis restarting: the loop above waits it out
    return get_settings().reconcile_interval
