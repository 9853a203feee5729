"""`newsdesk saved-searches`: list, add and remove saved searches, and send their webhook alerts now.

`check` is how alerts reach webhooks in embedded mode (run it from cron after crawls); in the distributed
setup the `alerts` queue does it after every index batch.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError

from newsdesk.errors import NewsdeskError
from newsdesk.index.saved import SavedSearchCreate, SavedSearchFull, new_saved_search, open_saved_searches
from newsdesk.settings import get_settings
from services.cli.filters import with_filter_options
from services.cli.output import err, fail

app = typer.Typer(no_args_is_help=True, help="Saved searches: their Atom feeds and webhook alerts.")


@app.command("list")
def list_saved(as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False) -> None:
    """Every saved search, oldest first, with its feed path."""
    for search in open_saved_searches(get_settings()).all():
        if as_json:
            typer.echo(search.model_dump_json())
            continue
        filters = " ".join(f"{name}={value!r}" for name, value in search.filters.items())
        hook = f" webhook={search.webhook_url}" if search.webhook_url else ""
        typer.echo(f"{search.id}  {search.name}: q={search.q!r} {filters}{hook}  /saved-searches/{search.id}/feed.atom")


@app.command()
@with_filter_options
def add(
    name: Annotated[str, typer.Argument(help="what to call it (the feed's title)")],
    filters: dict[str, str],
    query: Annotated[str, typer.Option("--query", "-q", help='words, "phrases", -exclusions, OR')] = "",
    webhook: Annotated[str | None, typer.Option(help="URL POSTed each new match as JSON")] = None,
) -> None:
    """Save a search; prints its id (the feed is /saved-searches/ID/feed.atom)."""
    try:
        fields = SavedSearchCreate(name=name, q=query, filters=filters, webhook_url=webhook)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        fail(f"invalid {where or 'saved search'}: {str(error['msg']).removeprefix('Value error, ')}", code=2)
    search = new_saved_search(fields)
    try:
        open_saved_searches(get_settings()).add(search)
    except SavedSearchFull as exc:
        fail(str(exc))
    typer.echo(search.id)


@app.command()
def remove(search_id: Annotated[str, typer.Argument(help="the id `add` printed")]) -> None:
    """Delete a saved search and its alert state."""
    if not open_saved_searches(get_settings()).remove(search_id):
        fail(f"no saved search with id {search_id}")


@app.command()
def check() -> None:
    """Send every saved search's new matches to its webhook now (at least once; failures are reported)."""
    from newsdesk.index import open_index
    from newsdesk.index.alerts import deliver_new_matches

    settings = get_settings()
    store = open_saved_searches(settings)
    index = open_index(settings)
    failed = 0
    try:
        for search in store.all():
            if not search.webhook_url:
                continue
            try:
                delivery = deliver_new_matches(store, index, search.id, settings)
            except NewsdeskError as exc:  # the state did not advance: the next check sends them again
                failed += 1
                err.print(f"[red]failed:[/red] {search.name} ({search.id}): {exc}", highlight=False, soft_wrap=True)
                continue
            typer.echo(json.dumps({"id": search.id, "name": search.name, "sent": delivery.sent}))
    finally:
        index.close()
    if failed:
        raise typer.Exit(1)
