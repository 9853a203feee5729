"""Error types: each says whether retrying can help, so workers know to retry or record."""


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose; its message is meant for users."""


class TransientError(NewsdeskError):
    """Retrying later may succeed: timeouts, 5xx, 429, a service briefly down."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(NewsdeskError):
    """Retrying cannot help: bad input, refused URL, 4xx, not an article."""


class InvalidURL(PermanentError):
    """The URL is malformed or uses a scheme the fetcher does not speak."""


class FetchRefused(PermanentError):
    """The fetcher refused on purpose: private address, robots.txt, content type, size."""

    def __init__(self, message: str, reason: str = "refused"):
        super().__init__(message)
        self.reason = reason


class NotAnArticle(PermanentError):
    """The page could be read, but holds no article (empty, binary, not HTML, no text)."""


class PageNotFound(PermanentError):
    """A page-store key that does not exist (expired or never written)."""
