"""Metadata: JSON-LD, OpenGraph and meta tags (title, section, tags, authors, dates, language, site)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.dates import parse_iso_datetime

_WS = re.compile(r"\s+")
_BY = re.compile(r"^\s*(?:by|von|par|por)\s+", re.IGNORECASE)
_SPLIT_AUTHORS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*|\s+\|\s+)\s*")
_AUTHOR_JUNK = re.compile(r"\b(?:updated|published|staff writer|correspondent)\b.*$", re.IGNORECASE)
ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "AnalysisNewsArticle",
    "WebPage",
    "Report",
    "LiveBlogPosting",
    "BackgroundNewsArticle",
}
_JSONLD = etree.XPath('//script[@type="application/ld+json"]')
_META = etree.XPath("//meta[@content]")
_SECTION_XPATHS = [
    etree.XPath(
        '//*[contains(concat(" ", normalize-space(@class), " "), " section-label ") '
        'or contains(@class, "kicker") or contains(@class, "eyebrow") or contains(@class, "category")]'
    ),
]
_DIGIT = re.compile(r"\d")
_MC_OR_O = re.compile(r"^(Mc|O['\u2019])(\w)")
_TITLE_BARS = re.compile(r"\s+[|\u00b7\u2022]\s+")
_TITLE_DASHES = re.compile(r"\s+[-\u2013\u2014]\s+")
AUTHOR_META_KEYS = (
    "author",
    "byl",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
)
# a bare person name: two to four capitalized words ("Helen Pidd", "Mary-Kate O'Neil", "Juan de la Cruz")
_PERSON_NAME = re.compile(r"^[A-Z][\w'\u2019.-]+(?:\s+(?:[A-Z][\w'\u2019.-]*|de|la|van|von|der|da|del|bin|al)){1,3}$")
_BYLINE = etree.XPath(
    '//*[@rel="author" or contains(@class, "byline") or contains(@class, "author-name") or @itemprop="author"]'
)


@dataclass
class Metadata:
    title: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    lead_image: str | None = None  # og:image, else JSON-LD image


def _clean(text: str | None) -> str | None:
    text = _WS.sub(" ", text or "").strip()
    return text or None


def split_authors(text: str) -> list[str]:
    """'By A and B' -> ['A', 'B']; 'By A, B & C' -> three names."""
    text = _AUTHOR_JUNK.sub("", _BY.sub("", _WS.sub(" ", text or "").strip())).strip(" ,|")
    if not text:
        return []
    names = (n.strip(" ,.;:|") for n in _SPLIT_AUTHORS.split(text))
    return [_name_case(n) for n in names if n and len(n.split()) <= 5 and not _DIGIT.search(n) and n[0].isalpha()]


def _name_case(name: str) -> str:
    """'JENNIFER SINCO KELLEHER' -> 'Jennifer Sinco Kelleher', 'AUDREY McAVOY' -> 'Audrey McAvoy'."""
    letters = [c for c in name if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.7 * len(letters):
        return name
    words = ("-".join(part.capitalize() for part in word.split("-")) for word in name.split())
    return " ".join(_MC_OR_O.sub(lambda m: m.group(1) + m.group(2).upper(), word) for word in words)


def _jsonld_objects(tree: HtmlElement) -> list[dict]:
    out: list[dict] = []

    def walk(obj) -> None:
        if isinstance(obj, list):
            for o in obj:
                walk(o)
        elif isinstance(obj, dict):
            out.append(obj)
            if "@graph" in obj:
                walk(obj["@graph"])

    for script in _JSONLD(tree):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    return set(t) if isinstance(t, list) else {t} if isinstance(t, str) else set()


def _names(value) -> list[str]:
    if isinstance(value, str):
        return split_authors(value)
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _strip_site(title: str | None, site_name: str | None) -> str | None:
    """'Headline | Section | Site' -> 'Headline'; 'Headline - Site' -> 'Headline' (page titles name the site)."""
    if not title:
        return title
    parts = [p for p in _TITLE_BARS.split(title) if p]
    if len(parts) > 1:
        return max(parts, key=len)
    parts = _TITLE_DASHES.split(title)
    site = (site_name or "").casefold()
    if len(parts) > 1 and (
        (site and (site in parts[-1].casefold() or parts[-1].casefold() in site))
        or len(parts[-1].split()) <= 2 < len(parts[0].split())
    ):
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    return title


def _meta_authors(meta: dict[str, str]) -> list[str]:
    """Names from the first author meta tag that holds names (article:author is often a profile URL)."""
    for key in AUTHOR_META_KEYS:
        value = meta.get(key, "")
        if value and not value.startswith(("http://", "https://", "/")):
            names = split_authors(value)
            if names:
                return names
    return []


def _image_url(value) -> str | None:
    """JSON-LD image: a URL, an ImageObject, or a list of either."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return _clean(value) if isinstance(value, str) else None


