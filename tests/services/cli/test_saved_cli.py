"""`newsdesk saved-searches` in embedded mode: add, list, check (webhook alerts without a queue), remove."""

from __future__ import annotations

import json

from newsdesk.index.embedded import EmbeddedIndex
from newsdesk.settings import get_settings
from tests.clirunner import run_newsdesk
from tests.corpus import by_title, fixture_articles
from tests.receiver import webhook_receiver


def test_saved_search_commands_deliver_new_matches_once(base_env) -> None:
    articles = fixture_articles()
    index = EmbeddedIndex(get_settings().embedded_index_path)
    index.index_articles(articles)
    with webhook_receiver() as receiver:
        added = run_newsdesk(
            "saved-searches",
            "add",
            "Bridge watch",
            "-q",
            "bridge",
            "--source",
            "tribune",
            "--webhook",
            receiver.url,
            env=base_env,
        )
        assert added.returncode == 0, added.stderr
        search_id = added.stdout.strip()
        listed = run_newsdesk("saved-searches", "list", "--json", env=base_env)
        saved = json.loads(listed.stdout)
        assert saved["id"] == search_id and saved["filters"] == {"source": "tribune"}

        fresh = by_title(articles, "Harbor Bridge").model_copy(deep=True)
        fresh.url = fresh.canonical_url = "https://news.example/local/bridge-tolls"
        index.index_articles([fresh])
        first = run_newsdesk("saved-searches", "check", env=base_env)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout) == {"id": search_id, "name": "Bridge watch", "sent": 1}
        assert receiver.articles() == [fresh.id]
        again = run_newsdesk("saved-searches", "check", env=base_env)
        assert json.loads(again.stdout)["sent"] == 0 and receiver.articles() == [fresh.id]

        receiver.statuses = [500]
        index.index_articles([fresh.model_copy(update={"url": "u", "canonical_url": "https://news.example/x"})])
        down = run_newsdesk("saved-searches", "check", env=base_env)
        assert down.returncode == 1 and "answered 500" in down.stderr
        assert len(receiver.articles()) == 1
        assert json.loads(run_newsdesk("saved-searches", "check", env=base_env).stdout)["sent"] == 1  # sent on the next
    index.close()

    bad = run_newsdesk("saved-searches", "add", "x", "--webhook", "ftp://example.org/", env=base_env)
    assert bad.returncode == 2 and "scheme" in bad.stderr
    assert run_newsdesk("saved-searches", "remove", search_id, env=base_env).returncode == 0
    assert run_newsdesk("saved-searches", "remove", search_id, env=base_env).returncode == 1
