"""Main text: trafilatura over a pre-cleaned tree, then line filters; paragraphs in page order."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from newsdesk.extraction import rules

# matched against the lowercased class and id: an alternation of literals under IGNORECASE is four times slower
_TOKEN_RE = re.compile("|".join(re.escape(t.lower()) for t in rules.DISCARD_CLASS_TOKENS))
# elements trafilatura's tree cleaning deletes before it reads any text, removed before it copies the tree (three
# copies a call): scripts, styles, stylesheet links, and all of <head>. JSON-LD stays, its fallback reads an
# articleBody there
_UNREAD_TAGS = ("script", "style", "link")
_HEADLINE_XPATH = etree.XPath(".//h2|.//h3|.//h4|.//h5")
_STANDFIRST_XPATH = etree.XPath(
    "//h2|//h3|//h4|//*[contains(@class, 'standfirst') or contains(@class, 'dek') or contains(@class, 'subhead')"
    " or contains(@class, 'subtitle') or contains(@class, 'summary')]"
)
_WS = re.compile(r"\s+")
FAST = True


def _text_len(el: HtmlElement) -> int:
    """Length of the element's text with runs of whitespace counted as one space."""
    return len(" ".join((el.text_content() or "").split()))


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def preclean(tree: HtmlElement) -> None:
    """Remove widgets, captions and credit spans from the tree (in place) before the body pass.

    A class/id match is only removed when it holds a small share of the page text, so a
    container whose class merely mentions "share" cannot take the story with it."""
    body = tree.find("body")
    total = len((body if body is not None else tree).text_content()) or 1
    # elements selected by tag are listed with lxml's iter (in C, half the cost of an XPath union) before any drop
    for el in list(tree.iter(*rules.DISCARD_TAGS)):
        if el.tag == "form" and _text_len(el) > 0.5 * total:
            continue  # some sites wrap the whole page in a form
        _drop(el)
    verdicts: dict[str, bool] = {}  # per class or id value: it holds a discard token (pages repeat their classes)
    # listed before this pass drops any (lxml's iter and attribute reads: two thirds of "//*[@class or @id]")
    named = [el for el in tree.iter(etree.Element) if el.get("class") is not None or el.get("id") is not None]
    for el in named:
        if el.tag in ("html", "body", "article", "main") or not isinstance(el.tag, str):
            continue
        if not (_discard_token(el.get("class"), verdicts) or _discard_token(el.get("id"), verdicts)):
            continue
        if el.getparent() is None or len(el.findall(".//p")) >= 4:
            continue
        if el.getroottree().getroot() is not tree:
            continue  # inside a subtree dropped already
        if len(el.text_content()) < 0.2 * total:
            _drop(el)
    for el in list(tree.iter("ul", "ol")):
        if el.getparent() is None or len(el) < rules.LINK_LIST_MIN_ITEMS:
            continue
        n = _text_len(el)
        links = sum(_text_len(a) for a in el.iter("a"))
        if (n and links >= rules.LINK_LIST_DENSITY * n) or _is_teaser_list(el):
            _drop(el)
    # last, once the text shares above are measured with them: what trafilatura discards unread
    head = tree.find("head")
    for el in list(tree.iter(*_UNREAD_TAGS)) + (list(head) if head is not None else []):
        if not (el.tag == "script" and el.get("type") == "application/ld+json"):
            _drop(el)


def _discard_token(value: str | None, verdicts: dict[str, bool]) -> bool:
    """Whether a class or id value holds a discard token (no token holds a space, so class and id are read apart)."""
    if not value:
        return False
    verdict = verdicts.get(value)
    if verdict is None:
        verdict = verdicts[value] = _TOKEN_RE.search(value.lower()) is not None
    return verdict


def _is_teaser_list(el: HtmlElement) -> bool:
    """A list of other stories: (nearly) every item holds a link and a headline."""
    items = [li for li in el if li.tag == "li"]
    teasers = sum(1 for li in items if li.find(".//a") is not None and _HEADLINE_XPATH(li))
    return len(items) >= rules.LINK_LIST_MIN_ITEMS and teasers >= 0.8 * len(items)


