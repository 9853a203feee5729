"""Real processes for end-to-end tests: Celery workers and the API server, each stopped at teardown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def _wait_for(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s\n{tail}")


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_celery_worker(
    env: dict[str, str],
    log: Path,
    queues: str = "fetch,parse,index",
    concurrency: int = 2,
    name: str = "test",
    pool: str = "prefork",
) -> subprocess.Popen:
    """Start a real `celery -A workers worker` process and wait until it is ready; the caller stops it."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers",
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "-n",
        f"{name}-{os.getpid()}@%h",
        "--loglevel",
        "INFO",
        "--without-mingle",
        "--without-gossip",
        "--pool",
        pool,
    ]
    with open(log, "ab") as out:
        start = out.tell()
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(
            lambda: b" ready." in log.read_bytes()[start:] or process.poll() is not None, 60, "celery worker", log
        )
    except BaseException:
        stop(process)
        raise
    if process.poll() is not None:
        raise RuntimeError(f"celery worker exited:\n{log.read_text(errors='replace')[-3000:]}")
    return process


def child_pids(pid: int) -> list[int]:
    """Direct children of a process (a Celery worker's pool processes), from /proc."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


@contextmanager
def celery_worker(
    env: dict[str, str],
    log: Path,
    queues: str = "fetch,parse,index",
    concurrency: int = 2,
    name: str = "test",
    pool: str = "prefork",
) -> Iterator[subprocess.Popen]:
    """A real `celery -A workers worker` process consuming the given queues."""
    process = start_celery_worker(env, log, queues, concurrency, name, pool)
    try:
        yield process
    finally:
        stop(process)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_block(size: int = 5) -> int:
    """A port p with p..p+size-1 and their +10000 gRPC twins free (the S3 store listens on all of them)."""
    for _ in range(50):
        base = free_port()
        if base + size + 10000 > 65535:
            continue
        candidates = [base + i for i in range(size)] + [base + i + 10000 for i in range(size)]
        free = True
        for port in candidates:
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    free = False
                    break
        if free:
            return base
    raise RuntimeError("no block of free ports")


def built_seaweedfs() -> Path | None:
    """The SeaweedFS binary `deploy/dev/services up` built (its state dir), so this test need not build it again."""
    state = Path(os.environ.get("NEWSDESK_DEV_STATE_DIR", REPO / ".dev-services"))
    found = sorted((state / "bin").glob("weed-*"))
    return found[-1] if found else None


@contextmanager
def api_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`newsdesk serve` on a free loopback port; yields its base URL once /healthz answers."""
    port = free_port()
    command = [sys.executable, "-m", "services.cli", "serve", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=2).status_code in (200, 503)
        except httpx.HTTPError:
            return process.poll() is not None

    try:
        _wait_for(answering, 60, "newsdesk serve", log)
        yield base
    finally:
        stop(process)


def newsdesk(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the `newsdesk` command line as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
