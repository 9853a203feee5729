"""The `newsdesk` command: crawl, search, extract, serve."""

from __future__ import annotations

import html
import re
import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from newsdesk.connections import redis_client
from newsdesk.errors import NewsdeskError
from newsdesk.ops.runs import Tally
from newsdesk.settings import get_settings
from services.cli import index as index_commands
from services.cli import saved as saved_commands
from services.cli.crawling import reparse, sources_app, urls
from services.cli.export import export
from services.cli.filters import with_filter_options
from services.cli.output import err, fail, print_failures, run_progress, summary
from services.cli.reconcile import reconcile
from services.cli.worker import worker

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="newsdesk: news ingestion and search.",
)
app.add_typer(index_commands.app, name="index")
app.add_typer(sources_app, name="sources")
app.add_typer(saved_commands.app, name="saved-searches")
app.command()(urls)
app.command()(reparse)
app.command()(export)
app.command()(worker)
app.command()(reconcile)


def _source_from_url(url: str) -> str:
    """A crawl without --source is recorded under the feed's host name ("www.example.org")."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "cli").lower()


@app.command()
def crawl(
    feed_url: Annotated[str, typer.Argument(help="RSS or Atom feed URL")],
    source: Annotated[
        str | None, typer.Option(help="source name recorded on each article (default: the feed's host)")
    ] = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="through the queues: wait until indexed")] = True,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the queues")] = 600.0,
) -> None:
    """Poll one feed and run every new article through fetch -> parse -> index."""
    from newsdesk.pipeline import Pipeline

    settings = get_settings()
    source = source or _source_from_url(feed_url)
    pipeline = Pipeline(settings)
    try:
        if settings.distributed:
            tally = _crawl_through_queues(pipeline, feed_url, source, wait, timeout)
        else:
            with run_progress() as progress:
                task = progress.add_task("", total=None)

                def show(t: Tally) -> None:
                    progress.update(task, total=t.total, completed=t.finished, description=summary(t))

                from newsdesk.pipeline import crawl_in_process

                tally = crawl_in_process(pipeline, feed_url, source, on_progress=show)
    except NewsdeskError as exc:
        fail(str(exc))
    finally:
        pipeline.close()
    if tally is None:
        return
    typer.echo(f"{tally.total} articles: {summary(tally)}")
    print_failures(tally)


def _crawl_through_queues(pipeline, feed_url: str, source: str, wait: bool, timeout: float) -> Tally | None:
    from services.cli.runs import queue_run, wait_for_run

    client = redis_client(pipeline.settings.redis_url)
    links = pipeline.discover(feed_url, source)
    run, queued = queue_run(
        client, links, source, limit=pipeline.settings.max_links_per_poll, record_source=pipeline.record_source
    )
    if not wait:
        typer.echo(f"queued {queued} new articles (run {run.run_id})")
        return None
    return wait_for_run(run, queued, timeout)


@app.command()
@with_filter_options
def search(
    query: Annotated[str, typer.Argument(help='words, "phrases", -exclusions, OR')],
    filters: dict[str, str],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    size: Annotated[int, typer.Option(min=1, max=100, help="results per page")] = 10,
    page: Annotated[int, typer.Option(min=1, help="numbered page of SIZE results")] = 1,
    date_from: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="published on or after")
    ] = None,
    date_to: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="published on or before")
    ] = None,
    newest: Annotated[bool, typer.Option(help="newest first instead of by relevance")] = False,
    collapse: Annotated[
        bool, typer.Option(help="one result per syndication cluster; --cluster ID lists its versions")
    ] = False,
) -> None:
    """Full-text search over indexed articles, one numbered page at a time."""
    from pydantic import ValidationError

    from newsdesk.index import open_index
    from newsdesk.index.search import SearchRequest, Sort

    try:
        request = SearchRequest(
            q=query,
            size=size,
            page=page,
            filters=filters,
            date_from=date_from.date() if date_from else None,  # a bare date: the whole day, as in the API
            date_to=date_to.date() if date_to else None,
            sort=Sort.NEWEST if newest else Sort.RELEVANCE,
            collapse=collapse,
        )
    except ValidationError as exc:
        fail(f"invalid query: {str(exc.errors()[0]['msg']).removeprefix('Value error, ')}", code=2)
    index = open_index(get_settings())
    try:
        result = index.search(request)
    except NewsdeskError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - backend unreachable: one clear line, not a traceback
        fail(f"search failed: {type(exc).__name__}: {exc}")
    finally:
        index.close()
    if as_json:
        typer.echo(result.model_dump_json())
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(position_line(result.total, result.offset, len(result.hits), page), markup=False)
    if result.notice:
        out.print(result.notice, markup=False)
    for hit in result.hits:
        when = hit.published_at.date().isoformat() if hit.published_at else "----------"
        out.print(f"\n{when}  {hit.title or '(untitled)'}\n  {hit.url}", markup=False)
        for snippet in hit.highlight[:2]:
            out.print(
                Text("  … ").append_text(snippet_for_terminal(snippet, styled=out.color_system is not None)) + " …"
            )
        if hit.more_versions:
            out.print(f"  {hit.more_versions} more version(s): --cluster {hit.cluster_id}", markup=False)
    if result.offset + len(result.hits) < result.total:
        out.print(f"\nnext: --page {page + 1}", markup=False)


def position_line(total: int, offset: int, shown: int, page: int) -> str:
    """ "results 21-30 of 412", or why a page is empty."""
    if total == 0:
        return "0 results"
    if shown == 0:
        return f"page {page} is past the last result ({total} results)"
    return f"results {offset + 1}-{offset + shown} of {total}"


_MARK_TAG = re.compile(r"(</?mark>)")


def snippet_for_terminal(snippet: str, styled: bool) -> Text:
    """A backend's HTML snippet as terminal text: entities decoded; matches bold, or in [brackets] when piped."""
    text = Text()
    marked = False
    for part in _MARK_TAG.split(" ".join(snippet.split()).strip("… ")):
        if part in ("<mark>", "</mark>"):
            marked = part == "<mark>"
            if not styled:
                text.append("[" if marked else "]")
        elif part:
            text.append(html.unescape(part), style="bold" if marked and styled else "")
    return text


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="HTML files, or - for standard input")],
    url: Annotated[str | None, typer.Option(help="the page's URL (for links and ids)")] = None,
) -> None:
    """Print one JSON article per input file."""
    from newsdesk.extraction.rules import MAX_INPUT_BYTES
    from newsdesk.models import INDEX_TIME_FIELDS
    from newsdesk.parse import extract_article

    if url is not None and not re.match(r"^https?://[^\s/]+", url):
        fail(f"--url must be an absolute http(s) URL, not {url!r}")
    failures = 0
    for name in files:
        try:
            # Read one byte past the cap so an oversized input is refused, never loaded whole.
            if name == "-":
                html = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            else:
                with open(name, "rb") as handle:
                    html = handle.read(MAX_INPUT_BYTES + 1)
            article = extract_article(html, url=url)
        except (OSError, NewsdeskError) as exc:
            failures += 1
            err.print(f"[red]error:[/red] {name}: {exc}", highlight=False, soft_wrap=True)
            continue
        typer.echo(article.model_dump_json(exclude=set(INDEX_TIME_FIELDS)))
    if failures:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Run the search API (OpenAPI at /docs)."""
    import uvicorn

    uvicorn.run("services.app:app", host=host, port=port, log_level="info")


def main() -> None:
    try:
        app(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - a bug or a broken install: one line for the user, never a traceback
        err.print(f"[red]error:[/red] {escape(f'{type(exc).__name__}: {exc}')}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
