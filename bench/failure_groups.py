"""Benchmark: "Failures by cause" per dashboard poll, kept groups vs grouping every dead letter again.

    python bench/failure_groups.py --redis-url redis://127.0.0.1:6379/7 [--letters 10000] [--causes 40]

Fills the (flushed!) database with --letters dead letters over --causes causes (URLs, numbers and ids vary
inside a cause), then alternates, round by round: the baseline reads every letter and groups it
(`failure_cause` over `DeadLetterStore.list(MAX_DEAD_LETTERS)`, what GET /ops/api/deadletters/groups did
before the groups were kept) and the kept groups (`DeadLetterStore.groups()`). Prints the median of each
side by side, the ratio, and the one-off cost of grouping letters stored before the groups existed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter

import redis

from newsdesk.ops.deadletters import BY_TIME_KEY, DEAD_LETTERS_KEY, MAX_DEAD_LETTERS, DeadLetter, DeadLetterStore
from newsdesk.ops.failures import failure_cause

TASKS = ("newsdesk.fetch_article", "newsdesk.parse_article", "newsdesk.index_article")


def fill(client: redis.Redis, letters: int, causes: int, seed: int = 3) -> None:
    """Letters in the old layout (no groups), as an upgraded deployment finds them."""
    rng = random.Random(seed)
    shapes = [f"HTTP {400 + n % 100} for {{url}} after {{n}} tries (shape {n})" for n in range(causes)]
    with client.pipeline(transaction=False) as pipe:
        for n in range(letters):
            url = f"https://site{n % 97}.test/news/{n}"
            error = rng.choice(shapes).format(url=url, n=rng.randint(1, 16))
            letter = DeadLetter(task=rng.choice(TASKS), args=[], kwargs={"url": url}, error=error, failed_at=n)
            letter.traceback = "Traceback (most recent call last):\n" + "  File ...\n" * 30  # letters carry one
            pipe.hset(DEAD_LETTERS_KEY, letter.id, json.dumps(letter.__dict__))
            pipe.zadd(BY_TIME_KEY, {letter.id: letter.failed_at})
        pipe.execute()


def regroup(store: DeadLetterStore) -> Counter:
    return Counter((letter.task, failure_cause(letter.error)) for letter in store.list(limit=MAX_DEAD_LETTERS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", required=True, help="a database this benchmark may FLUSH")
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--causes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    fill(client, args.letters, args.causes)
    store = DeadLetterStore(client)
    started = time.perf_counter()
    store.ensure_groups_built()
    migration = time.perf_counter() - started
    kept = Counter({(g.task, g.cause): g.count for g in store.groups(limit=10_000)})
    assert kept == regroup(store), "the kept groups differ from grouping every letter"
    timings: dict[str, list[float]] = {"regroup every letter (before)": [], "kept groups (now)": []}
    for _ in range(args.rounds):
        for name, run in (
            ("regroup every letter (before)", lambda: regroup(store)),
            ("kept groups (now)", store.groups),
        ):
            started = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - started)
    before, now = (statistics.median(t) * 1000 for t in timings.values())
    print(f"{args.letters} dead letters in {len(kept)} groups, {args.rounds} interleaved rounds, median per poll:")
    for name, values in timings.items():
        print(f"  {name:<32} {statistics.median(values) * 1000:9.1f} ms")
    print(f"  ratio before / now               {before / now:9.1f}x")
    print(f"one-off grouping of the letters stored before the groups: {migration * 1000:.0f} ms")
    client.flushdb()


if __name__ == "__main__":
    main()
