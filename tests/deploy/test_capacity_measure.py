"""`bench/capacity.py measure` on the real services: a short crawl, stage by stage, gives figures the model can use."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.capacity import STAGES, Assumptions, Measurement, plan
from tests.processes import REPO


def test_measure_runs_each_stage_over_the_backlog_and_writes_usable_figures(redis_url, clean_redis, es_url, tmp_path):
    output = tmp_path / "capacity.json"
    args = ["measure", "--articles", "20", "--redis-url", redis_url, "--es-url", es_url, "--output", str(output)]
    run = subprocess.run(
        [sys.executable, "bench/capacity.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    measurement = Measurement.from_json(json.loads(output.read_text()))
    assert measurement.articles == 20
    for stage in STAGES:
        figures = measurement.stages[stage]
        assert figures.articles == 20 and figures.seconds > 0
        assert 0 < figures.cpu_ms_per_article < 1000, figures
        assert 30 < figures.peak_rss_mb < 2000, figures
        # Commands are counted server-wide less other clients' idle rate: exact on a Redis of its own (as in CI),
        # approximate on a shared one, so only their presence is checked here.
        assert figures.redis_commands >= 0 and figures.redis_background_per_s >= 0, figures
        assert figures.queue_bytes_per_task > 200, figures
        assert figures.latency_p50_s is not None
    assert measurement.es_store_bytes_per_doc > 0 and measurement.es_source_bytes_per_doc > 500
    assert measurement.redis_state_bytes_per_article > 0
    assert all(p.processes >= 1 for p in plan(measurement, Assumptions()))
    assert "| fetch |" in run.stdout
    assert clean_redis.dbsize() == 0, "measure leaves its database empty"
