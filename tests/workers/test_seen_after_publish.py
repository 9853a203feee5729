"""Links are marked seen only once their fetch task is published (workers/fetcher.py submit_new_links)."""

import functools
import operator
import uuid
from datetime import UTC

import pytest
import redis

from newsdesk.crawl.discovery import DiscoveredLink
from newsdesk.crawl.seen import SEEN_KEY, SeenSet
from newsdesk.errors import TransientError
from workers.fetcher import submit_new_links


def links(n: int) -> list[DiscoveredLink]:
    base = f"https://seen-{uuid.uuid4().hex[:8]}.test"
    return [DiscoveredLink(url=f"{base}/{i}") for i in range(n)]


def test_a_publish_failure_leaves_the_link_unseen_for_the_next_poll(redis_url):
    client = redis.Redis.from_url(redis_url)
    batch = links(3)
    published: list[str] = []

    def broker_down_after_one(url, source, run_id):
        if published:
            raise ConnectionError("broker unreachable")
        published.append(url)

    with pytest.raises(TransientError, match="queued 1 of 3 links, then publishing failed"):
        submit_new_links(client, batch, "s", publish=broker_down_after_one)
    assert client.hget(SEEN_KEY, batch[0].url) is not None
    assert client.hget(SEEN_KEY, batch[1].url) is None and client.hget(SEEN_KEY, batch[2].url) is None

    retried: list[str] = []
    assert submit_new_links(client, batch, "s", publish=lambda url, s, r: retried.append(url)) == 2
    assert retried == [batch[1].url, batch[2].url]
    assert submit_new_links(client, batch, "s", publish=lambda url, s, r: retried.append(url)) == 0


def test_a_concurrent_poll_does_not_queue_a_claimed_link(redis_url):
    client = redis.Redis.from_url(redis_url)
    [link] = links(1)
    assert SeenSet(client).claim_if_new(link.url, None)  # another poll is publishing it right now
    assert submit_new_links(client, [link], "s", publish=lambda *a: pytest.fail("queued twice")) == 0
    SeenSet(client).release(link.url)


def test_a_huge_feed_is_queued_a_capped_slice_per_poll_newest_first(redis_url):
    from datetime import datetime, timedelta

    from newsdesk.crawl.discovery import newest_first

    client = redis.Redis.from_url(redis_url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [DiscoveredLink(url=link.url, updated=start + timedelta(hours=i)) for i, link in enumerate(links(25))]
    polls: list[list[str]] = []
    for _ in range(4):
        queued: list[str] = []
        submit_new_links(
            client, newest_first(batch), "s", publish=lambda url, s, r, queued=queued: queued.append(url), limit=10
        )
        polls.append(queued)
    assert [len(p) for p in polls] == [10, 10, 5, 0]
    assert polls[0][0] == batch[-1].url  # the newest first
    assert sorted(functools.reduce(operator.iadd, polls, [])) == sorted(
        link.url for link in batch
    )  # every link once, none skipped
