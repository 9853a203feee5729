"""A Prometheus collector that reads the dashboard's Redis figures at scrape time (nothing kept in process)."""

from __future__ import annotations

import time

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from newsdesk.ops.deadletters import DeadLetterStore
from newsdesk.ops.monitoring import LAG_KINDS, OUTCOMES, Histogram, Monitor
from services.dashboard.broker import inspect_queues
from services.dashboard.sources import configured_sources
from workers.queues import PROCESSING_QUEUES


def _buckets(hist: Histogram) -> list[tuple[str, float]]:
    return [(str(bound), float(count)) for bound, count in zip(hist.bounds, hist.buckets)] + [("+Inf", hist.count)]


class NewsdeskCollector(Collector):
    def __init__(self, monitor_factory):
        self.monitor_factory = monitor_factory

    def collect(self):
        monitor: Monitor = self.monitor_factory()
        now = time.time()

        depth = GaugeMetricFamily(
            "newsdesk_queue_depth", "Tasks in a queue by state (ready, reserved, delayed)", labels=["queue", "state"]
        )
        oldest = GaugeMetricFamily(
            "newsdesk_queue_oldest_task_age_seconds", "Age of the oldest waiting task", labels=["queue"]
        )
        unacked = GaugeMetricFamily(
            "newsdesk_queue_unacked_tasks",
            "Tasks taken by a worker but not acknowledged (running or waiting to retry)",
            labels=["queue"],
        )
        for q in inspect_queues(monitor.redis, PROCESSING_QUEUES, now):
            for state in ("ready", "reserved", "delayed"):
                depth.add_metric([q.name, state], getattr(q, state))
            oldest.add_metric([q.name], q.oldest_age_seconds or 0.0)
            unacked.add_metric([q.name], q.unacked)
        yield depth
        yield oldest
        yield unacked

        tasks = CounterMetricFamily("newsdesk_tasks", "Task runs by stage and outcome", labels=["stage", "outcome"])
        totals = monitor.totals()
        for stage in PROCESSING_QUEUES:
            for outcome in OUTCOMES:
                tasks.add_metric([stage, outcome], totals.get(stage, {}).get(outcome, 0))
        yield tasks

        latency = HistogramMetricFamily("newsdesk_stage_latency_seconds", "Task run time per stage", labels=["stage"])
        error_rate = GaugeMetricFamily(
            "newsdesk_stage_error_rate", "Failed / finished over the last 5 minutes", labels=["stage"]
        )
        for stage in PROCESSING_QUEUES:
            hist = monitor.latency_histogram(stage)
            latency.add_metric([stage], _buckets(hist), hist.sum)
            rate = monitor.error_rate(stage, now)
            if rate is not None:
                error_rate.add_metric([stage], rate)
        yield latency
        yield error_rate

        lag = HistogramMetricFamily(
            "newsdesk_lag_seconds", "Seconds until indexed, from published or from fetched", labels=["since"]
        )
        for kind in LAG_KINDS:
            hist = monitor.lag_histogram(kind)
            lag.add_metric([kind], _buckets(hist), hist.sum)
        yield lag

        yield GaugeMetricFamily(
            "newsdesk_dead_letters", "Tasks that exhausted their retries", value=DeadLetterStore(monitor.redis).count()
        )
        in_flight = monitor.in_flight(now)
        yield GaugeMetricFamily(
            "newsdesk_in_flight_articles", "Accepted articles not yet at an end (the ledger)", value=in_flight.in_flight
        )
        yield GaugeMetricFamily(
            "newsdesk_in_flight_oldest_age_seconds",
            "The longest an in-flight article has waited at its current stage",
            value=in_flight.oldest_age_seconds or 0.0,
        )
        yield CounterMetricFamily(
            "newsdesk_resent", "Work the reconciler re-sent after it was lost in transit", value=in_flight.resent_total
        )
        yield CounterMetricFamily(
            "newsdesk_lost_in_transit", "Work lost in transit too often, now dead letters", value=in_flight.lost_total
        )
        yield GaugeMetricFamily(
            "newsdesk_workers_online", "Workers with a recent heartbeat", value=len(monitor.workers(now))
        )

        articles = GaugeMetricFamily(
            "newsdesk_source_articles_24h", "Articles indexed in the last 24 h", labels=["source"]
        )
        failures = GaugeMetricFamily(
            "newsdesk_source_failures_24h", "Failed fetches or polls in the last 24 h", labels=["source"]
        )
        paused = GaugeMetricFamily("newsdesk_source_paused", "1 when the source's polling is paused", labels=["source"])
        for source in monitor.sources(now, configured_sources()):
            articles.add_metric([source.name], source.articles_24h)
            failures.add_metric([source.name], source.failures_24h + source.robots_24h)
            paused.add_metric([source.name], 1 if source.paused else 0)
        yield articles
        yield failures
        yield paused


def registry_for(monitor_factory) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NewsdeskCollector(monitor_factory))
    return registry
