"""CPU per page of keeping fetched pages: the old double gzip (WARC at zlib 9 + page store at gzip 5) against
today's single zstd WARC record (issue 9 item 1).

Pages come from the end-to-end site (../shared/bench/e2e/site.py, or NEWSDESK_BENCH_HARNESS). Both ways run
interleaved, in this process, on a local directory (and on an S3 store too with --s3-url and the NEWSDESK_S3_*
settings), and the figures are process CPU time, so the other engineers' load moves them less than wall time.

    python bench/pagestore.py --pages 600 --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
HARNESS = Path(os.environ.get("NEWSDESK_BENCH_HARNESS", REPO.parent / "shared" / "bench" / "e2e"))
sys.path.insert(0, str(REPO))

from newsdesk.models import FetchedPage  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store.objects import FileObjects, open_object_store  # noqa: E402
from newsdesk.store.pages import PageStore  # noqa: E402


def load_pages(n: int) -> list[FetchedPage]:
    if not (HARNESS / "site.py").is_file():
        raise SystemExit(f"the end-to-end harness is missing: expected {HARNESS}/site.py (set NEWSDESK_BENCH_HARNESS)")
    # Loaded by path: the name "site" is the standard library's.
    spec = importlib.util.spec_from_file_location("e2e_site", HARNESS / "site.py")
    assert spec is not None and spec.loader is not None
    e2e_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(e2e_site)
    root = Path(tempfile.mkdtemp(prefix="pagestore-site-"))
    dev = HARNESS.parent / "extraction" / "dev"  # passed explicitly, as bench/e2e.py does
    manifest = e2e_site.build_site(root, n, "http://127.0.0.1:8000", str(dev / "html"), str(dev / "ground-truth.json"))
    pages = []
    for entry in manifest:
        path = root / entry["path"].lstrip("/")
        pages.append(
            FetchedPage(
                url=entry["url"],
                final_url=entry["url"],
                status=200,
                headers={"content-type": "text/html; charset=utf-8", "etag": '"x"', "server": "bench"},
                fetched_at=datetime.now(UTC),
                source="bench",
                body=path.read_bytes(),
            )
        )
    return pages


def old_way(root: Path) -> Callable[[FetchedPage], None]:
    """What the fetch stage did before: a WARC record at zlib level 9, then the page again at gzip level 5."""
    warc = root / "warc.warc.gz"
    pages = root / "pages"
    pages.mkdir(parents=True, exist_ok=True)

    def keep(page: FetchedPage) -> None:
        headers = [(k, v) for k, v in page.headers.items()] + [("Content-Length", str(len(page.body)))]
        http_headers = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        with open(warc, "ab") as out:
            writer = WARCWriter(out, gzip=True)
            writer.write_record(
                writer.create_warc_record(
                    page.final_url, "response", payload=io.BytesIO(page.body), http_headers=http_headers
                )
            )
        key = PageStore.key_for(page).rsplit("/", 1)[1]
        meta = page.model_dump(mode="json", exclude={"body"})
        fd, tmp = tempfile.mkstemp(dir=pages, suffix=".part")
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5) as stream:
            stream.write(json.dumps(meta).encode() + b"\n")
            stream.write(page.body)
        os.replace(tmp, pages / f"{key}.gz")

    return keep


def keeper(store: PageStore, keys: list[str]) -> Callable[[FetchedPage], None]:
    def keep(page: FetchedPage) -> None:
        keys.append(store.put(page))

    return keep


def measure(name: str, pages: list[FetchedPage], keep: Callable[[FetchedPage], object]) -> float:
    started = time.process_time()
    for page in pages:
        keep(page)
    return (time.process_time() - started) * 1000 / len(pages)


def size_of(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--s3-url", help="also time the S3 store, e.g. s3://newsdesk/bench (NEWSDESK_S3_* settings)")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    raw_bytes = sum(len(p.body) for p in pages)
    print(f"{len(pages)} pages, {raw_bytes / len(pages) / 1024:.1f} KiB each on average")
    results: dict[str, list[float]] = {"old: WARC gzip-9 + page gzip-5": [], "new: one zstd-3 WARC record": []}
    reads: dict[str, list[float]] = {"old: gunzip page": [], "new: unzstd + WARC parse": []}
    stored: dict[str, int] = {}
    if args.s3_url:
        results["new, on S3"] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="pagestore-old-") as old_dir:
            results["old: WARC gzip-9 + page gzip-5"].append(measure("old", pages, old_way(Path(old_dir))))
            stored["old"] = size_of(Path(old_dir))
            files = sorted((Path(old_dir) / "pages").glob("*.gz"))
            started = time.process_time()
            for path in files:
                with gzip.open(path, "rb") as stream:
                    stream.readline()
                    stream.read()
            reads["old: gunzip page"].append((time.process_time() - started) * 1000 / len(files))
        with tempfile.TemporaryDirectory(prefix="pagestore-new-") as new_dir:
            store = PageStore(FileObjects(Path(new_dir)))
            keys: list[str] = []
            results["new: one zstd-3 WARC record"].append(measure("new", pages, keeper(store, keys)))
            stored["new"] = size_of(Path(new_dir))
            started = time.process_time()
            for key in keys:
                store.get(key)
            reads["new: unzstd + WARC parse"].append((time.process_time() - started) * 1000 / len(keys))
        if args.s3_url:
            s3 = PageStore(open_object_store(Settings(page_store_url=args.s3_url)))
            results["new, on S3"].append(measure("s3", pages, s3.put))
    print("\nwriting (fetch stage), CPU ms per page, best of rounds:")
    for label, values in results.items():
        print(f"  {label:<34} {min(values):6.2f}   (rounds: {', '.join(f'{v:.2f}' for v in values)})")
    print("reading (parse stage), CPU ms per page, best of rounds:")
    for label, values in reads.items():
        print(f"  {label:<34} {min(values):6.2f}")
    print(
        f"stored bytes per page: old {stored['old'] / len(pages) / 1024:.1f} KiB (two copies), "
        f"new {stored['new'] / len(pages) / 1024:.1f} KiB (one copy)"
    )
    old, new = min(results["old: WARC gzip-9 + page gzip-5"]), min(results["new: one zstd-3 WARC record"])
    print(f"write CPU ratio new/old: {new / old:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
