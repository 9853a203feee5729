"""The dev services launcher (`deploy/dev/services`) and the Elasticsearch node it starts.

The launcher tests run the script on free ports with their own state dir: one service is started or
stopped while the other is left alone, `env` prints what newsdesk reads. The node smoke tests check
exactly what the dev node re-creates on top of the Maven Central server jar (see deploy/dev/README.md):
the language analyzers ("english", "german", "french", ...), GET/HEAD / for info()/ping(), and a nested + highlight round trip. Without a
reachable node they skip loudly, or fail when CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import REPO, built_seaweedfs, free_port, free_port_block

SERVICES_SCRIPT = REPO / "deploy" / "dev" / "services"

IN_CI = os.environ.get("CI", "").lower() == "true"
ES_URL = (
    os.environ.get("NEWSDESK_TEST_ELASTICSEARCH_URL")
    or os.environ.get("NEWSDESK_ELASTICSEARCH_URL")
    or "http://127.0.0.1:9200"
)


@pytest.fixture(scope="module")
def es():
    from elasticsearch import Elasticsearch

    client = Elasticsearch(ES_URL, request_timeout=30)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as exc:  # connection refused, timeout, wrong product...
        message = (
            f"Elasticsearch at {ES_URL} is not reachable ({type(exc).__name__}: {exc}); "
            "start it with `deploy/dev/services up`"
        )
        if IN_CI:
            pytest.fail(f"CI=true and {message}", pytrace=False)
        warnings.warn(f"SKIPPING: {message}", stacklevel=2)
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    return client


@pytest.fixture
def index(es) -> Iterator[str]:
    name = f"test-devsvc-{uuid.uuid4().hex[:10]}"
    yield name
    es.options(ignore_status=404).indices.delete(index=name)


@pytest.mark.elasticsearch
def test_info_and_ping(es) -> None:
    info = es.info()
    assert info["version"]["number"].split(".")[0] == "9"
    assert info["tagline"] == "You Know, for Search"
    assert es.ping() is True


@pytest.mark.elasticsearch
def test_english_analyzer_stems(es) -> None:
    tokens = es.indices.analyze(analyzer="english", text="The runners were running")["tokens"]
    terms = [t["token"] for t in tokens]
    assert "run" in terms  # "running" -> "run"
    assert "the" not in terms  # English stop words removed
    assert [t["token"] for t in es.indices.analyze(analyzer="english", text="running")["tokens"]] == ["run"]


# What each re-created language analyzer makes of one inflected word: its stem, its stop words gone.
LANGUAGE_SAMPLES = {
    "german": ("die Häuser", ["haus"]),
    "french": ("l'avion des enfants", ["avion", "enfant"]),
    "spanish": ("las casas", ["cas"]),
    "italian": ("le case", ["case"]),
    "portuguese": ("as casas", ["casa"]),
    "dutch": ("de huizen", ["huiz"]),
}


@pytest.mark.elasticsearch
@pytest.mark.parametrize("analyzer", sorted(LANGUAGE_SAMPLES))
def test_language_analyzers_prebuilt_and_as_a_type(es, index: str, analyzer: str) -> None:
    text, stems = LANGUAGE_SAMPLES[analyzer]
    assert [t["token"] for t in es.indices.analyze(analyzer=analyzer, text=text)["tokens"]] == stems
    # As a type with stop words of its own (none here), as the official distribution allows: the stop word stays.
    settings = {"analysis": {"analyzer": {"custom": {"type": analyzer, "stopwords": "_none_"}}}}
    es.indices.create(index=index, settings=settings)
    tokens = [t["token"] for t in es.indices.analyze(index=index, analyzer="custom", text=text)["tokens"]]
    assert len(tokens) == len(stems) + 1 and tokens[-1] == stems[-1]


@pytest.mark.elasticsearch
def test_nested_query_with_highlight_round_trip(es, index: str) -> None:
    from elasticsearch import helpers

    es.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "english"},
                "source": {"type": "keyword"},
                "published_at": {"type": "date"},
                "quotes": {
                    "type": "nested",
                    "properties": {
                        "text": {"type": "text", "analyzer": "english"},
                        "speaker": {"type": "keyword"},
                    },
                },
            }
        },
    )
    docs = [
        {
            "title": "City marathon draws record runners",
            "source": "ap",
            "published_at": "2024-05-01T10:00:00Z",
            "quotes": [
                {"text": "We kept running through the rain", "speaker": "Ana Ruiz"},
                {"text": "Traffic will reopen at noon", "speaker": "Police"},
            ],
        },
        {
            "title": "Council approves budget",
            "source": "bbc",
            "published_at": "2024-05-02T10:00:00Z",
            "quotes": [{"text": "The budget runs to 2026", "speaker": "Mayor"}],
        },
    ]
    ok, errors = helpers.bulk(es, ({"_index": index, "_id": str(i), "_source": d} for i, d in enumerate(docs)))
    assert (ok, errors) == (2, [])
    es.indices.refresh(index=index)

    # Nested query: the stemmed word must match within the *same* quote as the speaker.
    resp = es.search(
        index=index,
        query={
            "nested": {
                "path": "quotes",
                "query": {
                    "bool": {
                        "must": [
                            {"match": {"quotes.text": "runs"}},
                            {"term": {"quotes.speaker": "Ana Ruiz"}},
                        ]
                    }
                },
                "inner_hits": {"highlight": {"fields": {"quotes.text": {}}}},
            }
        },
    )
    hits = resp["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["0"]
    inner = hits[0]["inner_hits"]["quotes"]["hits"]["hits"]
    assert inner[0]["_source"]["speaker"] == "Ana Ruiz"
    assert inner[0]["highlight"]["quotes.text"] == ["We kept <em>running</em> through the rain"]

    # Top-level match + highlight through the english analyzer ("runners" ~ "runner").
    resp = es.search(index=index, query={"match": {"title": "runner"}}, highlight={"fields": {"title": {}}})
    assert [h["_id"] for h in resp["hits"]["hits"]] == ["0"]
    assert resp["hits"]["hits"][0]["highlight"]["title"] == ["City marathon draws record <em>runners</em>"]


# ---------------------------------------------------------------- the launcher script


def run_services(
    *args: str, state_dir: Path, redis_port: int, es_port: int, s3_port: int, extra: dict | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NEWSDESK_DEV_STATE_DIR": str(state_dir),
        "NEWSDESK_DEV_REDIS_PORT": str(redis_port),
        "NEWSDESK_DEV_ES_PORT": str(es_port),
        "NEWSDESK_DEV_S3_PORT": str(s3_port),
        **(extra or {}),
    }
    return subprocess.run([str(SERVICES_SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def ports(tmp_path) -> dict:
    """A state dir and free ports nothing listens on: services started here are this test's own."""
    return {
        "state_dir": tmp_path / "state",
        "redis_port": free_port(),
        "es_port": free_port(),
        "s3_port": free_port_block(),
    }


