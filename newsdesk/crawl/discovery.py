"""Article discovery: feeds, sitemaps (indexes, news sitemaps) and section pages -> canonical article URLs."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html
from w3lib.url import canonicalize_url, url_query_cleaner

from newsdesk.crawl.safety import validate_url
from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import InvalidURL, NotAnArticle
from newsdesk.models import FetchedPage

# Query parameters that only track the reader; they never change which article a URL names.
TRACKING_PARAMETERS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_name",
    "fbclid",
    "gclid",
    "dclid",
    "mc_cid",
    "mc_eid",
    "cmpid",
    "ocid",
    "smid",
    "ref",
    "xtor",
)


@dataclass(frozen=True)
class DiscoveredLink:
    url: str
    updated: datetime | None = None
    title: str | None = None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def newest_first(links: list[DiscoveredLink]) -> list[DiscoveredLink]:
    """Dated links newest first, then undated ones in their feed order (feeds list newest first)."""
    dated = sorted((link for link in links if link.updated), key=lambda link: link.updated or _EPOCH, reverse=True)
    return dated + [link for link in links if not link.updated]


def canonical_url(url: str) -> str:
    """Tracking parameters and fragment removed, host lower-cased, query sorted."""
    cleaned = url_query_cleaner(url.strip(), TRACKING_PARAMETERS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for field in ("updated_parsed", "published_parsed"):
        value = entry.get(field)
        if value:
            year, month, day, hour, minute, second = value[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def links_from_feed(page: FetchedPage) -> list[DiscoveredLink]:
    """Every article link in an RSS/Atom feed, canonicalized, in feed order, once each."""
    parsed = feedparser.parse(page.body, response_headers={"content-location": page.final_url})
    if parsed.bozo and not parsed.entries:
        raise NotAnArticle(f"{page.final_url} is not a readable feed: {parsed.get('bozo_exception')}")
    seen: set[str] = set()
    links: list[DiscoveredLink] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        try:
            validate_url(link)
        except InvalidURL:  # a bad link in a feed is skipped, not fatal to the poll
            continue
        url = canonical_url(link)
        if url in seen:
            continue
        seen.add(url)
        links.append(DiscoveredLink(url=url, updated=_entry_time(entry), title=entry.get("title")))
    return links


# --- sitemaps -------------------------------------------------------------------------------------
# lxml without entity resolution or network access: a sitemap is untrusted XML.
_XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one (uncompressed) file


@dataclass(frozen=True)
class SitemapLinks:
    articles: list[DiscoveredLink]
    sitemaps: list[DiscoveredLink]  # children of a sitemap index


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sitemap_bytes(page: FetchedPage) -> bytes:
    body = page.body
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file, not as Content-Encoding
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        body = decoder.decompress(body, MAX_SITEMAP_BYTES + 1)
        if len(body) > MAX_SITEMAP_BYTES:
            raise NotAnArticle(f"{page.final_url} decompresses to more than {MAX_SITEMAP_BYTES} bytes")
    return body


def links_from_sitemap(page: FetchedPage) -> SitemapLinks:
    """<urlset> entries (with <lastmod> or a news sitemap's <news:publication_date>) and <sitemapindex> children."""
    try:
        root = lxml.etree.fromstring(_sitemap_bytes(page), parser=_XML_PARSER)
    except (lxml.etree.XMLSyntaxError, ValueError, zlib.error, gzip.BadGzipFile) as exc:
        raise NotAnArticle(f"{page.final_url} is not a readable sitemap: {exc}") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise NotAnArticle(f"{page.final_url} is not a sitemap")
    found: dict[str, DiscoveredLink] = {}
    for entry in root:
        fields: dict[str, str] = {}
        for child in entry.iter():
            name = _local(child.tag)
            if name and child.text and name not in fields:
                fields[name] = child.text.strip()
        loc = fields.get("loc")
        if not loc:
            continue
        try:
            validate_url(loc)
        except InvalidURL:
            continue
        url = canonical_url(urljoin(page.final_url, loc))
        updated = parse_iso_datetime(fields.get("lastmod")) or parse_iso_datetime(fields.get("publication_date"))
        found.setdefault(url, DiscoveredLink(url=url, updated=updated, title=fields.get("title")))
    links = list(found.values())
    if _local(root.tag) == "sitemapindex":
        return SitemapLinks(articles=[], sitemaps=links)
    return SitemapLinks(articles=links, sitemaps=[])


# --- section pages --------------------------------------------------------------------------------


def links_from_section(page: FetchedPage, article_pattern: str | None) -> list[DiscoveredLink]:
    """Links on a section (front) page whose absolute URL matches the source's article pattern.

    Without a pattern, links on the same host whose path has at least two segments are taken."""
    try:
        tree = lxml.html.fromstring(page.body, base_url=page.final_url)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"{page.final_url} is not a readable HTML page: {exc}") from None
    pattern = re.compile(article_pattern) if article_pattern else None
    own_host = canonical_url(page.final_url).split("/")[2]
    found: dict[str, DiscoveredLink] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        absolute = urljoin(page.final_url, href)
        try:
            validate_url(absolute)
        except InvalidURL:
            continue
        url = canonical_url(absolute)
        if pattern is not None:
            if not pattern.search(url):
                continue
        elif url.split("/")[2] != own_host or len([p for p in url.split("/")[3:] if p]) < 2:
            continue
        title = " ".join(anchor.text_content().split()) or None
        found.setdefault(url, DiscoveredLink(url=url, title=title))
    return list(found.values())
