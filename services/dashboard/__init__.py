"""The operator dashboard: /ops (page, JSON overview, dead letters, source pause) and /metrics."""
