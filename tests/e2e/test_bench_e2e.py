"""bench/e2e.py runs the shared end-to-end harness and prints its table; bad flags get a clear error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "e2e.py"
HARNESS = REPO.parent / "shared" / "bench" / "e2e"


def run_bench(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False
    )


def test_unknown_mode_is_refused_without_a_traceback() -> None:
    result = run_bench("--only", "embedded,warp")
    assert result.returncode == 2
    assert "unknown mode(s) warp" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # the harness crawls through the embedded pipeline in processes of its own
@pytest.mark.skipif(not (HARNESS / "bench.py").exists(), reason=f"the shared harness is not at {HARNESS}")
def test_embedded_run_produces_every_article_exactly_once_and_a_table_row() -> None:
    result = run_bench("--only", "embedded", "--articles", "12")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 1 | embedded |")]
    assert len(rows) == 1, result.stdout
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert float(cells[2]) > 0  # articles/s
    assert cells[5] == "yes"  # exactly once, from the harness
