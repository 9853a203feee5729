"""Saved searches: create, list and delete behind the admin key; each one's Atom feed of its newest matches.

The feed needs no key (feed readers send none): its URL holds the saved search's random id, so only whoever
was given the URL can follow it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode
from xml.etree import ElementTree

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel

from newsdesk.crawl.safety import check_destination
from newsdesk.errors import FetchRefused, TransientError
from newsdesk.index.saved import (
    SavedSearch,
    SavedSearchCreate,
    SavedSearchFull,
    SavedSearchStore,
    new_saved_search,
    open_saved_searches,
)
from newsdesk.index.search import SearchResponse, Sort
from newsdesk.settings import Settings
from services.dashboard.deps import AdminDep
from services.search_api.deps import IndexDep, SettingsDep
from services.search_api.responses import model_response

router = APIRouter(prefix="/saved-searches", tags=["saved searches"])

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 20
SAVED_ID = r"^[0-9a-f]{32}$"
_MARK = re.compile(r"</?mark>")


@lru_cache(maxsize=4)
def _store(redis_url: str | None, data_dir: Path) -> SavedSearchStore:
    return open_saved_searches(Settings(redis_url=redis_url, data_dir=data_dir))


def get_saved_searches(settings: SettingsDep) -> SavedSearchStore:
    return _store(settings.redis_url, settings.data_dir)


StoreDep = Annotated[SavedSearchStore, Depends(get_saved_searches)]
SavedId = Annotated[str, PathParam(pattern=SAVED_ID, description="the id POST /saved-searches answered")]


class SavedSearchList(BaseModel):
    saved_searches: list[SavedSearch]


def _checked_webhook(url: str, settings: Settings) -> None:
    """Refuse at once a webhook the delivery would refuse (a private address, in production mode)."""
    try:
        check_destination(url, settings.allow_private_hosts)
    except FetchRefused as exc:
        raise HTTPException(422, f"webhook_url: {exc}") from None
    except TransientError:  # DNS down for a moment: each delivery checks again
        pass


@router.post(
    "",
    status_code=201,
    response_model=SavedSearch,
    summary="Save a search (query, filters, optional webhook)",
    dependencies=[AdminDep],
)
def create(
    store: StoreDep,
    settings: SettingsDep,
    fields: Annotated[
        SavedSearchCreate,
        Body(
            openapi_examples={
                "speaker": {"value": {"name": "Park on the bridge", "q": "bridge", "speaker": "Elena Park"}}
            }
        ),
    ],
) -> Response:
    if fields.webhook_url:
        _checked_webhook(fields.webhook_url, settings)
    search = new_saved_search(fields)
    try:
        store.add(search)
    except SavedSearchFull as exc:
        raise HTTPException(409, str(exc)) from None
    response = model_response(search)
    response.status_code = 201
    response.headers["Location"] = f"/saved-searches/{search.id}"
    return response


@router.get("", response_model=SavedSearchList, summary="List saved searches", dependencies=[AdminDep])
def list_saved(store: StoreDep) -> Response:
    return model_response(SavedSearchList(saved_searches=store.all()))


@router.delete("/{search_id}", status_code=204, summary="Delete a saved search", dependencies=[AdminDep])
def delete(store: StoreDep, search_id: SavedId) -> Response:
    if not store.remove(search_id):
        raise HTTPException(404, f"no saved search with id {search_id}")
    return Response(status_code=204)


@router.get(
    "/{search_id}/feed.atom",
    summary="Atom feed of a saved search's newest matches (most recently indexed first)",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def feed(store: StoreDep, index: IndexDep, request: Request, search_id: SavedId) -> Response:
    search = store.get(search_id)
    if search is None:
        raise HTTPException(404, f"no saved search with id {search_id}")
    result = index.search(search.request(size=FEED_ENTRIES, sort=Sort.INDEXED))
    body = atom_feed(search, result, str(request.base_url).rstrip("/"))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _plain(snippet: str) -> str:
    return html.unescape(_MARK.sub("", snippet))


def atom_feed(search: SavedSearch, result: SearchResponse, base: str) -> bytes:
    """RFC 4287: a feed id, title and updated; per entry an id, title, link, updated and a summary."""
    ElementTree.register_namespace("", ATOM)

    def add(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    add(feed, "id", f"urn:newsdesk:saved-search:{search.id}")
    add(feed, "title", f"newsdesk: {search.name}")
    stamps = [hit.indexed_at or hit.published_at for hit in result.hits]
    newest = max((stamp for stamp in stamps if stamp), default=search.created_at)
    add(feed, "updated", newest.isoformat())
    add(feed, "link", rel="self", href=f"{base}/saved-searches/{search.id}/feed.atom")
    page_params = {"q": search.q, **search.filters}
    add(feed, "link", rel="alternate", type="text/html", href=f"{base}/?{urlencode(page_params)}")
    add(add(feed, "author"), "name", "newsdesk")
    add(feed, "generator", "newsdesk")
    for hit, stamp in zip(result.hits, stamps, strict=True):
        entry = add(feed, "entry")
        add(entry, "id", f"urn:newsdesk:article:{hit.id}")
        add(entry, "title", hit.title or hit.url)
        add(entry, "link", rel="alternate", href=hit.url)
        add(entry, "link", rel="related", type="text/html", href=f"{base}/article/{hit.id}")
        add(entry, "updated", (stamp or newest).isoformat())
        if hit.published_at:
            add(entry, "published", hit.published_at.isoformat())
        for name in hit.authors or ([hit.source] if hit.source else []):
            add(add(entry, "author"), "name", name)
        if hit.source:
            add(entry, "category", term=hit.source, label=f"source: {hit.source}")
        snippets = [_plain(s) for s in hit.highlight if s != hit.title_highlight]
        if snippets:
            add(entry, "summary", " … ".join(snippets), type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
