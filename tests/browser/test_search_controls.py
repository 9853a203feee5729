"""The search page's controls in Debian's chromium, desktop (1366x900) and phone (390x844): date presets and
a mistyped date, numbered pages with previous/next, removable chips (a speaker chosen on a quote card),
facets with "show more", and a one-row quotes strip that leaves the results in view.

Runs against a real `newsdesk serve` process over the embedded index and over Elasticsearch; screenshots
go to test-artifacts/.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.models import Quote
from tests.browser.conftest import ARTIFACTS, serve_articles
from tests.corpus import by_title, fixture_articles

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
COPIES = 24  # with the 4 fixture articles' bridge story: 25 bridge matches, three pages of 10


def _corpus() -> list:
    articles = fixture_articles()
    base = by_title(articles, "Harbor Bridge")
    now = datetime.now(UTC)
    for number in range(COPIES):
        copy = base.model_copy(deep=True)
        copy.url = copy.canonical_url = f"https://news.example/local/bridge-{number}"
        copy.title = f"Bridge update {number}: council weighs the tolls"
        copy.quotes = [
            Quote(
                text=f"The bridge is the city's spine, and update {number} says so at some length, "
                "with a sentence long enough to wrap over several lines of a card in the strip.",
                speaker=f"Speaker Number{number}",
            )
        ]
        copy.published_at = now - timedelta(days=number)  # days 0-6 fall in the last 7 days
        articles.append(copy)
    return articles


@pytest.fixture(params=["embedded", "elasticsearch"])
def server(request, base_env, tmp_path):
    yield from serve_articles(request, base_env, tmp_path, _corpus())


def _total(page) -> str:
    return page.locator(".total").inner_text()


def test_desktop_dates_pages_chips_facets_and_quotes_strip(browser, server):
    backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{base}/?q=bridge")
        page.wait_for_selector("li.hit")
        assert _total(page) == "results 1-10 of 25"
        # the strip is one row: the first article is above the fold at 1366x900
        first_hit = page.locator("li.hit").first.bounding_box()
        assert first_hit and first_hit["y"] < DESKTOP["height"] - 100, first_hit
        strip = page.locator(".quote-cards").bounding_box()
        assert strip and strip["height"] < 160, strip
        page.screenshot(path=str(ARTIFACTS / f"controls-{backend}-1-desktop.png"))
        page.click("label.toggle-label")
        opened = page.locator(".quote-cards").bounding_box()
        assert opened and opened["height"] > 2 * strip["height"], (strip, opened)
        page.click("label.toggle-label")

        # numbered pages, previous and next
        page.click(".pager a:text-is('2')")
        page.wait_for_selector(".pager strong:text-is('2')")
        assert _total(page) == "results 11-20 of 25" and page.locator(".quote-card").count() == 0
        page.click(".pager a.next")
        page.wait_for_selector(".pager strong:text-is('3')")
        assert _total(page) == "results 21-25 of 25"
        page.click(".pager a.prev")
        page.wait_for_selector(".pager strong:text-is('2')")
        page.click(".pager a:text-is('1')")
        page.wait_for_selector(".pager strong:text-is('1')")

        # a date preset, then a chip removes it
        page.click("a[data-range='7d']")
        page.wait_for_selector(".chip")
        assert "Published: last 7 days" in page.locator(".chip").inner_text()
        assert _total(page) == "results 1-7 of 7"
        page.click(".chip")
        page.wait_for_selector(".dates strong:text-is('any time')")
        assert _total(page) == "results 1-10 of 25" and page.locator(".chip").count() == 0

        # a custom range through the form
        page.click(".custom-range summary")
        since = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
        page.fill("input[name=from]", since)
        page.click(".custom-range button")
        page.wait_for_selector(".chip")
        assert f"From: {since}" in page.locator(".chip").inner_text()
        assert _total(page) in ("results 1-2 of 2", "results 1-3 of 3")  # days 0 and 1, and 2 after midnight UTC

        # a mistyped date: a sentence saying how to write it, not a validation dump
        page.goto(f"{base}/?q=bridge&from=2024-13-45")
        alert = page.locator(".error").inner_text()
        assert "is not a date: write it as YYYY-MM-DD" in alert and "Input should be" not in alert
        page.screenshot(path=str(ARTIFACTS / f"controls-{backend}-2-bad-date.png"))

        # a speaker chosen on a quote card filters the articles and shows a chip; facets show more
        page.goto(f"{base}/?q=bridge")
        speaker_facet = page.locator('[data-facet="speaker"] li')
        assert speaker_facet.count() == 10
        page.click('[data-facet="speaker"] a.show-more')
        page.wait_for_selector('[data-facet="speaker"] a.show-more:text-is("show fewer")')
        assert page.locator('[data-facet="speaker"] li').count() > 10
        name = page.locator(".quote-card a.speaker").first.inner_text()
        page.locator(".quote-card a.speaker").first.click()
        page.wait_for_selector(".chip")
        assert f"Speaker: {name}" in page.locator(".chip").inner_text()
        assert _total(page) == "results 1-1 of 1"
        page.screenshot(path=str(ARTIFACTS / f"controls-{backend}-3-speaker-chip.png"), full_page=True)

        # the README's picture: several filters active at once
        page.goto(f"{base}/?q=bridge&range=30d&source=tribune")
        assert page.locator(".chip").count() == 2 and _total(page) == "results 1-10 of 24"
        page.screenshot(path=str(ARTIFACTS / f"controls-{backend}-4-filters.png"))
    finally:
        page.close()


@pytest.mark.parametrize("server", ["embedded"], indirect=True)  # layout only: one backend is enough
def test_phone_keeps_results_in_view_and_nothing_sideways(browser, server):
    _backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{base}/?q=bridge&range=30d&source=tribune")
        page.wait_for_selector("li.hit")
        assert page.locator(".chip").count() == 2
        first_hit = page.locator("li.hit").first.bounding_box()
        assert first_hit and first_hit["y"] < PHONE["height"], first_hit
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for selector in (".pager", ".active-filters", ".controls"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
        page.screenshot(path=str(ARTIFACTS / "controls-phone-390x844.png"))
    finally:
        page.close()
