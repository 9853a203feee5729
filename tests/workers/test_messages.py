"""Task messages: orjson on the wire, still JSON to the ledger's broker scan, and older json messages accepted."""

from __future__ import annotations

import base64

from kombu.serialization import dumps, loads, prepare_accept_content

from newsdesk.ops.ledger import _message_url
from workers import app

ACCEPTED = prepare_accept_content(app.conf.accept_content)  # as Celery's consumer turns names into content types


def test_task_messages_are_orjson_that_the_ledger_reads_as_json():
    body = ((), {"url": "https://news.example.org/a", "article": '{"title": "T\\u00e9"}', "run_id": None}, {})
    content_type, encoding, payload = dumps(body, serializer=app.conf.task_serializer)
    assert content_type == "application/x-orjson" and isinstance(payload, bytes)
    assert loads(payload, content_type, encoding, accept=ACCEPTED) == list(map(_as_list, body))
    # kombu's Redis transport keeps the body base64-encoded; the reconciler finds the article's URL in it
    message = {"body": base64.b64encode(payload).decode(), "properties": {"body_encoding": "base64"}}
    assert _message_url(message) == "https://news.example.org/a"


def test_json_messages_queued_before_orjson_are_still_accepted():
    content_type, encoding, payload = dumps(((), {"url": "u"}, {}), serializer="json")
    assert loads(payload, content_type, encoding, accept=ACCEPTED)[1] == {"url": "u"}


def _as_list(part):
    return list(part) if isinstance(part, tuple) else part
