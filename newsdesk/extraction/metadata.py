"""Metadata: JSON-LD, OpenGraph and meta tags (title, section, tags, authors, dates, language, site)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.dates import parse_iso_datetime
from newsdesk.extraction import rules

_WS = re.compile(r"\s+")
_BY = rules.BYLINE_OPENER
_SPLIT_AUTHORS = rules.BYLINE_SEPARATOR
_AUTHOR_JUNK = rules.BYLINE_JOB_TITLE
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
# visible section labels, tried when JSON-LD and meta tags name none (or only "articles" or a domain); matched
# against class attributes in one pass over the tree (an XPath of many contains() costs more per page)
_SECTION_CLASS = re.compile(
    r"(?:^|\s)section-label(?:\s|$)|kicker|eyebrow|categor|overline|topline|rubrik|occhiello|seccao|section"
)
_SECTION_META_KEYS = ("article:section", "parsely-section", "articlesection", "section", "sailthru.section")
# values that name no section: "articles" (a URL folder) and domain names
_NOT_SECTION = re.compile(
    r"^(?:articles?|stories|story|posts?|news articles?|uncategori[sz]ed|home)$|^[\w-]+(?:\.[\w-]+)+$", re.I
)
_NAV_CLASS = re.compile(r"nav|menu|breadcrumb|footer|header", re.I)
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
_BYLINE_CLASS = re.compile(r"byline|author|autor|auteur|firma|signature|assinatura|kisha|(?:^|\s)by(?:\s|$)")
_BYLINE_MAX = 12  # byline elements read per page
# the usual byline markup (class tokens, case as written), read when the authors are known already
_USUAL_BYLINE_CLASS = re.compile(r"byline|author|autor|auteur|firma|assinatura")
# a byline element that is a photo credit or caption, not the story's byline
_PHOTO_BYLINE = re.compile(r"photo|credit|caption|image|bio|box", re.I)


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
    agencies: list[str] = field(default_factory=list)  # agencies the byline names: "MARIA SANTOS Associated Press"
    photographers: list[str] = field(default_factory=list)  # "Story by A \u2022 Photos by B"


def _clean(text: str | None) -> str | None:
    text = _WS.sub(" ", text or "").strip()
    return text or None


def split_authors(text: str) -> list[str]:
    """'By A and B' -> ['A', 'B']; 'By A, B & C' -> three names; agencies and desk names are no authors."""
    return read_byline(text)[0]


def read_byline(text: str) -> tuple[list[str], list[str], list[str]]:
    """A byline -> (people, agencies, photographers).

    'By LISA MASCARO and KEVIN FREKING Associated Press' -> (['Lisa Mascaro', 'Kevin Freking'], ['Associated
    Press'], []); 'Story by Gina Harrow \u2022 Photos by Phil Mercer' -> (['Gina Harrow'], [], ['Phil Mercer'])."""
    text = _WS.sub(" ", text or "").strip()
    photographers: list[str] = []
    kept: list[str] = []
    for part in re.split(r"\s+[\u2022\u00b7]\s+", text):
        m = rules.BYLINE_PHOTOS.search(part)
        if m:
            photographers += _people(m.group("names"))
            part = part[: m.start()]
        if part.strip():
            kept.append(part)
    text = _AUTHOR_JUNK.sub("", rules.BYLINE_CONTACT.sub("", _BY.sub("", " ".join(kept)))).strip(" ,|/")
    agencies: list[str] = []
    for _ in range(2):  # "..., Reuters and AP" names two
        m = rules.BYLINE_AGENCY.search(text)
        if not m:
            break
        raw = m.group("agency") or m.group("bare")
        agencies.append(
            rules.AGENCIES.get(raw) or next(v for k, v in rules.AGENCIES.items() if k.casefold() == raw.casefold())
        )
        text = text[: m.start()].strip()
    return _people(text), list(dict.fromkeys(agencies)), photographers


def _people(text: str) -> list[str]:
    text = rules.BYLINE_DATE_TAIL.sub("", _AUTHOR_JUNK.sub("", _BY.sub("", text))).strip(" ,|/")
    if not text:
        return []
    out = []
    for raw in _SPLIT_AUTHORS.split(text):
        name = rules.AUTHOR_HONORIFIC.sub("", raw.strip(" ,.;:|/"))
        if (
            name
            and len(name.split()) <= 5
            and not _DIGIT.search(name)
            and name[0].isalpha()
            and name.casefold() not in rules.NOT_AUTHORS
            and name not in rules.AGENCIES
        ):
            out.append(name_case(name))
    if any(" " in n for n in out):
        # "Von Max Berger, Berlin": beside full names a single word is the place the author writes from
        out = [n for n in out if " " in n]
    return out


_PARTICLES = {
    "de",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "da",
    "del",
    "della",
    "di",
    "du",
    "dos",
    "bin",
    "al",
    "el",
    "y",
}


def _looks_like_person(name: str) -> bool:
    """Two to five words, each capitalised or a particle: 'Juan de la Cruz', '\u00c1ngel P\u00e9rez'."""
    words = name.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() or w in _PARTICLES for w in words)


def name_case(name: str) -> str:
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


def _names(value, ids: dict[str, dict] | None = None) -> list[str]:
    """Raw author strings of a JSON-LD author value: a name, a Person, an @id reference, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "name" not in value and ids and value.get("@id") in ids:
            value = ids[value["@id"]]
        return _names(value.get("name"), ids)
    if isinstance(value, list):
        return [n for v in value for n in _names(v, ids)]
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


def _meta_author_lines(meta: dict[str, str]) -> list[str]:
    """The author meta tags that hold names (article:author is often a profile URL)."""
    return [
        meta[key]
        for key in AUTHOR_META_KEYS
        if meta.get(key) and not meta[key].startswith(("http://", "https://", "/"))
    ]


def _marked(tree: HtmlElement) -> list[HtmlElement]:
    """The elements a class, rel or itemprop="author" marks, listed once per page: the section label and byline
    scans read only these, and test each distinct class value once (pages repeat their classes). lxml's iter with
    attribute reads costs two thirds of the XPath "//*[@class or @rel or @itemprop='author']"."""
    return [
        el
        for el in tree.iter(etree.Element)
        if el.get("class") is not None or el.get("rel") is not None or el.get("itemprop") == "author"
    ]


def _class_matches(pattern: re.Pattern[str], cls: str, verdicts: dict[str, bool]) -> bool:
    """pattern.search(cls), looked up in verdicts (one dict per pattern and page) when the class was seen before."""
    if not cls:
        return False
    verdict = verdicts.get(cls)
    if verdict is None:
        verdict = verdicts[cls] = pattern.search(cls) is not None
    return verdict


def _byline_elements(h1: HtmlElement | None, marked: list[HtmlElement], thorough: bool = True) -> list[str]:
    """Text of the byline elements (not photo credits), then of short lines after the headline that open like a
    byline ("Story by ...", "Por ...").

    h1: the page's first <h1>; marked: the page's _marked elements. thorough: look at every class for a byline in
    any language; otherwise, when the authors are known already and only an agency or photographer is sought, the
    usual byline markup only."""
    lines: list[str] = []
    found = 0
    pattern = _BYLINE_CLASS if thorough else _USUAL_BYLINE_CLASS
    verdicts: dict[str, bool] = {}
    for el in marked:
        cls = el.get("class") or ""
        rel = el.get("rel") == "author"
        if not (rel or (thorough and el.get("itemprop") == "author") or _class_matches(pattern, cls, verdicts)):
            continue
        found += 1
        if found > _BYLINE_MAX:
            break
        if _PHOTO_BYLINE.search(cls) or next(el.iterancestors("figure"), None) is not None:
            continue
        # itertext joined with spaces: "McAVOY</a><span>Updated" must not become one word
        text = _clean(" ".join(el.itertext()))
        if text and len(text) < 120:
            lines.append(text)
    if h1 is not None:
        for el in list(h1.itersiblings())[:6]:
            text = _clean(" ".join(el.itertext()))
            if text and len(text) < 120 and _BY.match(text) and text not in lines:
                lines.append(text)
    return lines


def _authors(
    md: Metadata, h1: HtmlElement | None, marked: list[HtmlElement], ld_names: list[str], meta: dict[str, str]
) -> None:
    """People from JSON-LD, else author meta tags, else the byline; agencies named anywhere in them."""
    agencies: list[str] = []
    photographers: list[str] = []

    def people_of(lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            people, found, photos = read_byline(line)
            agencies.extend(found)
            photographers.extend(photos)
            out += people
        return out

    authors = people_of(ld_names) or people_of(_meta_author_lines(meta))
    md.bylines = _byline_elements(h1, marked, thorough=not authors)
    from_bylines: list[str] = []
    for b in md.bylines:
        people, found, photos = read_byline(b)
        agencies.extend(found)
        photographers.extend(photos)
        if not from_bylines and people and _BY.match(b):
            from_bylines = people
    if not authors:
        # <a rel="author">Helen Pidd</a>: an author link that holds a bare name ("AUDREY McAVOY Associated Press"
        # and "By The Associated Press" hold one name or none once the agency is read off); a name read from the
        # page's markup must look like a person's ("Vortex", "jdadmin" and "Josh" do not)
        authors = from_bylines or [n for b in md.bylines if _PERSON_NAME.match(b) for n in read_byline(b)[0]]
        authors = [n for n in authors if _looks_like_person(n)]
    md.authors = list(dict.fromkeys(authors))
    md.agencies = list(dict.fromkeys(agencies))
    md.photographers = list(dict.fromkeys(photographers))


def _section(marked: list[HtmlElement], ld: dict, meta: dict[str, str]) -> str | None:
    """JSON-LD articleSection, else a section meta tag, else a visible section label (marked: the page's _marked
    elements); never "articles" or a domain."""
    values = ld.get("articleSection")
    candidates = values if isinstance(values, list) else [values]
    candidates += [meta.get(k) for k in _SECTION_META_KEYS]
    for value in candidates:
        value = _clean(value) if isinstance(value, str) else None
        if value and not _NOT_SECTION.match(value):
            return value
    verdicts: dict[str, bool] = {}
    for el in marked:
        cls = el.get("class") or ""
        if not (
            _class_matches(_SECTION_CLASS, cls, verdicts)
            or (el.tag == "a" and "category" in (el.get("rel") or "").split())
        ):
            continue
        if _NAV_CLASS.search(cls) or any(
            a.tag == "nav" or _NAV_CLASS.search(a.get("class") or "") for a in el.iterancestors()
        ):
            continue
        if len(el.findall(".//a")) > 1:
            continue  # a list of links is navigation, not a label
        text = _clean(el.text_content())
        if text and len(text) <= 40 and not _NOT_SECTION.match(text):
            return text
    return None


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

    objects = _jsonld_objects(tree)
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    article = next((o for o in objects if _types(o) & ARTICLE_TYPES - {"WebPage"}), None)
    article = article or next((o for o in objects if _types(o) & ARTICLE_TYPES), {})
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
    marked = _marked(tree)
    md.section = _section(marked, ld, meta)
    md.tags = list(dict.fromkeys(_keywords(ld.get("keywords")) + tags))
    _authors(md, h1, marked, _names(ld.get("author"), ids), meta)
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
