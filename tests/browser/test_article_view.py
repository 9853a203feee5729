"""The article view in Debian's chromium, desktop (1366x900) and phone (390x844), over the bundled site crawled
for real into the embedded index and into Elasticsearch: images with their captions and photo credits, quotes
with their canonical speakers and roles, the byline with its wire, cited sources, the link to the original.
Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.bundled import DESKTOP, PHONE, crawled_bundled_site
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture(params=["embedded", "elasticsearch"])
def server(request, base_env, tmp_path) -> Iterator[tuple[str, str]]:
    env = dict(base_env)
    if request.param == "elasticsearch":
        env.update(
            NEWSDESK_ELASTICSEARCH_URL=request.getfixturevalue("es_url"),
            NEWSDESK_INDEX_PREFIX=request.getfixturevalue("es_prefix"),
        )
    with crawled_bundled_site(env, tmp_path) as base:
        yield request.param, base


def _open_article(page, base: str, title: str) -> None:
    page.goto(f"{base}/?q={title.split()[0]}")
    page.wait_for_selector("li.hit")
    page.click(f"li.hit a.hit-title:has-text('{title}')")
    page.wait_for_selector("article.article h1")


def _assert_images_loaded(page) -> None:
    page.wait_for_function("[...document.querySelectorAll('.article-image img')].every(i => i.complete)")
    assert page.evaluate("[...document.querySelectorAll('.article-image img')].every(i => i.naturalWidth > 0)")


def test_desktop_article_view_shows_images_quotes_and_credits(browser, server):
    backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=DESKTOP)
    try:
        _open_article(page, base, "Harbor Bridge")
        _assert_images_loaded(page)
        caption = page.locator(".article-image figcaption")
        assert caption.locator(".caption").inner_text() == "The aging Harbor Bridge at dusk."
        assert caption.locator(".photographer").inner_text() == "Marco Ruiz"
        assert caption.locator(".agency").inner_text() == "Coastal Tribune"
        assert page.locator(".byline .author").inner_text() == "Dana Whitfield"
        park = page.locator(".quote-card", has=page.locator("a.speaker:text-is('Elena Park')"))
        assert park.locator(".speaker-role").inner_text() == ", mayor"
        assert park.locator(".kind").inner_text().lower() == "direct"
        original = page.locator(".article-links a.original")
        assert original.get_attribute("href") == base_site_url(page, "/local/2024/03/12/harbor-bridge-vote")
        image_box = page.locator(".article-image img").bounding_box()
        quotes_box = page.locator(".article-side .quotes").bounding_box()
        assert quotes_box["x"] > image_box["x"] + image_box["width"]  # quotes beside the story, not under it
        page.screenshot(path=str(ARTIFACTS / f"article-{backend}-desktop.png"), full_page=True)

        park.locator("a.speaker").click()  # the canonical speaker filters the search
        page.wait_for_selector(".chip")
        assert "Speaker: Elena Park" in page.locator(".chip").inner_text()

        _open_article(page, base, "Farmers brace")
        assert page.locator(".byline .wire").inner_text() == "with Associated Press"
        wire = page.locator("section.credits[aria-label='Wire']")
        assert wire.locator(".name").inner_text() == "Associated Press"
        assert wire.locator(".as-printed").inner_text() == "MADRID (AP)"

        _open_article(page, base, "Afghanistan")
        assert page.locator(".article-image .photographer").inner_text() == "Zabi Karimi"
        assert page.locator(".article-image .agency").inner_text() == "Associated Press"
        cited = page.locator("section.credits[aria-label='Cited sources'] .name").all_inner_texts()
        assert set(cited) == {"Washington Post", "Fox News"}
        assert "The Afghan ambassador to Tajikistan" in page.locator(".quotes").inner_text()
    finally:
        page.close()


def base_site_url(page, path: str) -> str:
    """The crawled site's URL for a path, read from the image the page shows (the site's port changes per run)."""
    image = page.locator(".article-image img").get_attribute("src")
    return image.split("/img/")[0] + path


@pytest.mark.parametrize("server", ["embedded"], indirect=True)  # layout only: one backend is enough
def test_phone_article_view_stacks_and_never_scrolls_sideways(browser, server):
    _backend, base = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE)
    try:
        _open_article(page, base, "Harbor Bridge")
        _assert_images_loaded(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        image_box = page.locator(".article-image img").bounding_box()
        assert image_box["x"] >= 0 and image_box["x"] + image_box["width"] <= PHONE["width"]
        body_box = page.locator(".story .body").bounding_box()
        quotes_box = page.locator(".article-side .quotes").bounding_box()
        assert quotes_box["y"] > body_box["y"]  # one column: the quotes follow the story
        assert page.locator(".photo-credit").is_visible()
        page.screenshot(path=str(ARTIFACTS / "article-embedded-phone.png"), full_page=True)
    finally:
        page.close()
