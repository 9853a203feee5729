"""The one typed settings object, read from NEWSDESK_* environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

VISIBILITY_MARGIN_SECONDS = 30


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", env_file=None, extra="ignore")

    # --- distributed mode: each URL switches one component on; unset means embedded ---
    redis_url: str | None = Field(default=None, description="Celery broker and crawl state; unset = in-process")
    elasticsearch_url: str | None = Field(default=None, description="search index; unset = embedded SQLite FTS5")
    index_prefix: str = "newsdesk"
    # --- clusters (issue 11): Redis Sentinel, Elasticsearch shards/replicas and rollover ---
    redis_sentinel_master: str = Field(
        default="mymaster", description="master name the Sentinels watch, for a sentinel:// NEWSDESK_REDIS_URL"
    )
    es_shards: int | None = Field(default=None, ge=1, description="primary shards of each new index; unset = 1")
    es_replicas: int | None = Field(default=None, ge=0, description="replicas of each new index; unset = 0")

    # --- storage ---
    data_dir: Path = Path("data")
    # --- object storage (issue 11): pages and the raw archive, shared by workers on different machines ---
    page_store_url: str | None = Field(
        default=None, description="file:///dir or s3://bucket/prefix; unset = data_dir/pages on local disk"
    )
    s3_endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint; unset = AWS")
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_region: str = "us-east-1"

    # --- fetching ---
    user_agent: str = "newsdesk/0.1 (+news ingestion; contact: ops@example.org)"
    allow_private_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="hosts or CIDRs the fetcher may reach although private/loopback (comma separated)",
    )
    fetch_timeout: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_rate: float = Field(default=1.0, description="requests per second per host, across all fetchers")
    per_host_concurrency: int = 2
    obey_robots: bool = True

    # --- crawling (issue 4): politeness, retries, safety caps, archive; see docs/crawling.md ---
    robots_cache_seconds: int = Field(default=3600, ge=0, description="how long a host's robots.txt is trusted")
    politeness_max_wait: float = Field(default=30.0, ge=0, description="longest in-process wait for a host slot")
    fetch_total_timeout: float = Field(default=60.0, gt=0, description="wall-time cap for one fetch, all hops")
    max_decompressed_bytes: int = Field(default=20 * 1024 * 1024, description="cap after gzip/deflate decoding")
    retry_backoff_base: float = Field(default=2.0, ge=0, description="seconds; doubled per retry, 75-100 % jitter")
    retry_backoff_cap: float = Field(default=120.0, ge=0, description="longest single retry delay, in seconds")
    archive_enabled: bool = Field(
        default=True,
        description="also keep feeds, sitemaps, sections and 304s in the page store (articles are always kept)",
    )
    sitemap_max_depth: int = Field(default=2, ge=0, description="how deep sitemap indexes are followed")
    max_links_per_poll: int = Field(
        default=2000, ge=1, description="new links queued from one poll, newest first; the rest wait"
    )

    # --- workers ---
    task_time_limit: int = 120
    # 16 retries with base 2 s and cap 120 s span at least 16.5 minutes: a 10-minute outage is ridden out.
    max_retries: int = Field(default=16, ge=0, description="retries of a transient failure before a dead letter")
    visibility_timeout: int | None = Field(
        default=None,
        gt=0,
        description="seconds before an unacknowledged task is delivered again; default derived, see below",
    )
    heartbeat_file: Path | None = Field(
        default=None, description="file a worker touches on every Celery heartbeat (2 s), for liveness probes"
    )

    parse_processes: int | None = Field(
        default=None,
        ge=1,
        description="parse processes (embedded crawl, `newsdesk worker`); default one per CPU; 1 = parse in-process",
    )

    # --- index stage (newsdesk/index/batcher.py): articles of concurrent index tasks share one bulk write ---
    index_batch_size: int = Field(default=200, ge=1, description="most articles in one bulk write of the index stage")
    index_batch_delay: float = Field(
        default=0.5, ge=0, le=30, description="seconds an article waits for others to share its bulk write"
    )

    # --- reconciler (newsdesk/ops/ledger.py): re-sends in-flight work lost between queue and worker ---
    reconcile_interval: float = Field(default=20.0, gt=0, description="seconds between reconciler passes")
    reconcile_stuck_after: int | None = Field(
        default=None, gt=0, description="seconds at one stage before an article is checked; default derived"
    )
    reconcile_max_resends: int = Field(default=3, ge=0, description="re-sends at one stage before a dead letter")
    reconcile_scan_limit: int = Field(
        default=5000, ge=0, description="longest queue (or unacked hash) the reconciler reads; longer: it waits"
    )

    # --- retention (newsdesk/ops/retention.py): how long per-URL crawl state stays in Redis ---
    crawl_log_retention_days: float = Field(default=14, gt=0, description="days a URL's last outcome is kept")
    seen_retention_days: float = Field(
        default=90, gt=0, description="days a URL no feed or sitemap lists any more stays in the seen-set"
    )

    # --- services ---
    admin_key: str | None = None
    sources_file: Path | None = None

    @field_validator("allow_private_hosts", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "redis_url",
        "elasticsearch_url",
        "admin_key",
        "page_store_url",
        "s3_endpoint_url",
        "s3_access_key_id",
        "s3_secret_access_key",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("page_store_url")
    @classmethod
    def _known_store_scheme(cls, value: str | None) -> str | None:
        from newsdesk.errors import PermanentError
        from newsdesk.store.objects import parse_store_url

        if value is not None:
            try:
                parse_store_url(value)
            except PermanentError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _visibility_outlasts_a_retry(self) -> Settings:
        # A retry waits unacknowledged in the worker for its countdown; redelivering it sooner duplicates it.
        if self.visibility_timeout is not None and self.visibility_timeout <= self.minimum_visibility_timeout:
            raise ValueError(
                f"NEWSDESK_VISIBILITY_TIMEOUT={self.visibility_timeout} must exceed task_time_limit "
                f"({self.task_time_limit}) + retry_backoff_cap ({self.retry_backoff_cap:g}) + "
                f"{VISIBILITY_MARGIN_SECONDS} s margin = {self.minimum_visibility_timeout} s"
            )
        return self

    @property
    def minimum_visibility_timeout(self) -> int:
        return int(self.task_time_limit + self.retry_backoff_cap + VISIBILITY_MARGIN_SECONDS)

    @property
    def effective_visibility_timeout(self) -> int:
        """How long a task reserved by a worker that died stays invisible before Redis delivers it again."""
        return self.visibility_timeout or self.minimum_visibility_timeout + 1

    @property
    def effective_reconcile_stuck_after(self) -> int:
        """A task is redelivered after the visibility timeout and may then run for the time limit: only past
        both is an article that no queue and no worker holds counted as lost."""
        return self.reconcile_stuck_after or self.effective_visibility_timeout + self.task_time_limit

    @property
    def effective_parse_processes(self) -> int:
        if self.parse_processes:
            return self.parse_processes
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            return os.cpu_count() or 1

    @property
    def distributed(self) -> bool:
        return self.redis_url is not None

    @property
    def pages_dir(self) -> Path:
        return self.data_dir / "pages"

    @property
    def warc_dir(self) -> Path:
        """Where versions before the S3 page store appended WARC files; still read by `newsdesk reparse`."""
        return self.data_dir / "warc"

    @property
    def embedded_index_path(self) -> Path:
        return self.data_dir / "index.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
