"""Celery workers: `celery -A workers worker -Q fetch,parse,index,alerts` and `celery -A workers beat`."""

from workers import (  # noqa: F401  (registers the tasks)
    alerts,
    fetcher,
    health,
    indexer,
    inspection,
    parser,
    reconcile,
    schedule,
    signals,
)
from workers.celery_app import app

__all__ = ["app"]
