"""newsdesk: event-driven news ingestion (domain package; no Celery, no web framework)."""
