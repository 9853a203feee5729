"""Run tallies keyed by article URL (newsdesk/ops/runs.py) on real Redis: redelivery never double-counts."""

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from newsdesk.errors import TransientError
from newsdesk.ops.runs import MemoryRun, RedisRun


def test_redelivered_stages_count_each_article_once(redis_url):
    run = RedisRun(redis.Redis.from_url(redis_url))
    run.start(2)
    for _ in range(3):  # the same task delivered three times (worker killed, Redis blip, retry)
        run.add("fetched", url="https://a.test/1")
        run.add("parsed", url="https://a.test/1")
        run.add("indexed", url="https://a.test/1")
    tally = run.read()
    assert (tally.total, tally.fetched, tally.parsed, tally.indexed, tally.failed) == (2, 1, 1, 1, 0)
    assert not tally.done
    run.add("failed", error="https://a.test/2: gone", url="https://a.test/2")
    run.add("failed", error="https://a.test/2: gone", url="https://a.test/2")
    tally = run.read()
    assert (tally.indexed, tally.failed, tally.finished, tally.done) == (1, 1, 2, True)
    assert tally.errors == ["https://a.test/2: gone"]
    run.add("indexed", url="https://a.test/2")  # a dead letter retried from /ops: its final outcome changes
    assert (run.read().indexed, run.read().failed) == (2, 0)


def test_a_tally_write_while_redis_is_down_raises_transient_error():
    # No client retries (redis-py retries a refused connection 3 times with backoff): the tally's own error is tested.
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    with pytest.raises(TransientError, match=r"run tally .* Redis write failed"):
        RedisRun(unreachable, "r1").add("indexed", url="https://a.test/1")


def test_memory_run_counts_by_url_too():
    run = MemoryRun(total=1)
    run.add("parsed", url="u")
    run.add("parsed", url="u")
    run.add("indexed", url="u")
    assert (run.tally.parsed, run.tally.indexed, run.tally.done) == (1, 1, True)
