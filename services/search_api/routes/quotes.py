"""Quotes: who said what, with the article each quote comes from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from newsdesk.index import ArticleIndex
from newsdesk.index.search import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, QuoteRequest, QuoteResponse, Sort
from services.search_api.deps import IndexDep, only_params
from services.search_api.responses import model_response
from services.search_api.routes.search import FILTER_PARAMS, DateFrom, DateTo, FiltersDep, _first_message, validated

router = APIRouter(prefix="/quotes", tags=["quotes"])

QUOTE_PARAMS = (*FILTER_PARAMS, "sort", "size", "cursor")  # the filters of /search; speaker: the quote's


async def quote_request(
    filters: FiltersDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description='words in the quote: "phrases", -x, OR')] = "",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    sort: Sort = Sort.RELEVANCE,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="articles per page")] = 10,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> QuoteRequest:
    return validated(
        QuoteRequest,
        q=q,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        size=size,
        cursor=cursor or None,
    )


def run_quotes(index: ArticleIndex, request: QuoteRequest) -> QuoteResponse:
    try:
        return index.quotes(request)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=_first_message(exc)) from None


@router.get(
    "",
    response_model=QuoteResponse,
    summary="Quotes by a speaker and/or containing words",
    dependencies=[Depends(only_params(*QUOTE_PARAMS))],
)
def quotes(index: IndexDep, request: Annotated[QuoteRequest, Depends(quote_request)]) -> Response:
    return model_response(run_quotes(index, request))
