"""Search: full-text query with filters, facets, highlights and cursor paging."""

from __future__ import annotations

import inspect
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from newsdesk.index import ArticleIndex
from newsdesk.index.filters import FACET_NAMES, FILTER_NAMES, FILTERS, MAX_FACET_SIZE
from newsdesk.index.search import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    FilteredRequest,
    SearchRequest,
    SearchResponse,
    Sort,
)
from services.search_api.deps import IndexDep, only_params
from services.search_api.responses import model_response

router = APIRouter(tags=["search"])
RequestT = TypeVar("RequestT", bound=FilteredRequest)

FILTER_PARAMS = ("q", *FILTER_NAMES, "from", "to")
SEARCH_PARAMS = (*FILTER_PARAMS, "sort", "size", "page", "cursor", "facet_size", "collapse")


async def _declared_filters(**values: str | None) -> dict[str, str]:
    """The declared filters' query parameters (the signature below is built from newsdesk.index.filters)."""
    return {name: value for name, value in values.items() if value}


# FastAPI reads a dependency's parameters from its signature: one Query per declared filter
_declared_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter(
            facet.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, Query(max_length=facet.max_length, description=facet.help)],
        )
        for facet in FILTERS
    ],
    return_annotation=dict[str, str],
)
FiltersDep = Annotated[dict[str, str], Depends(_declared_filters)]
QueryText = Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description='words, "phrases", -exclusions, OR')]
DateFrom = Annotated[date | None, Query(alias="from", description="published on or after (YYYY-MM-DD)")]
DateTo = Annotated[date | None, Query(alias="to", description="published on or before (YYYY-MM-DD)")]


def validated(model: type[RequestT], **fields: Any) -> RequestT:
    """A request model from parameters FastAPI already typed; a rule across them (dates in order) is a clear 422."""
    try:
        return model(**fields)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise HTTPException(status_code=422, detail=_first_message(exc)) from None


async def filter_request(
    filters: FiltersDep, q: QueryText = "", date_from: DateFrom = None, date_to: DateTo = None
) -> SearchRequest:
    """The query text and filters as one validated request (what /search and /export share). No I/O: async
    keeps it off the threadpool."""
    return validated(SearchRequest, q=q, filters=filters, date_from=date_from, date_to=date_to)


async def search_request(
    filters: Annotated[SearchRequest, Depends(filter_request)],
    sort: Sort = Sort.RELEVANCE,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"results per page, at most {MAX_PAGE_SIZE}")] = 10,
    page: Annotated[int, Query(ge=1, description="numbered page of `size` results, within the first 10,000")] = 1,
    cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page")] = None,
    facet_size: Annotated[
        int | None, Query(ge=1, le=MAX_FACET_SIZE, description="values per facet (default 10): show more")
    ] = None,
    collapse: Annotated[
        bool, Query(description="one hit per syndication cluster, with its more_versions; total counts clusters")
    ] = False,
) -> SearchRequest:
    """The filters plus sort, paging, facet sizes and collapsing."""
    sizes = {name: facet_size for name in FACET_NAMES} if facet_size else {}
    fields = filters.model_dump(exclude={"sort", "size", "page", "cursor", "facet_sizes", "collapse"})
    return validated(
        SearchRequest,
        **fields,
        sort=sort,
        size=size,
        page=page,
        cursor=cursor or None,
        facet_sizes=sizes,
        collapse=collapse,
    )


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
