"""Benchmark: what per-language analysis costs against the English analyzer for every article (mapping 3).

    python bench/languages.py [--docs 4000] [--queries 300] [--es-url http://127.0.0.1:9200]

1. Corpus: the 51 pages of bench/annotated/ (seven languages, written by hand) parsed with extract_article,
   repeated with their paragraphs shuffled and a new URL each time until --docs articles. Seeded.
2. Two fresh indices on the same node, one shard each: "english" maps title, body, quotes_text and section as
   `english` text (the mapping before version 4, built here from the current template) and gets to_document's
   documents; "per-language" is the current template with to_es_document's documents. Each batch goes to both
   as a raw `_bulk` body serialized beforehand, alternating which goes first. Rate = docs / seconds.
   Store size after a refresh and a force merge to one segment.
3. Queries: one or two words drawn from the corpus in every language, through build_es_query on the
   per-language index and through the same body with the one English simple_query_string on the other,
   alternating query by query. Also: how many queries find an article in each.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402
from elasticsearch import Elasticsearch  # noqa: E402

from newsdesk.errors import NotAnArticle  # noqa: E402
from newsdesk.index.document import LANGUAGE_FIELDS, analyzer_for, to_document, to_es_document  # noqa: E402
from newsdesk.index.elastic import load_template  # noqa: E402
from newsdesk.index.search import SearchRequest, _text_query, build_es_query  # noqa: E402
from newsdesk.models import Article  # noqa: E402
from newsdesk.parse import extract_article  # noqa: E402

ENGLISH_FIELDS = ["title^3", "body", "authors.text", "quotes_text"]  # the query of mapping version 3
BATCH = 250


def base_articles() -> list[Article]:
    articles = []
    for page in sorted((REPO / "bench/annotated/pages").glob("*.html")):
        label = yaml.safe_load((REPO / "bench/annotated/labels" / f"{page.stem}.yaml").read_text())
        try:
            articles.append(extract_article(page.read_text(), url=label["url"]))
        except NotAnArticle:
            continue
    return articles


def corpus(n: int, seed: int = 11) -> list[Article]:
    rng = random.Random(seed)
    bases = base_articles()
    out = []
    for i in range(n):
        article = bases[i % len(bases)].model_copy(deep=True)
        paragraphs = [p for p in article.body.split("\n") if p.strip()]
        rng.shuffle(paragraphs)
        article.body = "\n\n".join(paragraphs)
        article.url = article.canonical_url = f"https://bench{i % 12}.example/{i}"
        out.append(article)
    return out


def english_mapping() -> dict[str, Any]:
    """The current template's mappings, the language copies taken out and the text fields English again."""
    mappings = copy.deepcopy(load_template("bench")["template"]["mappings"])
    properties = {k: v for k, v in mappings["properties"].items() if k not in LANGUAGE_FIELDS}
    properties["title"] = {"type": "text", "analyzer": "english", "fields": properties["title"]["fields"]}
    properties["body"] = {"type": "text", "analyzer": "english"}
    properties["quotes_text"] = {"type": "text", "analyzer": "english"}
    mappings["properties"] = properties
    return mappings


