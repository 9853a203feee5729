"""The search API over the real Elasticsearch node and over the embedded index: same answers, same errors."""

from urllib.parse import quote

import pytest

from tests.corpus import by_title


def test_search_finds_highlights_and_facets(client):
    body = client.get("/search", params={"q": "bridge"}).json()
    assert body["total"] >= 1
    top = body["hits"][0]
    assert top["title"] == "City Council Approves $2.1 Billion Harbor Bridge Replacement"
    assert "<mark>Bridge</mark>" in top["title_highlight"]
    assert any("<mark>" in snippet for snippet in top["highlight"])
    facets = body["facets"]
    assert {"value": "tribune", "count": body["total"]} in facets["source"]
    assert facets["published"] and facets["section"]


def test_phrase_exclusion_or_and_filters(client):
    assert client.get("/search", params={"q": '"Harbor Bridge"'}).json()["total"] == 1
    assert client.get("/search", params={"q": "taliban -panjshir"}).json()["total"] == 0
    assert client.get("/search", params={"q": "reservoirs OR taliban"}).json()["total"] == 2
    ledger = client.get("/search", params={"source": "ledger"}).json()
    assert ledger["total"] == 2 and {h["source"] for h in ledger["hits"]} == {"ledger"}
    assert client.get("/search", params={"section": "World"}).json()["total"] == 1
    assert client.get("/search", params={"author": "Rick Moran"}).json()["total"] == 1
    dated = client.get("/search", params={"from": "2023-07-02", "to": "2023-07-02"}).json()
    assert [h["title"] for h in dated["hits"]] == ["Farmers brace for third year of drought as reservoirs fall"]
    assert client.get("/search", params={"language": "en"}).json()["total"] == 4


def test_newest_sort_and_cursor_paging_visit_every_article_once(client):
    seen, cursor = [], None
    while True:
        params = {"sort": "newest", "size": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/search", params=params).json()
        seen += [hit["published_at"][:10] for hit in page["hits"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 4 and seen == sorted(seen, reverse=True)


def test_quotes_by_speaker_containing_words_with_their_article(client, articles):
    body = client.get("/quotes", params={"speaker": "Aghbar", "q": "taliban"}).json()
    assert body["total_articles"] == 1
    assert {hit["speaker"] for hit in body["hits"]} == {"Zahir Aghbar"}
    assert "<mark>Taliban</mark>" in body["hits"][0]["highlight"]
    assert body["hits"][0]["article"]["id"] == by_title(articles, "Afghanistan").id
    # the speaker and the words must hold for the same quote, not just somewhere in the article
    assert client.get("/quotes", params={"speaker": "Aghbar", "q": "mujahideen"}).json()["total_articles"] == 0
    mayor = client.get("/quotes", params={"speaker": "elena park"}).json()
    assert mayor["hits"][0]["article"]["title"].startswith("City Council Approves")


def test_sources_and_article_pages(client, articles):
    sources = client.get("/sources").json()["sources"]
    assert {(s["name"], s["articles"]) for s in sources} == {("ledger", 2), ("tribune", 2)}
    article = by_title(articles, "Harbor")
    body = client.get(f"/articles/{article.id}").json()
    assert body["title"] == article.title and body["quotes"] and body["credits"]
    assert client.get("/articles/0123456789abcdef").status_code == 404


HOSTILE = [
    ("/search", {"q": "x" * 5000}, 422, "at most 500"),
    ("/search", {"size": "1000"}, 422, "less than or equal to 100"),
    ("/search", {"size": "-1"}, 422, "size"),
    ("/search", {"from": "10000"}, 422, "from"),
    ("/search", {"from": "2024-13-45"}, 422, "from"),
    ("/search", {"from": "2024-02-01", "to": "2024-01-01"}, 422, "not be after"),
    ("/search", {"sort": "_script"}, 422, "sort"),
    ("/search", {"cursor": "not-a-cursor"}, 400, "cursor"),
    ("/search", {"cursor": "WyJhIiwiYiIsImMiLCJkIiwiZSJd"}, 400, "cursor"),
    ("/search", {"offset": "100000"}, 400, "unknown parameter"),
    ("/search", {"q": "a", "script": "ctx._source"}, 400, "unknown parameter"),
    ("/search", {"index": "_all"}, 400, "unknown parameter"),
    ("/quotes", {}, 422, "speaker"),
    ("/quotes", {"speaker": "a", "fields": "x"}, 400, "unknown parameter"),
    ("/sources", {"size": "10"}, 400, "unknown parameter"),
    ("/articles/..%2F..%2Fetc", {}, 404, ""),
    ("/articles/ZZZZZZZZZ", {}, 422, "pattern"),
]


@pytest.mark.parametrize(("path", "params", "status", "message"), HOSTILE)
def test_bad_parameters_answer_4xx_json_with_a_message(client, path, params, status, message):
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "((( bridge",
        "bridge)))",
        "a AND OR NOT |",
        "*",
        "-",
        '"',
        "\\",
        "title:bridge",
        "<script>alert(1)</script>",
        '{"script": {"source": "1"}}',
        "'; DROP TABLE articles; --",
        "\x00\x01bridge",
        "NEAR(a b)",
        "bridge~2",
        "é" * 400,
    ],
)
def test_hostile_queries_are_searched_never_500(client, q):
    for path, params in (("/search", {"q": q}), ("/quotes", {"q": q}), ("/quotes", {"speaker": q})):
        response = client.get(path, params=params)
        assert response.status_code in (200, 422), (path, q, response.text)
        assert response.headers["content-type"].startswith("application/json")


def test_repeated_parameter_is_refused(client):
    response = client.get("/search?q=a&q=b")
    assert response.status_code == 400 and "more than once" in response.json()["detail"]


def test_openapi_documents_every_resource(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/search", "/quotes", "/articles/{article_id}", "/sources", "/healthz"} <= set(paths)
    assert "/" not in paths and "/article/{article_id}" not in paths
    assert {p["name"] for p in paths["/search"]["get"]["parameters"]} >= {"q", "from", "to", "sort", "cursor"}


def test_hostile_article_text_comes_back_escaped_in_highlights(client):
    body = client.get("/search", params={"q": "council met"}).json()
    snippets = " ".join(s for hit in body["hits"] for s in hit["highlight"])
    assert "<img" not in snippets and "<script" not in snippets and "<b>" not in snippets
    assert "&lt;" in snippets and "<mark>" in snippets


def test_path_traversal_in_article_id_is_not_found(client):
    assert client.get("/articles/" + quote("../../etc/passwd", safe="")).status_code in (404, 422)
