"""End to end with nothing configured: in-process pipeline, embedded index, real HTTP site on 127.0.0.1."""

import json

import httpx
import pytest

from tests.processes import api_server, newsdesk


@pytest.mark.slow  # five newsdesk processes and an API server
def test_crawl_search_and_api_in_embedded_mode(site, base_env, tmp_path):
    first = newsdesk("crawl", f"{site.base}/feed.xml", env=base_env)
    assert first.returncode == 0, first.stderr
    assert "3 articles: fetched 3 / parsed 3 / indexed 3 / failed 0" in first.stdout

    again = newsdesk("crawl", f"{site.base}/feed.xml", env=base_env)
    assert again.returncode == 0, again.stderr

    found = newsdesk("search", "Panjshir", "--json", env=base_env)
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert result["total"] == 1
    hit = result["hits"][0]
    assert hit["title"] == "Afghanistan's Armed Resistance to the Taliban Enjoys First Successes"
    assert hit["url"] == f"{site.base}/news/2021/08/21/afghanistan-armed-resistance"
    assert any("<mark>Panjshir</mark>" in snippet for snippet in hit["highlight"])

    everything = json.loads(newsdesk("search", "", "--json", "--size", "50", env=base_env).stdout)
    assert everything["total"] == 3, "the second crawl must not duplicate articles"

    with api_server(base_env, tmp_path / "api.log") as api:
        response = httpx.get(f"{api}/search", params={"q": "Panjshir"})
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 1 and "<mark>Panjshir</mark>" in " ".join(body["hits"][0]["highlight"])
        article = httpx.get(f"{api}/articles/{body['hits'][0]['id']}").json()
        assert "Panjshir Valley" in article["body"]
        assert httpx.get(f"{api}/healthz").json()["status"] == "ok"
        assert "/search" in httpx.get(f"{api}/openapi.json").json()["paths"]


def test_crawl_of_unreachable_feed_fails_with_one_line(base_env):
    result = newsdesk("crawl", "http://127.0.0.1:9/feed.xml", env=base_env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "error:" in result.stderr


def test_crawl_refuses_loopback_without_allow_list(site, base_env):
    env = {**base_env, "NEWSDESK_ALLOW_PRIVATE_HOSTS": ""}
    result = newsdesk("crawl", f"{site.base}/feed.xml", env=env)
    assert result.returncode != 0
    assert "non-public address" in result.stderr
    assert site.hits("/feed.xml") == 0
