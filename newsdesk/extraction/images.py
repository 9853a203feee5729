"""Images: every article image with its caption and photo credit (photographer and agency), credits kept out of
the caption."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.extraction import rules
from newsdesk.extraction.credits import AUTHOR_PLACEHOLDER, photo_credit
from newsdesk.models import Credit, CreditRole, Image

_WS = re.compile(r"\s+")
# a <picture> whose <img> is missing (lazy loading) still names the image in its <source> elements
_IMAGES = etree.XPath("//img|//amp-img|//picture[not(.//img)]")
# wrappers that do not count as a level between an image and its block: "<picture><source><img>"
_WRAPPERS = {"picture", "source", "a", "span", "noscript"}
# an image inside a byline or author box is a headshot, inside a menu a thumbnail: not article images.
# A menu is a class token ending in menu or nav ("sub-menu", "site-navigation"), not a BEM modifier
# ("content-header--simple-navigation") or a theme flag on <body> ("navigation-border-thin")
_HEADSHOT_CLASS = re.compile(
    r"byline|author|(?:^|\s)(?![\w-]*--)(?:[\w]+[-_])*(?:menu|nav|navbar|navigation)(?:$|\s)", re.I
)
# a link around the image to an author's page ("/by/ana-swanson", "/author/x") marks a headshot too
_AUTHOR_LINK = re.compile(r"/(?:by|authors?|profiles?|people|staff|contributors?)/", re.I)


def _class_has(tokens: Sequence[str]) -> str:
    return " or ".join(f"contains(@class, '{t}')" for t in tokens)


# schema.org microdata names them too: itemprop="caption", itemprop="creditText"
_CREDIT_EL = etree.XPath(f".//*[{_class_has(rules.IMAGE_CREDIT_CLASS_TOKENS)} or @itemprop='creditText']")
_CAPTION_EL = etree.XPath(f".//figcaption|.//*[{_class_has(rules.IMAGE_CAPTION_CLASS_TOKENS)} or @itemprop='caption']")
# the same class tokens as regexes, for the walk up from each image: it asks at every level whether the block
# holds a caption or credit, and reads each element once (a query per level re-read the blocks below it)
_CAPTION_CLASS = re.compile("|".join(re.escape(t) for t in rules.IMAGE_CAPTION_CLASS_TOKENS))
_CREDIT_CLASS = re.compile("|".join(re.escape(t) for t in rules.IMAGE_CREDIT_CLASS_TOKENS))
_BLOCK_CLASS = re.compile("|".join(re.escape(t) for t in rules.IMAGE_BLOCK_CLASS_TOKENS))
# a figure whose caption is a plain paragraph: "<figure><img><p>... Photograph: Tom Reyes/Reuters</p></figure>"
_CAPTION_PARAGRAPH = etree.XPath(".//p")
_OUTSIDE_ARTICLE = {"nav", "footer", "aside"}
_CAPTION_EDGE = " ()|-\u2014\uff08\uff09"


def _text(el) -> str:
    return _WS.sub(" ", " ".join(el.itertext()) if el is not None else "").strip()


def _img_url(img: HtmlElement, base: str | None) -> str | None:
    """The image's own src (data-src, srcset), else the first <source> of its <picture>."""
    candidates = [img, *img.iter("source")]
    for ancestor in img.iterancestors("source", "picture"):
        candidates += [s for s in ancestor if s.tag == "source"]
    for el in candidates:
        src = el.get("src") or el.get("data-src") or (el.get("srcset") or "").split(" ")[0]
        if src and not src.startswith("data:"):
            return urljoin(base, src) if base else src
    return None


class _Marks:
    """What the class tokens say of a page's elements (a figcaption, a caption, a credit, an image block), each
    distinct class value tested once (pages repeat their classes)."""

    def __init__(self) -> None:
        self._verdicts: dict[str, tuple[bool, bool, bool]] = {}  # class value -> (caption, credit, block)
        self._headshot: dict[str, bool] = {}

    def _classes(self, el: HtmlElement) -> tuple[bool, bool, bool]:
        cls = el.get("class") or ""
        verdict = self._verdicts.get(cls)
        if verdict is None:
            verdict = self._verdicts[cls] = (
                _CAPTION_CLASS.search(cls) is not None,
                _CREDIT_CLASS.search(cls) is not None,
                _BLOCK_CLASS.search(cls) is not None,
            )
        return verdict

    def headshot(self, el: HtmlElement) -> bool:
        """A byline, author box or menu class (_HEADSHOT_CLASS)."""
        cls = el.get("class") or ""
        verdict = self._headshot.get(cls)
        if verdict is None:
            verdict = self._headshot[cls] = _HEADSHOT_CLASS.search(cls) is not None
        return verdict

    def caption(self, el: HtmlElement) -> bool:
        return isinstance(el.tag, str) and (el.tag == "figcaption" or self._classes(el)[0])

    def caption_or_credit(self, el: HtmlElement) -> bool:
        caption, credit, _ = self._classes(el)
        return el.tag == "figcaption" or caption or credit or el.get("itemprop") in ("caption", "creditText")

    def block(self, el: HtmlElement) -> bool:
        return el.tag == "figure" or self._classes(el)[2]

    def within(self, el: HtmlElement) -> bool:
        """el or an element below it is a caption or a credit."""
        return any(self.caption_or_credit(d) for d in el.iter(etree.Element))

    def after(self, block: HtmlElement) -> HtmlElement | None:
        """A caption printed right after the image block: "<figure><img></figure><p class='image-caption'>..."."""
        nxt = block.getnext()
        return nxt if nxt is not None and self.caption(nxt) else None


