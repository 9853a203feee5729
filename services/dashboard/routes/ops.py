"""/ops: the dashboard page, the JSON it polls, and the admin actions (dead letters, source pause)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from newsdesk.ops.deadletters import MAX_DEAD_LETTERS
from newsdesk.ops.failures import group_failures
from services.dashboard.deps import AdminDep, DeadLettersDep, MonitorDep, PublisherDep, SettingsDep
from services.dashboard.overview import build_overview
from services.dashboard.schemas import (
    ActionResult,
    DeadLetterOut,
    DeadLetterPage,
    FailureGroupOut,
    LineageEventOut,
    Overview,
    Selection,
    UrlLineageOut,
)
from services.dashboard.sources import set_source_paused

HERE = Path(__file__).resolve().parents[1]
STATIC_FILES = {"ops.js": "text/javascript", "ops.css": "text/css"}
templates = Jinja2Templates(directory=HERE / "templates")

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


@router.get("/api/urls", response_model=UrlLineageOut, summary="What happened to one URL: its events, oldest first")
def url_lineage(monitor: MonitorDep, url: str = Query(..., min_length=1, max_length=4000)) -> UrlLineageOut:
    from newsdesk.ops.ledger import Ledger
    from newsdesk.ops.lineage import events

    in_flight = Ledger(monitor.redis, stuck_after=0).get(url)
    return UrlLineageOut(
        url=url,
        in_flight_at=in_flight.stage if in_flight else None,
        events=[LineageEventOut(**vars(event)) for event in events(monitor.redis, url)],
    )


@router.get("/api/deadletters", response_model=DeadLetterPage, summary="Dead letters, newest first")
def list_dead_letters(
    store: DeadLettersDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> DeadLetterPage:
    letters = store.list(limit=limit, offset=offset)
    return DeadLetterPage(count=store.count(), data=[DeadLetterOut(**vars(letter)) for letter in letters])


@router.get(
    "/api/deadletters/groups",
    response_model=list[FailureGroupOut],
    summary="Dead letters grouped by cause (task + error shape), largest first",
)
def dead_letter_groups(store: DeadLettersDep) -> list[FailureGroupOut]:
    return [
        FailureGroupOut(**{k: v for k, v in vars(g).items() if k != "ids"})
        for g in group_failures(store.list(limit=MAX_DEAD_LETTERS))
    ]


@router.post(
    "/api/deadletters/groups/{key}/retry",
    response_model=ActionResult,
    dependencies=[AdminDep],
    summary="Re-send every dead letter of one cause group (admin key)",
)
def retry_group(key: str, store: DeadLettersDep, publish: PublisherDep) -> ActionResult:
    group = next((g for g in group_failures(store.list(limit=MAX_DEAD_LETTERS)) if g.key == key), None)
    if group is None:
        raise HTTPException(404, f"no failure group {key}")
    done = store.retry(group.ids, publish)
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
