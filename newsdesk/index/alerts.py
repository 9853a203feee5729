"""Alerts: POST a saved search's new matches to its webhook, at least once.

A check re-runs the saved query over the articles indexed since the last check (minus a look-back, so an
article that became searchable late is still seen) and sends those not yet delivered. The state advances
only after the receiver answered 2xx; a timeout, 429 or 5xx is a TransientError for the one retry policy
(workers/base.py), any other answer a permanent error that becomes a dead letter. Webhook URLs pass the
fetcher's SSRF guard (newsdesk/crawl/safety.py) on every delivery: private and loopback addresses are
refused unless NEWSDESK_ALLOW_PRIVATE_HOSTS allows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from newsdesk.crawl.safety import check_destination, pinned_url
from newsdesk.errors import FetchRefused, PermanentError, TransientError
from newsdesk.index import ArticleIndex
from newsdesk.index.saved import AlertState, SavedSearch, SavedSearchStore
from newsdesk.settings import Settings

LOOKBACK = timedelta(minutes=10)  # longer than any index write takes to become searchable
ALERT_FIELDS = ("id", "url", "title", "source", "published_at", "authors", "language")
MAX_ARTICLES_PER_POST = 100
WEBHOOK_TIMEOUT = 10.0


class WebhookRefused(PermanentError):
    """The receiver answered with a 4xx other than 408/425/429, or its URL is refused: retrying cannot help."""


@dataclass
class Delivery:
    search_id: str
    sent: int = 0
    posts: int = 0


def new_matches(search: SavedSearch, index: ArticleIndex, state: AlertState) -> list[dict[str, Any]]:
    """Matches indexed since the last check (with the look-back) that were never delivered."""
    request = search.request(indexed_since=max(state.since - LOOKBACK, search.created_at))  # nothing from before it
    return [
        record for record in index.export_articles(request, fields=ALERT_FIELDS) if record["id"] not in state.delivered
    ]


def post_webhook(url: str, payload: dict[str, Any], settings: Settings) -> None:
    """One POST through the SSRF guard, pinned to the checked address (no DNS rebinding), no redirects."""
    try:
        address = check_destination(url, settings.allow_private_hosts)
    except FetchRefused as exc:  # a dead letter, not a quiet refusal: nobody else would learn of it
        raise WebhookRefused(f"webhook {url} refused: {exc}") from None
    target, host_header, extensions = pinned_url(url, address)
    headers = {**host_header, "User-Agent": settings.user_agent}
    try:
        with httpx.Client(timeout=WEBHOOK_TIMEOUT, follow_redirects=False) as client:
            response = client.request("POST", target, json=payload, headers=headers, extensions=extensions)
    except httpx.TransportError as exc:
        raise TransientError(f"webhook {url} unreachable: {type(exc).__name__}: {exc}") from None
    status = response.status_code
    if status in (408, 425, 429) or status >= 500:
        retry_after = response.headers.get("retry-after", "")
        raise TransientError(
            f"webhook {url} answered {status}", retry_after=float(retry_after) if retry_after.isdigit() else None
        )
    if not 200 <= status < 300:
        raise WebhookRefused(f"webhook {url} answered {status}: {response.text[:200]}")


def deliver_new_matches(store: SavedSearchStore, index: ArticleIndex, search_id: str, settings: Settings) -> Delivery:
    """Send one saved search's undelivered matches to its webhook; raises TransientError to be retried."""
    delivery = Delivery(search_id)
    search = store.get(search_id)
    if search is None or not search.webhook_url:  # deleted, or its webhook removed, since the check was queued
        return delivery
    started = datetime.now(UTC)
    state = store.alert_state(search)
    matches = new_matches(search, index, state)
    for start in range(0, len(matches), MAX_ARTICLES_PER_POST):
        chunk = matches[start : start + MAX_ARTICLES_PER_POST]
        payload = {"saved_search": {"id": search.id, "name": search.name}, "articles": chunk}
        post_webhook(search.webhook_url, payload, settings)
        delivery.sent += len(chunk)
        delivery.posts += 1
        # Recorded per POST: a retry after a later failure does not send this chunk again.
        state.delivered.update({record["id"]: started for record in chunk})
        store.save_alert_state(search.id, state)
    state.since = started
    state.forget_old(started)
    store.save_alert_state(search.id, state)
    return delivery
