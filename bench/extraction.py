"""Benchmark: newsdesk's parser vs trafilatura (defaults) on the shared pages, plus quote attribution.

    python bench/extraction.py [--shared ../shared/bench] [--repeat 1] [--skip-quotes]

Body: both extractors run on the same pages in one process, alternating page by page so that
machine load hits both alike; timing covers the call only (HTML string in, result out). Body
precision/recall/F1 come from the shared scorer (`extraction/score.py`, imported). Memory, over one
extra untimed pass per extractor: tracemalloc's peak of Python allocations, and the growth of the
resident set at its peak in a fresh process (which also counts libxml2's trees).
Quotes: each article of `quotes/dev.jsonl` becomes a plain HTML page (title in <h1>, one <p>
per paragraph) and goes through `extract_article`; quotes in quotation marks are scored with
`quotes/score.py` (subprocess) for kinds direct, mixed and direct+mixed.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmllib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402

from newsdesk.errors import NotAnArticle  # noqa: E402
from newsdesk.models import QuoteKind  # noqa: E402
from newsdesk.parse import extract_article  # noqa: E402


def _load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("shared_extraction_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer at {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _newsdesk(html: str, url: str) -> str:
    try:
        return extract_article(html, url).body
    except NotAnArticle:
        return ""


def _trafilatura(html: str, url: str) -> str:
    return trafilatura.extract(html) or ""


def _peak_mb(fn, pages: dict[str, str], urls: dict[str, str]) -> float:
    """Peak of Python allocations (tracemalloc) over one untimed pass."""
    tracemalloc.start()
    for pid, html in pages.items():
        fn(html, urls.get(pid, ""))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _rss_growth_mb(system: str, split: Path) -> float:
    """Growth of resident memory at its peak over two passes, in a fresh process per extractor.

    tracemalloc does not see libxml2's C allocations (the trees) or models loaded on first use,
    so the resident set is measured too: once the modules are imported and the pages loaded,
    Linux's high-water mark (VmHWM) is reset through /proc/self/clear_refs and compared with
    VmRSS before the passes."""
    probe = (
        "import gc, gzip, sys\n"
        f"sys.path.insert(0, {str(REPO)!r}); sys.argv = ['probe']\n"
        "from pathlib import Path\n"
        "import bench.extraction as b\n"
        "def status(field):\n"
        "    line = next(l for l in open('/proc/self/status') if l.startswith(field + ':'))\n"
        "    return int(line.split()[1]) / 1024\n"
        f"fn = {{'newsdesk': b._newsdesk, 'trafilatura': b._trafilatura}}[{system!r}]\n"
        f"pages = [gzip.decompress(p.read_bytes()).decode('utf-8', 'replace') "
        f"for p in sorted(Path({str(split / 'html')!r}).glob('*.html.gz'))]\n"
        "gc.collect()\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "before = status('VmRSS')\n"
        "for _ in range(2):\n"
        "    for html in pages: fn(html, '')\n"
        "print(status('VmHWM') - before)\n"
    )
    try:
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError:
        return float("nan")  # not Linux, or /proc/self/clear_refs not writable
    return float(run.stdout.strip().splitlines()[-1])


def run_body(shared: Path, repeat: int) -> dict:
    split = shared / "extraction" / "dev"
    scorer = _load_scorer(shared / "extraction" / "score.py")
    gold_raw = json.loads((split / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {k: v["articleBody"] for k, v in gold_raw.items()}
    urls = {k: v.get("url", "") for k, v in gold_raw.items()}
    pages = {
        p.name[: -len(".html.gz")]: gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in sorted((split / "html").glob("*.html.gz"))
    }
    systems = {"newsdesk": _newsdesk, "trafilatura": _trafilatura}
    for fn in systems.values():  # warm-up, one untimed pass: imports, regexes, lazily loaded models
        for pid, html in pages.items():
            fn(html, urls[pid])
    preds: dict[str, dict[str, Any]] = {name: {} for name in systems}
    seconds = {name: 0.0 for name in systems}
    for _ in range(repeat):
        for pid, html in pages.items():
            for name, fn in systems.items():
                t0 = time.perf_counter()
                preds[name][pid] = fn(html, urls[pid])
                seconds[name] += time.perf_counter() - t0
    out: dict[str, Any] = {}
    for name, fn in systems.items():
        s = scorer.score(gold, preds[name], n_bootstrap=0)
        out[name] = {
            "precision": s["precision"],
            "recall": s["recall"],
            "f1": s["f1"],
            "pages_per_s": repeat * len(pages) / seconds[name],
            "peak_mb": _peak_mb(fn, pages, urls),
            "rss_growth_mb": _rss_growth_mb(name, split),
        }
    out["pages"] = len(pages)
    return out


def _as_html(text: str) -> str:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if not paras:
        return ""
    title, rest = paras[0], paras[1:]
    body = "\n".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in rest)
    return (
        f"<html><head><title>{htmllib.escape(title)}</title></head><body><article>"
        f"<h1>{htmllib.escape(title)}</h1>\n{body}</article></body></html>"
    )


def run_quotes(shared: Path) -> dict:
    gold_path = shared / "quotes" / "dev.jsonl"
    scorer = shared / "quotes" / "score.py"
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "pred.jsonl"
        t0 = time.perf_counter()
        n = 0
        with gold_path.open(encoding="utf-8") as src, pred_path.open("w", encoding="utf-8") as dst:
            for line in src:
                if not line.strip():
                    continue
                rec = json.loads(line)
                n += 1
                try:
                    art = extract_article(_as_html(rec.get("text", "")), url=f"https://example.org/{rec['id']}")
                    quotes = [{"text": q.text, "speaker": q.speaker} for q in art.quotes if q.kind == QuoteKind.DIRECT]
                except NotAnArticle:
                    quotes = []
                dst.write(json.dumps({"id": rec["id"], "quotes": quotes}, ensure_ascii=False) + "\n")
        elapsed = time.perf_counter() - t0
        out = {"articles": n, "seconds": elapsed}
        for label, kinds in (("direct", "direct"), ("mixed", "mixed"), ("direct+mixed", "direct,mixed")):
            res = subprocess.run(
                [
                    sys.executable,
                    str(scorer),
                    "--gold",
                    str(gold_path),
                    "--pred",
                    str(pred_path),
                    "--kinds",
                    kinds,
                    "--json",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            out[label] = json.loads(res.stdout)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared" / "bench",
        help="the shared benchmark folder (default: <repo>/../shared/bench)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="timed passes over the pages")
    ap.add_argument("--skip-quotes", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    body = run_body(args.shared, args.repeat)
    quotes = None if args.skip_quotes else run_quotes(args.shared)
    if args.json:
        print(json.dumps({"body": body, "quotes": quotes}, indent=1, default=str))
        return 0
    nd, tf = body["newsdesk"], body["trafilatura"]
    print(f"body extraction: {body['pages']} pages of {args.shared / 'extraction' / 'dev'}")
    print(f"{'':14}{'precision':>10}{'recall':>9}{'F1':>8}{'pages/s':>10}{'py peak MB':>12}{'RSS +MB':>9}")
    for name, r in (("newsdesk", nd), ("trafilatura", tf)):
        print(
            f"{name:14}{r['precision']:>10.3f}{r['recall']:>9.3f}{r['f1']:>8.3f}"
            f"{r['pages_per_s']:>10.1f}{r['peak_mb']:>12.1f}{r['rss_growth_mb']:>9.1f}"
        )
    print(
        f"{'ratio':14}{nd['precision'] / tf['precision']:>10.3f}{nd['recall'] / tf['recall']:>9.3f}"
        f"{nd['f1'] / tf['f1']:>8.3f}{nd['pages_per_s'] / tf['pages_per_s']:>10.2f}"
        f"{nd['peak_mb'] / tf['peak_mb']:>12.2f}{nd['rss_growth_mb'] / max(tf['rss_growth_mb'], 0.1):>9.2f}"
    )
    if quotes:
        print(f"\nquotes: {quotes['articles']} articles of quotes/dev.jsonl ({quotes['seconds']:.1f} s)")
        print(f"{'kinds':14}{'det P':>8}{'det R':>8}{'det F1':>8}{'attr':>8}{'E2E P':>8}{'E2E R':>8}{'E2E F1':>8}")
        for label in ("direct", "mixed", "direct+mixed"):
            q = quotes[label]
            d, e = q["detection"], q["e2e"]
            print(
                f"{label:14}{d['precision']:>8.3f}{d['recall']:>8.3f}{d['f1']:>8.3f}"
                f"{q['attribution']['accuracy']:>8.3f}{e['precision']:>8.3f}{e['recall']:>8.3f}{e['f1']:>8.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
