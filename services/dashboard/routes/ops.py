"""/ops: the dashboard page, the JSON it polls, and the admin actions (dead letters, source pause)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from newsdesk.ops.failures import FailureGroup
from newsdesk.ops.ledger import Ledger
from newsdesk.ops.lineage import events
from newsdesk.ops.monitoring import Monitor
from services.dashboard.deps import AdminDep, DeadLettersDep, MonitorDep, PublisherDep, SettingsDep, get_redis
from services.dashboard.overview import build_overview
from services.dashboard.schemas import (
    ActionResult,
    DeadLetterPage,
    Overview,
    Selection,
    UrlLineage,
    WorkerList,
)
from services.dashboard.sources import set_source_paused
from services.dashboard.workers import INSPECT_TIMEOUT, WorkerDetail, inspect_workers

HERE = Path(__file__).resolve().parents[1]
STATIC_FILES = {"ops.js": "text/javascript", "ops.css": "text/css"}
templates = Jinja2Templates(directory=HERE / "templates")


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _mib(size: int | None) -> str:
    return "–" if size is None else f"{size / 2**20:.1f} MiB"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


templates.env.filters.update(iso=_iso, mib=_mib, duration=_duration)

router = APIRouter(prefix="/ops", tags=["ops"])


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return templates.TemplateResponse(request, "ops.html", {"admin_enabled": bool(settings.admin_key)})


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> FileResponse:
    if name not in STATIC_FILES:
        raise HTTPException(404, "not found")
    return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name])


@router.get(
    "/api/overview", response_model=Overview, summary="Queues, stages, workers, lag, sources: what the page shows"
)
def overview(monitor: MonitorDep, settings: SettingsDep) -> Overview:
    return build_overview(monitor, admin_enabled=bool(settings.admin_key))


def lineage(monitor: Monitor, url: str) -> UrlLineage:
    in_flight = Ledger(monitor.redis, stuck_after=0).get(url)
    return UrlLineage(url=url, in_flight_at=in_flight.stage if in_flight else None, events=events(monitor.redis, url))


URL_QUERY = Query(..., min_length=1, max_length=4000, description="the URL as it was accepted (fetched)")


@router.get("/api/urls", response_model=UrlLineage, summary="What happened to one URL: its events, oldest first")
def url_lineage(monitor: MonitorDep, url: str = URL_QUERY) -> UrlLineage:
    return lineage(monitor, url)


@router.get("/urls", response_class=HTMLResponse, include_in_schema=False)
def url_lineage_page(request: Request, settings: SettingsDep, url: str = Query("", max_length=4000)) -> HTMLResponse:
    url = url.strip()
    if not settings.redis_url:  # the article view links here in embedded mode too: say why there is nothing
        context = {"url": url, "lineage": None, "unavailable": "Lineage is kept in Redis: set NEWSDESK_REDIS_URL."}
        return templates.TemplateResponse(request, "lineage.html", context, status_code=503)
    found = lineage(Monitor(get_redis(settings)), url) if url else None
    return templates.TemplateResponse(request, "lineage.html", {"url": url, "lineage": found})


def _app():
    from workers.celery_app import app  # the broker's control channel; loaded only when a worker page is asked

    return app


@router.get("/api/workers", response_model=WorkerList, summary="Every worker: pool, queues, tasks in progress, memory")
def list_workers(monitor: MonitorDep) -> WorkerList:
    return WorkerList(workers=inspect_workers(_app(), monitor), answered_within=INSPECT_TIMEOUT)


@router.get(
    "/api/workers/{name}", response_model=WorkerDetail, summary="One worker (404 when neither answering nor beating)"
)
def worker_detail(name: str, monitor: MonitorDep) -> WorkerDetail:
    found = inspect_workers(_app(), monitor, name=name)
    if not found:
        raise HTTPException(404, f"no worker {name} answered within {INSPECT_TIMEOUT:.0f} s or sent a heartbeat")
    return found[0]


@router.get("/workers/{name}", response_class=HTMLResponse, include_in_schema=False)
def worker_page(request: Request, name: str, monitor: MonitorDep) -> HTMLResponse:
    found = inspect_workers(_app(), monitor, name=name)
    context = {"name": name, "worker": found[0] if found else None, "timeout": INSPECT_TIMEOUT, "now": time.time()}
    return templates.TemplateResponse(request, "worker.html", context, status_code=200 if found else 404)


@router.get("/api/deadletters", response_model=DeadLetterPage, summary="Dead letters, newest first")
def list_dead_letters(
    store: DeadLettersDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> DeadLetterPage:
    return DeadLetterPage(count=store.count(), data=store.list(limit=limit, offset=offset))


@router.get(
    "/api/deadletters/groups",
    response_model=list[FailureGroup],
    summary="Dead letters grouped by cause (task + error shape), largest first (kept as letters come and go)",
)
def dead_letter_groups(store: DeadLettersDep) -> list[FailureGroup]:
    return store.groups()


@router.post(
    "/api/deadletters/groups/{key}/retry",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Re-send every dead letter of one cause group (admin key)",
)
def retry_group(key: str, store: DeadLettersDep, publish: PublisherDep) -> ActionResult:
    ids = store.group_ids(key)
    if not ids:
        raise HTTPException(404, f"no failure group {key}")
    done = store.retry(ids, publish)
    return ActionResult(action="retry", done=done, count=len(done))


def _selected(store, selection: Selection) -> list[str]:
    return store.ids() if selection.all else selection.ids


@router.post(
    "/api/deadletters/retry",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Re-send the selected dead letters' tasks (admin key)",
)
def retry_many(selection: Selection, store: DeadLettersDep, publish: PublisherDep) -> ActionResult:
    done = store.retry(_selected(store, selection), publish)
    return ActionResult(action="retry", done=done, count=len(done))


@router.post(
    "/api/deadletters/discard",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Drop the selected dead letters (admin key)",
)
def discard_many(selection: Selection, store: DeadLettersDep) -> ActionResult:
    done = store.discard(_selected(store, selection))
    return ActionResult(action="discard", done=done, count=len(done))


@router.post(
    "/api/deadletters/{letter_id}/retry",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Re-send one dead letter's task (admin key)",
)
def retry_one(letter_id: str, store: DeadLettersDep, publish: PublisherDep) -> ActionResult:
    done = store.retry([letter_id], publish)
    if not done:
        raise HTTPException(404, f"no dead letter {letter_id}")
    return ActionResult(action="retry", done=done, count=1)


@router.post(
    "/api/deadletters/{letter_id}/discard",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Drop one dead letter (admin key)",
)
def discard_one(letter_id: str, store: DeadLettersDep) -> ActionResult:
    done = store.discard([letter_id])
    if not done:
        raise HTTPException(404, f"no dead letter {letter_id}")
    return ActionResult(action="discard", done=done, count=1)


@router.post(
    "/api/sources/{name}/pause",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Stop a source's scheduled polling (admin key)",
)
def pause_source(name: str) -> ActionResult:
    if not set_source_paused(name, True):
        raise HTTPException(404, f"no configured source {name}")
    return ActionResult(action="pause", done=[name], count=1)


@router.post(
    "/api/sources/{name}/resume",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Restart a source's scheduled polling (admin key)",
)
def resume_source(name: str) -> ActionResult:
    if not set_source_paused(name, False):
        raise HTTPException(404, f"no configured source {name}")
    return ActionResult(action="resume", done=[name], count=1)
