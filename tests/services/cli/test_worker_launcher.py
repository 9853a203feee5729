"""`newsdesk worker` picks a pool per stage; bad flags get one clear line, not a traceback."""

from __future__ import annotations

from newsdesk.settings import get_settings
from services.cli.worker import plan
from tests.clirunner import run_newsdesk


def test_fetch_and_index_run_on_threads_and_parse_on_one_process_per_cpu() -> None:
    fetch, parse, index = plan(["fetch", "parse", "index"])
    assert (fetch.pool, index.pool, parse.pool) == ("threads", "threads", "prefork")
    assert parse.concurrency == get_settings().effective_parse_processes
    assert parse.prefetch > 1 and fetch.prefetch == 1  # a parse process never waits on the broker


def test_overrides_apply_to_the_stages_started() -> None:
    (parse,) = plan(["parse"], parse_processes=3)
    assert parse.concurrency == 3
    assert [w.pool for w in plan(["fetch", "parse"], pool="solo", concurrency=1)] == ["solo", "solo"]
    command = " ".join(parse.command("x", "INFO"))
    assert "--queues parse --pool prefork --concurrency 3" in command and "--hostname parse-x@%h" in command


def test_print_shows_one_celery_worker_per_stage() -> None:
    out = run_newsdesk("worker", "--print")
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and len(lines) == 3
    assert "--queues fetch --pool threads" in lines[0] and "--queues parse --pool prefork" in lines[1]
    # saved searches' webhooks are consumed too, by the index worker's process (one process fewer)
    assert "--queues index,alerts --pool threads" in lines[2] and "--hostname index-" in lines[2]
    assert "--max-memory-per-child" in lines[1]  # parse processes are replaced past their memory cap


def test_alerts_apart_and_the_parse_memory_cap_are_flags() -> None:
    workers = plan(["index", "alerts", "parse"], alerts_apart=True, parse_max_memory_mb=300)
    assert [w.queue for w in workers] == ["index", "alerts", "parse"]
    assert "--max-memory-per-child 307200" in " ".join(workers[2].command("x", "INFO"))
    assert [w.queue for w in plan(["alerts", "index"])] == ["index,alerts"]


def test_an_unknown_stage_is_one_line_on_stderr() -> None:
    out = run_newsdesk("worker", "--queues", "parse,render", "--print")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "--queues takes" in out.stderr


def test_fetch_with_index_is_one_thread_pool_holding_both_stages_threads() -> None:
    (io, parse) = plan(["fetch", "index", "alerts", "parse"], fetch_threads=8, index_threads=32, fetch_with_index=True)
    assert (io.queue, io.pool, io.concurrency) == ("fetch,index,alerts", "threads", 40)
    assert parse.queue == "parse"