def english_query(body: dict[str, Any], q: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    body["query"]["bool"]["must"] = [_text_query(q, ENGLISH_FIELDS)]
    fields = body["highlight"]["fields"]
    body["highlight"]["fields"] = {"title": fields["title_english"], "body": fields["body_english"]}
    return body


def bulk_body(index: str, docs: list[dict[str, Any]]) -> bytes:
    lines = []
    for doc in docs:
        lines.append(json.dumps({"index": {"_index": index, "_id": doc["id"]}}, separators=(",", ":")))
        lines.append(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def timed_bulk(es: Elasticsearch, body: bytes) -> float:
    started = time.perf_counter()
    answer = es.bulk(operations=body, filter_path="errors")  # type: ignore[arg-type]  # bytes go as they are
    elapsed = time.perf_counter() - started
    assert not answer["errors"]
    return elapsed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    args = parser.parse_args()

    es = Elasticsearch(args.es_url, request_timeout=120)
    articles = corpus(args.docs)
    languages = Counter(analyzer_for(a.language) for a in articles)
    names = {"english": f"bench-lang-{time.time_ns()}-english", "per-language": f"bench-lang-{time.time_ns()}-per"}
    settings = load_template("bench")["template"]["settings"]
    es.indices.create(index=names["english"], settings=settings, mappings=english_mapping())
    es.indices.create(
        index=names["per-language"], settings=settings, mappings=load_template("bench")["template"]["mappings"]
    )
    try:
        bodies = {
            "english": [
                bulk_body(names["english"], [to_document(a) for a in articles[i : i + BATCH]])
                for i in range(0, len(articles), BATCH)
            ],
            "per-language": [
                bulk_body(names["per-language"], [to_es_document(a) for a in articles[i : i + BATCH]])
                for i in range(0, len(articles), BATCH)
            ],
        }
        seconds = {"english": 0.0, "per-language": 0.0}
        for number in range(len(bodies["english"])):
            order = ("english", "per-language") if number % 2 else ("per-language", "english")
            for side in order:
                seconds[side] += timed_bulk(es, bodies[side][number])
        for name in names.values():
            es.indices.refresh(index=name)
            es.indices.forcemerge(index=name, max_num_segments=1)
        store = {
            side: es.indices.stats(index=name, metric="store")["_all"]["primaries"]["store"]["size_in_bytes"]
            for side, name in names.items()
        }
        payload = {side: sum(map(len, bodies[side])) for side in bodies}

        rng = random.Random(3)
        vocab = sorted({w.strip(".,;:!?\"'()«»“”„").lower() for a in articles[:60] for w in a.body.split()} - {""})
        vocab = [w for w in vocab if w.isalpha() and len(w) > 3]
        latencies: dict[str, list[float]] = {"english": [], "per-language": []}
        found: Counter[str] = Counter()
        for number in range(args.queries):
            q = " ".join(rng.sample(vocab, rng.choice((1, 1, 2))))
            body = build_es_query(SearchRequest(q=q))
            requests = {"per-language": body, "english": english_query(body, q)}
            order = ("english", "per-language") if number % 2 else ("per-language", "english")
            for side in order:
                started = time.perf_counter()
                answer = es.search(index=names[side], **requests[side])
                latencies[side].append((time.perf_counter() - started) * 1000)
                found[side] += answer["hits"]["total"]["value"] > 0
    finally:
        es.indices.delete(index=",".join(names.values()))

    print(f"{len(articles)} articles by analyzer: {dict(languages.most_common())}; {args.queries} queries")
    print("| | english everywhere (v3) | per-language (v4) | ratio |")
    print("|---|---|---|---|")
    rate = {side: len(articles) / seconds[side] for side in seconds}
    rows = [
        ("_bulk docs/s", rate["english"], rate["per-language"], "{:.0f}"),
        ("bulk payload MB", payload["english"] / 1e6, payload["per-language"] / 1e6, "{:.1f}"),
        ("store MB (one segment)", store["english"] / 1e6, store["per-language"] / 1e6, "{:.1f}"),
        (
            "query p50 ms",
            statistics.median(latencies["english"]),
            statistics.median(latencies["per-language"]),
            "{:.1f}",
        ),
        ("query p99 ms", pct(latencies["english"], 0.99), pct(latencies["per-language"], 0.99), "{:.1f}"),
        ("queries finding an article", found["english"], found["per-language"], "{:.0f}"),
    ]
    for label, base, new, fmt in rows:
        print(
            f"| {label} | {fmt.format(base)} | {fmt.format(new)} | {new / base:.2f} |"
            if base
            else f"| {label} | 0 | {new} | - |"
        )


if __name__ == "__main__":
    main()
