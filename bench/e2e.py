"""End-to-end benchmark: newsdesk vs a requests + trafilatura script on the same local news site, interleaved.

    python bench/e2e.py [--articles 600] [--rounds 1] [--only script,distributed,embedded]

Each round runs every mode in turn through the shared harness ../shared/bench/e2e/bench.py (or
$NEWSDESK_BENCH_HARNESS), which serves the site, times the command, samples its process tree and checks every
article was produced exactly once. script: the harness's `baseline_trafilatura.py --procs 2` (JSON files, no
index); distributed: `newsdesk crawl` through `newsdesk worker` (a Celery worker per stage) on Redis (--redis-url: a
database of its own, FLUSHED before and after) and Elasticsearch (a random index prefix, deleted afterwards); embedded: `newsdesk crawl`
in-process, temporary data dir; baseline (not run unless named): distributed with the code of `--baseline-repo DIR`,
so a change is measured against main in the same interleaved run. Distributed CPU adds the Redis and Elasticsearch servers' CPU from /proc, read
around the crawl (anyone else using those servers counts too: run on a quiet machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
HARNESS = Path(os.environ.get("NEWSDESK_BENCH_HARNESS", REPO.parent / "shared" / "bench" / "e2e"))
PAGES = HARNESS.parent / "extraction" / "dev"  # passed explicitly: site.py's default resolves one level too high
PY = sys.executable
MODES = ("script", "distributed", "embedded", "baseline")  # baseline: distributed from --baseline-repo
CLK_TCK = os.sysconf("SC_CLK_TCK")
# the site is ours and local: reachable, and fast per-host limits (the defaults, 1 request/s, are for real sites)
FAST_CRAWL = {"NEWSDESK_PER_HOST_RATE": "1000", "NEWSDESK_PER_HOST_CONCURRENCY": "16"}
FAST_CRAWL["NEWSDESK_ALLOW_PRIVATE_HOSTS"] = "127.0.0.1"
# `newsdesk worker`: one Celery worker per stage (fetch and index on threads, parse on one process per CPU)
WORKER = "newsdesk worker --name {tag} --loglevel WARNING"
STAGES = ("fetch", "parse", "index")  # the queues the started workers must consume before the crawl


def in_repo(cmd: str, repo: Path = REPO) -> str:
    return f"cd {shlex.quote(str(repo))} && exec {cmd}"


def read_proc(pid: str, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # the process is gone
        return ""


def listening_pids(port: int) -> list[str]:
    """Pids holding a socket that listens on port (from /proc/net/tcp*): the one server at that address."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                pids.append(pid)
        except OSError:  # gone, or not ours to read
            continue
    # a forked child (Redis saving its snapshot) holds the socket too: count the server, not its passing children
    return [pid for pid in pids if _parent(pid) not in pids]


def _parent(pid: str) -> str:
    status = read_proc(pid, "status")
    return next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), "")


def cpu_seconds(*pids: str) -> None:
    stats = [stat[stat.rfind(")") + 2 :].split() for stat in (read_proc(pid, "stat") for pid in pids) if stat]
    print(sum(int(fields[11]) + int(fields[12]) for fields in stats) / CLK_TCK)  # utime + stime


