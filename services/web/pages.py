"""Search page routes: `/` (query, filters, facets, results, quote cards) and `/article/{id}`."""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path as FilePath
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import ValidationError

from newsdesk.index.filters import FACET_NAMES, FILTER_NAMES, FILTERS, MAX_FACET_SIZE
from newsdesk.index.search import MAX_RESULT_WINDOW, QuoteRequest, SearchRequest
from services.search_api.deps import IndexDep
from services.search_api.routes.articles import ARTICLE_ID
from services.web.article_view import article_view

HERE = FilePath(__file__).parent
PAGE_SIZE = 10
QUOTE_CARDS = 6  # the strip shows one row of them; the rest behind "show all"
DATE_PRESETS = {
    "24h": ("last 24 hours", timedelta(hours=24)),
    "7d": ("last 7 days", timedelta(days=7)),
    "30d": ("last 30 days", timedelta(days=30)),
}
SORTS = {"relevance": "relevance", "newest": "newest", "indexed": "recently indexed"}
PAGE_PARAMS = ("q", *FILTER_NAMES, "range", "from", "to", "sort", "page", "more")

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")
static = StaticFiles(directory=HERE / "static")
_MARK = re.compile(r"</?mark>")


class PageInputError(ValueError):
    """A page parameter a person typed or picked that cannot be used; the message says how to fix it."""


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
    return _link(
        params, range=None, **{"from": f"{year:04d}-{number:02d}-01", "to": f"{year:04d}-{number:02d}-{last:02d}"}
    )


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n|\n", text or "") if part.strip()]


templates.env.filters["marked"] = marked
templates.env.filters["paragraphs"] = paragraphs
templates.env.globals["kept_params"] = (*FILTER_NAMES, "range", "from", "to", "sort")  # a new query keeps these


def _link(params: dict[str, str], **changes: str | int | None) -> str:
    """The page's URL with some parameters changed (None removes one); a new filter restarts at page 1."""
    merged: dict[str, str | int | None] = {name: value for name, value in params.items() if name != "page"}
    merged.update(changes)
    query = urlencode({k: v for k, v in merged.items() if v and not (k == "page" and v == 1)})
    return f"/?{query}" if query else "/"


def _page(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def _day(params: dict[str, str], name: str, label: str) -> date | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PageInputError(
            f"the {label} date ({value[:40]}) is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01"
        ) from None


def date_bounds(params: dict[str, str], now: datetime) -> tuple[date | datetime | None, date | None]:
    """The published-date range: a custom from/to (whole days), else a preset counted back from now."""
    day_from, day_to = _day(params, "from", "'from'"), _day(params, "to", "'to'")
    if day_from and day_to and day_from > day_to:
        raise PageInputError(f"the 'from' date ({day_from}) is after the 'to' date ({day_to}): swap them")
    if day_from or day_to:
        return day_from, day_to
    preset = params.get("range")
    if preset is None:
        return None, None
    if preset not in DATE_PRESETS:
        raise PageInputError(f"unknown date range {preset[:20]!r}: choose {', '.join(DATE_PRESETS)} or a custom range")
    return now - DATE_PRESETS[preset][1], None


def _page_number(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise PageInputError(f"page must be a number from 1 up, not {value[:20]!r}")
    return int(value)


def pages_around(current: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and `width` either side of the current; None is a gap."""
    shown = sorted({1, last, *range(max(1, current - width), min(last, current + width) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def chips(params: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, value, link without it) for every active filter, the date range included."""
    active = [
        (facet.label, params[facet.name], _link(params, **{facet.name: None}))
        for facet in FILTERS
        if facet.name in params
    ]
    if "from" in params or "to" in params:
        active += [
            (label, params[name], _link(params, **{name: None}))
            for name, label in (("from", "From"), ("to", "To"))
            if name in params
        ]
    elif params.get("range") in DATE_PRESETS:
        active.append(("Published", DATE_PRESETS[params["range"]][0], _link(params, range=None)))
    return active


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, index: IndexDep) -> HTMLResponse:
    raw = request.query_params
    params = {name: raw[name] for name in PAGE_PARAMS if raw.get(name)}
    context: dict = {
        "params": params,
        "link": _link,
        "month_link": month_link,
        "filters": FILTERS,
        "presets": {name: label for name, (label, _) in DATE_PRESETS.items()},
        "sorts": SORTS,
        "chips": chips(params),
        "result": None,
        "quotes": None,
        "error": None,
        "pages": [],
        "page_number": 1,
        "last_page": 1,
    }
    unknown = sorted(set(raw.keys()) - set(PAGE_PARAMS))
    try:
        if unknown:
            raise PageInputError(f"unknown parameter(s): {', '.join(n[:40] for n in unknown[:5])}")
        date_from, date_to = date_bounds(params, datetime.now(UTC))
        page_number = _page_number(params.get("page"))
        more = params.get("more")
        if more is not None and more not in FACET_NAMES:
            raise PageInputError(f"there is no facet named {more[:40]!r}")
        if params.get("sort", "relevance") not in SORTS:
            raise PageInputError(f"sort by {' or '.join(SORTS)}, not {params['sort'][:20]!r}")
        search = SearchRequest(
            q=params.get("q", ""),
            sort=params.get("sort", "relevance"),
            page=page_number,
            size=PAGE_SIZE,
            date_from=date_from,
            date_to=date_to,
            filters={name: params.get(name) for name in FILTER_NAMES},
            facet_sizes={more: MAX_FACET_SIZE} if more else {},
            collapse="cluster" not in params,  # one result per story; its "N more versions" link lists the cluster
        )
        result = index.search(search)
        last_page = max(1, min(math.ceil(result.total / PAGE_SIZE), MAX_RESULT_WINDOW // PAGE_SIZE))
        context.update(
            result=result, page_number=page_number, last_page=last_page, pages=pages_around(page_number, last_page)
        )
        if page_number == 1 and (search.q or search.filter("speaker")):  # the strip belongs to the first page
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
    return _page(request, "article.html", {"view": article_view(article)})
