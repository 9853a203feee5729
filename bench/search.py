"""Benchmark: search latency through the API vs directly against Elasticsearch, and indexing rate.

    python bench/search.py [--docs 50000] [--queries 400] [--es-url http://127.0.0.1:9200]

1. Corpus: the fixture pages (tests/fixtures/site/*.html) parsed with newsdesk.parse.extract_article,
   then varied: words swapped from the corpus vocabulary, paragraphs shuffled, dates spread over six
   years, twelve sources, sections and authors drawn at random, quotes reworded. Seeded: reproducible.
2. Indexing: each batch of --batch articles goes to two fresh indices (which first alternates) from the same template:
   through the pipeline's indexer (ElasticIndex.index_articles: Article -> document -> bulk) and as raw
   `_bulk` bodies built beforehand (documents serialized outside the timing). Rate = docs / seconds.
3. Queries: one mix (words, two-word ANDs, phrases, OR, exclusion, source/date filters, newest sort,
   deep cursor pages) run through a real `newsdesk serve` (uvicorn) process over HTTP and directly
   with the Elasticsearch client on the same search bodies, alternating query by query.
Targets: API p99 <= 1.3x direct p99; pipeline indexing rate >= 0.9x raw _bulk.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from elasticsearch import Elasticsearch  # noqa: E402

from newsdesk.index.document import to_es_document  # noqa: E402
from newsdesk.index.elastic import ElasticIndex  # noqa: E402
from newsdesk.index.search import SearchRequest, Sort, build_es_query  # noqa: E402
from newsdesk.models import Article, Quote  # noqa: E402
from newsdesk.parse import extract_article  # noqa: E402

SOURCES = [
    "ledger",
    "tribune",
    "courier",
    "herald",
    "gazette",
    "observer",
    "sentinel",
    "chronicle",
    "dispatch",
    "examiner",
    "monitor",
    "post",
]
SECTIONS = ["World", "Local", "Politics", "Business", "Science", "Climate", "Culture", "Sport"]
AUTHORS = [
    "Dana Whitfield",
    "Rick Moran",
    "Maria Santos",
    "Ann Lee",
    "Omar Haddad",
    "Lena Vogel",
    "Kofi Mensah",
    "Priya Raman",
    "Tom Becker",
    "Ines Duarte",
    "Yuki Sato",
    "Sam Okafor",
]
SPEAKERS = ["Elena Park", "Ahmad Massoud", "Antonio Ruiz", "Raymond Otis", "Zahir Aghbar", "Grace Liu", "Ben Ortiz"]


def base_articles() -> list[Article]:
    pages = sorted((REPO / "tests/fixtures/site").glob("*.html"))
    return [
        extract_article(p.read_text().replace("BASE", "https://news.example"), url=f"https://news.example/{p.stem}")
        for p in pages
    ]


def corpus(n: int, seed: int = 5) -> list[Article]:
    rng = random.Random(seed)
    bases = base_articles()
    vocab = sorted({w for a in bases for w in a.body.split() if w.isalpha() and len(w) > 3})
    start = datetime(2019, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        base = bases[i % len(bases)]
        paragraphs = [p for p in base.body.split("\n") if p.strip()]
        rng.shuffle(paragraphs)
        words = " ".join(paragraphs[: rng.randint(3, max(3, len(paragraphs)))]).split()
        for _ in range(max(3, len(words) // 12)):  # swap about 8% of the words
            words[rng.randrange(len(words))] = rng.choice(vocab)
        title_words = (base.title or "").split()
        title_words[rng.randrange(len(title_words))] = rng.choice(vocab)
        quotes = [
            Quote(text=" ".join(rng.sample(vocab, 12)), speaker=rng.choice(SPEAKERS)) for _ in range(rng.randint(0, 3))
        ]
        url = f"https://{rng.choice(SOURCES)}.example/{i}"
        out.append(
            Article(
                url=url,
                canonical_url=url,
                title=" ".join(title_words),
                body=" ".join(words),
                language="en",
                source=rng.choice(SOURCES),
                section=rng.choice(SECTIONS),
                authors=[rng.choice(AUTHORS)],
                published_at=start + timedelta(minutes=rng.randrange(6 * 365 * 24 * 60)),
                quotes=quotes,
            )
        )
    return out


def query_mix(n: int, vocab: list[str], seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    shapes = [
        lambda: {"q": rng.choice(vocab)},
        lambda: {"q": f"{rng.choice(vocab)} {rng.choice(vocab)}"},
        lambda: {"q": f'"{rng.choice(["harbor bridge", "panjshir valley", "the council", "third year"])}"'},
        lambda: {"q": f"{rng.choice(vocab)} OR {rng.choice(vocab)}"},
        lambda: {"q": f"{rng.choice(vocab)} -{rng.choice(vocab)}"},
        lambda: {"q": rng.choice(vocab), "source": rng.choice(SOURCES)},
        lambda: {"q": rng.choice(vocab), "sort": "newest", "from": "2021-01-01", "to": "2023-12-31"},
        lambda: {"section": rng.choice(SECTIONS), "sort": "newest"},
        lambda: {"q": rng.choice(vocab), "size": "50"},
    ]
    return [rng.choice(shapes)() for _ in range(n)]


def to_request(params: dict) -> SearchRequest:
    return SearchRequest(
        q=params.get("q", ""),
        source=params.get("source"),
        section=params.get("section"),
        date_from=params.get("from"),
        date_to=params.get("to"),
        sort=Sort(params.get("sort", "relevance")),
        size=int(params.get("size", 10)),
    )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def index_both(es: Elasticsearch, es_url: str, articles: list[Article], batch: int, prefix: str) -> dict:
    pipeline = ElasticIndex(es_url, prefix=f"{prefix}pipe")
    raw = ElasticIndex(es_url, prefix=f"{prefix}raw")
    pipeline.ensure()
    raw.ensure()
    batches = [articles[i : i + batch] for i in range(0, len(articles), batch)]
    raw_bodies = []
    for chunk in batches:  # serialized before timing: the raw side pays only for _bulk itself
        lines = []
        for article in chunk:
            lines.append(json.dumps({"index": {"_index": raw.write_alias, "_id": article.id}}, separators=(",", ":")))
            lines.append(json.dumps(to_es_document(article), separators=(",", ":")))
        raw_bodies.append(("\n".join(lines) + "\n").encode())
    pipeline_seconds = raw_seconds = 0.0

    def through_pipeline(chunk: list[Article]) -> float:
        t = time.perf_counter()
        result = pipeline.index_articles(chunk)
        elapsed = time.perf_counter() - t
        assert not result.errors, result.errors[:2]
        return elapsed

    def raw_bulk(body: bytes) -> float:
        t = time.perf_counter()
        response = es.bulk(operations=body, filter_path="errors")  # type: ignore[arg-type]  # the client sends bytes as they are
        elapsed = time.perf_counter() - t
        assert not response["errors"]
        return elapsed

    for number, (chunk, body) in enumerate(zip(batches, raw_bodies)):
        if number % 2:  # alternate which side goes first, so merges and refreshes hit both alike
            raw_seconds += raw_bulk(body)
            pipeline_seconds += through_pipeline(chunk)
        else:
            pipeline_seconds += through_pipeline(chunk)
            raw_seconds += raw_bulk(body)
    es.indices.refresh(index=f"{prefix}pipe-articles,{prefix}raw-articles")
    return {
        "pipeline_docs_per_s": len(articles) / pipeline_seconds,
        "raw_docs_per_s": len(articles) / raw_seconds,
        "pipeline": pipeline,
    }


def start_api(es_url: str, prefix: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "NEWSDESK_ELASTICSEARCH_URL": es_url, "NEWSDESK_INDEX_PREFIX": f"{prefix}pipe"}
    env.pop("NEWSDESK_REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "services.app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("API server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--es-url", default=os.environ.get("NEWSDESK_ELASTICSEARCH_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark indices")
    args = parser.parse_args()
    prefix = f"bench{os.getpid()}"
    es = Elasticsearch(args.es_url, request_timeout=120)

    t = time.perf_counter()
    articles = corpus(args.docs)
    print(f"corpus: {len(articles)} articles generated in {time.perf_counter() - t:.1f}s", flush=True)
    # The corpus is the harness's state, not the indexer's: without this, every garbage collection
    # during the pipeline's timing walks 50,000 articles that a worker never holds.
    gc.collect()
    gc.freeze()
    api = None
    try:
        rates = index_both(es, args.es_url, articles, args.batch, prefix)
        ratio_index = rates["pipeline_docs_per_s"] / rates["raw_docs_per_s"]
        print(
            f"indexing: pipeline indexer {rates['pipeline_docs_per_s']:.0f} docs/s, raw _bulk "
            f"{rates['raw_docs_per_s']:.0f} docs/s, ratio {ratio_index:.2f} (target >= 0.9)",
            flush=True,
        )

        vocab = sorted({w.lower() for a in articles[:300] for w in a.body.split() if w.isalpha() and len(w) > 4})
        mix = query_mix(args.queries, vocab)
        api = start_api(args.es_url, prefix, args.port)
        read_alias = rates["pipeline"].read_alias
        http = httpx.Client(base_url=f"http://127.0.0.1:{args.port}", timeout=30)
        api_ms: list[float] = []
        direct_ms: list[float] = []
        for round_ in range(2):  # the first round warms caches on both paths and is not counted
            for params in mix:
                body = build_es_query(to_request(params))
                t = time.perf_counter()
                response = http.get("/search", params=params)
                elapsed_api = (time.perf_counter() - t) * 1000
                assert response.status_code == 200, response.text
                t = time.perf_counter()
                es.search(index=read_alias, **body)
                elapsed_direct = (time.perf_counter() - t) * 1000
                if round_:
                    api_ms.append(elapsed_api)
                    direct_ms.append(elapsed_direct)
        http.close()
        a50, a99, d50, d99 = pct(api_ms, 50), pct(api_ms, 99), pct(direct_ms, 50), pct(direct_ms, 99)
        print(f"queries: {len(mix)} (after one warm-up round), same search bodies on both paths")
        print(f"  API    p50 {a50:7.1f} ms   p99 {a99:7.1f} ms   mean {statistics.mean(api_ms):6.1f} ms")
        print(f"  direct p50 {d50:7.1f} ms   p99 {d99:7.1f} ms   mean {statistics.mean(direct_ms):6.1f} ms")
        print(f"  ratio  p50 {a50 / d50:.2f}x     p99 {a99 / d99:.2f}x (target p99 <= 1.3x)")
    finally:
        if api is not None:
            api.terminate()
            api.wait(10)
        if not args.keep:
            es.options(ignore_status=404).indices.delete(index=f"{prefix}pipe-*,{prefix}raw-*")
            for name in (f"{prefix}pipe-articles", f"{prefix}raw-articles"):
                es.options(ignore_status=404).indices.delete_index_template(name=name)


if __name__ == "__main__":
    main()
