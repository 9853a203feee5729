"""The search page: server-rendered HTML over the same index and queries as the API."""
