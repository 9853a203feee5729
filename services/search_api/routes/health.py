"""Health: is each configured backing service answering?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.search_api.deps import IndexDep, RedisDep, SettingsDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Check Redis and the article index")
def healthz(settings: SettingsDep, index: IndexDep, redis_client: RedisDep) -> JSONResponse:
    checks: dict[str, str] = {}
    if redis_client is not None:
        try:
            redis_client.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure to answer is "down", with its reason
            checks["redis"] = f"down: {type(exc).__name__}"
    else:
        checks["redis"] = "not configured (in-process mode)"
    backend = "elasticsearch" if settings.elasticsearch_url else "embedded"
    checks[backend] = "ok" if index.ping() else "down"
    healthy = all(value == "ok" or value.startswith("not configured") for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status_code=200 if healthy else 503
    )
