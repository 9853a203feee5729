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
    article: dict[str, Any],
    run_id: str | None = None,
    url: str | None = None,
    source: str | None = None,
) -> None:
    with self.stage(run_id, article.get("canonical_url", "?")):
        self.pipeline.index_articles([Article.model_validate(article)])
        self.count(run_id, "indexed")
        schedule_alert_check(self.redis)
