"""Search: full-text query with filters, facets, highlights and cursor paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import ValidationError

from newsdesk.search import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, SearchRequest, SearchResponse, Sort
from services.search_api.deps import IndexDep

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResponse, summary="Search articles")
def search(
    index: IndexDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description="words, \"phrases\", -exclusions, OR")] = "",
    source: Annotated[str | None, Query(max_length=200)] = None,
    section: Annotated[str | None, Query(max_length=200)] = None,
    author: Annotated[str | None, Query(max_length=200)] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    sort: Sort = Sort.RELEVANCE,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 10,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> SearchResponse:
    try:
        request = SearchRequest(
            q=q, source=source, section=section, author=author, language=language,
            date_from=date_from, date_to=date_to, sort=sort, size=size, cursor=cursor,
        )
        return index.search(request)
    except (ValidationError, ValueError) as exc:
        raise HTTPException(status_code=422, detail=str(exc).splitlines()[0]) from None
