"""Search page routes: `/` (query, filters, facets, results, quote cards) and `/article/{id}`."""

from __future__ import annotations

import calendar
import re
from pathlib import Path as FilePath
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import ValidationError

from newsdesk.index.filters import FILTER_NAMES, FILTERS
from newsdesk.index.search import QuoteRequest, SearchRequest
from services.search_api.deps import IndexDep
from services.search_api.routes.articles import ARTICLE_ID

HERE = FilePath(__file__).parent
PAGE_PARAMS = ("q", *FILTER_NAMES, "from", "to", "sort", "cursor")
QUOTE_CARDS = 6

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")
static = StaticFiles(directory=HERE / "static")
_MARK = re.compile(r"</?mark>")


def marked(snippet: str | None) -> Markup:
    """Trust a backend snippet only if, once its <mark> tags are taken out, no markup is left."""
    if not snippet:
        return Markup("")
    if "<" in _MARK.sub("", snippet) or ">" in _MARK.sub("", snippet):
        return escape(snippet)
    return Markup(snippet)


def month_link(params: dict[str, str], month: str) -> str:
    """Link that filters to one month of the date histogram ("2024-03")."""
    year, number = (int(part) for part in month[:7].split("-"))
    last = calendar.monthrange(year, number)[1]
    return _link(params, **{"from": f"{year:04d}-{number:02d}-01", "to": f"{year:04d}-{number:02d}-{last:02d}"})


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n|\n", text or "") if part.strip()]


templates.env.filters["marked"] = marked
templates.env.filters["paragraphs"] = paragraphs
templates.env.globals["kept_params"] = (*FILTER_NAMES, "from", "to", "sort")  # a new query keeps these


def _link(params: dict[str, str], **changes: str | None) -> str:
    """The page's URL with some parameters changed (None removes one); a new filter restarts paging."""
    merged: dict[str, str | None] = {name: value for name, value in params.items() if name != "cursor"}
    merged.update(changes)
    return "/?" + urlencode({k: v for k, v in merged.items() if v})


def _page(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, index: IndexDep) -> HTMLResponse:
    raw = request.query_params
    params = {name: raw[name] for name in PAGE_PARAMS if raw.get(name)}
    context: dict = {
        "params": params,
        "link": _link,
        "month_link": month_link,
        "filters": FILTERS,
        "result": None,
        "quotes": None,
        "error": None,
        "active": {name: params[name] for name in (*FILTER_NAMES, "from", "to") if name in params},
    }
    unknown = sorted(set(raw.keys()) - set(PAGE_PARAMS))
    try:
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(n[:40] for n in unknown[:5])}")
        search = SearchRequest(
            q=params.get("q", ""),
            sort=params.get("sort", "relevance"),
            cursor=params.get("cursor"),
            date_from=params.get("from"),
            date_to=params.get("to"),
            size=20,
            filters={name: params.get(name) for name in FILTER_NAMES},
        )
        context["result"] = index.search(search)
        if search.q or search.filter("speaker"):
            context["quotes"] = index.quotes(
                QuoteRequest(
                    q=search.q,
                    filters=search.filters,
                    date_from=search.date_from,
                    date_to=search.date_to,
                    size=QUOTE_CARDS,
                )
            )
    except ValidationError as exc:
        context["error"] = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'query'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()[:3]
        )
    except ValueError as exc:
        context["error"] = str(exc).splitlines()[0][:300]
    return _page(request, "search.html", context, status=400 if context["error"] else 200)


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, index: IndexDep, article_id: str = Path(pattern=ARTICLE_ID)) -> HTMLResponse:
    article = index.get(article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id}")
    return _page(request, "article.html", {"article": article})
