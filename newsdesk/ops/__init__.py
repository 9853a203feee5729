"""Operational stores: monitoring figures, dead letters, the crawl log, run tallies."""
