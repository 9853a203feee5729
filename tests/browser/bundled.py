"""The bundled news site crawled for real and served: `newsdesk crawl` of its feed (as scripts/demo does), then
`newsdesk serve`, while the site stays up so the pages' images load. The article-view browser test looks at it,
and `scripts/screenshots` takes the README's pictures from it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tests.processes import REPO, api_server, newsdesk
from tests.sitekit import news_site

SOURCE = "demo"
# The README's search picture: a query with a language filter, a custom date range (chips) and a sort.
FILTERED_SEARCH = "/?q=said&language=en&from=2021-01-01&to=2024-12-31&sort=newest"
if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@contextmanager
def crawled_bundled_site(env: dict[str, str], workdir: Path) -> Iterator[str]:
    """Yields the base URL of `newsdesk serve` over the bundled site's crawled articles (the index `env` names)."""
    with news_site() as site:
        crawled = newsdesk("crawl", f"{site.base}/feed.xml", "--source", SOURCE, env=env)
        if crawled.returncode != 0 or "3 articles" not in crawled.stdout:
            raise RuntimeError(f"crawl of the bundled site failed:\n{crawled.stdout}\n{crawled.stderr}")
        with api_server(env, workdir / "api.log") as base:
            yield base


def take_readme_screenshots(out: Path = REPO / "docs" / "img") -> list[Path]:
    """The search page with filters active and one article view, at desktop width, over the embedded index."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-screenshots-") as tmp:
        work = Path(tmp)
        env = {"NEWSDESK_DATA_DIR": str(work / "data"), "NEWSDESK_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}
        env_unset = {"NEWSDESK_REDIS_URL": "", "NEWSDESK_ELASTICSEARCH_URL": ""}
        with crawled_bundled_site({**env, **env_unset}, work) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport=DESKTOP)
            page.goto(base + FILTERED_SEARCH)
            page.wait_for_selector("li.hit")
            written.append(out / "search-page.png")
            page.screenshot(path=str(written[-1]))
            page.click("li.hit a.hit-title:has-text('Harbor Bridge')")
            page.wait_for_selector("article.article .article-image img")
            page.wait_for_function("document.querySelector('.article-image img').naturalWidth > 0")
            written.append(out / "article-page.png")
            page.screenshot(path=str(written[-1]))
            browser.close()
    return written


if __name__ == "__main__":
    for path in take_readme_screenshots():
        print(path.relative_to(REPO), file=sys.stdout)
