"""Index-stage task: article -> search index (idempotent: the id is the canonical URL's fingerprint)."""

from __future__ import annotations

from typing import Any

from newsdesk.models import Article
from workers.alerts import schedule_alert_check
from workers.base import StageTask
from workers.celery_app import app
from workers.queues import INDEX_TASK


@app.task(name=INDEX_TASK, base=StageTask, bind=True)
def index_article(
    self: StageTask,
    article: str | dict[str, Any],
    run_id: str | None = None,
    url: str | None = None,
    source: str | None = None,
) -> None:
    # article: the parse task's JSON; a dict in messages queued before it sent JSON
    with self.stage(run_id, url or "?", url=url, source=source) as step:
        parsed = Article.model_validate_json(article) if isinstance(article, str) else Article.model_validate(article)
        self.pipeline.index_articles([parsed], pipe=step.pipe)
        step.finish("indexed", indexed=parsed)
        schedule_alert_check(self.redis)