def test_env_prints_the_urls_of_the_configured_ports(ports) -> None:
    both = run_services("env", **ports)
    assert both.returncode == 0, both.stderr
    assert both.stdout.splitlines() == [
        f"export NEWSDESK_REDIS_URL=redis://127.0.0.1:{ports['redis_port']}/0",
        f"export NEWSDESK_ELASTICSEARCH_URL=http://127.0.0.1:{ports['es_port']}",
        "export NEWSDESK_PAGE_STORE_URL=s3://newsdesk/pages",
        f"export NEWSDESK_S3_ENDPOINT_URL=http://127.0.0.1:{ports['s3_port']}",
        "export NEWSDESK_S3_ACCESS_KEY_ID=newsdesk-dev",
        "export NEWSDESK_S3_SECRET_ACCESS_KEY=newsdesk-dev-secret",
        "export NEWSDESK_S3_REGION=us-east-1",
    ]
    only_es = run_services("env", "elasticsearch", **ports)
    assert only_es.stdout.splitlines() == [f"export NEWSDESK_ELASTICSEARCH_URL=http://127.0.0.1:{ports['es_port']}"]
    # It is meant for eval: the lines work in a shell and define exactly these variables.
    shell = subprocess.run(
        [
            "bash",
            "-c",
            'eval "$1"; printf "%s %s" "$NEWSDESK_REDIS_URL" "$NEWSDESK_ELASTICSEARCH_URL"',
            "-",
            both.stdout,
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert shell.stdout == f"redis://127.0.0.1:{ports['redis_port']}/0 http://127.0.0.1:{ports['es_port']}"


def test_unknown_service_or_command_is_refused_with_usage(ports) -> None:
    unknown = run_services("up", "mongodb", **ports)
    assert unknown.returncode == 2
    assert "unknown service 'mongodb' (known: redis elasticsearch s3 sentinel elasticsearch2)" in unknown.stderr
    assert not (ports["state_dir"] / "redis.pid").exists()  # nothing was started
    bad = run_services("restart", **ports)
    assert bad.returncode == 2 and "status [SERVICE...]" in bad.stdout


def test_status_of_one_service_exits_1_when_that_one_is_down(ports) -> None:
    for args in (("status",), ("status", "redis"), ("status", "s3"), ("status", "elasticsearch")):
        result = run_services(*args, **ports)
        assert result.returncode == 1, (args, result.stdout)
    assert "elasticsearch: DOWN" in result.stdout and "redis" not in result.stdout


@pytest.mark.skipif(
    shutil.which("redis-server") is None and not IN_CI, reason="redis-server is not installed"
)  # under CI=true a missing redis-server fails
def test_up_and_down_act_on_the_named_service_only(ports) -> None:
    try:
        up = run_services("up", "redis", **ports)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "elasticsearch" not in up.stdout  # not started, not even looked at
        assert run_services("status", "redis", **ports).returncode == 0
        # The other one is down, so asking about it, or about all, exits 1.
        assert run_services("status", "elasticsearch", **ports).returncode == 1
        everything = run_services("status", **ports)
        assert everything.returncode == 1
        assert "redis: running" in everything.stdout and "elasticsearch: DOWN" in everything.stdout
        # Stopping Elasticsearch (not running) leaves Redis alone.
        assert run_services("down", "elasticsearch", **ports).returncode == 0
        assert run_services("status", "redis", **ports).returncode == 0
    finally:
        down = run_services("down", "redis", **ports)
    assert down.returncode == 0 and "redis: stopped" in down.stdout
    assert run_services("status", "redis", **ports).returncode == 1


@pytest.mark.s3
def test_s3_up_creates_the_bucket_and_down_stops_it(ports) -> None:
    binary = built_seaweedfs()
    if binary is None:
        message = "no SeaweedFS binary built by `deploy/dev/services up` in its state dir"
        if IN_CI:
            pytest.fail(f"CI=true and {message}")
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    extra = {"NEWSDESK_DEV_S3_BIN": str(binary)}
    try:
        up = run_services("up", "s3", **ports, extra=extra)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "s3: up on" in up.stdout and "redis" not in up.stdout
        status = run_services("status", "s3", **ports, extra=extra)
        assert status.returncode == 0 and "bucket newsdesk" in status.stdout
        # The exports reach the store: a real write and read through the page store's S3 backend.
        exports = dict(
            line.removeprefix("export ").split("=", 1)
            for line in run_services("env", "s3", **ports).stdout.splitlines()
        )
        from newsdesk.settings import Settings
        from newsdesk.store.objects import open_object_store

        store = open_object_store(
            Settings.model_validate({k.removeprefix("NEWSDESK_").lower(): v for k, v in exports.items()})
        )
        store.put("check/hello", b"hello")
        assert store.get("check/hello") == b"hello"
    finally:
        down = run_services("down", "s3", **ports, extra=extra)
    assert down.returncode == 0 and "s3: stopped" in down.stdout
    assert run_services("status", "s3", **ports).returncode == 1
