"""Shared fixtures: real Redis and Elasticsearch (skip loudly, or fail when CI=true), the local news site."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator

import pytest

from tests.sitekit import TestSite, news_site

pytest_plugins = ["tests.backends"]  # `index`, `client`, `articles`: tests/newsdesk/index, tests/services

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_ES_URL = os.environ.get("NEWSDESK_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")
# The S3 store of `deploy/dev/services up` (SeaweedFS); the keys are the launcher's dev defaults.
TEST_S3_ENDPOINT_URL = os.environ.get("NEWSDESK_TEST_S3_ENDPOINT_URL", "http://127.0.0.1:8333")
TEST_S3_BUCKET = os.environ.get("NEWSDESK_TEST_S3_BUCKET", "newsdesk")
TEST_S3_ACCESS_KEY_ID = os.environ.get("NEWSDESK_TEST_S3_ACCESS_KEY_ID", "newsdesk-dev")
TEST_S3_SECRET_ACCESS_KEY = os.environ.get("NEWSDESK_TEST_S3_SECRET_ACCESS_KEY", "newsdesk-dev-secret")


def _unavailable(what: str, reason: str) -> None:
    message = f"{what} is not reachable ({reason}); start it with `deploy/dev/services up`"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    warnings.warn(f"SKIPPING: {message}", stacklevel=2)
    pytest.skip(f"SKIPPED LOUDLY: {message}")


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        _unavailable(f"Redis at {TEST_REDIS_URL}", f"{type(exc).__name__}: {exc}")
    return TEST_REDIS_URL


@pytest.fixture
def clean_redis(redis_url: str):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="session")
def es_url() -> str:
    from elasticsearch import Elasticsearch

    try:
        Elasticsearch(TEST_ES_URL, request_timeout=5).cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as exc:
        _unavailable(f"Elasticsearch at {TEST_ES_URL}", f"{type(exc).__name__}: {exc}")
    return TEST_ES_URL


@pytest.fixture
def es_prefix(es_url: str) -> Iterator[str]:
    """A fresh index prefix per test, deleted afterwards."""
    from elasticsearch import Elasticsearch

    prefix = f"test{uuid.uuid4().hex[:10]}"
    yield prefix
    client = Elasticsearch(es_url)
    client.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-articles")


def _s3_client():
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=TEST_S3_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id=TEST_S3_ACCESS_KEY_ID,
        aws_secret_access_key=TEST_S3_SECRET_ACCESS_KEY,
        config=Config(
            connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}
        ),
    )


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    try:
        _s3_client().head_bucket(Bucket=TEST_S3_BUCKET)
    except Exception as exc:
        _unavailable(
            f"the S3 store at {TEST_S3_ENDPOINT_URL} (bucket {TEST_S3_BUCKET})", f"{type(exc).__name__}: {exc}"
        )
    return TEST_S3_ENDPOINT_URL


@pytest.fixture
def s3_store(s3_endpoint: str) -> Iterator[dict[str, str]]:
    """NEWSDESK_* settings for a page store under a fresh prefix of the test bucket, emptied afterwards."""
    prefix = f"test{uuid.uuid4().hex[:10]}"
    yield {
        "NEWSDESK_PAGE_STORE_URL": f"s3://{TEST_S3_BUCKET}/{prefix}",
        "NEWSDESK_S3_ENDPOINT_URL": s3_endpoint,
        "NEWSDESK_S3_ACCESS_KEY_ID": TEST_S3_ACCESS_KEY_ID,
        "NEWSDESK_S3_SECRET_ACCESS_KEY": TEST_S3_SECRET_ACCESS_KEY,
        "NEWSDESK_S3_REGION": "us-east-1",
    }
    client = _s3_client()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=TEST_S3_BUCKET, Prefix=f"{prefix}/"):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=TEST_S3_BUCKET, Key=item["Key"])


@pytest.fixture
def site() -> Iterator[TestSite]:
    with news_site() as running:
        yield running


@pytest.fixture
def base_env(tmp_path, monkeypatch) -> Iterator[dict[str, str]]:
    """Environment for a newsdesk process in embedded mode, allowed to fetch from 127.0.0.1."""
    env = {
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
    }
    for name in ("NEWSDESK_REDIS_URL", "NEWSDESK_ELASTICSEARCH_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from newsdesk.settings import get_settings

    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


@pytest.fixture
def source_registry(redis_url, clean_redis):
    """The RedBeat source registry of this process, pointed at the test Redis database."""
    from workers import sources
    from workers.celery_app import app

    saved = app.conf.redbeat_redis_url
    app.conf.redbeat_redis_url = redis_url
    for attribute in ("redbeat_conf", "redbeat_redis"):
        if hasattr(app, attribute):
            delattr(app, attribute)
    yield sources
    app.conf.redbeat_redis_url = saved
    for attribute in ("redbeat_conf", "redbeat_redis"):
        if hasattr(app, attribute):
            delattr(app, attribute)


# Fixtures that reach a real server or browser: a test that uses one is marked for it, so the fast suite
# is `pytest -m "not services"` and no test has to remember its own marker.
SERVICE_FIXTURES = {
    "redis_url": "redis",
    "clean_redis": "redis",
    "source_registry": "redis",
    "es_url": "elasticsearch",
    "es_prefix": "elasticsearch",
    "browser": "browser",
    "s3_endpoint": "s3",
    "s3_store": "s3",
}
SERVICE_FIXTURES.update({"sentinel_trio": "sentinel", "es_cluster": "escluster"})  # tests/cluster/conftest.py
SERVICE_MARKERS = {"redis", "elasticsearch", "browser", "faults", "eval", "s3"}  # eval: the shared benchmark corpora
SERVICE_MARKERS |= {"slow"}  # end to end through processes of its own: with the services, out of the fast suite
SERVICE_MARKERS |= {"sentinel", "escluster"}  # servers of their own, started by the test (tests/cluster)


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        kinds = {SERVICE_FIXTURES[name] for name in item.fixturenames if name in SERVICE_FIXTURES}
        for kind in kinds:
            item.add_marker(getattr(pytest.mark, kind))
        if kinds or SERVICE_MARKERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.services)
