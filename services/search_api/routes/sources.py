"""Sources: every source in the index with its article count and newest article date."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from newsdesk.index.search import SourcesResponse
from services.search_api.deps import IndexDep, only_params

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get(
    "", response_model=SourcesResponse, summary="Sources with article counts", dependencies=[Depends(only_params())]
)
def sources(index: IndexDep) -> SourcesResponse:
    return index.sources()
