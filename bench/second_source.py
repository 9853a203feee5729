"""Benchmark: what recording a second source costs a poll whose links are all seen already.

    python bench/second_source.py --redis-url redis://127.0.0.1:6379/SCRATCH --es-url http://127.0.0.1:9200 [--links 2000]

One poll of --links seen links through workers/fetcher.py submit_new_links, interleaved round by round: without
`record_source` (the baseline: the seen-set's check per link) and with Pipeline.record_source (one registrations read
for the poll; every link already holds the source, the steady state). The Redis database is flushed before and after:
give it a scratch one. The Elasticsearch index is a scratch prefix, deleted afterwards (nothing is written to it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402

from newsdesk.crawl.discovery import DiscoveredLink  # noqa: E402
from newsdesk.index.clusters import RedisClusterStore, Registered  # noqa: E402
from newsdesk.index.elastic import ElasticIndex  # noqa: E402
from newsdesk.models import article_id  # noqa: E402
from newsdesk.pipeline import Pipeline  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from workers.fetcher import submit_new_links  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True, help="a scratch database: it is flushed")
    parser.add_argument("--es-url", required=True)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    prefix = f"benchsources{uuid.uuid4().hex[:6]}"
    settings = Settings(data_dir=Path(tempfile.mkdtemp()), redis_url=args.redis_url, index_prefix=prefix)
    index = ElasticIndex(args.es_url, prefix=prefix)
    pipeline = Pipeline(settings, index=index, redis_client=client)
    links = [DiscoveredLink(url=f"https://bench.test/story/{n}") for n in range(args.links)]
    try:
        submit_new_links(client, links, "a", publish=lambda *_: None)  # every link seen
        ids = [article_id(link.url) for link in links]
        store = RedisClusterStore(client, prefix=f"{prefix}:clusters")
        store.save([], {id_: Registered(n, id_, ["a"]) for n, id_ in enumerate(ids)})  # and indexed through "a"
        plain: list[float] = []
        recorded: list[float] = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            submit_new_links(client, links, "a", publish=lambda *_: None)
            plain.append(time.perf_counter() - started)
            started = time.perf_counter()
            submit_new_links(client, links, "a", publish=lambda *_: None, record_source=pipeline.record_source)
            recorded.append(time.perf_counter() - started)
    finally:
        index.client.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
        index.client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")
        client.flushdb()
        pipeline.close()
    base, with_sources = statistics.median(plain), statistics.median(recorded)
    print(f"{args.links} seen links per poll, median of {args.rounds} interleaved rounds")
    print(f"{'poll':<28}{'ms':>8}{'ratio':>8}")
    print(f"{'seen-set only (baseline)':<28}{base * 1000:>8.1f}{1:>8.2f}")
    print(f"{'with record_source':<28}{with_sources * 1000:>8.1f}{with_sources / base:>8.2f}")
    print(f"per skipped link: {(with_sources - base) / args.links * 1e6:.1f} us more")


if __name__ == "__main__":
    main()