def clean_lines(lines: Iterable[str], drop: Collection[str]) -> list[str]:
    """Drop boilerplate lines, photo credits and known captions; normalize whitespace."""
    out: list[str] = []
    for line in lines:
        line = _WS.sub(" ", line).strip()
        if not line:
            continue
        if line in drop or rules.BOILERPLATE_LINE.match(line) or (len(line) < 90 and rules.CREDIT_LINE.match(line)):
            continue
        out.append(line)
    return out


def extract_paragraphs(
    tree: HtmlElement,
    url: str | None,
    drop: set[str] | None = None,
    title: str | None = None,
    description: str | None = None,
) -> list[str]:
    """The article's paragraphs (tree is modified: pre-cleaned; trafilatura works on its own copy).

    drop: exact lines never to keep (image captions and credits found earlier); title: the
    headline, dropped when trafilatura repeats it as the first line; description: the page's
    summary, dropped as a first line when the page sets it as a standfirst heading."""
    preclean(tree)
    text = trafilatura.extract(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        fast=FAST,
        with_metadata=False,
        output_format="txt",
    )
    if not text:
        return []
    lines = clean_lines(text.split("\n"), drop or set())
    lines = add_split_body_parts(tree, lines, drop or set())
    if title and lines and _norm(lines[0]) == _norm(title):
        lines = lines[1:]
    if description and len(lines) > 1 and _is_standfirst(tree, lines[0], description):
        lines = lines[1:]
    return lines


def _is_standfirst(tree: HtmlElement, line: str, description: str) -> bool:
    """The summary under the headline ("dek"), as a heading or a standfirst element, not the story's lede.

    Many pages repeat their first paragraph as the meta description; only a summary set apart
    from the story's paragraphs is dropped."""
    text = _norm(line)
    if text != _norm(description):
        return False
    return any(_norm(el.text_content()) == text for el in _STANDFIRST_XPATH(tree))


def add_split_body_parts(tree: HtmlElement, lines: list[str], drop: Collection[str] = ()) -> list[str]:
    """Paragraphs of body containers that ads split off the one the extractor chose.

    Some sites cut the story into several containers with the same class between ad rows;
    the extractor keeps the first. Containers in the same slot (tag, class, depth, parent) are
    read in page order and their paragraphs put before or after the extracted ones, through the
    line filters (lines: the cleaned extracted lines; drop: as for clean_lines)."""
    known = {_norm(line) for line in lines}
    parents: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        if _norm(p.text_content()) in known and p.getparent() is not None:
            parents[p.getparent()] = parents.get(p.getparent(), 0) + 1
    if not parents:
        return lines
    main = max(parents, key=lambda parent: parents[parent])
    if parents[main] < rules.SPLIT_BODY_MIN_PARAGRAPHS or not main.get("class"):
        return lines
    before: list[str] = []
    after: list[str] = []
    seen_main = False
    main_class = main.get("class")
    for el in tree.iter(main.tag):
        if el is main:
            seen_main = True
            continue
        if el.get("class") != main_class or not _same_slot(el, main) or _related(el, main):
            continue
        for p in el.iter("p"):
            text = _WS.sub(" ", p.text_content()).strip()
            if len(text) < rules.SPLIT_BODY_MIN_CHARS or _norm(text) in known or p.find(".//p") is not None:
                continue
            if sum(_text_len(a) for a in p.iter("a")) >= rules.LINK_LIST_DENSITY * len(text):
                continue  # "DON'T MISS" link boxes
            (after if seen_main else before).append(text)
            known.add(_norm(text))
    return clean_lines(before, drop) + lines + clean_lines(after, drop)


def _same_slot(a: HtmlElement, b: HtmlElement) -> bool:
    """Same tag and class, at the same depth, under parents of the same tag and class (not a comment body)."""
    pa, pb = a.getparent(), b.getparent()
    return (
        a.get("class") == b.get("class")
        and pa is not None
        and pb is not None
        and pa.tag == pb.tag
        and pa.get("class") == pb.get("class")
        and sum(1 for _ in a.iterancestors()) == sum(1 for _ in b.iterancestors())
    )


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    """True when one element contains the other."""
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
