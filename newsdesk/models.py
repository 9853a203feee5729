"""Domain types shared by every stage: fetched pages, articles and their parts."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class QuoteKind(str, Enum):
    DIRECT = "direct"  # quotation marks or a quoted blockquote
    INDIRECT = "indirect"  # reported speech: "Shuja said that ..."
    EXCERPT = "excerpt"  # passage quoted from a publication ("Washington Post:" + blockquote)


class SpeakerKind(str, Enum):
    PERSON = "person"
    ORGANIZATION = "organization"  # "the ministry", "the operators' association"
    GROUP = "group"  # a clearly marked group of people: "protesters", "the residents"


class CreditRole(str, Enum):
    AUTHOR = "author"
    PHOTO = "photo"
    WIRE = "wire"
    SOURCE = "source"
    CONTRIBUTOR = "contributor"  # "Additional reporting by ...": a person who reported, not the byline


class Image(_Model):
    url: str
    caption: str | None = None
    credit: str | None = Field(default=None, description="the credit line as the page prints it")
    photographer: str | None = Field(
        default=None, description="the person in the credit: 'Tom Reyes/Reuters' -> Tom Reyes"
    )
    agency: str | None = Field(
        default=None, description="agency or outlet in the credit, canonical: 'AP' -> Associated Press"
    )


class Quote(_Model):
    text: str
    speaker: str | None = Field(
        default=None, description="canonical name: the fullest form the article uses for this speaker"
    )
    speaker_mention: str | None = Field(default=None, description="the speaker as written at this quote")
    speaker_role: str | None = Field(default=None, description="title or role when the article gives one")
    speaker_kind: SpeakerKind | None = None
    kind: QuoteKind = QuoteKind.DIRECT
    paragraph: int | None = Field(default=None, description="index of the body paragraph it stands in")


class Credit(_Model):
    role: CreditRole
    name: str
    agency: str | None = None
    text: str = Field(default="", description="the text the credit was read from")


class FetchedPage(_Model):
    """A downloaded response, as kept in the page store."""

    url: str = Field(description="the URL that was asked for")
    final_url: str = Field(description="the URL after redirects")
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    fetched_at: datetime
    source: str | None = None
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Article(_Model):
    """A normalized news article: the parser's output and the index's input."""

    url: str
    canonical_url: str
    title: str | None = None
    section: str | None = None
    tags: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    source: str | None = Field(default=None, description="the configured source it was crawled from")
    body: str = ""
    images: list[Image] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    credits: list[Credit] = Field(default_factory=list)
    fetched_at: datetime | None = None
    # Set at index time (newsdesk.index.clusters), never by the parser:
    cluster_id: str | None = Field(
        default=None, description="shared by near-duplicates (one wire story across outlets); its first member's id"
    )
    sources: list[str] = Field(default_factory=list, description="every configured source the URL came through")

    @property
    def id(self) -> str:
        return article_id(self.canonical_url)


class Outcome(str, Enum):
    """The last thing that happened to a URL or a task, as the crawl log records it."""

    FETCHED = "fetched"
    NOT_MODIFIED = "not_modified"
    PARSED = "parsed"
    INDEXED = "indexed"
    SKIPPED_ROBOTS = "skipped_robots"
    REFUSED = "refused"
    FAILED = "failed"
    RETRYING = "retrying"  # a transient failure; another attempt is scheduled


class Source(_Model):
    """A configured news source: where to discover article URLs and how often."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    article_pattern: str | None = Field(default=None, description="regex an article link on a section page matches")
    interval: int = Field(default=900, ge=10, description="seconds between polls")
    cron: str | None = None
    paused: bool = False
    # Per-host limits for the hosts this source's URLs live on (None: the NEWSDESK_PER_HOST_* defaults).
    host_rate: float | None = Field(default=None, gt=0, description="requests per second per host")
    host_concurrency: int | None = Field(default=None, ge=1, description="requests in flight per host")

    @field_validator("cron")
    @classmethod
    def _five_cron_fields(cls, value: str | None) -> str | None:
        """minute hour day-of-month month day-of-week, as crontab(5) writes them."""
        if value is not None and not re.fullmatch(r"\s*([0-9A-Za-z*/,\-]+\s+){4}[0-9A-Za-z*/,\-]+\s*", value):
            raise ValueError(f"cron schedule {value!r} needs five fields: minute hour day month weekday")
        return value.strip() if value else value


INDEX_TIME_FIELDS = frozenset({"cluster_id", "sources"})  # what the index adds; the parser's output leaves them out


def article_id(canonical_url: str) -> str:
    """Stable document id: a fingerprint of the canonical URL, so re-indexing overwrites."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:24]
