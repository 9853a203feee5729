"""Images: figures and their captions and photo credits (credits kept out of the caption)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.extraction.credits import photo_credit
from newsdesk.models import Credit, Image

_WS = re.compile(r"\s+")
# figures, WordPress caption boxes, and any block that holds an image beside a caption element
_FIGURES = etree.XPath(
    "//figure|//*[contains(@class, 'wp-caption')]|//*[contains(@class, 'caption')]/parent::*[.//img]"
)
_CREDIT_EL = etree.XPath(
    ".//*[contains(@class, 'credit') or contains(@class, 'copyright') or contains(@class, 'byline') "
    "or contains(@class, 'source') or contains(@class, 'attribution')]"
)
_CAPTION_EL = etree.XPath(".//figcaption|.//*[contains(@class, 'caption')]")
# a figure whose caption is a plain paragraph: "<figure><img><p>... Photograph: Tom Reyes/Reuters</p></figure>"
_CAPTION_PARAGRAPH = etree.XPath(".//p")


def _text(el) -> str:
    return _WS.sub(" ", el.text_content() if el is not None else "").strip()


def _img_url(fig: HtmlElement, base: str | None) -> str | None:
    for img in fig.iter("img", "source"):
        src = img.get("src") or img.get("data-src") or (img.get("srcset") or "").split(" ")[0]
        if src and not src.startswith("data:"):
            return urljoin(base, src) if base else src
    return None


def extract_images(
    tree: HtmlElement, base_url: str | None, lead_image: str | None = None
) -> tuple[list[Image], list[Credit], set[str]]:
    """(images, photo credits, caption and credit lines that must not reach the body).

    lead_image (og:image or JSON-LD) stands in when the page has no figure."""
    images: list[Image] = []
    credits: list[Credit] = []
    lines: set[str] = set()
    seen: set[str] = set()
    figures = _FIGURES(tree)
    members = set(figures)
    for fig in figures:
        if any(ancestor in members for ancestor in fig.iterancestors()):
            continue  # a block inside a figure already read
        url = _img_url(fig, base_url)
        credit_text = " ".join(t for t in (_text(e) for e in _CREDIT_EL(fig)) if t) or None
        caption_el = next(iter(_CAPTION_EL(fig) or _CAPTION_PARAGRAPH(fig)), None)
        caption = _text(caption_el) or None
        if caption and credit_text and credit_text in caption:
            lines.add(caption)
            caption = _WS.sub(" ", caption.replace(credit_text, "")).strip(" |-\u2014") or None
        if credit_text is None and caption:
            # credits written into the caption: "... (AP Photo/Zabi Karimi)"
            c = photo_credit(caption)
            if c is not None and len(c.text) < len(caption):
                credit_text = c.text
                lines.add(caption)
                caption = _WS.sub(" ", caption.replace(c.text, "")).strip(" ()|-\u2014") or None
            elif c is not None:
                credit_text, caption = caption, None
        for t in (caption, credit_text):
            if t:
                lines.add(t)
        if url is None or url in seen:
            continue
        seen.add(url)
        images.append(Image(url=url, caption=caption, credit=credit_text))
        if credit_text:
            c = photo_credit(credit_text)
            if c is not None:
                credits.append(c)
    if not images and lead_image:
        images.append(Image(url=urljoin(base_url, lead_image) if base_url else lead_image))
    return images, credits, lines
