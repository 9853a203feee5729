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


@dataclass
class ESCluster:
    url: str  # both nodes, comma separated (what NEWSDESK_ELASTICSEARCH_URL takes)
    services: DevServices | None  # None: a cluster named by NEWSDESK_TEST_ES_CLUSTER_URL, not ours to stop


@pytest.fixture(scope="session")
def es_cluster(tmp_path_factory) -> Iterator[ESCluster]:
    """Two Elasticsearch nodes in one cluster: NEWSDESK_TEST_ES_CLUSTER_URL (both node URLs, comma separated) when
    set, else started here through `deploy/dev/services up elasticsearch elasticsearch2` on free ports."""
    from elasticsearch import Elasticsearch

    given = os.environ.get("NEWSDESK_TEST_ES_CLUSTER_URL")
    if given:
        try:
            nodes = Elasticsearch(given.split(","), request_timeout=10).cat.nodes(format="json").body
        except Exception as exc:
            _unavailable(f"the Elasticsearch cluster at {given}", f"{type(exc).__name__}: {exc}")
        if len(nodes) < 2:
            _unavailable(f"a two-node cluster at {given}", f"it has {len(nodes)} node(s)")
        yield ESCluster(given, None)
        return
    if not (shutil.which("mvn") and (shutil.which("javac") or list(Path("/usr/lib/jvm").glob("*/bin/javac")))):
        _unavailable("a JDK 21+ and Maven for the dev Elasticsearch nodes", "javac or mvn not found")
    ports = {name: free_port() for name in ("http1", "transport1", "http2", "transport2")}
    services = DevServices(
        tmp_path_factory.mktemp("es-cluster-services"),
        {
            "NEWSDESK_DEV_ES_PORT": str(ports["http1"]),
            "NEWSDESK_DEV_ES_TRANSPORT_PORT": str(ports["transport1"]),
            "NEWSDESK_DEV_ES2_PORT": str(ports["http2"]),
            "NEWSDESK_DEV_ES2_TRANSPORT_PORT": str(ports["transport2"]),
            "NEWSDESK_DEV_ES_HEAP": "-Xms256m -Xmx512m",  # two JVMs beside the shared node
            "NEWSDESK_DEV_ES_TIMEOUT": "240",
        },
    )
    try:
        services.run("up", "elasticsearch", "elasticsearch2", timeout=600)
        yield ESCluster(f"http://127.0.0.1:{ports['http1']},http://127.0.0.1:{ports['http2']}", services)
    finally:
        services.run("down", "elasticsearch", "elasticsearch2")
