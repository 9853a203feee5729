"""Articles: one normalized article by id."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path

from newsdesk.models import Article
from services.search_api.deps import IndexDep, only_params

ARTICLE_ID = r"^[0-9a-f]{8,64}$"

router = APIRouter(prefix="/articles", tags=["articles"])


@router.get(
    "/{article_id}",
    response_model=Article,
    summary="One article with its body, quotes and credits",
    dependencies=[Depends(only_params())],
)
def get_article(index: IndexDep, article_id: str = Path(pattern=ARTICLE_ID)) -> Article:
    article = index.get(article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id}")
    return article
