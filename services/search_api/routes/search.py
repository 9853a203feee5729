"""Search: full-text query with filters, facets, highlights and cursor paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from newsdesk.index import ArticleIndex
from newsdesk.index.search import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, SearchRequest, SearchResponse, Sort
from services.search_api.deps import IndexDep, only_params
from services.search_api.responses import model_response

router = APIRouter(tags=["search"])

FILTER_PARAMS = ("q", "source", "section", "author", "language", "from", "to")
SEARCH_PARAMS = (*FILTER_PARAMS, "sort", "size", "cursor")


async def filter_request(
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description='words, "phrases", -exclusions, OR')] = "",
    source: Annotated[str | None, Query(max_length=200)] = None,
    section: Annotated[str | None, Query(max_length=200)] = None,
    author: Annotated[str | None, Query(max_length=200)] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="published on or after (YYYY-MM-DD)")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="published on or before (YYYY-MM-DD)")] = None,
) -> SearchRequest:
    """The query text and filters as one validated request (what /search and /export share). No I/O: async
    keeps it off the threadpool."""
    try:
        return SearchRequest(
            q=q,
            source=source or None,
            section=section or None,
            author=author or None,
            language=language or None,
            date_from=date_from,
            date_to=date_to,
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise HTTPException(status_code=422, detail=_first_message(exc)) from None


async def search_request(
    filters: Annotated[SearchRequest, Depends(filter_request)],
    sort: Sort = Sort.RELEVANCE,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"results per page, at most {MAX_PAGE_SIZE}")] = 10,
    cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page")] = None,
) -> SearchRequest:
    """The filters plus sort and paging; each already bounded by its Query, so no second validation."""
    return filters.model_copy(update={"sort": sort, "size": size, "cursor": cursor or None})


def run_search(index: ArticleIndex, request: SearchRequest) -> SearchResponse:
    try:
        return index.search(request)
    except ValueError as exc:  # a bad cursor
        raise HTTPException(status_code=400, detail=_first_message(exc)) from None


def _first_message(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return str(errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc).splitlines()[0][:300]


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="Search articles",
    dependencies=[Depends(only_params(*SEARCH_PARAMS))],
)
def search(index: IndexDep, request: Annotated[SearchRequest, Depends(search_request)]) -> Response:
    return model_response(run_search(index, request))
