"""Builds the overview the page polls and /metrics mirrors, from the monitor and the broker."""

from __future__ import annotations

import time

from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.ops.monitoring import ERROR_RATE_WINDOW_MINUTES, LAG_KINDS, OUTCOMES, Monitor, percentile
from services.dashboard.broker import inspect_queues
from services.dashboard.schemas import LagOut, Overview, StageOut, Throughput
from services.dashboard.sources import configured_sources
from workers.queues import PROCESSING_QUEUES


def build_overview(monitor: Monitor, admin_enabled: bool, now: float | None = None) -> Overview:
    now = time.time() if now is None else now
    totals = monitor.totals()
    series = monitor.per_minute(60, now)
    recent = series[-ERROR_RATE_WINDOW_MINUTES:]
    stages = []
    for stage in PROCESSING_QUEUES:
        samples = monitor.latency_samples(stage)
        stages.append(
            StageOut(
                name=stage,
                totals={o: totals.get(stage, {}).get(o, 0) for o in OUTCOMES},
                per_minute={o: sum(c.get(stage, {}).get(o, 0) for _, c in recent) / len(recent) for o in OUTCOMES},
                latency_p50=percentile(samples, 50),
                latency_p95=percentile(samples, 95),
                latency_samples=len(samples),
                error_rate=monitor.error_rate(stage, now),
                last_errors=monitor.recent_errors(5, stage),
            )
        )
    lag = {}
    for kind in LAG_KINDS:
        samples = monitor.lag_samples(kind)
        lag[kind] = LagOut(p50=percentile(samples, 50), p95=percentile(samples, 95), samples=len(samples))
    return Overview(
        generated_at=now,
        queues=inspect_queues(monitor.redis, PROCESSING_QUEUES, now),
        stages=stages,
        throughput=Throughput(
            minutes=[start for start, _ in series],
            series={s: {o: [c.get(s, {}).get(o, 0) for _, c in series] for o in OUTCOMES} for s in PROCESSING_QUEUES},
        ),
        workers=monitor.workers(now),
        lag=lag,
        dead_letters=DeadLetterStore(monitor.redis).count(),
        in_flight=monitor.in_flight(now),
        sources=monitor.sources(now, configured_sources()),
        admin_enabled=admin_enabled,
    )
