from datetime import UTC, datetime

import pytest

from newsdesk.errors import PageNotFound
from newsdesk.models import FetchedPage
from newsdesk.store.pages import PageStore


def test_put_get_round_trip_keeps_headers_and_bytes(tmp_path):
    store = PageStore(tmp_path)
    page = FetchedPage(
        url="https://x.test/a",
        final_url="https://x.test/a/",
        status=200,
        headers={"content-type": "text/html; charset=latin-1", "etag": '"v1"'},
        fetched_at=datetime.now(UTC),
        body="caf\xe9 <p>".encode("latin-1"),
    )
    key = store.put(page)
    assert store.get(key) == page
    assert list(tmp_path.rglob("*.gz"))  # stored compressed


def test_unknown_or_hostile_keys_raise_page_not_found(tmp_path):
    store = PageStore(tmp_path)
    for key in ("0" * 40, "../../etc/passwd", ""):
        with pytest.raises(PageNotFound):
            store.get(key)
