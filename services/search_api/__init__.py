"""Search API: FastAPI app over the article index."""
