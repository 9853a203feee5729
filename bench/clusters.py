"""Benchmark: syndication clusters, their quality and what placing articles costs the index stage.

    python bench/clusters.py [--stories 200] [--copies 3] [--singles 400] [--batch 50] [--redis-url redis://...]

1. Corpus (seeded): --stories wire stories of 250-600 words drawn from a 3,000-word vocabulary, each published
   --copies more times, lightly edited (a dateline, a dropped paragraph, about 3% of words changed, a credit line);
   and --singles unrelated stories. Every article has its own URL and source.
2. Quality: pairs of articles that share a cluster, against the truth (copies of one story): precision, recall.
3. Cost, in one interleaved run, batch by batch: the embedded index written directly (the baseline) and through
   Clusters.place first, with the SQLite store and, when --redis-url is given, the Redis store (a scratch prefix,
   deleted afterwards). Also the Redis memory the state holds per article (MEMORY USAGE over its keys).
4. With --es-url: the placed articles in a scratch Elasticsearch index, and search latency with collapse=true against
   the same searches without it (match-all and one-word queries, first and fifth page), alternating query by query.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.index.clusters import Clusters, RedisClusterStore, SqliteClusterStore  # noqa: E402
from newsdesk.index.embedded import EmbeddedIndex  # noqa: E402
from newsdesk.models import Article  # noqa: E402


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnoprstuvw"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)]


def _story(rng: random.Random, words: list[str]) -> str:
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 90))) for _ in range(rng.randint(5, 8))]
    return "\n\n".join(paragraphs)


def _edited(rng: random.Random, body: str, words: list[str]) -> str:
    paragraphs = body.split("\n\n")
    del paragraphs[rng.randrange(len(paragraphs))]
    changed = [
        " ".join(rng.choice(words) if rng.random() < 0.03 else word for word in paragraph.split())
        for paragraph in paragraphs
    ]
    return f"CITY ({rng.choice(words).upper()}) — " + "\n\n".join(changed) + "\n\nCopyright 2026, all rights reserved."


def corpus(stories: int, copies: int, singles: int, seed: int = 14) -> tuple[list[Article], dict[str, int]]:
    """Articles in a shuffled arrival order, and the story number each one is a version of."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    articles: list[Article] = []
    truth: dict[str, int] = {}
    for number in range(stories + singles):
        body = _story(rng, words)
        versions = [body] + ([_edited(rng, body, words) for _ in range(copies)] if number < stories else [])
        for outlet, text in enumerate(versions):
            url = f"https://outlet{outlet}.example/{number}"
            articles.append(
                Article(url=url, canonical_url=url, title=f"Story {number}", source=f"o{outlet}", body=text)
            )
            truth[articles[-1].id] = number
    rng.shuffle(articles)
    return articles, truth


