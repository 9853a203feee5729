import gzip
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import zstandard
from pydantic import ValidationError
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.errors import PageNotFound, PermanentError
from newsdesk.models import FetchedPage
from newsdesk.settings import Settings
from newsdesk.store.archive import archived_pages, latest_pages
from newsdesk.store.codec import CorruptPage, decode_page, encode_page
from newsdesk.store.objects import FileObjects, StoreLocation, open_object_store, parse_store_url
from newsdesk.store.pages import PageStore


def make_page(url: str = "https://x.test/a", when: datetime | None = None, source: str | None = None) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=url + "/",
        status=200,
        headers={"content-type": "text/html; charset=latin-1", "etag": '"v1"'},
        fetched_at=when or datetime.now(UTC),
        source=source,
        body="caf\xe9 <p>".encode("latin-1"),
    )


def test_put_get_round_trip_keeps_headers_and_bytes(tmp_path):
    store = PageStore(FileObjects(tmp_path))
    page = make_page()
    key = store.put(page)
    assert store.get(key) == page
    (stored,) = tmp_path.rglob("*.warc.zst")
    assert stored.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"  # one zstd frame


def test_stored_object_is_a_standard_warc_record_once_decompressed(tmp_path):
    page = make_page(source="ledger")
    raw = zstandard.ZstdDecompressor().decompressobj().decompress(encode_page(page, "feed"))
    records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(io.BytesIO(raw))]
    ((rec_type, headers, body),) = records
    assert rec_type == "response"
    assert headers.get_header("WARC-Target-URI") == page.final_url
    assert headers.get_header("WARC-Newsdesk-Kind") == "feed"
    assert body == page.body
    assert decode_page(encode_page(page, "feed")) == (page, "feed")


def test_pages_of_the_old_gzip_format_stay_readable(tmp_path):
    page = make_page()
    legacy_key = "ab" + "0" * 38
    meta = page.model_dump(mode="json", exclude={"body"})
    path = tmp_path / "ab" / f"{legacy_key}.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(json.dumps(meta).encode() + b"\n" + page.body, compresslevel=5))
    assert PageStore(FileObjects(tmp_path)).get(legacy_key) == page


def test_old_warc_files_are_still_read_by_reparse(tmp_path):
    old = make_page("https://x.test/old", datetime(2024, 5, 1, tzinfo=UTC), source="ledger")
    day = tmp_path / "warc" / "2024-05-01"
    day.mkdir(parents=True)
    with open(day / "host-1.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http_headers = StatusAndHeaders("200 OK", list(old.headers.items()), protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                old.final_url,
                "response",
                payload=io.BytesIO(old.body),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Date": "2024-05-01T00:00:00.000000Z",
                    "WARC-Newsdesk-Kind": "article",
                    "WARC-Newsdesk-Source": "ledger",
                    "WARC-Refers-To-Target-URI": old.url,
                },
            )
        )
    store = PageStore(FileObjects(tmp_path / "pages"))
    store.put(make_page("https://x.test/new", source="ledger"))
    pages = latest_pages(archived_pages(store, tmp_path / "warc", source="ledger"))
    assert sorted(p.url for p in pages) == ["https://x.test/new", "https://x.test/old"]
    assert next(p for p in pages if p.url == old.url).body == old.body


def test_keys_list_one_kind_from_a_day_on(tmp_path):
    store = PageStore(FileObjects(tmp_path))
    today = datetime.now(UTC)
    old = store.put(make_page("https://x.test/1", today - timedelta(days=3)))
    new = store.put(make_page("https://x.test/2", today))
    feed = store.put(make_page("https://x.test/feed", today), kind="feed")
    assert list(store.keys()) == [old, new]
    assert list(store.keys(since=today - timedelta(hours=1))) == [new]
    assert list(store.keys(kind="feed")) == [feed]
    assert sorted(store.keys(kind=None)) == sorted([old, new, feed])


def test_unknown_or_hostile_keys_raise_page_not_found(tmp_path):
    store = PageStore(FileObjects(tmp_path))
    for key in ("0" * 40, "../../etc/passwd", "", "2026-01-01/article/../../x", "2026-01-01/article/" + "0" * 40):
        with pytest.raises(PageNotFound):
            store.get(key)


def test_a_damaged_object_is_a_clear_permanent_error(tmp_path):
    objects = FileObjects(tmp_path)
    store = PageStore(objects)
    key = store.put(make_page())
    objects.put(key + ".warc.zst", b"\x28\xb5\x2f\xfd garbage")
    with pytest.raises(CorruptPage, match="damaged"):
        store.get(key)
    objects.put(key + ".warc.zst", b"plain text")
    with pytest.raises(CorruptPage):
        store.get(key)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:///srv/pages", StoreLocation("file", "/srv/pages")),
        ("file://localhost/srv/my%20pages", StoreLocation("file", "/srv/my pages")),
        ("data/pages", StoreLocation("file", "data/pages")),
        ("s3://newsdesk", StoreLocation("s3", "newsdesk", "")),
        ("s3://newsdesk/pages/prod/", StoreLocation("s3", "newsdesk", "pages/prod/")),
    ],
)
def test_store_urls_parse(url, expected):
    assert parse_store_url(url) == expected


@pytest.mark.parametrize("url", ["s3:///no-bucket", "http://x/y", "file://otherhost/x", "", "gs://bucket"])
def test_bad_store_urls_are_refused_clearly(url):
    with pytest.raises(PermanentError, match=r"page store URL|empty"):
        parse_store_url(url)


def test_the_setting_chooses_the_backend_and_is_checked(tmp_path):
    assert open_object_store(Settings(data_dir=tmp_path)).root == tmp_path / "pages"
    assert Settings(page_store_url="  ").page_store_url is None
    with pytest.raises(ValidationError, match="scheme must be file:// or s3://"):
        Settings(page_store_url="ftp://x/y")
    s3 = open_object_store(
        Settings(
            page_store_url="s3://bucket/p",
            s3_endpoint_url="http://127.0.0.1:1",
            s3_access_key_id="k",
            s3_secret_access_key="s",
        )
    )
    assert s3.url == "s3://bucket/p/"
    with pytest.raises(PermanentError, match="S3 client"):
        open_object_store(Settings(page_store_url="s3://b", s3_access_key_id="only-the-id"))


def test_an_unreachable_s3_endpoint_is_transient_so_the_task_is_retried():
    from newsdesk.errors import TransientError
    from tests.processes import free_port

    settings = Settings(
        page_store_url="s3://bucket/p",
        s3_endpoint_url=f"http://127.0.0.1:{free_port()}",  # nothing listens: connection refused
        s3_access_key_id="k",
        s3_secret_access_key="s",
    )
    store = PageStore(open_object_store(settings))
    with pytest.raises(TransientError, match="object store unreachable"):
        store.put(make_page())
    with pytest.raises(TransientError, match="object store unreachable"):
        list(store.keys())
