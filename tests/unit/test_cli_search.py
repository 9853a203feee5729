"""`newsdesk search` in a terminal: snippets read as text, not as HTML."""

from __future__ import annotations

from newsdesk.index.embedded import EmbeddedIndex
from newsdesk.settings import get_settings
from services.cli import snippet_for_terminal
from tests.processes import newsdesk
from tests.search.corpus import fixture_articles


def test_cli_snippets_decode_html_entities_and_keep_the_match_shown(base_env) -> None:
    articles = fixture_articles()
    articles[0].title = 'Mayor\'s "final" budget & the council'
    index = EmbeddedIndex(get_settings().embedded_index_path)
    index.index_articles(articles)
    index.close()

    found = newsdesk("search", "budget", env=base_env)

    assert found.returncode == 0, found.stderr
    assert "&#x27;" not in found.stdout and "&quot;" not in found.stdout and "&amp;" not in found.stdout
    assert 'Mayor\'s "final" [budget] & the council' in found.stdout, found.stdout


def test_terminal_snippet_is_bold_where_matched() -> None:
    text = snippet_for_terminal("a &lt;b&gt; <mark>O&#x27;Neil</mark> said", styled=True)
    assert text.plain == "a <b> O'Neil said"
    assert [(text.plain[span.start : span.end], str(span.style)) for span in text.spans] == [("O'Neil", "bold")]