def pair_scores(placed: list[Article], truth: dict[str, int]) -> tuple[float, float]:
    def pairs(groups: dict) -> set[tuple[str, str]]:
        return {tuple(sorted(pair)) for members in groups.values() for pair in itertools.combinations(members, 2)}

    by_cluster: dict[str, list[str]] = defaultdict(list)
    by_story: dict[int, list[str]] = defaultdict(list)
    for article in placed:
        by_cluster[article.cluster_id or article.id].append(article.id)
        by_story[truth[article.id]].append(article.id)
    found, true = pairs(by_cluster), pairs(by_story)
    hits = len(found & true)
    return hits / len(found) if found else 1.0, hits / len(true) if true else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--singles", type=int, default=400)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--redis-url", default=None, help="also measure the Redis store (a scratch key prefix)")
    parser.add_argument("--es-url", default=None, help="also measure collapsed search latency (a scratch index)")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    articles, truth = corpus(args.stories, args.copies, args.singles)
    batches = [articles[start : start + args.batch] for start in range(0, len(articles), args.batch)]
    scratch = Path(tempfile.mkdtemp(prefix="bench-clusters-"))
    runs: dict[str, tuple[EmbeddedIndex, Clusters | None]] = {
        "index only (baseline)": (EmbeddedIndex(scratch / "baseline.sqlite3"), None),
        "SQLite store + index": (
            EmbeddedIndex(scratch / "sqlite.sqlite3"),
            Clusters(SqliteClusterStore(scratch / "c.db")),
        ),
    }
    redis = None
    prefix = f"bench-clusters-{time.time_ns()}"
    if args.redis_url:
        import redis as redis_module

        redis = redis_module.Redis.from_url(args.redis_url)
        runs["Redis store + index"] = (
            EmbeddedIndex(scratch / "redis.sqlite3"),
            Clusters(RedisClusterStore(redis, prefix)),
        )
    Clusters(SqliteClusterStore(scratch / "warm.db")).place(articles[:2])  # imports and LSH parameters, untimed
    seconds = dict.fromkeys(runs, 0.0)
    placed: dict[str, list[Article]] = {name: [] for name in runs}
    for number, batch in enumerate(batches):
        order = list(runs)
        if number % 2:
            order.reverse()
        for name in order:
            index, clusters = runs[name]
            start = time.perf_counter()
            out = clusters.place(batch) if clusters else batch
            index.index_articles(out)
            seconds[name] += time.perf_counter() - start
            placed[name].extend(out)

    print(f"{len(articles)} articles ({args.stories} stories x {1 + args.copies} versions, {args.singles} singles)")
    print(f"{'run':<24} {'articles/s':>11} {'x baseline':>11} {'precision':>10} {'recall':>8}")
    base = seconds["index only (baseline)"]
    for name in runs:
        rate = len(articles) / seconds[name]
        quality = pair_scores(placed[name], truth) if runs[name][1] else None
        scores = f"{quality[0]:>10.3f} {quality[1]:>8.3f}" if quality else f"{'-':>10} {'-':>8}"
        print(f"{name:<24} {rate:>11.0f} {base / seconds[name]:>11.2f} {scores}")
    if redis is not None:
        used = sum(int(redis.memory_usage(key) or 0) for key in redis.scan_iter(f"{prefix}:*", count=1000))
        print(f"Redis state: {used / len(articles):.0f} bytes per article ({used / 1e6:.1f} MB)")
        for key in redis.scan_iter(f"{prefix}:*", count=1000):
            redis.delete(key)
    if args.es_url:
        collapse_latency(args.es_url, placed["SQLite store + index"], args.queries)


def collapse_latency(es_url: str, articles: list[Article], queries: int) -> None:
    from newsdesk.index.elastic import ElasticIndex
    from newsdesk.index.search import SearchRequest

    index = ElasticIndex(es_url, prefix=f"bench-clusters-{time.time_ns()}")
    try:
        index.index_articles(articles)
        index.refresh()
        words = sorted({word for article in articles[:50] for word in article.body.split()[:20]})
        rng = random.Random(7)
        seconds: dict[bool, list[float]] = {False: [], True: []}
        for number in range(queries):
            q = rng.choice(["", rng.choice(words)])
            page = rng.choice([1, 5])
            for collapse in (False, True) if number % 2 else (True, False):
                start = time.perf_counter()
                index.search(SearchRequest(q=q, page=page, size=10, collapse=collapse))
                seconds[collapse].append(time.perf_counter() - start)
        plain, collapsed = (sorted(seconds[flag]) for flag in (False, True))
        for label, at in (("p50", 0.5), ("p95", 0.95)):
            base, with_collapse = plain[int(at * len(plain))], collapsed[int(at * len(collapsed))]
            print(
                f"search {label}: {base * 1000:.1f} ms plain, {with_collapse * 1000:.1f} ms collapsed"
                f" ({with_collapse / base:.2f}x)"
            )
    finally:
        index.client.indices.delete(index=f"{index.prefix}-articles-v*")
        index.client.indices.delete_index_template(name=f"{index.prefix}-articles")
        index.close()


if __name__ == "__main__":
    main()