def _container(img: HtmlElement, marks: _Marks) -> HtmlElement | None:
    """The block that holds this image and its caption: a figure, a caption box, a gallery item.

    Walks up a few levels, never past a block that holds another image or the story itself, and prefers the
    first block that holds a caption or credit ("<div class=image><div class=image__container><img></div>
    <div class=image__caption>...")."""
    el = img.getparent()
    first: HtmlElement | None = None
    levels = 0
    # whether a caption or credit stands below el, read as the walk goes up: what lies under `below` (the
    # element the walk came from) is known, only the children beside it are new at each step
    holds = any(marks.caption_or_credit(d) for d in img.iterdescendants(etree.Element))
    below = img
    unread: list[tuple[HtmlElement, HtmlElement]] = []  # (element, its child on the walk) not yet read for marks
    while el is not None and levels < rules.IMAGE_BLOCK_MAX_DEPTH:
        if el.tag in ("body", "article", "main", "html"):
            break
        unread.append((el, below))
        if el.tag not in _WRAPPERS:
            levels += 1
            if next(islice(el.iter("img", "amp-img"), 1, None), None) is not None:
                break  # a second image: this block holds more than our image
            holds = holds or any(
                marks.caption_or_credit(child)
                or any(marks.within(c) for c in parent.iterchildren(etree.Element) if c is not child)
                for parent, child in unread
            )
            unread.clear()
            if holds or marks.after(el) is not None:
                return el
            if first is None and marks.block(el):
                first = el
        below = el
        el = el.getparent()
    return first


def _excluded(el: HtmlElement | None, cache: dict[HtmlElement, bool], marks: _Marks) -> bool:
    """Whether el or an element above it is navigation, a byline, a menu or a link to an author's page."""
    path: list[HtmlElement] = []
    verdict = False
    while el is not None and el.tag not in ("body", "html"):
        if el in cache:
            verdict = cache[el]
            break
        path.append(el)
        if (
            el.tag in _OUTSIDE_ARTICLE
            or marks.headshot(el)
            or (el.tag == "a" and _AUTHOR_LINK.search(el.get("href") or ""))
        ):
            verdict = True
            break
        el = el.getparent()
    for seen_el in path:
        cache[seen_el] = verdict
    return verdict


def _without(caption: str, credit_text: str) -> str | None:
    """The caption with its credit taken out: 'A studio. Photo by the author.' -> 'A studio.'"""
    rest = _WS.sub(" ", caption.replace(credit_text, "")).strip(_CAPTION_EDGE)
    return re.sub(r"\s+[.,;]$", "", rest) or None


def _read(block: HtmlElement, marks: _Marks) -> tuple[str | None, str | None, Credit | None, list[str]]:
    """(caption, credit line, photo credit, every caption and credit line) of one image block."""
    after = marks.after(block)
    scopes = [block] + ([after] if after is not None else [])
    credit_texts = [t for scope in scopes for t in (_text(e) for e in _CREDIT_EL(scope)) if t]
    credit_text = " ".join(dict.fromkeys(credit_texts)) or None
    caption_el = next(iter(_CAPTION_EL(block)), None)
    if caption_el is None:
        caption_el = after if after is not None else next(iter(_CAPTION_PARAGRAPH(block)), None)
    caption = _text(caption_el) or None
    lines = [t for t in (caption, credit_text) if t]
    credit = photo_credit(credit_text, explicit=True) if credit_text else None
    if caption and credit_text and credit_text in caption:
        caption = _without(caption, credit_text)
    if credit is None and caption:
        # credits written into the caption: "... (AP Photo/Zabi Karimi)", "... Photograph: Tom Reyes/Reuters"
        credit = photo_credit(caption)
        if credit is not None and len(credit.text) < len(caption):
            credit_text = credit.text
            caption = _without(caption, credit.text)
        elif credit is not None:
            credit_text, caption = caption, None
    return caption, credit_text, credit, lines


def extract_images(
    tree: HtmlElement,
    base_url: str | None,
    lead_image: str | None = None,
    authors: Sequence[str] = (),
    photographers: Sequence[str] = (),
) -> tuple[list[Image], list[Credit], set[str]]:
    """(images, photo credits, caption and credit lines that must not reach the body).

    lead_image (og:image or JSON-LD) stands in when the page has no figure. authors fill in "Photo by the
    author"; photographers (a byline's "Photos by ...") credit the images that carry no credit of their own."""
    images: list[Image] = []
    credits: list[Credit] = []
    lines: set[str] = set()
    seen: set[str] = set()
    excluded: dict[HtmlElement, bool] = {}  # per ancestor: it or one above it is a nav, byline or menu
    marks = _Marks()
    for img in _IMAGES(tree):
        if _excluded(img.getparent(), excluded, marks):
            continue
        block = _container(img, marks)
        if block is None:
            continue
        url = _img_url(img, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        caption, credit_text, credit, block_lines = _read(block, marks)
        lines.update(block_lines)
        if credit is None and photographers:
            credit = Credit(role=CreditRole.PHOTO, name=photographers[0], text=photographers[0])
        if credit is not None and credit.name == AUTHOR_PLACEHOLDER:
            credit = Credit(role=CreditRole.PHOTO, name=authors[0], text=credit.text) if len(authors) == 1 else None
        photographer = credit.name if credit is not None and credit.name != credit.agency else None
        images.append(
            Image(
                url=url,
                caption=caption,
                credit=credit_text,
                photographer=photographer,
                agency=credit.agency if credit is not None else None,
            )
        )
        if credit is not None:
            credits.append(credit)
    if not images and lead_image:
        images.append(Image(url=urljoin(base_url, lead_image) if base_url else lead_image))
    return images, credits, lines
