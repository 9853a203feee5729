"""GET /export and ArticleIndex.export_articles over both backends: every match once, filters applied."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.index import ArticleIndex
from newsdesk.index.export import EXPORT_PAGE_SIZE, FULL_EXPORT_FIELDS, SUMMARY_EXPORT_FIELDS, ExportFormat
from newsdesk.index.search import SearchRequest
from newsdesk.models import Article
from tests.conftest import TEST_ES_URL
from tests.corpus import by_title, fixture_articles

WIRE_COPIES = 1100  # more than two export pages (500), so more than the shrunken result window below


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """The fixture articles plus many wire copies of the drought story, each at its own URL and time."""
    originals = fixture_articles()
    drought = by_title(originals, "drought")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    copies = []
    for n in range(WIRE_COPIES):
        copy = drought.model_copy(deep=True)
        copy.url = copy.canonical_url = f"https://wire.example/drought/{n}"
        copy.source = "wire"
        copy.published_at = start + timedelta(minutes=n)
        copies.append(copy)
    return [*originals, *copies]


@pytest.fixture(scope="module")
def embedded_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("export")


@pytest.fixture(scope="module")
def embedded_index(embedded_data_dir, articles) -> Iterator[ArticleIndex]:
    """One embedded index for the module, since every test here only reads it: indexing the 1,100 copies
    for each test was most of the fast suite's time in this file."""
    from newsdesk.index.embedded import EmbeddedIndex

    index = EmbeddedIndex(embedded_data_dir / "index.sqlite3")
    index.index_articles(articles)
    yield index
    index.close()


@pytest.fixture
def small_window(index: ArticleIndex) -> ArticleIndex:
    """Elasticsearch refuses from+size paging past max_result_window: shrink it to one export page, so the
    export of more than two pages proves search_after goes past any window."""
    from newsdesk.index.elastic import ElasticIndex

    if isinstance(index, ElasticIndex):
        index.client.indices.put_settings(
            index=index.read_alias, settings={"index.max_result_window": EXPORT_PAGE_SIZE}
        )
    return index


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_returns_every_match_exactly_once(client, small_window, articles):
    response = client.get("/export", params={"format": "csv", "q": "reservoirs"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="newsdesk-export.csv"' in response.headers["content-disposition"]
    rows = _csv_rows(response.text)
    expected = {a.id for a in articles if a.title and "drought" in a.title}
    assert len(expected) == WIRE_COPIES + 1
    assert len(rows) == len(expected) and {row["id"] for row in rows} == expected
    assert list(rows[0]) == list(SUMMARY_EXPORT_FIELDS)
    drought = by_title(articles, "drought")
    original = next(row for row in rows if row["id"] == drought.id)
    assert original["url"] == drought.url and original["source"] == "ledger" and original["language"] == "en"
    assert original["authors"] == "; ".join(drought.authors)
    assert datetime.fromisoformat(original["published_at"]) == drought.published_at


def test_jsonl_export_carries_body_quotes_and_credits(client, small_window, articles):
    response = client.get("/export", params={"format": "jsonl", "source": "wire"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == WIRE_COPIES and len({r["id"] for r in records}) == WIRE_COPIES
    drought = by_title(articles, "drought")
    first = records[0]
    assert list(first) == list(FULL_EXPORT_FIELDS)
    assert first["body"] == drought.body and first["source"] == "wire"
    assert [q["text"] for q in first["quotes"]] == [q.text for q in drought.quotes]
    assert [c["name"] for c in first["credits"]] == [c.name for c in drought.credits]


def test_export_applies_the_search_filters(client, articles):
    def ids(**params: str) -> set[str]:
        return {row["id"] for row in _csv_rows(client.get("/export", params={"format": "csv", **params}).text)}

    drought = by_title(articles, "drought")
    assert ids(q="reservoirs", source="ledger") == {drought.id}
    assert ids(author="Rick Moran") == {a.id for a in articles if "Rick Moran" in a.authors}
    assert ids(section="World") == {a.id for a in articles if a.section == "World"}
    assert ids(**{"from": "2024-01-01", "to": "2024-01-01"}) == {
        a.id for a in articles if a.published_at and a.published_at.date() == date(2024, 1, 1)
    }
    assert len(ids(language="en")) == len(articles)
    assert ids(q="zzzunmatchedword") == set()


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"format": "xml"}, 422, "format"),
        ({}, 422, "format"),
        ({"format": "csv", "size": "5"}, 400, "unknown parameter"),
        ({"format": "csv", "from": "2024-02-01", "to": "2024-01-01"}, 422, "'from' must not be after 'to'"),
    ],
)
def test_bad_export_requests_are_clear_errors(client, params, status, message):
    response = client.get("/export", params=params)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_backend_pages_smaller_than_the_matches_visit_each_once(index, articles):
    """Many tiny pages: the page boundaries of search_after (or the keyset) neither skip nor repeat."""
    request = SearchRequest(q="reservoirs")
    records = list(index.export_articles(request, fields=ExportFormat.CSV.fields, page_size=7))
    assert len(records) == WIRE_COPIES + 1 == len({r["id"] for r in records})
    assert all(set(r) == set(SUMMARY_EXPORT_FIELDS) for r in records)


def test_cli_exports_every_match_to_a_file_or_stdout(index, embedded_data_dir, tmp_path):
    from newsdesk.index.elastic import ElasticIndex
    from tests.clirunner import run_newsdesk

    if isinstance(index, ElasticIndex):
        env = {"NEWSDESK_ELASTICSEARCH_URL": TEST_ES_URL, "NEWSDESK_INDEX_PREFIX": index.prefix}
    else:
        env = {"NEWSDESK_ELASTICSEARCH_URL": "", "NEWSDESK_DATA_DIR": str(embedded_data_dir)}
    out = tmp_path / "drought.csv"
    done = run_newsdesk("export", "reservoirs", "--format", "csv", "--output", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert f"exported {WIRE_COPIES + 1} articles to {out}" in done.stderr
    rows = _csv_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == WIRE_COPIES + 1 == len({row["id"] for row in rows})
    lines = run_newsdesk("export", "--format", "jsonl", "--source", "ledger", "--from", "2023-07-02", env=env)
    assert lines.returncode == 0, lines.stderr
    assert [json.loads(line)["source"] for line in lines.stdout.splitlines()] == ["ledger"]
    bad = run_newsdesk("export", "--format", "xml", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "'xml'" in bad.stderr
