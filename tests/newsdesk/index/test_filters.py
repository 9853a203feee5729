"""The declared filters and facets (newsdesk.index.filters): every layer exposes exactly that set, and each
filter and facet works on the real Elasticsearch node and on the embedded index alike."""

from __future__ import annotations

import re

import pytest
import typer.main

from newsdesk.index.filters import FACET_NAMES, FILTER_NAMES, MAX_FACET_SIZE
from newsdesk.index.search import SearchRequest, build_es_query
from newsdesk.models import article_id
from tests.corpus import by_title
from tests.sitekit import ARTICLE_PATHS

HARBOR_BRIDGE_URL = "https://news.example" + next(path for path in ARTICLE_PATHS if "harbor-bridge" in path)

EVERY_FILTER = {
    "source": "tribune",
    "section": "Local",
    "author": "Dana Whitfield",
    "language": "en",
    "speaker": "Elena Park",
    "agency": "Coastal Tribune",
    "cluster": article_id(HARBOR_BRIDGE_URL),  # indexed without a near-duplicate: its own cluster
}


def test_the_declaration_names_the_filters_the_issue_asks_for():
    facets = {"source", "section", "author", "language", "speaker", "agency"}
    assert set(FILTER_NAMES) == {*facets, "cluster"} == set(EVERY_FILTER)
    assert set(FACET_NAMES) == facets  # a cluster id is a filter only: its values would mean nothing on a page


def test_api_parameters_are_the_declared_filters_on_search_quotes_and_export():
    from fastapi.testclient import TestClient

    from services.app import app

    schema = TestClient(app).get("/openapi.json").json()["paths"]
    others = {"q", "from", "to", "sort", "size", "page", "cursor", "facet_size", "format", "collapse"}
    for path in ("/search", "/quotes", "/export"):
        names = {param["name"] for param in schema[path]["get"]["parameters"]}
        assert names - others == set(FILTER_NAMES), path


def test_cli_options_are_the_declared_filters():
    from services.cli import app

    command = typer.main.get_command(app)
    others = {
        "as_json",
        "size",
        "page",
        "date_from",
        "date_to",
        "newest",
        "collapse",
        "export_format",
        "output",
        "help",
    }
    for name in ("search", "export"):
        options = {param.name for param in command.commands[name].params if param.param_type_name == "option"}
        assert options - others == set(FILTER_NAMES), name


def test_es_query_has_one_clause_and_one_facet_per_declared_filter():
    body = build_es_query(SearchRequest(filters=EVERY_FILTER))
    assert len(body["query"]["bool"]["filter"]) == len(FILTER_NAMES)
    assert set(body["aggs"]) == {*FACET_NAMES, "published"}


def test_page_controls_are_the_declared_facets_and_kept_filters(client):
    html = client.get("/", params={"q": "bridge"}).text
    assert set(re.findall(r'data-facet="(\w+)"', html)) - {"published"} <= set(FACET_NAMES)
    assert {"source", "speaker", "agency"} <= set(re.findall(r'data-facet="(\w+)"', html))
    chosen = client.get("/", params={"q": "bridge", **EVERY_FILTER}).text
    hidden = set(re.findall(r'<input type="hidden" name="(\w+)"', chosen))
    assert set(FILTER_NAMES) <= hidden  # a new query keeps every active filter


def test_every_facet_answers_and_counts_articles(client):
    body = client.get("/search").json()
    assert set(body["facets"]) == {*FACET_NAMES, "published"}
    facets = {name: {b["value"]: b["count"] for b in buckets} for name, buckets in body["facets"].items()}
    assert facets["language"] == {"en": 4}
    assert facets["agency"] == {"Associated Press": 2, "Coastal Tribune": 2}
    assert facets["speaker"]["Zahir Aghbar"] == 1  # several quotes by him, one article
    assert "Engineers" in facets["speaker"]


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_narrows_search_and_quotes(client, articles, name):
    found = client.get("/search", params={name: EVERY_FILTER[name]}).json()
    assert found["total"] >= 1
    assert by_title(articles, "Harbor Bridge").id in {hit["id"] for hit in found["hits"]}
    everything = client.get("/search", params=EVERY_FILTER).json()
    assert [hit["title"] for hit in everything["hits"]] == [by_title(articles, "Harbor Bridge").title]
    quotes = client.get("/quotes", params={"q": "bridge", name: EVERY_FILTER[name]}).json()
    assert quotes["total_articles"] == 1


def test_nested_filters_match_within_one_quote_or_credit(client):
    # Associated Press credits a photo in one article and the wire in another; Coastal Tribune photos, not wire
    assert client.get("/search", params={"agency": "Associated Press"}).json()["total"] == 2
    assert client.get("/search", params={"agency": "Zabi Karimi"}).json()["total"] == 0  # a photographer's name
    assert client.get("/search", params={"speaker": "park elena"}).json()["total"] == 1  # every word, any order
    assert client.get("/search", params={"speaker": "Elena Otis"}).json()["total"] == 0  # words of two speakers
    quotes = client.get("/quotes", params={"speaker": "Aghbar", "agency": "Associated Press"}).json()
    assert {hit["speaker"] for hit in quotes["hits"]} == {"Zahir Aghbar"}


def test_facet_size_shows_more_values(client):
    few = client.get("/search", params={"facet_size": 2}).json()
    assert len(few["facets"]["speaker"]) == 2 and "speaker" in few["more_facet_values"]
    assert "language" not in few["more_facet_values"]
    many = client.get("/search", params={"facet_size": MAX_FACET_SIZE}).json()
    assert len(many["facets"]["speaker"]) > 2 and many["more_facet_values"] == []


def test_numbered_pages_report_their_position(client):
    pages = [client.get("/search", params={"sort": "newest", "size": 3, "page": n}).json() for n in (1, 2)]
    assert [page["offset"] for page in pages] == [0, 3]
    assert len(pages[0]["hits"]) == 3 and len(pages[1]["hits"]) == 1
    assert {h["id"] for h in pages[0]["hits"]}.isdisjoint(h["id"] for h in pages[1]["hits"])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "0"}, "page"),
        ({"page": "1001", "size": "10"}, "beyond the first 10,000"),
        ({"page": "2", "cursor": "WzFd"}, "not both"),
        ({"facet_size": "101"}, "facet_size"),
        ({"speaker": "x" * 201}, "speaker"),
    ],
)
def test_bad_paging_and_filters_are_clear_errors(client, params, message):
    response = client.get("/search", params=params)
    assert response.status_code == 422 and message in response.json()["detail"]
