"""Article discovery: turn a fetched feed into canonical article URLs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from w3lib.url import canonicalize_url, url_query_cleaner

from newsdesk.errors import NotAnArticle
from newsdesk.models import FetchedPage
from newsdesk.safety import validate_url

# Query parameters that only track the reader; they never change which article a URL names.
TRACKING_PARAMETERS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_name",
    "fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "cmpid", "ocid", "smid", "ref", "xtor",
)


@dataclass(frozen=True)
class DiscoveredLink:
    url: str
    updated: datetime | None = None
    title: str | None = None


def canonical_url(url: str) -> str:
    """Tracking parameters and fragment removed, host lower-cased, query sorted."""
    cleaned = url_query_cleaner(url.strip(), TRACKING_PARAMETERS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for field in ("updated_parsed", "published_parsed"):
        value = entry.get(field)
        if value:
            return datetime(*value[:6], tzinfo=timezone.utc)
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
        except Exception:  # a bad link in a feed is skipped, not fatal to the poll
            continue
        url = canonical_url(link)
        if url in seen:
            continue
        seen.add(url)
        links.append(DiscoveredLink(url=url, updated=_entry_time(entry), title=entry.get("title")))
    return links
