"""Scorer for the annotated test set: runs the parser on every page of bench/annotated/ and prints P/R per field.

    python bench/annotated.py [--verbose] [--json] [--dir bench/annotated]

Each page `pages/NAME.html` has its annotation `labels/NAME.yaml` (format: bench/annotated/README.md).
Fields and how they are scored (micro-averaged over the set):
- quotes: a predicted quote matches a gold one when their word tokens overlap with Dice >= QUOTE_MATCH
  (one-to-one, best pairs first); a gold quote left over is still found when QUOTE_CONTAINED of its tokens
  stand in one predicted quote (the parts of a quote split by its attribution, a mixed quote inside its
  statement). Precision counts predicted quotes that match, recall gold quotes found, over all kinds and over
  direct+mixed; speaker accuracy (canonical name), kind and speaker_kind accuracy on the matched pairs.
- credits: (role, name) pairs of the roles photo, wire, source and contributor (authors are scored apart).
- authors: a page is exact when its set of author names equals the gold set; name P/R as well.
- author agencies: each agency of the byline must come out as a wire credit (recall).
- images: matched by URL; caption, photographer and agency accuracy on matched images.
- title, section, language: accuracy.
Names compare case-insensitively, without a leading "the" and surrounding punctuation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from newsdesk.errors import NotAnArticle  # noqa: E402
from newsdesk.models import Article  # noqa: E402
from newsdesk.parse import extract_article  # noqa: E402

DEFAULT_DIR = REPO / "bench" / "annotated"
QUOTE_MATCH = 0.6  # Dice overlap of word tokens at or above which two quote texts are the same quote
# a gold quote this much contained in a predicted one is found too: a quote split by its attribution
# ('"A," she said. "B."') may come out as one, and a mixed quote inside the reported statement around it
QUOTE_CONTAINED = 0.9
CREDIT_ROLES = ("photo", "wire", "source", "contributor")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_WS = re.compile(r"\s+")
_EDGE = " \t\n.,;:!?\"'()[]\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u300c\u300d\uff08\uff09"


def norm_name(name: str | None) -> str | None:
    """'The Associated Press' -> 'associated press'; None stays None."""
    if name is None:
        return None
    text = _WS.sub(" ", name).strip(_EDGE).casefold()
    text = re.sub(r"^the\s+", "", text)
    return text or None


def norm_text(text: str | None) -> str | None:
    if text is None:
        return None
    out = _WS.sub(" ", text.replace("\u2019", "'").replace("\u2018", "'")).strip(_EDGE).casefold()
    return out or None


def tokens(text: str) -> list[str]:
    found = _TOKEN.findall(text.casefold().replace("\u2019", "'"))
    # scripts written without spaces (Japanese, Chinese) are compared character by character
    return [ch for tok in found for ch in (tok if len(tok) > 12 and not tok.isascii() else [tok])]


def _common(ta: list[str], tb: list[str]) -> int:
    pool = list(tb)
    common = 0
    for t in ta:
        if t in pool:
            pool.remove(t)
            common += 1
    return common


def dice(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return 2 * _common(ta, tb) / (len(ta) + len(tb))


def contained(part: str, whole: str) -> float:
    """Share of part's tokens that stand in whole."""
    tp, tw = tokens(part), tokens(whole)
    return _common(tp, tw) / len(tp) if tp else 0.0


@dataclass
class Tally:
    """Counts for one field: true positives, predictions and gold items (or right/total for accuracies)."""

    tp: int = 0  # gold items found
    predicted: int = 0
    gold: int = 0
    tp_predicted: int | None = None  # predictions that match, when it differs from tp (quotes)

    def add(self, other: Tally) -> None:
        if self.tp_predicted is not None or other.tp_predicted is not None:
            mine = self.tp if self.tp_predicted is None else self.tp_predicted
            theirs = other.tp if other.tp_predicted is None else other.tp_predicted
            self.tp_predicted = mine + theirs
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold

    def figures(self) -> dict[str, float | int | None]:
        tp_pred = self.tp if self.tp_predicted is None else self.tp_predicted
        p = tp_pred / self.predicted if self.predicted else None
        r = self.tp / self.gold if self.gold else None
        f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
        return {
            "precision": p,
            "recall": r,
            "f1": f,
            "tp": self.tp,
            "tp_predicted": tp_pred,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, other: Accuracy) -> None:
        self.right += other.right
        self.total += other.total

    def check(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    def figures(self) -> dict[str, float | int | None]:
        return {"accuracy": self.right / self.total if self.total else None, "right": self.right, "total": self.total}


@dataclass
class PageScore:
    name: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)  # human-readable differences, for --verbose

    def tally(self, key: str) -> Tally:
        return self.tallies.setdefault(key, Tally())

    def accuracy(self, key: str) -> Accuracy:
        return self.accuracies.setdefault(key, Accuracy())


