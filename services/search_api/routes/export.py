"""Export: every article matching a search's filters, streamed as CSV or JSON lines."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from newsdesk.index.export import ExportFormat, encode_records
from newsdesk.index.search import SearchRequest
from services.search_api.deps import IndexDep, only_params
from services.search_api.routes.search import FILTER_PARAMS, filter_request

log = logging.getLogger(__name__)
router = APIRouter(tags=["search"])

EXPORT_PARAMS = (*FILTER_PARAMS, "format")  # the filters of /search; paging and order belong to the export


def _logged_on_failure(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Once streaming has begun the status is sent: a backend failure can only end the body early, and is logged."""
    try:
        yield from records
    except Exception:
        log.exception("export stopped by a backend failure; the client received a truncated body")
        raise


@router.get(
    "/export",
    summary="Export every matching article (CSV or JSON lines)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
    dependencies=[Depends(only_params(*EXPORT_PARAMS))],
)
def export(
    index: IndexDep,
    request: Annotated[SearchRequest, Depends(filter_request)],
    export_format: Annotated[
        ExportFormat, Query(alias="format", description="csv: summary columns; jsonl: also body, quotes, credits")
    ],
) -> StreamingResponse:
    records = index.export_articles(request, fields=export_format.fields)
    # The first page is read here, before any byte is sent, so an unreachable backend is still a clean 503.
    first = list(itertools.islice(records, 1))
    body = encode_records(_logged_on_failure(itertools.chain(first, records)), export_format)
    filename = f"newsdesk-export.{export_format.value}"
    return StreamingResponse(
        body, media_type=export_format.media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
