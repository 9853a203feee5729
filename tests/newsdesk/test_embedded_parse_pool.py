"""The embedded crawl on a parse-process pool gives exactly what the one-process crawl gives."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from newsdesk.pipeline import Pipeline, crawl_in_process
from newsdesk.settings import Settings
from tests.sitekit import Response, generated_news_site

TIMING_FIELDS = ("fetched_at", "indexed_at")  # when, not what: differ between any two crawls


def crawl(base: str, data_dir: Path, processes: int) -> tuple[dict, dict[str, dict]]:
    settings = Settings(
        data_dir=data_dir, allow_private_hosts=["127.0.0.1"], per_host_rate=1000, per_host_concurrency=16
    )
    pipeline = Pipeline(settings)
    try:
        tally = crawl_in_process(pipeline, f"{base}/feed.xml", "ledger", parse_processes=processes)
    finally:
        pipeline.close()
    with sqlite3.connect(settings.embedded_index_path) as db:
        docs = [json.loads(doc) for (doc,) in db.execute("SELECT doc FROM articles")]
    stripped = {doc["url"]: {k: v for k, v in doc.items() if k not in TIMING_FIELDS} for doc in docs}
    return {"counts": {k: v for k, v in vars(tally).items() if k != "errors"}, "errors": sorted(tally.errors)}, stripped


def test_parse_pool_results_equal_the_sequential_crawl(tmp_path: Path) -> None:
    site, urls, _ = generated_news_site(24)
    with site:
        broken = urls[5].replace(site.base, "")
        site.routes = {broken: Response(b"not html at all", 200, {"Content-Type": "application/pdf"})}
        one_tally, one_docs = crawl(site.base, tmp_path / "one", processes=1)
        pool_tally, pool_docs = crawl(site.base, tmp_path / "pool", processes=2)
    assert one_tally["counts"]["indexed"] == 23 and one_tally["counts"]["failed"] == 1
    assert pool_tally == one_tally
    assert pool_docs == one_docs
