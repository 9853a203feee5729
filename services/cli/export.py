"""`newsdesk export`: every article matching a query and filters, as CSV or JSON lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from newsdesk.errors import NewsdeskError
from newsdesk.index.export import ExportFormat, encode_records
from newsdesk.settings import get_settings
from services.cli.filters import with_filter_options
from services.cli.output import err, fail


@with_filter_options
def export(
    filters: dict[str, str],
    query: Annotated[str, typer.Argument(help='words, "phrases", -exclusions, OR; empty: every article')] = "",
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="csv, or jsonl with body, quotes, credits")
    ] = (ExportFormat.CSV),
    output: Annotated[Path | None, typer.Option(help="file to write (default: standard output)")] = None,
    date_from: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="published on or after")
    ] = None,
    date_to: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="published on or before")
    ] = None,
) -> None:
    """Export every matching article (no result window), with a progress bar on standard error."""
    from pydantic import ValidationError

    from newsdesk.index import open_index
    from newsdesk.index.search import SearchRequest

    try:
        request = SearchRequest(
            q=query,
            filters=filters,
            date_from=date_from.date() if date_from else None,  # a bare date: the whole day, as in the API
            date_to=date_to.date() if date_to else None,
            size=1,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        fail(f"invalid {where or 'request'}: {str(error['msg']).removeprefix('Value error, ')}", code=2)
    index = open_index(get_settings())
    exported = 0

    def counted(records: Iterator[dict[str, Any]], progress: Progress, task: TaskID) -> Iterator[dict[str, Any]]:
        nonlocal exported
        for record in records:
            yield record
            exported += 1
            progress.update(task, completed=exported)

    try:
        total = index.search(request).total  # for the bar only; the export itself has no window
        with ExitStack() as stack:
            out: TextIO = stack.enter_context(output.open("w", encoding="utf-8", newline="")) if output else sys.stdout
            progress = stack.enter_context(
                Progress(
                    TextColumn("[bold]export[/bold]"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err,
                )
            )
            task = progress.add_task("", total=total)
            records = index.export_articles(request, fields=export_format.fields)
            for chunk in encode_records(counted(records, progress, task), export_format):
                out.write(chunk)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    except NewsdeskError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - backend unreachable: one clear line, not a traceback
        fail(f"export failed: {type(exc).__name__}: {exc}")
    finally:
        index.close()
    err.print(f"exported {exported} articles" + (f" to {output}" if output else ""), highlight=False, soft_wrap=True)