class WorkerMemory(threading.Thread):
    """Peak resident memory of each process of the worker tree (found by its tag), by role: the supervisor,
    each stage's celery worker, and its pool children; every 0.5 s, like the harness's own sampler."""

    def __init__(self, tag: str):
        super().__init__(daemon=True)
        self.tag, self.stopped = tag, threading.Event()
        self.peak: dict[tuple[str, str], tuple[str, int]] = {}  # (pid, command line) -> (role, peak RSS kB)

    def role(self, pid: str, cmdline: str) -> str:
        if "services.supervisor" in cmdline:
            return "supervisor"
        if " worker --name " in cmdline:
            return "launcher (before its exec)"
        queues = re.search(r"--queues (\S+)", cmdline)
        name = queues.group(1) if queues else "?"
        return f"{name} pool child" if read_proc(_parent(pid), "cmdline") == cmdline else f"{name} worker"

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                cmdline = read_proc(pid, "cmdline")
                if self.tag not in cmdline or "py-spy" in cmdline or "bench.py" in cmdline:  # not the harness
                    continue
                rss = next((int(line.split()[1]) for line in read_proc(pid, "status").splitlines()
                            if line.startswith("VmRSS:")), 0)  # fmt: skip
                # keyed by command line too: `newsdesk worker` execs the supervisor under the same pid
                role, peak = self.peak.get((pid, cmdline), (self.role(pid, cmdline), 0))
                self.peak[(pid, cmdline)] = (role, max(peak, rss))

    def summary(self) -> str:
        by_role: dict[str, list[int]] = {}
        for role, peak in self.peak.values():
            by_role.setdefault(role, []).append(peak)
        parts = [
            f"{role} {'/'.join(str(kb // 1024) for kb in sorted(peaks))}" for role, peaks in sorted(by_role.items())
        ]
        return "peak RSS MB per process: " + "; ".join(parts)


def harness(label: str, args: list[str], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{label}.json"
    cmd = [PY, str(HARNESS / "bench.py"), "--label", label, "--runs", "1", "--no-netns", "--json-out", str(out)]
    cmd += ["--src", str(PAGES / "html"), "--gold", str(PAGES / "ground-truth.json"), "--workdir", str(workdir / label)]
    proc = subprocess.run([*cmd, *args], check=False, env=env, cwd=workdir, timeout=1800)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"{label}: the harness failed (exit {proc.returncode}); see {workdir / label}")
    result = json.loads(out.read_text())["results"][0]
    if result["exit_code"] != 0 or not result["exactly_once"]:
        errors = Path(result["rundir"], "crawler.err").read_text(errors="replace").strip().splitlines()
        print(f"{label}: exit {result['exit_code']}; crawler stderr ends:", *errors[-8:], sep="\n  ", file=sys.stderr)
    return result


