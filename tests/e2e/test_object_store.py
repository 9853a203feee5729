"""No shared disk: a fetch worker and a parse/index worker on different data dirs, sharing only Redis,
Elasticsearch and the S3 page store (SeaweedFS from deploy/dev/services), crawl a local site; then
`newsdesk reparse` re-parses every article from the object store without fetching anything."""

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from newsdesk.ops.crawllog import CrawlLog
from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.settings import Settings
from newsdesk.store.objects import open_object_store
from newsdesk.store.pages import PageStore
from tests.conftest import IN_CI
from tests.processes import REPO, built_seaweedfs, celery_worker, free_port_block, newsdesk
from tests.sitekit import ARTICLE_PATHS


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_two_workers_on_separate_disks_share_pages_through_s3_and_reparse_reads_them_back(
    site, base_env, redis_url, clean_redis, es_url, es_prefix, s3_store, tmp_path
):
    shared = {
        **base_env,
        **s3_store,
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_ELASTICSEARCH_URL": es_url,
        "NEWSDESK_INDEX_PREFIX": es_prefix,
    }
    disks = {name: tmp_path / name for name in ("fetcher", "parser", "cli", "reparse")}
    fetch_env = {**shared, "NEWSDESK_DATA_DIR": str(disks["fetcher"])}
    parse_env = {**shared, "NEWSDESK_DATA_DIR": str(disks["parser"])}
    cli_env = {**shared, "NEWSDESK_DATA_DIR": str(disks["cli"])}
    es = Elasticsearch(es_url)
    index = f"{es_prefix}-articles"
    with (
        celery_worker(fetch_env, tmp_path / "fetch.log", queues="fetch", name="fetcher"),
        celery_worker(parse_env, tmp_path / "parse.log", queues="parse,index", name="parser"),
    ):
        crawl = newsdesk("crawl", f"{site.base}/feed.xml", "--timeout", "120", env=cli_env)
        logs = (tmp_path / "fetch.log").read_text() + (tmp_path / "parse.log").read_text()
        assert crawl.returncode == 0, crawl.stderr + logs[-3000:]
        assert "3 articles: fetched 3 / parsed 3 / indexed 3 / failed 0" in crawl.stdout, crawl.stdout + logs[-3000:]

    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3
    # Exactly once: three index operations in all, none repeated.
    assert es.indices.stats(index=index)["_all"]["primaries"]["indexing"]["index_total"] == 3
    hits = es.search(index=index, size=10)["hits"]["hits"]
    assert sorted(hit["_source"]["url"] for hit in hits) == sorted(f"{site.base}{path}" for path in ARTICLE_PATHS)
    indexed_at = {hit["_id"]: hit["_source"]["indexed_at"] for hit in hits}
    # Nothing on any local disk: the page went from one worker to the other through the object store only.
    for name, disk in disks.items():
        assert files_under(disk) == [], name
    store = PageStore(
        open_object_store(Settings(**{k.removeprefix("NEWSDESK_").lower(): v for k, v in s3_store.items()}))
    )
    assert len(list(store.keys("article"))) == 3
    assert len(list(store.keys("feed"))) == 1  # the CLI's poll of the feed, archived there too

    requests_before = len(site.requests)
    reparse = newsdesk("reparse", env={**shared, "NEWSDESK_DATA_DIR": str(disks["reparse"])})
    assert reparse.returncode == 0, reparse.stderr
    assert "3 archived pages: fetched 0 / parsed 3 / indexed 3 / failed 0" in reparse.stdout, reparse.stdout
    assert len(site.requests) == requests_before  # read from the store, not fetched
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3
    reindexed = {hit["_id"]: hit["_source"]["indexed_at"] for hit in es.search(index=index, size=10)["hits"]["hits"]}
    assert reindexed.keys() == indexed_at.keys()
    assert all(reindexed[key] > indexed_at[key] for key in indexed_at)
    assert files_under(disks["reparse"]) == []


def s3_settings(env: dict[str, str], **changes: str) -> Settings:
    values = {k.removeprefix("NEWSDESK_").lower(): v for k, v in env.items()}
    return Settings.model_validate({**values, **changes})


