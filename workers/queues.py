"""Queue names and task routes: the one place that says which stage runs on which queue."""

FETCH_QUEUE = "fetch"
PARSE_QUEUE = "parse"
INDEX_QUEUE = "index"

PROCESSING_QUEUES = (FETCH_QUEUE, PARSE_QUEUE, INDEX_QUEUE)

POLL_TASK = "newsdesk.poll_feed"
POLL_SOURCE_TASK = "newsdesk.poll_source"
FETCH_TASK = "newsdesk.fetch_article"
PARSE_TASK = "newsdesk.parse_article"
INDEX_TASK = "newsdesk.index_article"

TASK_ROUTES = {
    POLL_TASK: {"queue": FETCH_QUEUE},
    POLL_SOURCE_TASK: {"queue": FETCH_QUEUE},
    FETCH_TASK: {"queue": FETCH_QUEUE},
    PARSE_TASK: {"queue": PARSE_QUEUE},
    INDEX_TASK: {"queue": INDEX_QUEUE},
}
