"""The declared search filters (newsdesk.index.filters) as command-line options, one `--NAME` each."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from newsdesk.index.filters import FILTERS


def with_filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command one option per declared filter; it receives their values as `filters: dict[str, str]`.

    Typer reads options from the signature, so the wrapper's signature is the command's own (without
    `filters`) plus the declared options."""
    signature = inspect.signature(command, eval_str=True)
    own = [param for param in signature.parameters.values() if param.name != "filters"]
    declared = [
        inspect.Parameter(
            facet.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, typer.Option(help=facet.help, rich_help_panel="Filters")],
        )
        for facet in FILTERS
    ]

    @functools.wraps(command)
    def wrapper(**options: Any) -> None:
        filters = {facet.name: options.pop(facet.name) for facet in FILTERS}
        command(**options, filters={name: value for name, value in filters.items() if value})

    wrapper.__signature__ = signature.replace(parameters=[*own, *declared])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {
        **{param.name: param.annotation for param in own},
        **{param.name: param.annotation for param in declared},
    }
    del wrapper.__wrapped__  # typer must see the signature above, not the command's
    return wrapper
