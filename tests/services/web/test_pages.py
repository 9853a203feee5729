"""services/web: the search page and the article page, over both backends (HTML, escaping, links)."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from newsdesk.models import Quote
from tests.corpus import HOSTILE_TITLE, by_title


def _copies(index, articles, n: int, published: datetime | None = None) -> None:
    """n more bridge articles, each quoting its own speaker."""
    base = by_title(articles, "Harbor Bridge")
    start = published or base.published_at
    assert start is not None
    copies = []
    for number in range(n):
        copy = base.model_copy(deep=True)
        copy.url = copy.canonical_url = f"https://news.example/local/bridge-{number}"
        copy.title = f"Bridge update {number}"
        copy.quotes = [Quote(text=f"The bridge matters {number}.", speaker=f"Speaker Number{number}")]
        copy.published_at = start - timedelta(minutes=number)
        copies.append(copy)
    index.index_articles(copies)
    index.refresh()


def test_numbered_pages_show_the_position_and_previous_next(client, index, articles):
    _copies(index, articles, 21)
    first = client.get("/", params={"q": "bridge"}).text
    assert "results 1-10 of 22" in first
    assert '<span class="prev disabled">' in first and 'rel="next" href="/?q=bridge&amp;page=2"' in first
    assert re.findall(r'<a href="/\?q=bridge&amp;page=(\d+)">', first) == ["2", "3"]
    second = client.get("/", params={"q": "bridge", "page": "2"}).text
    assert "results 11-20 of 22" in second and '<strong aria-current="page">2</strong>' in second
    assert 'rel="prev" href="/?q=bridge"' in second and 'rel="next" href="/?q=bridge&amp;page=3"' in second
    assert '<ol class="hits" start="11">' in second
    assert 'class="quote-card"' in first and 'class="quote-card"' not in second  # the strip is page 1's only
    assert "results 21-22 of 22" in client.get("/", params={"q": "bridge", "page": "3"}).text


def test_date_presets_count_back_from_now_and_show_a_chip(client, index, articles):
    _copies(index, articles, 2, published=datetime.now(UTC) - timedelta(hours=2))
    day = client.get("/", params={"range": "24h"}).text
    assert "results 1-2 of 2" in day and "Published: last 24 hours" in day
    assert "<strong>last 24 hours</strong>" in day
    assert 'href="/" title="remove this filter"' in day
    assert "results 1-2 of 2" in client.get("/", params={"range": "30d"}).text
    assert "of 6" in client.get("/").text


def test_choosing_a_speaker_filters_the_articles_and_shows_a_chip(client):
    page = client.get("/", params={"q": "bridge"}).text
    link = re.search(r'<a class="speaker" href="([^"]+)"[^>]*>Elena Park</a>', page).group(1)
    chosen = client.get(unescape(link)).text
    assert "Speaker: Elena Park" in chosen and "results 1-1 of 1" in chosen
    assert "Quotes by Elena Park" in chosen


def test_facets_show_more_and_fewer(client, index, articles):
    _copies(index, articles, 12)
    page = client.get("/", params={"q": "bridge"}).text
    speakers = re.search(r'data-facet="speaker">(.*?)</section>', page, re.S).group(1)
    assert speakers.count("<li>") == 10 and 'href="/?q=bridge&amp;more=speaker">show more' in speakers
    more = client.get("/", params={"q": "bridge", "more": "speaker"}).text
    speakers = re.search(r'data-facet="speaker">(.*?)</section>', more, re.S).group(1)
    assert speakers.count("<li>") == 15 and "show fewer" in speakers


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
    assert "results 1-1 of 1" in page and "Section: Local" in page
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
    # The canonical speaker links to the articles quoting them; the role the article gives follows the name.
    assert 'href="/?speaker=Zahir%20Aghbar"' in page
    assert 'Zahir Aghbar</a><span class="speaker-role">, The Afghan ambassador to Tajikistan</span>' in page
    assert 'class="photographer">Zabi Karimi' in page and 'class="agency">Associated Press' in page
    assert 'class="name">Fox News' in page  # a cited source
    assert 'class="original" href="https://news.example/news/2021/08/21/afghanistan-armed-resistance"' in page
    assert client.get("/article/0123456789abcdef").status_code == 404


def test_bad_page_parameters_render_a_message_not_a_500(client):
    for params in (
        {"from": "yesterday"},
        {"size": "5"},
        {"cursor": "zzz"},
        {"sort": "sideways"},
        {"page": "0"},
        {"page": "two"},
        {"range": "1y"},
        {"more": "colour"},
        {"page": "1001"},
    ):
        response = client.get("/", params=params)
        assert response.status_code == 400, params
        assert 'class="error"' in response.text
        assert "Input should be" not in response.text and "Value error" not in response.text, params


def test_a_mistyped_date_gets_a_message_saying_how_to_write_it(client):
    page = client.get("/", params={"q": "bridge", "from": "2024-13-45"}).text
    assert "the &#39;from&#39; date (2024-13-45) is not a date: write it as YYYY-MM-DD" in page
    assert 'class="custom-range" open' in page  # the custom range stays open, to correct it
    assert 'title="remove this filter"' in page  # and the bad date is a chip that removes it
    swapped = client.get("/", params={"from": "2024-03-01", "to": "2024-02-01"}).text
    assert "is after the &#39;to&#39; date (2024-02-01): swap them" in swapped


def test_static_css_is_served(client):
    assert "mark" in client.get("/static/search.css").text
