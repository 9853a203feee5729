"""Servers of the cluster tests' own, started and stopped through the dev launcher on free loopback ports.

`sentinel_trio`: a Redis master, its replica and a Sentinel (`deploy/dev/services up sentinel`), which a test may
kill. `es_cluster`: two Elasticsearch nodes in one cluster (`up elasticsearch elasticsearch2`). Both live in a
temporary state dir, so the shared servers are never touched. Without redis-server / a JDK they skip loudly, and
fail when CI=true.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import _unavailable
from tests.processes import REPO, free_port

LAUNCHER = REPO / "deploy" / "dev" / "services"


@dataclass
class DevServices:
    """deploy/dev/services with its own state dir and ports."""

    state_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 300) -> str:
        started = time.monotonic()
        result = subprocess.run(
            [str(LAUNCHER), *args],
            env={**os.environ, "NEWSDESK_DEV_STATE_DIR": str(self.state_dir), **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.timings[" ".join(args)] = time.monotonic() - started
        assert result.returncode == 0, f"deploy/dev/services {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout


@dataclass
class SentinelTrio:
    services: DevServices
    sentinel_port: int
    node_ports: dict[str, int]  # "redis-a" (the first master) and "redis-b" (its replica)
    master_name: str = "mymaster"

    @property
    def url(self) -> str:
        return f"sentinel://127.0.0.1:{self.sentinel_port}/0"

    def master_port(self) -> int | None:
        import redis

        sentinel = redis.Redis(port=self.sentinel_port, socket_timeout=2, decode_responses=True)
        try:
            address = sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.master_name)
        except redis.RedisError:
            return None
        return int(address[1]) if address else None

    def kill_master(self) -> str:
        """SIGKILL the current master (no shutdown save); returns its node name."""
        port = self.master_port()
        name = next(name for name, node_port in self.node_ports.items() if node_port == port)
        pid = int((self.services.state_dir / "sentinel" / f"{name}.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
        return name


@pytest.fixture
def sentinel_trio(tmp_path_factory) -> Iterator[SentinelTrio]:
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        _unavailable("redis-server and redis-cli", "not installed (Debian: apt-get install redis-server)")
    ports = [free_port(), free_port(), free_port()]
    services = DevServices(
        tmp_path_factory.mktemp("sentinel-services"),
        {
            "NEWSDESK_DEV_SENTINEL_PORT": str(ports[0]),
            "NEWSDESK_DEV_SENTINEL_REDIS_PORTS": f"{ports[1]} {ports[2]}",
            "NEWSDESK_DEV_SENTINEL_DOWN_AFTER_MS": "2000",  # 1 s saw a busy new master as down on 2 cores
        },
    )
    trio = SentinelTrio(services, ports[0], {"redis-a": ports[1], "redis-b": ports[2]})
    try:
        services.run("up", "sentinel")
        yield trio
    finally:
        services.run("down", "sentinel")
