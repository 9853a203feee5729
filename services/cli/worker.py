"""`newsdesk worker`: one Celery worker per stage, each with the pool that suits it, as child processes.

fetch and index wait on the network, so they run on threads; parse is CPU-bound, so it runs on processes,
one per CPU; alerts (saved searches' webhooks) share the index worker's process and threads unless
`--alerts-apart`. One worker (`--queues parse`) runs in this process (exec: signals and exit code are
Celery's); several run under services/supervisor.py, which this process becomes (exec: a stdlib-only
process instead of the CLI's imports), so a supervisor above restarts the whole set when one stage dies.
`celery -A workers worker ...` still works; this command only picks its arguments.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from newsdesk.settings import get_settings
from services.cli.output import fail
from workers.queues import ALERTS_QUEUE, FETCH_QUEUE, INDEX_QUEUE, PROCESSING_QUEUES

WORKER_QUEUES = (*PROCESSING_QUEUES, ALERTS_QUEUE)  # alerts: saved searches' webhooks, off the pipeline

POOLS = ("prefork", "threads", "solo")
DEFAULT_FETCH_THREADS = 16  # each host is still held to its politeness limit; threads serve many hosts at once
# Index tasks wait on Elasticsearch, not on the CPU, and those waiting at once share one bulk write
# (newsdesk/index/batcher.py): more threads, bigger writes; a waiting thread costs no CPU and little memory.
DEFAULT_INDEX_THREADS = 32
DEFAULT_PARSE_MAX_MEMORY_MB = 400  # see README (Running it): a parse process settles well below this
ALERTS_THREADS = 2  # webhook deliveries: few, and each waits on its receiver
MALLOC_ARENAS = 2  # the stages' glibc malloc arenas, unless MALLOC_ARENA_MAX is set
STOP_GRACE_SECONDS = 30.0  # after the task time limit: how long a stopping stage may take before it is killed


@dataclass(frozen=True)
class StageWorker:
    """One `celery worker` for one queue (or, for index and alerts, two queues sharing a pool)."""

    queue: str  # comma-separated when several
    pool: str
    concurrency: int
    prefetch: int
    max_memory_mb: int | None = None  # prefork: a child past this resident size is replaced after its task

    def command(self, name: str, loglevel: str) -> list[str]:
        stage = self.queue.split(",")[0]
        command = [
            sys.executable, "-m", "celery", "-A", "workers", "worker",
            "--queues", self.queue, "--pool", self.pool, "--concurrency", str(self.concurrency),
            "--prefetch-multiplier", str(self.prefetch), "--hostname", f"{stage}-{name}@%h",
            "--loglevel", loglevel,
            # the dashboard has its own heartbeats (workers/signals.py): no worker-to-worker chatter
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        if self.max_memory_mb and self.pool == "prefork":
            command += ["--max-memory-per-child", str(self.max_memory_mb * 1024)]  # Celery counts KiB
        return command


def plan(
    queues: list[str],
    pool: str | None = None,
    concurrency: int | None = None,
    fetch_threads: int = DEFAULT_FETCH_THREADS,
    parse_processes: int | None = None,
    index_threads: int = DEFAULT_INDEX_THREADS,
    prefetch: int | None = None,
    alerts_apart: bool = False,
    parse_max_memory_mb: int | None = None,
    fetch_with_index: bool = False,
) -> list[StageWorker]:
    """The worker of each stage: threads for fetch and index, one process per CPU for parse, unless overridden."""
    fitting = {
        # prefetch: enough reserved messages that a parse process never waits on the broker
        "fetch": ("threads", fetch_threads, 1),
        "parse": ("prefork", parse_processes or get_settings().effective_parse_processes, 4),
        "index": ("threads", index_threads, 1),
        "alerts": ("threads", ALERTS_THREADS, 1),
    }
    groups = [[queue] for queue in queues]
    if not alerts_apart:
        groups = _merge(groups, INDEX_QUEUE, ALERTS_QUEUE)
    if fetch_with_index:
        groups = _merge(groups, FETCH_QUEUE, INDEX_QUEUE)
    workers = []
    for group in groups:
        default_pool, _, default_prefetch = fitting[group[0]]
        # Queues sharing a thread pool add up their threads (alerts adds none to index: deliveries are rare).
        size = sum(fitting[queue][1] for queue in group if queue != ALERTS_QUEUE or len(group) == 1)
        workers.append(
            StageWorker(
                ",".join(group),
                pool or default_pool,
                concurrency or size,
                prefetch or default_prefetch,
                parse_max_memory_mb if group[0] == "parse" else None,
            )
        )
    return workers


def _merge(groups: list[list[str]], into: str, queue: str) -> list[list[str]]:
    """`queue` joins the worker of `into` (both must be started): one process, one thread pool."""
    heads = [group[0] for group in groups]
    if into not in heads or queue not in heads:
        return groups
    joining = groups[heads.index(queue)]
    return [group + joining if group[0] == into else group for group in groups if group is not joining]


def worker(
    queues: Annotated[
        str, typer.Option(help="comma-separated queues to consume: fetch, parse, index, alerts")
    ] = ",".join(WORKER_QUEUES),
    pool: Annotated[
        str | None, typer.Option(help="one pool for every stage: prefork, threads or solo (default: per stage)")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="pool size of every stage (overrides the rest)")
    ] = None,
    fetch_threads: Annotated[int, typer.Option(min=1, help="fetch stage: threads")] = DEFAULT_FETCH_THREADS,
    parse_processes: Annotated[
        int | None, typer.Option(min=1, help="parse stage: processes (default: one per CPU)")
    ] = None,
    index_threads: Annotated[int, typer.Option(min=1, help="index stage: threads")] = DEFAULT_INDEX_THREADS,
    prefetch: Annotated[
        int | None, typer.Option(min=1, help="Celery prefetch multiplier of every stage (default: per stage)")
    ] = None,
    alerts_apart: Annotated[
        bool, typer.Option(help="alerts in a worker process of their own (default: in the index worker's)")
    ] = False,
    fetch_with_index: Annotated[
        bool, typer.Option(help="fetch and index share one worker process and thread pool (one process fewer)")
    ] = False,
    parse_max_memory: Annotated[
        int | None, typer.Option(min=1, help="parse stage: MB a process may reach before it is replaced")
    ] = DEFAULT_PARSE_MAX_MEMORY_MB,
    name: Annotated[str | None, typer.Option(help="worker name suffix: STAGE-NAME@host (default: this pid)")] = None,
    loglevel: Annotated[str, typer.Option(help="Celery log level")] = "INFO",
    print_only: Annotated[bool, typer.Option("--print", help="print the worker commands and exit")] = False,
) -> None:
    """Start the pipeline's Celery workers: one per stage, each with a fitting pool."""
    settings = get_settings()
    stages = [queue.strip() for queue in queues.split(",") if queue.strip()]
    if not stages or set(stages) - set(WORKER_QUEUES):
        fail(f"--queues takes a comma-separated list of {', '.join(WORKER_QUEUES)}; got {queues!r}")
    if pool is not None and pool not in POOLS:
        fail(f"--pool takes one of {', '.join(POOLS)}; got {pool!r}")
    if not settings.distributed and not print_only:
        fail("workers need a broker: set NEWSDESK_REDIS_URL (without it `newsdesk crawl` runs in-process)")
    workers = plan(
        list(dict.fromkeys(stages)),
        pool,
        concurrency,
        fetch_threads,
        parse_processes,
        index_threads,
        prefetch,
        alerts_apart,
        parse_max_memory,
        fetch_with_index,
    )
    commands = [stage.command(name or str(os.getpid()), loglevel) for stage in workers]
    if print_only:
        for command in commands:
            typer.echo(" ".join(command))
        return
    for stage in workers:
        typer.echo(
            f"{stage.queue}: {stage.concurrency} {'processes' if stage.pool == 'prefork' else stage.pool}", err=True
        )
    if "fetch" in stages:
        typer.echo(
            f"per-host politeness: {settings.per_host_rate:g} request/s, {settings.per_host_concurrency} in flight "
            "(NEWSDESK_PER_HOST_RATE, NEWSDESK_PER_HOST_CONCURRENCY; one source: newsdesk sources add --rate)",
            err=True,
        )
    # glibc gives threads malloc arenas of their own (up to 8 per core), each keeping what it freed: with 2 the
    # fetch worker's 16 threads peaked at 140 MB instead of 176 (600 articles, bench/E2E.md).
    os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    sys.stdout.flush()
    sys.stderr.flush()
    if len(commands) == 1:
        os.execv(commands[0][0], commands[0])
    stop_grace = settings.task_time_limit + STOP_GRACE_SECONDS
    supervisor = [sys.executable, "-m", "services.supervisor", str(stop_grace), json.dumps(commands)]
    os.execv(supervisor[0], supervisor)
