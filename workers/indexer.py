"""Index-stage task: article -> search index (idempotent: the id is the canonical URL's fingerprint).

Index tasks running at once in one process share bulk writes (newsdesk/index/batcher.py): each task waits for
the bulk request that carried its article and is acknowledged (acks_late) only after its own item succeeded;
a refused item goes through StageTask's retry policy alone.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from celery.concurrency import get_implementation
from celery.concurrency.thread import TaskPool as ThreadPool
from celery.signals import worker_init

from newsdesk.index.batcher import BulkBatcher
from newsdesk.models import Article
from workers.alerts import schedule_alert_check
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import INDEX_TASK

# Index tasks this process can run at once: a batch holding that many is written without waiting for more.
# Threads (and green threads) run many in one process; prefork and solo children run one at a time.
_concurrent_tasks = 1


@worker_init.connect
def _count_concurrent_tasks(sender: Any = None, **_: Any) -> None:
    global _concurrent_tasks
    pool = get_implementation(sender.pool_cls)
    in_process = isinstance(pool, type) and (issubclass(pool, ThreadPool) or getattr(pool, "is_green", False))
    _concurrent_tasks = int(sender.concurrency) if in_process else 1


class IndexTask(StageTask):
    @cached_property
    def batcher(self) -> BulkBatcher:
        return BulkBatcher(
            self.pipeline.write_articles,
            max_docs=self.settings.index_batch_size,
            max_delay=self.settings.index_batch_delay,
            capacity=_concurrent_tasks,
        )


@app.task(name=INDEX_TASK, base=IndexTask, bind=True)
def index_article(
    self: IndexTask,
    article: str | dict[str, Any],
    run_id: str | None = None,
    url: str | None = None,
    source: str | None = None,
) -> None:
    # article: the parse task's JSON; a dict in messages queued before it sent JSON
    with self.stage(run_id, url or "?", url=url, source=source) as step:
        parsed = Article.model_validate_json(article) if isinstance(article, str) else Article.model_validate(article)
        # returns once this article's own bulk item succeeded, raises its failure
        index_name = self.batcher.index(parsed)
        self.pipeline.log_indexed(parsed, pipe=step.pipe)
        step.finish("indexed", detail=f"into {index_name}" if index_name else "", indexed=parsed)
        schedule_alert_check(self.redis)
