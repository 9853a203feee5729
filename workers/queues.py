"""Queue names and task routes: the one place that says which stage runs on which queue."""

FETCH_QUEUE = "fetch"
PARSE_QUEUE = "parse"
INDEX_QUEUE = "index"
ALERTS_QUEUE = "alerts"  # saved searches' webhooks: off the pipeline, so a slow receiver never holds up indexing

PROCESSING_QUEUES = (FETCH_QUEUE, PARSE_QUEUE, INDEX_QUEUE)
ENQUEUED_AT_HEADER = "newsdesk_enqueued_at"  # message header: unix time it was published; the dashboard reads it

POLL_TASK = "newsdesk.poll_feed"
POLL_SOURCE_TASK = "newsdesk.poll_source"
FETCH_TASK = "newsdesk.fetch_article"
PARSE_TASK = "newsdesk.parse_article"
INDEX_TASK = "newsdesk.index_article"
ALERTS_CHECK_TASK = "newsdesk.check_saved_searches"
ALERT_DELIVER_TASK = "newsdesk.deliver_alerts"

TASK_ROUTES = {
    POLL_TASK: {"queue": FETCH_QUEUE},
    POLL_SOURCE_TASK: {"queue": FETCH_QUEUE},
    FETCH_TASK: {"queue": FETCH_QUEUE},
    PARSE_TASK: {"queue": PARSE_QUEUE},
    INDEX_TASK: {"queue": INDEX_QUEUE},
    ALERTS_CHECK_TASK: {"queue": ALERTS_QUEUE},
    ALERT_DELIVER_TASK: {"queue": ALERTS_QUEUE},
}
