"""newsdesk/ops/failures.py + the dead-letter store's groups: causes blanked, groups kept as letters come and go."""

import json
import random
from collections import Counter

import pytest

from newsdesk.ops.deadletters import (
    BY_TIME_KEY,
    DEAD_LETTERS_KEY,
    GROUP_COUNTS_KEY,
    GROUPS_BUILT_KEY,
    DeadLetter,
    DeadLetterStore,
)
from newsdesk.ops.failures import failure_cause


@pytest.mark.parametrize(
    "error, cause",
    [
        ("HTTP 404 for https://a.test/news/7", "HTTP 404 for <url>"),
        ("HTTP 503 for https://b.test/x?id=9 after 16 retries", "HTTP 503 for <url> after <n> retries"),
        (
            "gave up after 16 retries: ConnectionError: [Errno 111] refused",
            "gave up after <n> retries: ConnectionError: [Errno <n>] refused",
        ),
        ("no stored page with key 3f2a9c1b7d4e5f60aa", "no stored page with key <id>"),
        ("NotAnArticle: 'application/pdf' is not HTML", "NotAnArticle: <text> is not HTML"),
        ("  spaces \n  collapse  ", "spaces collapse"),
    ],
)
def test_variable_parts_of_a_message_are_blanked(error, cause):
    assert failure_cause(error) == cause


FETCH, PARSE = "newsdesk.fetch_article", "newsdesk.parse_article"


def _letter(task: str, error: str, at: float) -> DeadLetter:
    return DeadLetter(task=task, args=[], kwargs={"url": f"https://a.test/{at}"}, error=error, failed_at=at)


def _from_scratch(store: DeadLetterStore) -> Counter:
    """The reference: every stored letter grouped again."""
    return Counter((letter.task, failure_cause(letter.error)) for letter in store.list(limit=100_000))


def _kept(store: DeadLetterStore) -> Counter:
    return Counter({(g.task, g.cause): g.count for g in store.groups()})


def test_groups_largest_first_with_the_newest_letter_as_example(clean_redis):
    store = DeadLetterStore(clean_redis)
    for n in range(3):
        store.add(_letter(FETCH, f"HTTP 404 for https://a.test/{n}", n))
    store.add(_letter(FETCH, "HTTP 410 for https://a.test/x", 9))
    store.add(_letter(PARSE, "HTTP 404 for https://a.test/y", 1))
    groups = store.groups()
    assert [(g.task, g.cause, g.count) for g in groups] == [
        (FETCH, "HTTP 404 for <url>", 3),
        (FETCH, "HTTP 410 for <url>", 1),  # the newer of the two single letters first
        (PARSE, "HTTP 404 for <url>", 1),
    ]
    assert groups[0].example == "HTTP 404 for https://a.test/2" and groups[0].newest_at == 2
    assert groups[0].example_url == "https://a.test/2"
    assert len(store.group_ids(groups[0].key)) == 3 and len({g.key for g in groups}) == 3


def test_counts_follow_adds_discards_retries_and_the_size_cap(clean_redis, monkeypatch):
    import newsdesk.ops.deadletters as deadletters

    monkeypatch.setattr(deadletters, "MAX_DEAD_LETTERS", 40)  # the cap trims the oldest through remove()
    store = DeadLetterStore(clean_redis)
    rng = random.Random(7)
    errors = ["HTTP 404 for https://x.test/{n}", "HTTP 503 for https://y.test/{n}", "NotAnArticle: 'p{n}' is not HTML"]
    sent: list[DeadLetter] = []
    trimmed = False
    for step in range(300):
        roll = rng.random()
        ids = store.ids()
        if roll < 0.6 or not ids:
            trimmed |= store.count() == 40
            store.add(_letter(rng.choice([FETCH, PARSE]), rng.choice(errors).format(n=step), float(step)))
        elif roll < 0.8:
            store.discard([rng.choice(ids), "no-such-id"])
        else:
            store.retry([rng.choice(ids)], sent.append)
        if step % 25 == 0:
            assert _kept(store) == _from_scratch(store), f"step {step}"
    assert trimmed and sent and store.count() <= 40
    assert _kept(store) == _from_scratch(store)
    assert sum(int(v) for v in clean_redis.hvals(GROUP_COUNTS_KEY)) == store.count()
    for letter_id in store.ids():
        store.remove(letter_id)
    assert store.groups() == [] and clean_redis.hlen(GROUP_COUNTS_KEY) == 0


def test_a_failed_publish_puts_the_letter_back_in_its_group(clean_redis):
    store = DeadLetterStore(clean_redis)
    letter_id = store.add(_letter(FETCH, "HTTP 503 for https://a.test/1", 1))

    def broken(_letter: DeadLetter) -> None:
        raise ConnectionError("broker down")

    with pytest.raises(ConnectionError):
        store.retry([letter_id], broken)
    assert [(g.count, g.example_id) for g in store.groups()] == [(1, letter_id)]


def test_letters_stored_before_the_groups_are_grouped_once_on_first_read(clean_redis):
    old = [_letter(FETCH, f"HTTP 404 for https://a.test/{n}", n) for n in range(5)]
    old.append(_letter(PARSE, "NotAnArticle: 'x' is not HTML", 9))
    for letter in old:  # the previous store's layout: the letter and its time, nothing else
        clean_redis.hset(DEAD_LETTERS_KEY, letter.id, json.dumps(letter.__dict__))
        clean_redis.zadd(BY_TIME_KEY, {letter.id: letter.failed_at})
    store = DeadLetterStore(clean_redis)
    assert not clean_redis.exists(GROUPS_BUILT_KEY)
    store.add(_letter(FETCH, "HTTP 404 for https://a.test/new", 10))  # written live before any read
    expected = Counter({(FETCH, "HTTP 404 for <url>"): 6, (PARSE, "NotAnArticle: <text> is not HTML"): 1})
    assert _kept(store) == expected and clean_redis.exists(GROUPS_BUILT_KEY)
    clean_redis.delete(GROUPS_BUILT_KEY)  # building again counts nothing twice
    assert _kept(store) == expected
    store.discard([old[0].id])
    assert _kept(store)[(FETCH, "HTTP 404 for <url>")] == 5
