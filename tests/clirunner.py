"""The `newsdesk` command run inside the test process: the real commands, parsing and output, without the
second an interpreter start costs on every call. The process itself (entry point, `main`'s last-resort
one-line error) is tested end to end with `tests.processes.newsdesk` in tests/e2e."""

from __future__ import annotations

import subprocess

from typer.testing import CliRunner


def run_newsdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Like `tests.processes.newsdesk`: exit status, stdout and stderr. An exception that escapes a command
    (which `main` would print as one line) fails the test with its traceback instead."""
    from newsdesk.settings import get_settings
    from services.cli import app

    get_settings.cache_clear()  # the command reads the environment given here, as a new process would
    try:
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False, prog_name="newsdesk")
    finally:
        get_settings.cache_clear()
    return subprocess.CompletedProcess(["newsdesk", *args], result.exit_code, result.stdout, result.stderr)
