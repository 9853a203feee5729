"""The search page in Debian's chromium (Playwright, no browser download): query, facet, article.

Runs against a real `newsdesk serve` process, over the embedded index and over Elasticsearch.
Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, serve_articles
from tests.corpus import fixture_articles

pytestmark = pytest.mark.browser


@pytest.fixture(params=["embedded", "elasticsearch"])
def server(request, base_env, tmp_path):
    yield from serve_articles(request, base_env, tmp_path, fixture_articles())


def test_type_query_apply_facet_open_article(browser, server):
    backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/?q=bridge")  # a quote's own words: its card shows the speaker
        assert page.locator(".quote-card .speaker").first.inner_text() == "Elena Park"
        page.fill("input[name=q]", "council")
        page.press("input[name=q]", "Enter")
        page.wait_for_selector("li.hit")
        assert page.locator(".total").inner_text() == "results 1-2 of 2"
        assert page.locator("li.hit mark").count() >= 2
        page.screenshot(path=str(ARTIFACTS / f"search-{backend}-1-query.png"), full_page=True)

        page.click('[data-facet="section"] a:text-is("Local")')
        page.wait_for_selector(".chip")
        assert page.locator(".total").inner_text() == "results 1-1 of 1"
        assert "Section: Local" in page.locator(".chip").inner_text()
        assert "section=Local" in page.url
        page.screenshot(path=str(ARTIFACTS / f"search-{backend}-2-facet.png"), full_page=True)

        page.click("a:text-is('newest')")
        page.wait_for_selector(".sort strong:text-is('newest')")

        page.click("li.hit a.hit-title")
        page.wait_for_selector("article.article h1")
        assert page.locator("h1").inner_text() == "City Council Approves $2.1 Billion Harbor Bridge Replacement"
        assert page.locator(".body p").count() >= 3
        assert "Elena Park" in page.locator(".quotes").inner_text()  # the canonical name; "mayor" is her role
        assert "Marco Ruiz" in page.locator(".photo-credit").inner_text()  # under the image it credits
        page.screenshot(path=str(ARTIFACTS / f"search-{backend}-3-article.png"), full_page=True)
    finally:
        page.close()


def test_hostile_title_is_text_not_markup(browser, server):
    _backend, base = server
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{base}/?section=Opinion")
        page.wait_for_selector("li.hit")
        assert page.locator("li.hit a.hit-title").inner_text() == 'Council <script>alert("x")</script> & "quotes"'
        assert page.locator("li.hit script, li.hit img").count() == 0
        assert dialogs == []
    finally:
        page.close()


@pytest.mark.parametrize("server", ["embedded"], indirect=True)  # layout only: one backend is enough
def test_phone_width_keeps_the_search_button_on_screen(browser, server):
    _backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{base}/?q=council")
        page.wait_for_selector("li.hit")
        button = page.locator(".searchbox button").bounding_box()
        field = page.locator(".searchbox input[type=search]").bounding_box()
        assert button and field
        assert button["x"] >= 0 and button["x"] + button["width"] <= 390, button
        assert field["x"] >= 0 and field["x"] + field["width"] <= 390, field
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pushes the page sideways
        page.screenshot(path=str(ARTIFACTS / "search-phone-390x844.png"), full_page=False)
    finally:
        page.close()
