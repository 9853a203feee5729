"""services/web: the search page and the article page, over both backends (HTML, escaping, links)."""

import re
from html import unescape

from tests.search.corpus import HOSTILE_TITLE, by_title


def test_search_page_shows_results_facets_quotes_and_sort_toggle(client):
    response = client.get("/", params={"q": "bridge"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Harbor <mark>Bridge</mark> Replacement" in page
    assert re.search(r'data-facet="source".*?tribune</a> <span class="count">\d+', page, re.S)
    assert 'href="/?q=bridge&amp;source=tribune"' in page
    assert 'href="/?q=bridge&amp;sort=newest"' in page
    assert 'class="quote-card"' in page and "Elena Park" in page  # the canonical name, no title


def test_facet_link_filters_and_chip_removes_the_filter(client):
    page = client.get("/", params={"q": "council", "section": "Local"}).text
    assert "1 result" in page and "section: Local" in page
    assert 'href="/?q=council" title="remove this filter"' in page


def test_hostile_text_is_escaped_everywhere_but_mark_survives(client):
    page = client.get("/", params={"q": "<script> council"}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "<b>council" not in page
    assert "<mark>" in page
    hostile = client.get("/", params={"section": "Opinion"}).text
    assert unescape(re.search(r'class="hit-title"[^>]*>(.*?)</a>', hostile, re.S).group(1)) == HOSTILE_TITLE


def test_article_page_shows_body_quotes_and_credits(client, articles):
    article = by_title(articles, "Afghanistan")
    page = client.get(f"/article/{article.id}").text
    assert "Panjshir Valley" in page
    assert 'class="speaker">Zahir Aghbar' in page
    assert "Zabi Karimi" in page and 'class="role">photo' in page
    assert client.get("/article/0123456789abcdef").status_code == 404


def test_bad_page_parameters_render_a_message_not_a_500(client):
    for params in ({"from": "yesterday"}, {"size": "5"}, {"cursor": "zzz"}, {"sort": "sideways"}):
        response = client.get("/", params=params)
        assert response.status_code == 400, params
        assert 'class="error"' in response.text


def test_static_css_is_served(client):
    assert "mark" in client.get("/static/search.css").text
