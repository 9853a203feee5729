"""`newsdesk worker`: one Celery worker per stage, each with the pool that suits it, as child processes.

fetch and index wait on the network, so they run on threads; parse is CPU-bound, so it runs on processes,
one per CPU. One stage (`--queues parse`) runs in this process (exec: signals and exit code are Celery's);
several run as children: SIGTERM, SIGINT and SIGQUIT are passed on to each, and when one child exits the
others are stopped and the launcher exits, so a supervisor restarts the whole set.
`celery -A workers worker ...` still works; this command only picks its arguments.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Annotated

import typer

from newsdesk.settings import get_settings
from services.cli.output import fail
from workers.queues import ALERTS_QUEUE, PROCESSING_QUEUES

WORKER_QUEUES = (*PROCESSING_QUEUES, ALERTS_QUEUE)  # alerts: saved searches' webhooks, off the pipeline

POOLS = ("prefork", "threads", "solo")
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
DEFAULT_FETCH_THREADS = 16  # each host is still held to its politeness limit; threads serve many hosts at once
DEFAULT_INDEX_THREADS = 8  # index tasks wait on Elasticsearch, not on the CPU
ALERTS_THREADS = 2  # webhook deliveries: few, and each waits on its receiver
STOP_GRACE_SECONDS = 30.0  # after the task time limit: how long a stopping stage may take before it is killed
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class StageWorker:
    """One `celery worker` for one queue."""

    queue: str
    pool: str
    concurrency: int
    prefetch: int

    def command(self, name: str, loglevel: str) -> list[str]:
        return [
            sys.executable, "-m", "celery", "-A", "workers", "worker",
            "--queues", self.queue, "--pool", self.pool, "--concurrency", str(self.concurrency),
            "--prefetch-multiplier", str(self.prefetch), "--hostname", f"{self.queue}-{name}@%h",
            "--loglevel", loglevel,
            # the dashboard has its own heartbeats (workers/signals.py): no worker-to-worker chatter
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip


def plan(
    queues: list[str],
    pool: str | None = None,
    concurrency: int | None = None,
    fetch_threads: int = DEFAULT_FETCH_THREADS,
    parse_processes: int | None = None,
    index_threads: int = DEFAULT_INDEX_THREADS,
    prefetch: int | None = None,
) -> list[StageWorker]:
    """The worker of each stage: threads for fetch and index, one process per CPU for parse, unless overridden."""
    fitting = {
        # prefetch: enough reserved messages that a parse process never waits on the broker
        "fetch": ("threads", fetch_threads, 1),
        "parse": ("prefork", parse_processes or get_settings().effective_parse_processes, 4),
        "index": ("threads", index_threads, 1),
        "alerts": ("threads", ALERTS_THREADS, 1),
    }
    workers = []
    for queue in queues:
        default_pool, size, default_prefetch = fitting[queue]
        workers.append(StageWorker(queue, pool or default_pool, concurrency or size, prefetch or default_prefetch))
    return workers


def _die_with_parent() -> None:
    """Runs in each child before exec: a launcher killed outright (SIGKILL) takes its stages with it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the children outlive a SIGKILLed launcher
        pass


def supervise(commands: list[list[str]], stop_grace: float) -> int:
    """Run every command as a child until one exits; stop the rest; the first non-zero exit code wins."""
    children: list[subprocess.Popen] = []
    queue_of: dict[int, str] = {}  # child pid -> the queue it consumes, for the message when it exits
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    # Own process groups: a Ctrl-C in a terminal reaches each worker once (from here), not twice (a cold stop).
    for command in commands:
        children.append(subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent))  # noqa: PLW1509
        queue_of[children[-1].pid] = command[command.index("--queues") + 1]
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    first = next(child for child in children if child.returncode is not None)
    if not stopping:
        typer.echo(
            f"the {queue_of[first.pid]} worker exited with {first.returncode}; stopping the other stages", err=True
        )
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + stop_grace
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    codes = [child.returncode for child in children]
    return next((code for code in codes if code), 0)


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
        list(dict.fromkeys(stages)), pool, concurrency, fetch_threads, parse_processes, index_threads, prefetch
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
    sys.stdout.flush()
    sys.stderr.flush()
    if len(commands) == 1:
        os.execv(commands[0][0], commands[0])
    raise typer.Exit(supervise(commands, settings.task_time_limit + STOP_GRACE_SECONDS))