def test_s3_page_store_round_trip_and_clear_errors(s3_store):
    from datetime import UTC, datetime

    from newsdesk.errors import PageNotFound, PermanentError
    from newsdesk.models import FetchedPage

    store = PageStore(open_object_store(s3_settings(s3_store)))
    store.objects.check()
    page = FetchedPage(
        url="https://x.test/a",
        final_url="https://x.test/a",
        status=200,
        headers={"content-type": "text/html"},
        fetched_at=datetime.now(UTC),
        body=b"<p>hello</p>" * 100,
    )
    key = store.put(page)
    assert store.get(key) == page
    assert list(store.keys()) == [key]
    missing = key[:-1] + ("0" if key[-1] != "0" else "1")
    with pytest.raises(PageNotFound):
        store.get(missing)
    bucket = s3_store["NEWSDESK_PAGE_STORE_URL"].split("/")[2]
    no_bucket = open_object_store(s3_settings(s3_store, page_store_url=f"s3://{bucket}-missing-{uuid.uuid4().hex[:6]}"))
    with pytest.raises(PermanentError, match="does not exist"):
        no_bucket.check()
    wrong_key = open_object_store(s3_settings(s3_store, s3_secret_access_key="not-the-secret"))
    with pytest.raises(PermanentError, match="refused") as refused:
        wrong_key.get(key + ".warc.zst")
    assert not isinstance(refused.value, PageNotFound)


class OwnS3:
    """A SeaweedFS of this test's own (free ports, own state dir), started and stopped through the launcher."""

    def __init__(self, state_dir: Path):
        binary = built_seaweedfs()
        if binary is None:
            message = "no SeaweedFS binary built by `deploy/dev/services up` in its state dir"
            if IN_CI:
                pytest.fail(f"CI=true and {message}")
            pytest.skip(f"SKIPPED LOUDLY: {message}")
        self.port = free_port_block()
        self.env = {
            "NEWSDESK_DEV_STATE_DIR": str(state_dir),
            "NEWSDESK_DEV_S3_PORT": str(self.port),
            "NEWSDESK_DEV_S3_BIN": str(binary),
        }

    def run(self, command: str) -> None:
        result = subprocess.run(
            [str(REPO / "deploy/dev/services"), command, "s3"],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.s3
def test_an_object_store_outage_is_ridden_out_and_nothing_is_lost(
    site, base_env, redis_url, clean_redis, es_url, es_prefix, tmp_path
):
    s3 = OwnS3(tmp_path / "s3-state")
    s3.run("up")
    try:
        env = {
            **base_env,
            "NEWSDESK_REDIS_URL": redis_url,
            "NEWSDESK_ELASTICSEARCH_URL": es_url,
            "NEWSDESK_INDEX_PREFIX": es_prefix,
            "NEWSDESK_PAGE_STORE_URL": "s3://newsdesk/pages",
            "NEWSDESK_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3.port}",
            "NEWSDESK_S3_ACCESS_KEY_ID": "newsdesk-dev",
            "NEWSDESK_S3_SECRET_ACCESS_KEY": "newsdesk-dev-secret",
            "NEWSDESK_RETRY_BACKOFF_BASE": "0.5",
            "NEWSDESK_RETRY_BACKOFF_CAP": "4",
        }
        queued = newsdesk("crawl", f"{site.base}/feed.xml", "--no-wait", env=env)
        assert queued.returncode == 0 and "queued 3 new articles" in queued.stdout, queued.stdout + queued.stderr
        s3.run("down")  # the store goes away before any page is stored
        es = Elasticsearch(es_url)
        index = f"{es_prefix}-articles"
        log = CrawlLog(clean_redis)
        with celery_worker(env, tmp_path / "worker.log"):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and log.counts().get("retrying", 0) < 3:
                time.sleep(0.3)
            assert log.counts().get("retrying", 0) == 3, (tmp_path / "worker.log").read_text()[-3000:]
            entry = log.get(f"{site.base}{next(iter(ARTICLE_PATHS))}")
            assert entry is not None and "object store unreachable" in entry.reason, entry
            s3.run("up")
            deadline = time.monotonic() + 120
            count = 0
            while time.monotonic() < deadline and count < 3:
                time.sleep(0.5)
                if es.indices.exists_alias(name=index):
                    es.indices.refresh(index=index)
                    count = es.count(index=index)["count"]
            assert count == 3, (tmp_path / "worker.log").read_text()[-3000:]
        assert es.indices.stats(index=index)["_all"]["primaries"]["indexing"]["index_total"] == 3
        assert DeadLetterStore(clean_redis).count() == 0
    finally:
        s3.run("down")
