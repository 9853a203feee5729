"""The worker heartbeat file (workers/health.py) that the Kubernetes probes read, on a real Celery worker."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import yaml

from tests.processes import REPO, celery_worker

WORKERS_MANIFEST = REPO / "deploy" / "k8s" / "workers.yaml"


def probe_commands() -> dict[str, list[str]]:
    """The fetcher's startup, readiness and liveness probe commands, as deployed."""
    fetcher = next(
        doc for doc in yaml.safe_load_all(WORKERS_MANIFEST.read_text()) if "fetcher" in doc["metadata"]["name"]
    )
    container = fetcher["spec"]["template"]["spec"]["containers"][0]
    return {kind: container[f"{kind}Probe"]["exec"]["command"] for kind in ("startup", "readiness", "liveness")}


def run_probe(command: list[str], heartbeat: Path) -> int:
    """Run a probe's shell command with the manifest's heartbeat path swapped for this test's file."""
    script = re.sub(r"/\S*heartbeat\b", str(heartbeat), command[-1])
    return subprocess.run([*command[:-1], script], check=False, timeout=10).returncode


def test_worker_touches_its_heartbeat_file_and_the_manifest_probes_judge_its_age(redis_url, clean_redis, tmp_path):
    heartbeat = tmp_path / "heartbeat"
    env = {
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_HEARTBEAT_FILE": str(heartbeat),
    }
    probes = probe_commands()
    with celery_worker(env, tmp_path / "worker.log", queues="fetch", concurrency=1, name="heartbeat"):
        deadline = time.monotonic() + 15
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert heartbeat.exists(), (tmp_path / "worker.log").read_text()[-2000:]
        first = heartbeat.stat().st_mtime
        deadline = time.monotonic() + 10
        while heartbeat.stat().st_mtime == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert heartbeat.stat().st_mtime > first, "the heartbeat file is touched once, not on every heartbeat"
        for kind, command in probes.items():
            assert run_probe(command, heartbeat) == 0, f"{kind} probe fails on a live worker"
    # A file three minutes old: the worker stopped beating. `find` alone would still exit 0.
    heartbeat.touch()
    stale = time.time() - 180
    os.utime(heartbeat, (stale, stale))
    for kind, command in probes.items():
        assert run_probe(command, heartbeat) != 0, f"{kind} probe passes on a heartbeat three minutes old"
    heartbeat.unlink()
    assert all(run_probe(command, heartbeat) != 0 for command in probes.values()), "probe passes without a file"
