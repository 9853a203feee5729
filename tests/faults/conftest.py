"""The fault suite's services and harness: Redis and Elasticsearch it may kill and restart, a 200-article site.

The suite restarts services only through `deploy/dev/services` and only when the service on the port is the
process in that launcher's pid file, so it never touches a server it did not start. Settings:
NEWSDESK_FAULT_REDIS_PORT / NEWSDESK_FAULT_ES_PORT / NEWSDESK_FAULT_STATE_DIR (defaults: the dev-services
defaults, i.e. what `scripts/test` started) and NEWSDESK_FAULT_REDIS_DB (default 14).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import _unavailable
from tests.processes import REPO, newsdesk, start_celery_worker, stop
from tests.sitekit import generated_news_site

REDIS_PORT = int(os.environ.get("NEWSDESK_FAULT_REDIS_PORT", os.environ.get("NEWSDESK_DEV_REDIS_PORT", "6379")))
ES_PORT = int(os.environ.get("NEWSDESK_FAULT_ES_PORT", os.environ.get("NEWSDESK_DEV_ES_PORT", "9200")))
STATE_DIR = Path(
    os.environ.get("NEWSDESK_FAULT_STATE_DIR", os.environ.get("NEWSDESK_DEV_STATE_DIR", REPO / ".dev-services"))
)
REDIS_DB = int(os.environ.get("NEWSDESK_FAULT_REDIS_DB", "14"))
ARTIFACT = REPO / "test-artifacts" / "faults.txt"
ARTICLES = 200

# Short retry and redelivery settings so that a fault is ridden out in seconds, not minutes (2 cores).
WORKER_SETTINGS = {
    "NEWSDESK_MAX_RETRIES": "100",
    "NEWSDESK_RETRY_BACKOFF_BASE": "1",
    "NEWSDESK_RETRY_BACKOFF_CAP": "10",
    "NEWSDESK_VISIBILITY_TIMEOUT": "71",
    "NEWSDESK_TASK_TIME_LIMIT": "30",
    "NEWSDESK_PER_HOST_RATE": "200",
    "NEWSDESK_PER_HOST_CONCURRENCY": "8",
    "NEWSDESK_FETCH_TIMEOUT": "5",
    "NEWSDESK_ADMIN_KEY": "fault-suite-key",
    # Work lost in transit is re-sent once no queue or worker holds it for visibility + time limit (101 s).
    "NEWSDESK_RECONCILE_INTERVAL": "5",
}
# How long the ledger may take to empty after the last article is indexed: an entry whose final write a
# Redis kill lost is re-sent at its deadline (stuck-after 101 s + a reconcile interval), then ends again.
LEDGER_EMPTY_WITHIN = 71 + 30 + 2 * 5 + 30


class Services:
    """Restart, stop and kill the fault suite's Redis and Elasticsearch through the dev-services launcher."""

    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}"
    es_url = f"http://127.0.0.1:{ES_PORT}"

    def run(self, *args: str) -> None:
        env = {
            **os.environ,
            "NEWSDESK_DEV_REDIS_PORT": str(REDIS_PORT),
            "NEWSDESK_DEV_ES_PORT": str(ES_PORT),
            "NEWSDESK_DEV_STATE_DIR": str(STATE_DIR),
        }
        result = subprocess.run(
            [str(REPO / "deploy/dev/services"), *args], env=env, capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, f"services {' '.join(args)}: {result.stdout}{result.stderr}"

    def up(self, *names: str) -> None:
        self.run("up", *names)

    def down(self, *names: str) -> None:
        self.run("down", *names)

    def pid(self, name: str) -> int | None:
        try:
            return int((STATE_DIR / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def kill_redis(self) -> None:
        """SIGKILL, as the OOM killer does: no shutdown save, the append-only file is what survives."""
        pid = self.pid("redis")
        assert pid is not None, "the launcher's redis.pid is missing"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.1)

    def owned(self) -> str | None:
        """Why these services may not be killed by this suite, or None when both are the launcher's own."""
        import redis
        from elasticsearch import Elasticsearch

        try:
            redis_pid = int(redis.Redis(port=REDIS_PORT, socket_connect_timeout=2).info("server")["process_id"])
            nodes = Elasticsearch(self.es_url, request_timeout=10).nodes.info(metric="process")["nodes"]
        except Exception as exc:
            return f"Redis :{REDIS_PORT} or Elasticsearch :{ES_PORT} not reachable ({type(exc).__name__}: {exc})"
        es_pids = {node["process"]["id"] for node in nodes.values()}
        if redis_pid != self.pid("redis") or self.pid("elasticsearch") not in es_pids:
            return (
                f"the services on :{REDIS_PORT} / :{ES_PORT} were not started from {STATE_DIR} "
                "(set NEWSDESK_FAULT_STATE_DIR / _REDIS_PORT / _ES_PORT to services the suite may kill)"
            )
        return None


@pytest.fixture(scope="session")
def services() -> Services:
    found = Services()
    reason = found.owned()
    if reason:
        _unavailable("the fault suite's own services", reason)
    return found


@dataclass
class Figures:
    """What a fault test measured; printed on one line and appended to test-artifacts/faults.txt."""

    test: str
    expected: list[str]
    indexed: int = 0
    duplicated: int = 0
    dead_lettered: int = 0
    drain_seconds: float | None = None
    fetches: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        drain = f"{self.drain_seconds:.1f}" if self.drain_seconds is not None else "not-drained"
        notes = f" notes={'; '.join(self.notes)}" if self.notes else ""
        return (
            f"faults {self.test}: indexed={self.indexed}/{len(self.expected)} duplicated={self.duplicated} "
            f"dead_lettered={self.dead_lettered} time_to_drain_s={drain} fetches={self.fetches}{notes}"
        )


class FaultRun:
    """One crawl of the generated site through real workers, with the checks every fault test shares."""

    def __init__(self, services: Services, tmp_path: Path, figures: Figures, site, outage):
        self.services, self.tmp_path, self.figures = services, tmp_path, figures
        self.site, self.outage = site, outage
        self.prefix = f"fault{uuid.uuid4().hex[:8]}"
        self.env = {
            "NEWSDESK_REDIS_URL": services.redis_url,
            "NEWSDESK_ELASTICSEARCH_URL": services.es_url,
            "NEWSDESK_INDEX_PREFIX": self.prefix,
            "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
            "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            **WORKER_SETTINGS,
        }
        self.workers: list[subprocess.Popen] = []
        self.worker_log = tmp_path / "workers.log"
        self.crawl: subprocess.Popen | None = None
        self.started = time.monotonic()

    # ---- processes
    def start_worker(self) -> subprocess.Popen:
        worker = start_celery_worker(self.env, self.worker_log, name=f"fault{len(self.workers)}")
        self.workers.append(worker)
        return worker

    def start_crawl(self, timeout: float, wait: bool = True) -> None:
        import sys

        args = [sys.executable, "-m", "services.cli", "crawl", f"{self.site.base}/feed.xml", "--timeout", str(timeout)]
        if not wait:
            args.append("--no-wait")
        self.crawl_out = open(self.tmp_path / "crawl.out", "w")  # noqa: SIM115 - the crawl process writes to it for its whole life
        self.started = time.monotonic()
        self.crawl = subprocess.Popen(
            args, cwd=REPO, env={**os.environ, **self.env}, stdout=self.crawl_out, stderr=subprocess.STDOUT, text=True
        )

    def crawl_output(self) -> str:
        return (self.tmp_path / "crawl.out").read_text(errors="replace")

    def newsdesk(self, *args: str):
        return newsdesk(*args, env=self.env, timeout=120)

    # ---- observations (each tolerates a service being down: it is what the tests do to them)
    def indexed_urls(self, index: str | None = None) -> list[str]:
        """URLs of every document in the read alias (or `index`), one entry per document."""
        from elasticsearch import Elasticsearch

        es = Elasticsearch(self.services.es_url, request_timeout=10)
        target = index or f"{self.prefix}-articles"
        try:
            es.indices.refresh(index=target)
            hits = es.search(index=target, size=1000, source_includes=["url"], query={"match_all": {}})["hits"]["hits"]
        except Exception:
            return []
        return [hit["_source"]["url"] for hit in hits]

    def dead_letters(self) -> list:
        import redis

        from newsdesk.ops.deadletters import DeadLetterStore

        try:
            return DeadLetterStore(redis.Redis.from_url(self.services.redis_url, socket_timeout=5)).list(limit=1000)
        except Exception:
            return []

    def wait_indexed(self, at_least: int, deadline: float, index: str | None = None) -> int:
        """Poll until `at_least` distinct URLs are indexed or the deadline (monotonic) passes; returns the count."""
        count = 0
        while time.monotonic() < deadline:
            count = len(set(self.indexed_urls(index)))
            if count >= at_least:
                return count
            time.sleep(1)
        return count

    def drain(self, within: float) -> None:
        """Wait for every article to be indexed; records the time to drain from the crawl's start."""
        count = self.wait_indexed(len(self.figures.expected), time.monotonic() + within)
        if count >= len(self.figures.expected):
            self.figures.drain_seconds = time.monotonic() - self.started

    def measure(self) -> None:
        from elasticsearch import Elasticsearch

        urls = self.indexed_urls()
        self.figures.indexed = len(set(urls) & set(self.figures.expected))
        # Every document under the prefix, whatever index it landed in (a stray index included).
        everything = self.indexed_urls(f"{self.prefix}-*")
        self.figures.duplicated = len(everything) - len(set(everything))
        self.figures.dead_lettered = len(self.dead_letters())
        self.figures.fetches = sum(1 for _, path, _ in self.site.requests if path.startswith("/local/"))
        try:
            indices = sorted(Elasticsearch(self.services.es_url).indices.get(index=f"{self.prefix}-*").body)
            note = f"indices {','.join(indices)}"
            if note not in self.figures.notes:
                self.figures.notes.append(note)
        except Exception:
            pass

    def assert_every_article_once(self, dead_letters_allowed: bool = False) -> None:
        urls = self.indexed_urls()
        missing = sorted(set(self.figures.expected) - set(urls))
        assert not missing, (
            f"{len(missing)} of {len(self.figures.expected)} articles not indexed, e.g. {missing[:3]}\n"
            + self.diagnose()
        )
        assert self.figures.duplicated == 0, f"{self.figures.duplicated} duplicate documents\n" + self.diagnose()
        if not dead_letters_allowed:
            letters = self.dead_letters()
            assert not letters, f"{len(letters)} dead letters, e.g. {letters[0].error}\n" + self.diagnose()
        self.assert_ledger_empty()

    def ledger_stats(self):
        import redis

        from newsdesk.ops.ledger import Ledger

        return Ledger(redis.Redis.from_url(self.services.redis_url, socket_timeout=5), stuck_after=0).stats()

    def assert_ledger_empty(self, within: float = LEDGER_EMPTY_WITHIN) -> None:
        """Nothing left in flight: every accepted article reached an end (indexed, dead letter, not modified)."""
        deadline = time.monotonic() + within
        while (stats := self.ledger_stats()).in_flight and time.monotonic() < deadline:
            time.sleep(1)
        self.figures.notes.append(f"ledger in flight {stats.in_flight}, re-sent {stats.resent_total}")
        assert stats.in_flight == 0, f"{stats.in_flight} articles still in the ledger\n" + self.diagnose()

    def assert_crawl_finished(self) -> None:
        """`newsdesk crawl` itself returned, successfully, with every article counted as indexed."""
        # An index task killed after its bulk write but before its count is counted when it is delivered again,
        # after the visibility timeout: the crawl's tally may trail Elasticsearch by that long.
        code = self.crawl.wait(timeout=int(WORKER_SETTINGS["NEWSDESK_VISIBILITY_TIMEOUT"]) + 60) if self.crawl else None
        output = self.crawl_output()
        assert code == 0, f"newsdesk crawl exited {code}:\n{output[-2000:]}"
        assert f"{ARTICLES} articles: fetched" in output and f"indexed {ARTICLES} / failed 0" in output, output[-2000:]

    def diagnose(self) -> str:
        log = self.worker_log.read_text(errors="replace") if self.worker_log.exists() else ""
        interesting = [
            line for line in log.splitlines() if "ERROR" in line or "Unrecoverable" in line or "WARNING" in line
        ][-15:]
        return "crawl: " + self.crawl_output()[-800:] + "\nworker log (errors):\n" + "\n".join(interesting)

    def close(self) -> None:
        if self.crawl and self.crawl.poll() is None:
            self.crawl.kill()
            self.crawl.wait(10)
        for worker in self.workers:
            stop(worker)


@pytest.fixture
def fault_run(services: Services, tmp_path, request, capsys):
    """A fresh run: the 200-article site, Redis DB 14 emptied, a random index prefix; all cleaned up after."""
    import redis
    from elasticsearch import Elasticsearch

    site, urls, outage = generated_news_site(ARTICLES)
    figures = Figures(test=request.node.name, expected=urls)
    redis.Redis.from_url(services.redis_url).flushdb()
    with site:
        run = FaultRun(services, tmp_path, figures, site, outage)
        try:
            yield run
        finally:
            run.close()
            services.up("redis", "elasticsearch")  # both are up again when a test ends, whatever it did to them
            try:
                run.measure()
            finally:
                line = figures.line()
                with capsys.disabled():
                    print(f"\n{line}", flush=True)
                ARTIFACT.parent.mkdir(exist_ok=True)
                with open(ARTIFACT, "a") as out:
                    out.write(line + "\n")
                redis.Redis.from_url(services.redis_url).flushdb()
                es = Elasticsearch(services.es_url)
                es.options(ignore_status=404).indices.delete(index=f"{run.prefix}-*")
                es.options(ignore_status=404).indices.delete_index_template(name=f"{run.prefix}-articles")