def run_script(a: argparse.Namespace, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    crawler = f"{PY} {HARNESS / 'baseline_trafilatura.py'} --feed {{feed}} --outdir {{outdir}} --procs 2"
    return harness("script", ["--pages", str(a.articles), "--text-field", "text", "--crawler", crawler], env, workdir)


def run_embedded(a: argparse.Namespace, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    data = workdir / "embedded-data"
    env = {k: v for k, v in env.items() if k not in ("NEWSDESK_REDIS_URL", "NEWSDESK_ELASTICSEARCH_URL")}
    env.update(FAST_CRAWL, NEWSDESK_DATA_DIR=str(data))
    dump = f"{PY} {Path(__file__).resolve()} --helper dump_sqlite {data}"
    args = ["--pages", str(a.articles), "--text-field", "body", "--records-cmd", dump]
    return harness("embedded", [*args, "--crawler", in_repo("newsdesk crawl {feed} --timeout 1200")], env, workdir)


def run_baseline(a: argparse.Namespace, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """distributed, with the code of another checkout (--baseline-repo: e.g. `git worktree add /tmp/b main`)."""
    repo = Path(a.baseline_repo).resolve()
    worker_args = a.baseline_worker_args if a.baseline_worker_args is not None else a.worker_args
    return run_distributed(a, {**env, "PYTHONPATH": str(repo)}, workdir, repo, "baseline", worker_args)


def run_distributed(
    a: argparse.Namespace,
    env: dict[str, str],
    workdir: Path,
    repo: Path = REPO,
    label: str = "distributed",
    worker_args: str | None = None,
) -> dict[str, Any]:
    import redis
    from elasticsearch import Elasticsearch

    prefix, tag = f"bench{uuid.uuid4().hex[:10]}", uuid.uuid4().hex[:6]
    env = {**env, **FAST_CRAWL, "NEWSDESK_REDIS_URL": a.redis_url, "NEWSDESK_ELASTICSEARCH_URL": a.es_url}
    env.update(NEWSDESK_INDEX_PREFIX=prefix, NEWSDESK_DATA_DIR=str(workdir / f"{label}-data"))
    me = Path(__file__).resolve()
    args = ["--pages", str(a.articles), "--text-field", "body", "--service-timeout", "120"]
    args += ["--records-cmd", f"{PY} {me} --helper dump_es {a.es_url} {prefix}"]
    args += ["--service-ready", f"{PY} {me} --helper ping_workers {' '.join(STAGES)}"]
    command = WORKER.format(tag=tag) + (f" --parse-processes {a.parse_processes}" if a.parse_processes else "")
    worker_args = a.worker_args if worker_args is None else worker_args
    command += f" {worker_args}" if worker_args else ""
    if a.profile:  # py-spy samples the launcher and every stage's processes; SIGINT at the end makes it write
        out = Path(a.profile).resolve() / "workers.txt"
        command = f"py-spy record --subprocesses --nonblocking --format raw --rate 50 -o {out} -- {command}"
    args += ["--service", in_repo(command, repo)]
    broker = redis.Redis.from_url(a.redis_url)
    es = Elasticsearch(a.es_url)
    # the servers at these addresses only: other Redis or Elasticsearch servers on the machine do not count
    servers = listening_pids(int(broker.connection_pool.connection_kwargs.get("port", 6379)))
    servers += listening_pids(urlsplit(a.es_url).port or 9200)
    # server CPU read right around the crawl (which returns once all is indexed), not the site build or startup
    snapshot = f"{PY} {me} --helper cpu_seconds {' '.join(servers)}"
    crawl = f"{snapshot} > {{rundir}}/servers-before && newsdesk crawl {{feed}} --timeout 1200"
    crawl += f"; rc=$?; {snapshot} > {{rundir}}/servers-after; exit $rc"
    args += ["--crawler", in_repo(f"sh -c {shlex.quote(crawl)}", repo)]
    broker.flushdb()
    memory = WorkerMemory(tag)
    memory.start()
    try:
        result = harness(label, args, env, workdir)
        result["memory"] = memory.summary()
        # shard-level bulk requests the index received (one shard): how many articles each write carried
        bulk = es.indices.stats(index=f"{prefix}-*", metric="bulk")["_all"]["primaries"].get("bulk", {})
        if bulk.get("total_operations"):
            result["memory"] += f"; {result['produced'] / bulk['total_operations']:.1f} articles per bulk write"
        rundir = Path(result["rundir"])
        if servers and (rundir / "servers-after").exists():
            cpu = [float((rundir / f"servers-{when}").read_text()) for when in ("before", "after")]
            result["server_cpu_s"] = cpu[1] - cpu[0]
    finally:
        memory.stopped.set()
        broker.flushdb()
        es.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")
    return result


def dump_sqlite(data_dir: str) -> None:
    with sqlite3.connect(Path(data_dir) / "index.sqlite3") as db:  # Settings.embedded_index_path
        for (doc,) in db.execute("SELECT doc FROM articles"):
            print(json.dumps({k: v for k, v in json.loads(doc).items() if k in ("url", "body")}))


def dump_es(es_url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch
    from elasticsearch.helpers import scan

    es = Elasticsearch(es_url)
    es.indices.refresh(index=f"{prefix}-articles")
    for hit in scan(es, index=f"{prefix}-articles", _source=["url", "body"], size=500):
        print(json.dumps(hit["_source"]))


def ping_workers(*queues: str) -> int:
    """0 once running workers consume every one of these queues, however `newsdesk worker` grouped them."""
    from workers.celery_app import app

    answers = app.control.inspect(timeout=1.0).active_queues() or {}
    consumed = {queue["name"] for found in answers.values() for queue in found}
    return 0 if set(queues) <= consumed else 1


def row(mode: str, r: dict[str, Any], script: dict[str, Any] | None) -> list[str]:
    cpu = r["cpu_s"] + (r.get("server_cpu_s") or 0)
    per_article = 1000 * cpu / r["produced"] if r["produced"] else float("nan")
    with_servers = " (incl. Redis+ES)" if r.get("server_cpu_s") is not None else " (excl. Redis+ES)"
    servers = {"distributed": with_servers, "baseline": with_servers}
    ratio = cpu_ratio = "-"
    if script and script["articles_per_s"] and r["produced"]:
        ratio = f"{r['articles_per_s'] / script['articles_per_s']:.2f}x"
        cpu_ratio = f"{per_article / (1000 * script['cpu_s'] / script['produced']):.2f}x"
    once = "yes" if r["exactly_once"] else f"NO ({r['produced']}, dup {r['duplicate_records']})"
    return [mode, f"{r['articles_per_s']:.1f}", f"{per_article:.0f}{servers.get(mode, '')}",
            f"{r['peak_rss_tree_sum_mb']:.0f}", once, ratio, cpu_ratio]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=600, help="articles on the site")
    ap.add_argument("--rounds", type=int, default=1, help="interleaved rounds of every mode")
    ap.add_argument("--only", default=",".join(MODES[:3]), help="comma-separated subset of " + ",".join(MODES))
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/1", help="a database of its own: it is flushed")
    ap.add_argument("--es-url", default="http://127.0.0.1:9200")
    ap.add_argument("--profile", metavar="DIR", help="distributed: record a py-spy profile of the workers into DIR")
    ap.add_argument("--worker-args", help="distributed: more `newsdesk worker` flags, e.g. '--fetch-threads 8'")
    ap.add_argument("--workdir", help="keep every run's files (logs, data) here instead of a temporary directory")
    ap.add_argument("--parse-processes", type=int, help="distributed: parse processes (default: one per CPU)")
    ap.add_argument("--baseline-repo", metavar="DIR", help="mode baseline: run distributed with this checkout's code")
    ap.add_argument("--baseline-worker-args", help="mode baseline: `newsdesk worker` flags (default: --worker-args)")
    ap.add_argument("--helper", nargs="+", help=argparse.SUPPRESS)  # the harness's hooks, run as commands
    a = ap.parse_args()
    if a.helper:
        helpers = {f.__name__: f for f in (dump_sqlite, dump_es, cpu_seconds, ping_workers)}
        return helpers[a.helper[0]](*a.helper[1:]) or 0
    modes = [m.strip() for m in a.only.split(",") if m.strip()]
    if unknown := set(modes) - set(MODES):
        ap.error(f"unknown mode(s) {', '.join(sorted(unknown))}; pick from {', '.join(MODES)}")
    if not (HARNESS / "bench.py").exists():
        ap.error(
            f"the end-to-end harness is missing: expected {HARNESS}/bench.py (../shared/bench/e2e beside the repo, or set NEWSDESK_BENCH_HARNESS)"
        )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env["PATH"] = os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])  # celery, newsdesk of this venv
    runners = {"script": run_script, "distributed": run_distributed, "embedded": run_embedded, "baseline": run_baseline}
    if "baseline" in modes and not a.baseline_repo:
        ap.error("mode baseline needs --baseline-repo DIR (another checkout, e.g. main)")
    rows: list[list[str]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-e2e-") as scratch:
        tmp = a.workdir or scratch
        for k in range(1, a.rounds + 1):
            results = {mode: runners[mode](a, env, Path(tmp) / f"round-{k}") for mode in modes}
            rows += [[f"{k}", *row(mode, results[mode], results.get("script"))] for mode in modes]
            notes += [f"round {k} {mode}: {results[mode]['memory']}" for mode in modes if "memory" in results[mode]]
    head = "round | mode | articles/s | CPU ms/article | peak RSS tree MB | exactly once | x script | CPU x script"
    print(f"\n{a.articles} articles, {a.rounds} round(s), {os.cpu_count()} CPUs\n")
    print(f"| {head} |\n|" + "---|" * (head.count("|") + 1))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
