"""What every command prints: the error console, the one-line failure, a run's summary and progress bar."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.ops.runs import Tally

err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def summary(tally: Tally) -> str:
    return f"fetched {tally.fetched} / parsed {tally.parsed} / indexed {tally.indexed} / failed {tally.failed}" + (
        f" / not modified {tally.not_modified}" if tally.not_modified else ""
    )


def print_failures(tally: Tally, limit: int = 20) -> None:
    for line in tally.errors[:limit]:
        err.print(f"  failed: {line}", highlight=False, soft_wrap=True)


def run_progress() -> Progress:
    return Progress(
        TextColumn("[bold]crawl[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