def _quote_kind(value: Any) -> str:
    return str(getattr(value, "value", value) or "direct")


def _match_quotes(gold: list[dict], predicted: list[Any]) -> list[tuple[int, int]]:
    pairs = sorted(
        ((dice(g["text"], p.text), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[tuple[int, int]] = []
    for score, gi, pi in pairs:
        if score < QUOTE_MATCH:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    for gi, g in enumerate(gold):
        if gi in used_g:
            continue
        best = max(((contained(g["text"], p.text), pi) for pi, p in enumerate(predicted)), default=(0.0, -1))
        if best[0] >= QUOTE_CONTAINED:
            used_g.add(gi)
            out.append((gi, best[1]))
    return out


def _score_quotes(page: PageScore, gold: list[dict], article: Article) -> None:
    predicted = list(article.quotes)
    pairs = _match_quotes(gold, predicted)
    every = page.tally("quotes")
    every.gold, every.predicted, every.tp = len(gold), len(predicted), len(pairs)
    every.tp_predicted = len({pi for _, pi in pairs})
    direct_kinds = {"direct", "mixed"}
    dm = page.tally("quotes direct+mixed")
    dm.gold = sum(1 for g in gold if g["kind"] in direct_kinds)
    dm.predicted = sum(1 for p in predicted if _quote_kind(p.kind) in direct_kinds)
    dm_pairs = [
        (gi, pi)
        for gi, pi in pairs
        if gold[gi]["kind"] in direct_kinds and _quote_kind(predicted[pi].kind) in direct_kinds
    ]
    dm.tp, dm.tp_predicted = len(dm_pairs), len({pi for _, pi in dm_pairs})
    # a parser without a "mixed" kind calls mixed quotes direct: that is not counted against it
    has_mixed = any(_quote_kind(p.kind) == "mixed" for p in predicted)
    for gi, pi in pairs:
        g, p = gold[gi], predicted[pi]
        right = norm_name(g.get("speaker")) == norm_name(p.speaker)
        page.accuracy("quote speaker").check(right)
        if g["kind"] in direct_kinds:
            page.accuracy("quote speaker direct+mixed").check(right)
        if not right:
            page.misses.append(f"speaker {p.speaker!r} != {g.get('speaker')!r} for {g['text'][:50]!r}")
        want_kind = g["kind"] if has_mixed or g["kind"] != "mixed" else "direct"
        page.accuracy("quote kind").check(_quote_kind(p.kind) == want_kind)
        if hasattr(p, "speaker_kind"):
            page.accuracy("quote speaker_kind").check(
                (g.get("speaker_kind") if g.get("speaker") else None) in (p.speaker_kind, None)
                if p.speaker is None
                else g.get("speaker_kind") == p.speaker_kind
            )
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    page.misses += [f"quote missed ({g['kind']}): {g['text'][:70]!r}" for i, g in enumerate(gold) if i not in matched_g]
    page.misses += [f"quote extra: {p.text[:70]!r}" for i, p in enumerate(predicted) if i not in matched_p]


def _credit_keys(credits: Iterable[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    return {(role, norm_name(name)) for role, name in credits if role in CREDIT_ROLES}


def _score_credits(page: PageScore, gold: list[dict], article: Article) -> None:
    want = _credit_keys((c["role"], c["name"]) for c in gold)
    got = _credit_keys((c.role.value, c.name) for c in article.credits)
    t = page.tally("credits")
    t.gold, t.predicted, t.tp = len(want), len(got), len(want & got)
    for role in CREDIT_ROLES:
        w = {k for k in want if k[0] == role}
        g = {k for k in got if k[0] == role}
        rt = page.tally(f"credits {role}")
        rt.gold, rt.predicted, rt.tp = len(w), len(g), len(w & g)
    page.misses += [f"credit missed: {r} {n!r}" for r, n in sorted(want - got, key=str)]
    page.misses += [f"credit extra: {r} {n!r}" for r, n in sorted(got - want, key=str)]


def _score_images(page: PageScore, gold: list[dict], article: Article) -> None:
    by_url = {img.url: img for img in article.images}
    t = page.tally("images")
    t.gold, t.predicted = len(gold), len(article.images)
    for g in gold:
        img = by_url.get(g["src"])
        if img is None:
            page.misses.append(f"image missed: {g['src']}")
            continue
        t.tp += 1
        checks = (
            ("image caption", norm_text(g.get("caption")), norm_text(img.caption)),
            ("image photographer", norm_name(g.get("photographer")), norm_name(getattr(img, "photographer", None))),
            ("image agency", norm_name(g.get("agency")), norm_name(getattr(img, "agency", None))),
        )
        for key, want, got in checks:
            page.accuracy(key).check(want == got)
            if want != got:
                page.misses.append(f"{key}: {got!r} != {want!r}")


def score_page(name: str, label: dict, article: Article | None) -> PageScore:
    """Score one parsed page against its annotation (article None: the parser refused the page)."""
    page = PageScore(name)
    if article is None:
        article = Article(url=label["url"], canonical_url=label["url"])
        page.misses.append("the parser refused the page")
    gold_authors = {norm_name(a) for a in label.get("authors") or []}
    got_authors = {norm_name(a) for a in article.authors}
    page.accuracy("authors exact").check(gold_authors == got_authors)
    at = page.tally("authors")
    at.gold, at.predicted, at.tp = len(gold_authors), len(got_authors), len(gold_authors & got_authors)
    if gold_authors != got_authors:
        page.misses.append(f"authors {sorted(a or '' for a in got_authors)} != {sorted(a or '' for a in gold_authors)}")
    wires = {norm_name(c.name) for c in article.credits if c.role.value == "wire"}
    for agency in label.get("author_agencies") or []:
        ok = norm_name(agency) in wires
        page.accuracy("author agencies").check(ok)
        if not ok:
            page.misses.append(f"author agency missed: {agency!r}")
    for key, want, got in (
        ("title", norm_text(label.get("title")), norm_text(article.title)),
        ("section", norm_name(label.get("section")), norm_name(article.section)),
        ("language", label.get("language"), article.language),
    ):
        page.accuracy(key).check(want == got)
        if want != got:
            page.misses.append(f"{key}: {got!r} != {want!r}")
    _score_images(page, label.get("images") or [], article)
    _score_credits(page, label.get("credits") or [], article)
    _score_quotes(page, label.get("quotes") or [], article)
    return page


def summarise(pages: list[PageScore]) -> dict[str, Any]:
    tallies: dict[str, Tally] = {}
    accuracies: dict[str, Accuracy] = {}
    for page in pages:
        for key, t in page.tallies.items():
            tallies.setdefault(key, Tally()).add(t)
        for key, a in page.accuracies.items():
            accuracies.setdefault(key, Accuracy()).add(a)
    return {
        "pages": len(pages),
        "fields": {k: tallies[k].figures() for k in sorted(tallies)},
        "accuracy": {k: accuracies[k].figures() for k in sorted(accuracies)},
    }


def load_set(directory: Path) -> list[tuple[str, dict, bytes]]:
    out = []
    for label_path in sorted((directory / "labels").glob("*.yaml")):
        page_path = directory / "pages" / (label_path.stem + ".html")
        out.append((label_path.stem, yaml.safe_load(label_path.read_text(encoding="utf-8")), page_path.read_bytes()))
    return out


def run(directory: Path = DEFAULT_DIR) -> tuple[dict[str, Any], list[PageScore]]:
    pages = []
    for name, label, html in load_set(directory):
        try:
            article: Article | None = extract_article(html, url=label["url"])
        except NotAnArticle:
            article = None
        pages.append(score_page(name, label, article))
    return summarise(pages), pages


def _fmt(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def print_report(summary: dict[str, Any], pages: list[PageScore], verbose: bool) -> None:
    print(f"annotated set: {summary['pages']} pages")
    print(f"{'field':<28}{'precision':>10}{'recall':>10}{'f1':>8}{'tp':>6}{'pred':>6}{'gold':>6}")
    for key, f in summary["fields"].items():
        print(
            f"{key:<28}{_fmt(f['precision']):>10}{_fmt(f['recall']):>10}{_fmt(f['f1']):>8}"
            f"{f['tp']:>6}{f['predicted']:>6}{f['gold']:>6}"
        )
    print(f"\n{'accuracy':<28}{'value':>10}{'right':>8}{'total':>7}")
    for key, a in summary["accuracy"].items():
        print(f"{key:<28}{_fmt(a['accuracy']):>10}{a['right']:>8}{a['total']:>7}")
    if verbose:
        for page in pages:
            print(f"\n== {page.name}: {len(page.misses)} differences")
            for miss in page.misses:
                print(f"   {miss}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder with pages/ and labels/")
    ap.add_argument("--verbose", action="store_true", help="list every difference, page by page")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON (for the eval gate)")
    args = ap.parse_args(argv)
    summary, pages = run(args.dir)
    if args.json:
        if args.verbose:
            summary["per_page"] = {p.name: p.misses for p in pages}
        print(json.dumps(summary, indent=2))
    else:
        print_report(summary, pages, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
