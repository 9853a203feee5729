"""GET /metrics: the dashboard's figures in the Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsdesk.ops.monitoring import Monitor
from newsdesk.settings import get_settings
from services.dashboard.deps import get_redis
from services.dashboard.metrics import registry_for

router = APIRouter(tags=["metrics"])


def _monitor() -> Monitor:
    return Monitor(get_redis(get_settings()))


_registry = registry_for(_monitor)


@router.get(
    "/metrics",
    summary="Prometheus metrics: queues, task outcomes, stage latency, lag, dead letters",
    response_class=Response,
)
def metrics() -> Response:
    if not get_settings().redis_url:
        raise HTTPException(503, "metrics come from Redis: set NEWSDESK_REDIS_URL")
    return Response(generate_latest(_registry), media_type=CONTENT_TYPE_LATEST)
