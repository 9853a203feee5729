"""Work a worker holds but has not acknowledged is visible per queue (kombu's real Redis transport)."""

from __future__ import annotations

from kombu import Connection

from services.dashboard.broker import inspect_queues


def test_unacknowledged_messages_are_counted_per_queue_not_hidden(redis_url, clean_redis):
    with Connection(redis_url) as conn:
        parse = conn.SimpleQueue("parse")
        for n in range(3):
            parse.put({"n": n})
        taken = [parse.get(timeout=5) for _ in range(2)]  # reserved, not acked: what a running task looks like
        states = {q.name: q for q in inspect_queues(clean_redis, ["fetch", "parse", "index"])}
        assert (states["parse"].ready, states["parse"].unacked) == (1, 2)
        assert states["fetch"].unacked == states["index"].unacked == 0

        taken[0].ack()
        assert {q.name: q.unacked for q in inspect_queues(clean_redis, ["parse"])} == {"parse": 1}
        taken[1].ack()
        parse.close()
