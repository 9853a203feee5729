"""Capacity model: measure each pipeline stage alone on a backlog, then size a cluster for a daily volume.

    python bench/capacity.py measure [--articles 200] [--redis-url URL] [--es-url URL] [--output bench/capacity.json]
    python bench/capacity.py model [--input bench/capacity.json] [--articles-per-day 1000000] [--peak-factor 2] ...

measure: serves tests/sitekit.py's generated site on 127.0.0.1, queues every article with `newsdesk crawl
--no-wait`, then runs one real Celery worker per stage, one stage at a time (fetch, then parse, then index), each
on the whole backlog the stage before it left. Per stage it records wall time, the worker tree's CPU (user+sys,
psutil, from "ready" to the last task) and peak RSS, task latency p50/p95 (the workers' own figures in Redis),
Redis commands (INFO total_commands_processed, less the rate measured idle just before) and the bytes one queued
task takes (MEMORY USAGE of the queue list / its length); after the run, the Redis state left per article and the
Elasticsearch store size per document (primaries, force-merged). The Redis database given is FLUSHED before and
after: give it one of its own. The Elasticsearch indices use a random prefix and are deleted afterwards.

model: reads that JSON and runs a fluid simulation, minute by minute over one day whose arrivals follow a diurnal
curve (mean = articles/day, peak = --peak-factor x mean), to find the fewest processes of each stage that keep
every queue's wait under --max-wait-minutes at --utilisation of their measured rate; prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "bench" / "capacity.json"
PY = sys.executable
STAGES = ("fetch", "parse", "index")
# How each stage runs, as in deploy/k8s: fetch and index wait on the network (threads), parse is CPU (processes).
WORKER_POOLS: dict[str, tuple[str, int]] = {"fetch": ("threads", 8), "parse": ("prefork", 2), "index": ("threads", 4)}
# The site is ours and local: reachable, and no per-host politeness (the defaults, 1 request/s, are for real sites).
FAST_CRAWL = {
    "NEWSDESK_PER_HOST_RATE": "1000",
    "NEWSDESK_PER_HOST_CONCURRENCY": "16",
    "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
}
MB = 1024 * 1024


@dataclass
class StageFigures:
    """One stage run alone over the whole backlog."""

    stage: str
    pool: str
    concurrency: int
    articles: int
    seconds: float
    cpu_seconds: float
    ready_rss_mb: float
    peak_rss_mb: float
    latency_p50_s: float | None
    latency_p95_s: float | None
    redis_commands: int
    redis_cpu_seconds: float | None  # the Redis server's own CPU over the stage; None when it is not local
    queue_bytes_per_task: float
    redis_background_per_s: float = 0.0  # other clients' commands/s, measured idle around the stage, subtracted

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds

    @property
    def cpu_ms_per_article(self) -> float:
        return 1000 * self.cpu_seconds / self.articles


@dataclass
class Measurement:
    articles: int
    machine: dict[str, Any]
    stages: dict[str, StageFigures] = field(default_factory=dict)
    redis_state_bytes_per_article: float = 0.0
    redis_state: dict[str, dict[str, int]] = field(default_factory=dict)  # by key family
    es_store_bytes_per_doc: float = 0.0
    es_source_bytes_per_doc: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name, stage in self.stages.items():
            data["stages"][name]["articles_per_second"] = round(stage.articles_per_second, 2)
            data["stages"][name]["cpu_ms_per_article"] = round(stage.cpu_ms_per_article, 2)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        derived = {"articles_per_second", "cpu_ms_per_article"}
        stages = {
            name: StageFigures(**{k: v for k, v in figures.items() if k not in derived})
            for name, figures in data["stages"].items()
        }
        return cls(**{**data, "stages": stages})


# ------------------------------------------------------------------------------------------------ measuring


class TreeSampler:
    """Peak resident memory of a process and its children, sampled on a thread; CPU read on demand."""

    def __init__(self, pid: int, interval: float = 0.2):
        import psutil

        self.root = psutil.Process(pid)
        self.interval, self.peak_rss = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[Any]:
        import psutil

        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> int:
        import psutil

        total = 0
        for process in self._tree():
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu_seconds(self) -> float:
        import psutil

        total = 0.0
        for process in self._tree():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_rss = max(self.peak_rss, self.rss())

    def __enter__(self) -> TreeSampler:
        self.peak_rss = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def start_worker(stage: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    pool, concurrency = WORKER_POOLS[stage]
    command = [PY, "-m", "celery", "-A", "workers", "worker", "-Q", stage, "-P", pool, "-c", str(concurrency)]
    command += [
        "-n",
        f"capacity-{stage}-{os.getpid()}@%h",
        "--loglevel",
        "INFO",
        "--without-mingle",
        "--without-gossip",
    ]
    with open(log, "ab") as out:
        start = out.tell()
        worker = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while b" ready." not in log.read_bytes()[start:]:
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise RuntimeError(f"{stage} worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return worker


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(5)


def commands_processed(client: Any) -> int:
    return int(client.info("stats")["total_commands_processed"])


def server_cpu_seconds(client: Any) -> float | None:
    """user+sys of the Redis server process, when it runs on this machine (loopback)."""
    import psutil

    try:
        times = psutil.Process(int(client.info("server")["process_id"])).cpu_times()
    except (psutil.Error, KeyError, ValueError):
        return None
    return times.user + times.system


def idle_command_rate(client: Any, seconds: float = 3.0) -> float:
    """Commands per second the server runs without us (other users of a shared server), to subtract."""
    before = commands_processed(client)
    time.sleep(seconds)
    return max(0.0, (commands_processed(client) - before - 1) / seconds)


def queue_bytes_per_task(client: Any, queue: str) -> float:
    length = client.llen(queue)
    return float(client.memory_usage(queue, samples=0) or 0) / length if length else 0.0


def run_stage(stage: str, articles: int, env: dict[str, str], client: Any, workdir: Path) -> StageFigures:
    from newsdesk.ops.monitoring import Monitor, percentile

    monitor = Monitor(client)
    queued_bytes = queue_bytes_per_task(client, stage)
    background = idle_command_rate(client)
    worker = start_worker(stage, env, workdir / f"{stage}.log")
    try:
        with TreeSampler(worker.pid) as sampler:
            ready_rss, cpu_before = sampler.rss(), sampler.cpu_seconds()
            redis_cpu_before = server_cpu_seconds(client)
            commands_before, started = commands_processed(client), time.monotonic()
            deadline, polls = started + 600, 0
            while (done := monitor.totals().get(stage, {})).get("succeeded", 0) < articles:
                polls += 1  # one HGETALL each, not the pipeline's: subtracted below
                if done.get("failed") or time.monotonic() > deadline:
                    raise RuntimeError(f"{stage}: not done in 600 s or failed: {done}")
                time.sleep(0.05)
            seconds = time.monotonic() - started
            cpu = sampler.cpu_seconds() - cpu_before
            commands = commands_processed(client) - commands_before - polls - 2
            redis_cpu_after = server_cpu_seconds(client)
    finally:
        stop_worker(worker)
    # The smaller of the idle rates before and after: a burst from another client in one window would
    # otherwise be subtracted as if it had lasted the whole stage.
    background = min(background, idle_command_rate(client))
    commands -= round(background * seconds)
    samples = monitor.latency_samples(stage)
    pool, concurrency = WORKER_POOLS[stage]
    return StageFigures(
        stage=stage,
        pool=pool,
        concurrency=concurrency,
        articles=articles,
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu, 2),
        ready_rss_mb=round(ready_rss / MB, 1),
        peak_rss_mb=round(sampler.peak_rss / MB, 1),
        latency_p50_s=percentile(samples, 0.5),
        latency_p95_s=percentile(samples, 0.95),
        redis_commands=max(0, commands),
        redis_cpu_seconds=(
            round(redis_cpu_after - redis_cpu_before, 3)
            if redis_cpu_before is not None and redis_cpu_after is not None
            else None
        ),
        queue_bytes_per_task=round(queued_bytes, 1),
        redis_background_per_s=round(background, 1),
    )


def key_family(key: bytes) -> str:
    """`newsdesk:crawllog:url:http://...` -> `newsdesk:crawllog:url`: the leading all-letter segments."""
    family = []
    for part in key.decode(errors="replace").split(":")[:3]:
        if not re.fullmatch(r"[a-z_-]+", part):
            break
        family.append(part)
    return ":".join(family) or "(other)"


def redis_state(client: Any) -> dict[str, dict[str, int]]:
    """Everything left in the database after the run, by key family: keys, bytes, and how many expire."""
    families: dict[str, dict[str, int]] = {}
    for key in client.scan_iter(count=500):
        family = families.setdefault(key_family(key), {"keys": 0, "bytes": 0, "expiring": 0})
        family["keys"] += 1
        family["bytes"] += int(client.memory_usage(key, samples=0) or 0)
        family["expiring"] += int(client.ttl(key) > 0)
    return dict(sorted(families.items(), key=lambda item: -item[1]["bytes"]))


def es_bytes_per_doc(es_url: str, prefix: str) -> tuple[float, float]:
    """(store bytes, _source bytes) per document of the read alias's index, force-merged to one segment."""
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url, request_timeout=120)
    alias = f"{prefix}-articles"
    es.indices.refresh(index=alias)
    es.indices.forcemerge(index=alias, max_num_segments=1)
    primaries = es.indices.stats(index=alias, metric="store,docs")["_all"]["primaries"]
    docs = primaries["docs"]["count"]
    hits = es.search(index=alias, size=docs, query={"match_all": {}})["hits"]["hits"]
    source = sum(len(json.dumps(hit["_source"], separators=(",", ":"))) for hit in hits)
    return primaries["store"]["size_in_bytes"] / docs, source / docs


