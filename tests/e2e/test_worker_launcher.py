"""`newsdesk worker`: one Celery worker per stage as child processes, a crawl through them, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import REPO, child_pids, newsdesk

pytestmark = [pytest.mark.redis, pytest.mark.elasticsearch, pytest.mark.timeout(240)]


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        children = child_pids(pending.pop())
        found += children
        pending += children
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_launcher_runs_every_stage_indexes_a_crawl_and_stops_on_sigterm(
    site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    env = {
        **os.environ,
        **base_env,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
    }
    log = tmp_path / "launcher.log"
    command = [sys.executable, "-m", "services.cli", "worker", "--fetch-threads", "4", "--parse-processes", "1"]
    command += ["--index-threads", "4", "--name", f"t{os.getpid()}"]
    with open(log, "wb") as out:
        launcher = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while log.read_bytes().count(b" ready.") < 3 and launcher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        text = log.read_text(errors="replace")
        assert text.count(" ready.") == 3, text[-3000:]
        # alerts share the index worker's process and threads
        assert "fetch: 4 threads" in text and "parse: 1 processes" in text and "index,alerts: 4 threads" in text
        assert "per-host politeness: 1 request/s, 2 in flight" in text
        stages = descendants(launcher.pid)
        crawl = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "120", env=env)
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr + log.read_text(errors="replace")[-3000:]
        assert "indexed 3 / failed 0" in crawl.stdout, crawl.stdout
        found = json.loads(newsdesk("search", "reservoirs", "--json", env=env).stdout)
        assert found["total"] == 1
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            code = launcher.wait(60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            raise
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert not [pid for pid in stages if alive(pid)], "a stage outlived the launcher"


def test_a_stage_that_dies_stops_the_launcher_and_the_other_stages(base_env, redis_url, clean_redis, tmp_path):
    env = {**os.environ, **base_env, "NEWSDESK_REDIS_URL": redis_url}
    log = tmp_path / "launcher.log"
    command = [sys.executable, "-m", "services.cli", "worker", "--queues", "fetch,index", "--concurrency", "2"]
    with open(log, "wb") as out:
        launcher = subprocess.Popen([*command, "--name", f"d{os.getpid()}"], cwd=REPO, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while log.read_bytes().count(b" ready.") < 2 and launcher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        stages = child_pids(launcher.pid)
        assert len(stages) == 2, log.read_text(errors="replace")[-3000:]
        os.kill(stages[0], signal.SIGKILL)
        code = launcher.wait(60)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert code != 0
    assert "stopping the other stages" in log.read_text(errors="replace")
    assert not alive(stages[1])
