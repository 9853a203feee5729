"""newsdesk/ops/monitoring.py and the dead-letter store's retry/discard, on a real Redis."""

import pytest

from newsdesk.ops.deadletters import DeadLetter, DeadLetterStore
from newsdesk.ops.monitoring import ErrorRecord, Monitor, WorkerBeat, percentile

pytestmark = pytest.mark.redis
NOW = 1_800_000_000.0  # a minute boundary


@pytest.mark.parametrize(
    "samples, q, expected",
    [
        ([], 50, None),
        ([3.0], 95, 3.0),
        ([1, 2, 3, 4], 50, 2),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10),
        (list(range(1, 101)), 95, 95),
    ],
)
def test_percentile_is_nearest_rank(samples, q, expected):
    assert percentile(samples, q) == expected


def test_outcomes_count_per_minute_and_in_total(clean_redis):
    monitor = Monitor(clean_redis)
    monitor.record_task("fetch", "succeeded", 0.2, now=NOW - 120)
    monitor.record_task("fetch", "succeeded", 0.4, now=NOW)
    monitor.record_task("fetch", "failed", 0.1, now=NOW + 5)
    monitor.record_task("parse", "retried", None, now=NOW + 5)

    assert monitor.totals() == {"fetch": {"succeeded": 2, "failed": 1}, "parse": {"retried": 1}}
    series = monitor.per_minute(5, now=NOW + 10)
    assert [start for start, _ in series] == [NOW - 240, NOW - 180, NOW - 120, NOW - 60, NOW]
    assert series[2][1] == {"fetch": {"succeeded": 1}}
    assert series[4][1] == {"fetch": {"succeeded": 1, "failed": 1}, "parse": {"retried": 1}}
    assert monitor.error_rate("fetch", now=NOW + 10) == pytest.approx(1 / 3)
    assert monitor.error_rate("index", now=NOW + 10) is None
    assert clean_redis.ttl(f"newsdesk:stats:minute:{int(NOW)}") > 3600


def test_latency_samples_and_cumulative_histogram(clean_redis):
    monitor = Monitor(clean_redis)
    for duration in (0.005, 0.02, 0.3, 0.3, 7.0, 500.0):
        monitor.record_task("index", "succeeded", duration, now=NOW)
    assert sorted(monitor.latency_samples("index")) == [0.005, 0.02, 0.3, 0.3, 7.0, 500.0]
    hist = monitor.latency_histogram("index")
    assert hist.count == 6 and hist.sum == pytest.approx(507.625)
    by_bound = dict(zip(hist.bounds, hist.buckets))
    assert by_bound[0.01] == 1 and by_bound[0.025] == 2 and by_bound[0.5] == 4 and by_bound[10.0] == 5
    assert hist.buckets[-1] == 5  # 500 s lies beyond the last bound: only in +Inf (the count)


def test_errors_newest_first_filtered_by_stage(clean_redis):
    monitor = Monitor(clean_redis)
    monitor.record_error(ErrorRecord(at=1, stage="fetch", task="t", reason="HTTP 404", subject="u1"))
    monitor.record_error(ErrorRecord(at=2, stage="parse", task="t", reason="binary", subject="k"))
    monitor.record_error(ErrorRecord(at=3, stage="fetch", task="t", reason="HTTP 410", subject="u2"))
    assert [e.reason for e in monitor.recent_errors()] == ["HTTP 410", "binary", "HTTP 404"]
    assert [e.subject for e in monitor.recent_errors(stage="fetch")] == ["u2", "u1"]


def test_workers_online_only_with_recent_heartbeat(clean_redis):
    monitor = Monitor(clean_redis)
    monitor.beat(WorkerBeat(name="fresh@h", queues=["fetch"], active=2, last_heartbeat=NOW - 5))
    monitor.beat(WorkerBeat(name="stale@h", queues=["parse"], last_heartbeat=NOW - 300))
    assert [(w.name, w.active) for w in monitor.workers(now=NOW)] == [("fresh@h", 2)]
    monitor.worker_gone("fresh@h")
    assert monitor.workers(now=NOW) == []


def test_source_health_counts_last_24_hours_and_pause(clean_redis):
    monitor = Monitor(clean_redis)
    monitor.record_source("wire", "poll_ok", now=NOW - 10)
    monitor.record_source("wire", "indexed", now=NOW - 25 * 3600)  # too old for the 24 h count
    monitor.record_source("wire", "indexed", now=NOW - 3600)
    monitor.record_source("wire", "indexed", now=NOW)
    monitor.record_source("wire", "failed", now=NOW, error="HTTP 404 from x")
    monitor.record_source("wire", "robots", now=NOW, error="robots.txt disallows x")

    # "quiet" is configured (and paused) in the registry but has no traffic yet: it is listed all the same.
    health = {s.name: s for s in monitor.sources(now=NOW, configured={"quiet": True, "wire": False})}
    assert set(health) == {"wire", "quiet"}
    wire = health["wire"]
    assert (wire.articles_24h, wire.failures_24h, wire.robots_24h) == (2, 1, 1)
    assert wire.last_poll_ok == NOW - 10 and wire.last_error == "robots.txt disallows x" and not wire.paused
    assert health["quiet"].paused and health["quiet"].articles_24h == 0


def test_lag_samples(clean_redis):
    monitor = Monitor(clean_redis)
    monitor.record_lag("fetched", 2.0)
    monitor.record_lag("fetched", -1.0)  # clock skew: never negative
    assert sorted(monitor.lag_samples("fetched")) == [0.0, 2.0]
    assert monitor.lag_histogram("fetched").count == 2


def test_dead_letter_retry_claims_once_and_restores_on_publish_failure(clean_redis):
    store = DeadLetterStore(clean_redis)
    first = store.add(DeadLetter(task="newsdesk.fetch_article", args=["http://x/1", "s"], kwargs={}, error="HTTP 404"))
    second = store.add(DeadLetter(task="newsdesk.fetch_article", args=["http://x/2", "s"], kwargs={}, error="HTTP 404"))
    sent = []
    assert store.retry([first, "missing"], sent.append) == [first]
    assert store.retry([first], sent.append) == []  # already claimed: not sent twice
    assert [letter.args[0] for letter in sent] == ["http://x/1"]
    assert store.ids() == [second]

    def broken(letter):
        raise ConnectionError("broker down")

    with pytest.raises(ConnectionError):
        store.retry([second], broken)
    assert store.ids() == [second]  # put back, nothing lost
    assert store.discard([second, "missing"]) == [second] and store.count() == 0