def delete_indices(es_url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url, request_timeout=60)
    es.options(ignore_status=404).indices.delete(index=f"{prefix}-*", expand_wildcards="all")
    es.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")


def measure(articles: int, redis_url: str, es_url: str) -> Measurement:
    import redis

    sys.path.insert(0, str(REPO))
    from tests.sitekit import generated_news_site

    client = redis.Redis.from_url(redis_url)
    prefix = f"capacity{uuid.uuid4().hex[:8]}"
    result = Measurement(
        articles=articles,
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_1m_at_start": round(os.getloadavg()[0], 2),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "redis_version": client.info("server")["redis_version"],
        },
    )
    client.flushdb()
    site, _, _ = generated_news_site(articles)
    with tempfile.TemporaryDirectory(prefix="capacity-") as tmp, site:
        workdir = Path(tmp)
        env = {
            **os.environ,
            **FAST_CRAWL,
            "NEWSDESK_REDIS_URL": redis_url,
            "NEWSDESK_ELASTICSEARCH_URL": es_url,
            "NEWSDESK_INDEX_PREFIX": prefix,
            "NEWSDESK_DATA_DIR": str(workdir / "data"),
        }
        try:
            crawl = subprocess.run(
                [PY, "-m", "services.cli", "crawl", f"{site.base}/feed.xml", "--no-wait"],
                check=False,
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if crawl.returncode != 0 or client.llen("fetch") != articles:
                raise RuntimeError(f"crawl did not queue {articles} fetches: {crawl.stdout}{crawl.stderr}")
            for stage in STAGES:
                result.stages[stage] = run_stage(stage, articles, env, client, workdir)
                print(f"{stage}: {json.dumps(asdict(result.stages[stage]))}", file=sys.stderr)
            result.redis_state = redis_state(client)
            state_bytes = sum(family["bytes"] for family in result.redis_state.values())
            result.redis_state_bytes_per_article = round(state_bytes / articles, 1)
            store, source = es_bytes_per_doc(es_url, prefix)
            result.es_store_bytes_per_doc, result.es_source_bytes_per_doc = round(store, 1), round(source, 1)
        finally:
            delete_indices(es_url, prefix)
            client.flushdb()
    return result


# ------------------------------------------------------------------------------------------------ modelling


@dataclass
class Assumptions:
    """What the model cannot measure on loopback; each is a command-line option."""

    articles_per_day: int = 1_000_000
    peak_factor: float = 2.0  # busiest minute / mean rate of a news day
    utilisation: float = 0.6  # plan each process at this share of its measured rate: the headroom
    max_wait_minutes: float = 5.0  # longest a task may wait in a queue at the peak
    remote_fetch_seconds: float = 1.0  # a real site's response time (the local site answers in ms)
    per_host_rate: float = 1.0  # NEWSDESK_PER_HOST_RATE: requests per second per host, all fetchers
    es_replicas: int = 1  # NEWSDESK_ES_REPLICAS
    article_source_bytes: int = 0  # an indexed article's _source size; 0 = the measured site's (short articles)
    retention_months: int = 12

    def problems(self) -> list[str]:
        """Why these assumptions cannot be modelled (each would divide by zero or never converge)."""
        found = []
        if self.articles_per_day <= 0:
            found.append("--articles-per-day must be positive")
        if not 1 <= self.peak_factor <= 2:
            found.append("--peak-factor must be between 1 (flat) and 2 (the curve touches zero at night)")
        if not 0 < self.utilisation <= 1:
            found.append("--utilisation must be in (0, 1]")
        if self.max_wait_minutes <= 0 or self.remote_fetch_seconds < 0 or self.per_host_rate <= 0:
            found.append("--max-wait-minutes and --per-host-rate must be positive, --remote-fetch-seconds >= 0")
        if self.es_replicas < 0 or self.retention_months < 0 or self.article_source_bytes < 0:
            found.append("--es-replicas, --retention-months and --article-source-bytes must be >= 0")
        return found


@dataclass
class StagePlan:
    stage: str
    per_process_per_second: float
    cpu_ms_per_article: float
    processes: int
    max_backlog: int
    max_wait_minutes: float

    @property
    def per_process_per_day(self) -> float:
        return self.per_process_per_second * 86_400


def arrivals_per_minute(assume: Assumptions) -> list[float]:
    """One day of arrivals, minute by minute: a sine around the mean whose top is peak_factor x mean."""
    mean = assume.articles_per_day / 1440
    swing = assume.peak_factor - 1
    return [mean * (1 + swing * math.sin(2 * math.pi * (minute - 360) / 1440)) for minute in range(1440)]


def simulate(arrivals: list[float], per_minute_capacity: float) -> tuple[float, float]:
    """(largest backlog, longest wait in minutes) of a queue served at a fixed rate, two days so day two is steady."""
    backlog = largest = wait = 0.0
    for day in range(2):
        for arriving in arrivals:
            backlog = max(0.0, backlog + arriving - per_minute_capacity)
            if day == 1:
                largest = max(largest, backlog)
                wait = max(wait, backlog / per_minute_capacity)
    return largest, wait


def stage_rate(figures: StageFigures, assume: Assumptions) -> float:
    """Articles per second one worker process of this stage sustains on a core of its own per pool process.

    The bound is the measured CPU per article: a threads pool shares one core (the GIL), a prefork pool uses
    one per process. The measured wall-clock rate is not used: on a shared machine it measures the other
    users' load as much as ours (it is in the measured table, with the load). A fetch thread also waits for
    the remote site, which answers in ms on loopback and in about `remote_fetch_seconds` on the internet.
    """
    cpu = figures.cpu_ms_per_article / 1000
    cores = figures.concurrency if figures.pool == "prefork" else 1
    rate = cores / cpu
    if figures.stage == "fetch":
        rate = min(rate, figures.concurrency / (assume.remote_fetch_seconds + cpu))
    return rate


def plan(measurement: Measurement, assume: Assumptions) -> list[StagePlan]:
    arrivals = arrivals_per_minute(assume)
    plans = []
    for name in STAGES:
        figures = measurement.stages[name]
        rate = stage_rate(figures, assume)
        # Fewer than the mean needs can never drain; start there and add one until the peak's wait is short.
        processes = max(1, math.ceil(assume.articles_per_day / 1440 / (rate * assume.utilisation * 60)))
        while True:
            backlog, wait = simulate(arrivals, processes * rate * assume.utilisation * 60)
            if wait <= assume.max_wait_minutes:
                break
            processes += 1
        plans.append(StagePlan(name, rate, figures.cpu_ms_per_article, processes, round(backlog), round(wait, 2)))
    return plans


def measured_table(measurement: Measurement) -> str:
    """What one run measured, per stage (each stage alone over the same backlog)."""
    lines = [
        "| stage | worker process | articles/s | CPU ms/article | task p50 / p95 ms | peak RSS MB (ready) "
        "| Redis commands/article | Redis CPU ms/article | queued task bytes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in STAGES:
        s = measurement.stages[name]
        redis_cpu = f"{1000 * s.redis_cpu_seconds / s.articles:.2f}" if s.redis_cpu_seconds is not None else "n/a"
        latency = " / ".join(f"{1000 * v:.1f}" if v is not None else "n/a" for v in (s.latency_p50_s, s.latency_p95_s))
        lines.append(
            f"| {name} | {s.pool} x {s.concurrency} | {s.articles_per_second:.1f} | {s.cpu_ms_per_article:.1f} | "
            f"{latency} | {s.peak_rss_mb:.0f} ({s.ready_rss_mb:.0f}) | {s.redis_commands / s.articles:.1f} | "
            f"{redis_cpu} | {s.queue_bytes_per_task:,.0f} |"
        )
    return "\n".join(lines)


def report(measurement: Measurement, assume: Assumptions) -> str:
    plans = plan(measurement, assume)
    stages = measurement.stages
    mean = assume.articles_per_day / 86_400
    peak = mean * assume.peak_factor
    commands = sum(s.redis_commands for s in stages.values()) / measurement.articles
    redis_cpu_ms = (
        1000 * sum(s.redis_cpu_seconds for s in stages.values() if s.redis_cpu_seconds is not None)
    ) / measurement.articles
    queue_bytes = {name: s.queue_bytes_per_task for name, s in stages.items()}
    backlog_bytes = sum(p.max_backlog * queue_bytes[p.stage] for p in plans)
    hour_backlog_bytes = peak * 3600 * queue_bytes["index"]
    hosts = math.ceil(peak / assume.per_host_rate)
    state_per_day = measurement.redis_state_bytes_per_article * assume.articles_per_day
    source_bytes = assume.article_source_bytes or measurement.es_source_bytes_per_doc
    stored_per_doc = measurement.es_store_bytes_per_doc / measurement.es_source_bytes_per_doc * source_bytes
    gb_month = assume.articles_per_day * 30 * stored_per_doc * (1 + assume.es_replicas) / 1e9
    lines = [
        f"{assume.articles_per_day:,} articles/day: mean {mean:.1f}/s, peak {peak:.1f}/s (peak factor "
        f"{assume.peak_factor:g}); each process planned at {assume.utilisation:.0%} of its rate; queue wait at the "
        f"peak <= {assume.max_wait_minutes:g} min; fetch at {assume.remote_fetch_seconds:g} s per remote response",
        "",
        "| stage | articles/s per process | articles/day per process | processes for the volume "
        "| with a spare (N+1) | CPU cores at the peak | largest backlog | longest wait min |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in plans:
        lines.append(
            f"| {p.stage} | {p.per_process_per_second:.1f} | {p.per_process_per_day:,.0f} | **{p.processes}** | "
            f"{p.processes + 1} | {peak * p.cpu_ms_per_article / 1000:.2f} | {p.max_backlog:,} | {p.max_wait_minutes:g} |"
        )
    lines += [
        "",
        f"- Fetch politeness: at {assume.per_host_rate:g} request/s per host (NEWSDESK_PER_HOST_RATE), one host "
        f"yields at most {assume.per_host_rate * 86_400:,.0f} articles/day, so the peak needs >= {hosts} distinct "
        "hosts crawled in parallel; fewer hosts bound the fetch rate, not the fetcher count.",
        f"- Redis: {commands:.0f} commands per article over the three stages -> {commands * mean:,.0f} ops/s mean, "
        f"{commands * peak:,.0f} ops/s peak; {redis_cpu_ms:.2f} ms of Redis CPU per article -> "
        f"{redis_cpu_ms * peak / 1000:.0%} of its one core at the peak. Queued task: fetch "
        f"{queue_bytes['fetch']:,.0f} B, parse {queue_bytes['parse']:,.0f} B, index {queue_bytes['index']:,.0f} B; "
        f"the simulated backlog peaks at {backlog_bytes / MB:,.1f} MB; an hour of peak input held in the index queue "
        f"(an Elasticsearch outage) is {hour_backlog_bytes / MB:,.0f} MB. State kept per article (seen-set, crawl "
        f"log; no expiry) {measurement.redis_state_bytes_per_article:,.0f} B -> {state_per_day / MB:,.0f} MB per "
        f"day, {state_per_day * 30 / 1e9:,.1f} GB per month.",
        f"- Elasticsearch: {mean:.1f} docs/s mean, {peak:.1f} docs/s peak; measured "
        f"{measurement.es_store_bytes_per_doc:,.0f} B stored per document of {measurement.es_source_bytes_per_doc:,.0f}"
        f" B _source (primaries, force-merged: {measurement.es_store_bytes_per_doc / measurement.es_source_bytes_per_doc:.2f}"
        f" B stored per B of _source); at {source_bytes:,.0f} B of _source per article {stored_per_doc:,.0f} B "
        f"-> {gb_month:,.1f} GB/month with {assume.es_replicas} replica(s), "
        f"{gb_month * assume.retention_months:,.0f} GB for {assume.retention_months} months.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure", help="crawl a generated site stage by stage and write the figures")
    run.add_argument("--articles", type=int, default=200)
    run.add_argument("--redis-url", default="redis://127.0.0.1:6379/5", help="a database of its own: it is FLUSHED")
    run.add_argument("--es-url", default="http://127.0.0.1:9200")
    run.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    model = commands.add_parser("model", help="size a cluster from the figures")
    model.add_argument("--input", type=Path, default=DEFAULT_OUTPUT)
    defaults = Assumptions()
    for name, value in asdict(defaults).items():
        model.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    if args.command == "measure":
        result = measure(args.articles, args.redis_url, args.es_url)
        args.output.write_text(json.dumps(result.to_json(), indent=2) + "\n")
        print(f"wrote {args.output}")
        print(measured_table(result))
        print()
        print(report(result, defaults))
        return 0
    try:
        measurement = Measurement.from_json(json.loads(args.input.read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read {args.input}: {exc} (run `python bench/capacity.py measure` first)", file=sys.stderr)
        return 2
    assume = Assumptions(**{name: getattr(args, name) for name in asdict(defaults)})
    if problems := assume.problems():
        print("; ".join(problems), file=sys.stderr)
        return 2
    print(measured_table(measurement))
    print()
    print(report(measurement, assume))
    return 0


if __name__ == "__main__":
    sys.exit(main())
