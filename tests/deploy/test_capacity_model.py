"""bench/capacity.py's model: the fewest processes that keep queue waits short, from the committed measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

from bench.capacity import STAGES, Assumptions, Measurement, arrivals_per_minute, plan, report, simulate, stage_rate
from tests.processes import REPO

MEASUREMENT = Measurement.from_json(json.loads((REPO / "bench" / "capacity.json").read_text()))


def test_a_day_of_arrivals_has_the_volume_and_the_peak_asked_for():
    arrivals = arrivals_per_minute(Assumptions(articles_per_day=1_440_000, peak_factor=2.0))
    assert round(sum(arrivals)) == 1_440_000
    assert round(max(arrivals)) == 2000 and round(min(arrivals)) == 0


def test_a_queue_served_faster_than_its_peak_never_backs_up_and_a_slower_one_does():
    arrivals = arrivals_per_minute(Assumptions(articles_per_day=1_440_000, peak_factor=2.0))
    assert simulate(arrivals, 2000.0) == (0.0, 0.0)
    backlog, wait = simulate(arrivals, 1200.0)
    assert backlog > 10_000 and wait > 5


def test_the_plan_is_the_fewest_processes_that_keep_the_wait_short():
    assume = Assumptions()
    arrivals = arrivals_per_minute(assume)
    for stage_plan in plan(MEASUREMENT, assume):
        rate = stage_rate(MEASUREMENT.stages[stage_plan.stage], assume) * assume.utilisation * 60
        assert simulate(arrivals, stage_plan.processes * rate)[1] <= assume.max_wait_minutes
        if stage_plan.processes > 1:
            assert simulate(arrivals, (stage_plan.processes - 1) * rate)[1] > assume.max_wait_minutes


def test_ten_times_the_volume_needs_about_ten_times_the_processes():
    small = {p.stage: p.processes for p in plan(MEASUREMENT, Assumptions(articles_per_day=10_000_000))}
    large = {p.stage: p.processes for p in plan(MEASUREMENT, Assumptions(articles_per_day=100_000_000))}
    for stage in STAGES:  # the needed capacity is linear in the volume; the counts are its ceilings
        assert 10 * (small[stage] - 1) < large[stage] <= 10 * small[stage]


def test_slower_remote_sites_need_more_fetchers_and_nothing_else():
    quick = {p.stage: p.processes for p in plan(MEASUREMENT, Assumptions(remote_fetch_seconds=0.5))}
    slow = {p.stage: p.processes for p in plan(MEASUREMENT, Assumptions(remote_fetch_seconds=2.0))}
    assert slow["fetch"] > quick["fetch"] and slow["parse"] == quick["parse"] and slow["index"] == quick["index"]


def test_docs_capacity_shows_what_the_script_computes_from_the_committed_measurement():
    docs = (REPO / "docs" / "capacity.md").read_text()
    for line in report(MEASUREMENT, Assumptions()).splitlines():
        assert line in docs, f"docs/capacity.md is stale; re-run `python bench/capacity.py model`: {line}"


def test_the_command_line_prints_the_tables_and_refuses_impossible_assumptions():
    ok = subprocess.run(
        [sys.executable, "bench/capacity.py", "model", "--articles-per-day", "2000000"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "2,000,000 articles/day" in ok.stdout and "| parse |" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "bench/capacity.py", "model", "--utilisation", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "--utilisation must be in (0, 1]" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert replace(Assumptions(), peak_factor=3).problems()
