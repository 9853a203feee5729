"""`newsdesk search` in a terminal: snippets read as text, not as HTML."""

from __future__ import annotations

from newsdesk.index.embedded import EmbeddedIndex
from newsdesk.settings import get_settings
from services.cli import snippet_for_terminal
from tests.clirunner import run_newsdesk
from tests.corpus import fixture_articles


def test_cli_snippets_decode_html_entities_and_keep_the_match_shown(base_env) -> None:
    articles = fixture_articles()
    articles[0].title = 'Mayor\'s "final" budget & the council'
    index = EmbeddedIndex(get_settings().embedded_index_path)
    index.index_articles(articles)
    index.close()

    found = run_newsdesk("search", "budget", env=base_env)

    assert found.returncode == 0, found.stderr
    assert "&#x27;" not in found.stdout and "&quot;" not in found.stdout and "&amp;" not in found.stdout
    assert 'Mayor\'s "final" [budget] & the council' in found.stdout, found.stdout


def test_terminal_snippet_is_bold_where_matched() -> None:
    text = snippet_for_terminal("a &lt;b&gt; <mark>O&#x27;Neil</mark> said", styled=True)
    assert text.plain == "a <b> O'Neil said"
    assert [(text.plain[span.start : span.end], str(span.style)) for span in text.spans] == [("O'Neil", "bold")]


def test_cli_pages_with_position_and_filters(base_env) -> None:
    index = EmbeddedIndex(get_settings().embedded_index_path)
    index.index_articles(fixture_articles())
    index.close()

    second = run_newsdesk("search", "", "--newest", "--size", "2", "--page", "2", env=base_env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("results 3-4 of 4"), second.stdout
    assert "next: --page" not in second.stdout
    first = run_newsdesk("search", "", "--newest", "--size", "2", env=base_env)
    assert first.stdout.startswith("results 1-2 of 4") and "next: --page 2" in first.stdout

    quoted = run_newsdesk("search", "bridge", "--speaker", "Elena Park", "--agency", "Coastal Tribune", env=base_env)
    assert quoted.stdout.startswith("results 1-1 of 1"), quoted.stdout + quoted.stderr
    past = run_newsdesk("search", "", "--page", "9", env=base_env)
    assert past.returncode == 0 and past.stdout.startswith("page 9 is past the last result (4 results)")
    bad = run_newsdesk("search", "", "--page", "2000", env=base_env)
    assert bad.returncode == 2 and "beyond the first 10,000 results" in bad.stderr
