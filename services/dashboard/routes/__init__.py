"""Dashboard routers: ops (page, JSON, admin actions) and metrics (Prometheus)."""
