"""Celery workers: `celery -A workers worker -Q fetch,parse,index` and `celery -A workers beat`."""

from workers.celery_app import app
from workers import fetcher, indexer, parser, schedule  # noqa: F401  (registers the tasks)
from workers import signals  # noqa: F401  (dashboard figures: outcomes, latency, lag, heartbeats)

__all__ = ["app"]
