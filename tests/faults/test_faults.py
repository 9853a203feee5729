"""Nothing lost under faults (issue 13): real workers, Redis and Elasticsearch, killed and restarted mid-crawl.

Each test crawls the same 200-article site with `newsdesk crawl`, injects one fault, and checks that every
article ends up indexed exactly once. Figures go to stdout and test-artifacts/faults.txt (tests/faults/conftest.py).
"""

from __future__ import annotations

import os
import signal
import time

import httpx
import pytest

from tests.processes import api_server, child_pids

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.elasticsearch, pytest.mark.timeout(480)]

CRAWL_TIMEOUT = 300  # seconds `newsdesk crawl` waits; every test drains well before on a fixed pipeline


def test_worker_sigkilled_several_times_mid_crawl(fault_run):
    run = fault_run
    first = run.start_worker()
    run.start_crawl(CRAWL_TIMEOUT)
    # The pool child dies (an OOM kill of one process): its worker re-queues the task it held.
    run.wait_indexed(20, time.monotonic() + 120)
    for pid in child_pids(first.pid)[:1]:
        os.kill(pid, signal.SIGKILL)
    run.figures.notes.append("pool child killed at >=20")
    # The whole worker dies (a pod eviction): main process and pool at once, its reserved tasks unacknowledged.
    run.wait_indexed(60, time.monotonic() + 120)
    for pid in [first.pid, *child_pids(first.pid)]:
        os.kill(pid, signal.SIGKILL)
    second = run.start_worker()
    run.wait_indexed(110, time.monotonic() + 180)
    for pid in [second.pid, *child_pids(second.pid)]:
        os.kill(pid, signal.SIGKILL)
    run.start_worker()
    run.figures.notes.append("worker killed at >=60 and >=110")
    run.drain(within=240)
    run.measure()
    run.assert_every_article_once()
    run.assert_crawl_finished()


def test_redis_sigkilled_and_restarted_mid_crawl(fault_run, services):
    run = fault_run
    worker = run.start_worker()
    pool = child_pids(worker.pid)
    run.start_crawl(CRAWL_TIMEOUT)
    run.wait_indexed(40, time.monotonic() + 120)
    services.kill_redis()
    time.sleep(5)
    services.up("redis")
    run.figures.notes.append("redis SIGKILLed at >=40, down 5 s")
    run.drain(within=240)
    run.measure()
    assert worker.poll() is None, "the worker process exited after Redis came back:\n" + run.diagnose()
    assert set(pool) <= set(child_pids(worker.pid)) or pool == [], "the original pool processes were replaced"
    run.assert_every_article_once()
    run.assert_crawl_finished()


def test_elasticsearch_stopped_for_60_seconds_mid_crawl(fault_run, services):
    run = fault_run
    run.start_worker()
    run.start_crawl(CRAWL_TIMEOUT)
    run.wait_indexed(30, time.monotonic() + 120)
    services.down("elasticsearch")
    time.sleep(60)
    services.up("elasticsearch")
    run.figures.notes.append("elasticsearch down 60 s from >=30")
    run.drain(within=240)
    run.measure()
    run.assert_every_article_once()
    run.assert_crawl_finished()


def test_write_alias_deleted_mid_crawl_is_a_clear_error_and_repair_recovers(fault_run, services, tmp_path):
    import redis
    from elasticsearch import Elasticsearch

    from newsdesk.ops.monitoring import Monitor

    run = fault_run
    run.start_worker()
    run.start_crawl(CRAWL_TIMEOUT, wait=False)
    run.wait_indexed(30, time.monotonic() + 120)
    es = Elasticsearch(services.es_url)
    write_alias = f"{run.prefix}-articles-write"
    es.indices.delete_alias(index="*", name=write_alias)
    # A clear error names the missing alias: in dead letters or in the index stage's recent errors.
    deadline, clear = time.monotonic() + 90, None
    monitor = Monitor(redis.Redis.from_url(services.redis_url))
    while time.monotonic() < deadline and clear is None:
        errors = [letter.error for letter in run.dead_letters()]
        errors += [f"{record.stage}: {record.reason}" for record in monitor.recent_errors(50)]
        clear = next((e for e in errors if "alias" in e.lower()), None)
        time.sleep(1)
    stray = es.options(ignore_status=404).indices.exists(index=write_alias) and not es.indices.exists_alias(
        name=write_alias
    )
    run.figures.notes.append(f"write alias deleted at >=30; stray concrete index: {bool(stray)}")
    assert clear, f"no error naming the alias within 90 s (stray index {write_alias}: {bool(stray)})\n" + run.diagnose()
    repair = run.newsdesk("index", "repair")
    assert repair.returncode == 0, f"newsdesk index repair: {repair.stdout}{repair.stderr}"
    with api_server(run.env, tmp_path / "api.log") as api:
        retried = httpx.post(
            f"{api}/ops/api/deadletters/retry",
            json={"all": True},
            headers={"X-Admin-Key": run.env["NEWSDESK_ADMIN_KEY"]},
            timeout=30,
        )
        assert retried.status_code == 200, retried.text
        run.figures.notes.append(f"retried {retried.json()['count']} dead letters")
        run.drain(within=180)
        run.measure()
        run.assert_every_article_once(dead_letters_allowed=True)
        found = httpx.get(f"{api}/search", params={"q": "story 199"}, timeout=30).json()
        assert found["total"] >= 1, found


def test_fetched_host_answering_503_for_90_seconds(fault_run):
    run = fault_run
    run.start_worker()
    run.start_crawl(CRAWL_TIMEOUT)
    run.wait_indexed(20, time.monotonic() + 120)
    run.outage.start(90)
    time.sleep(90)
    run.figures.notes.append(f"host answered 503 to {run.outage.refused} requests for 90 s from >=20")
    run.drain(within=240)
    run.measure()
    assert run.outage.refused > 0, "the outage came too late: nothing was refused"
    run.assert_every_article_once()
    run.assert_crawl_finished()