def _keywords(value) -> list[str]:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    if isinstance(value, list):
        return [k.strip() for k in value if isinstance(k, str) and k.strip()]
    return []


def extract_metadata(tree: HtmlElement, url: str | None = None) -> Metadata:
    """Read structured metadata from the tree (not modified); JSON-LD first, then meta tags."""
    md = Metadata()
    meta: dict[str, str] = {}
    tags: list[str] = []
    for el in _META(tree):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if not key:
            continue
        if key in ("article:tag", "news_keywords", "keywords"):
            tags += [k.strip() for k in el.get("content", "").split(",") if k.strip()]
        meta.setdefault(key, el.get("content", "").strip())

    article = next((o for o in _jsonld_objects(tree) if _types(o) & ARTICLE_TYPES - {"WebPage"}), None)
    article = article or next((o for o in _jsonld_objects(tree) if _types(o) & ARTICLE_TYPES), {})
    ld = article if isinstance(article, dict) else {}

    publisher = ld.get("publisher")
    md.site_name = _clean(meta.get("og:site_name")) or _clean(
        publisher.get("name") if isinstance(publisher, dict) else None
    )
    h1 = tree.find(".//h1")
    md.title = (
        _clean(ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        or _strip_site(_clean(meta.get("og:title")), md.site_name)
        or _clean(h1.text_content() if h1 is not None else None)
        or _strip_site(_clean(tree.findtext(".//title")), md.site_name)
    )
    section = ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    md.section = _clean(section if isinstance(section, str) else None) or _clean(meta.get("article:section"))
    if not md.section:
        for xp in _SECTION_XPATHS:
            found = [e for e in xp(tree) if 0 < len(_clean(e.text_content()) or "") <= 40]
            if found:
                md.section = _clean(found[0].text_content())
                break
    md.tags = list(dict.fromkeys(_keywords(ld.get("keywords")) + tags))
    md.authors = list(dict.fromkeys(_names(ld.get("author")) or _meta_authors(meta)))
    if not md.authors:
        byline_elements = _BYLINE(tree)[:8]
        # itertext joined with spaces: "McAVOY</a><span>Updated" must not become one word
        md.bylines = [b for b in (_clean(" ".join(e.itertext())) for e in byline_elements) if b and len(b) < 120]
        for b in md.bylines:
            names = split_authors(b)
            if names and _BY.match(b):
                md.authors = names
                break
        if not md.authors:  # <a rel="author">Helen Pidd</a>: an author link that holds a bare name
            md.authors = list(dict.fromkeys(b for b in md.bylines if _PERSON_NAME.match(b)))
    md.published_at = parse_iso_datetime(ld.get("datePublished")) or parse_iso_datetime(
        meta.get("article:published_time")
    )
    md.modified_at = parse_iso_datetime(ld.get("dateModified")) or parse_iso_datetime(meta.get("article:modified_time"))
    md.language = (
        _clean(ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
        or _clean(tree.get("lang"))
        or _clean(meta.get("og:locale"))
    )
    if md.language:
        md.language = md.language.replace("_", "-").split("-")[0].lower()
    canon = tree.find('.//link[@rel="canonical"]')
    md.canonical_url = _clean(canon.get("href") if canon is not None else None) or _clean(meta.get("og:url"))
    md.description = _clean(meta.get("og:description") or meta.get("description"))
    md.lead_image = _clean(meta.get("og:image")) or _image_url(ld.get("image"))
    if md.published_at is None:
        md.published_at = _htmldate(tree, url)
    return md


def _htmldate(tree: HtmlElement, url: str | None) -> datetime | None:
    """Fallback: htmldate's heuristics on the same tree (fast mode, original date)."""
    try:
        from htmldate import find_date

        found = find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - htmldate is heuristic; a failure only means no date
        return None
    return parse_iso_datetime(found) if found else None
