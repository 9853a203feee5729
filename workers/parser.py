"""Parse-stage task: stored page key -> normalized article, handed to the index stage."""

from __future__ import annotations

from workers.base import StageTask
from workers.celery_app import app
from workers.queues import INDEX_TASK, PARSE_TASK


@app.task(name=PARSE_TASK, base=StageTask, bind=True)
def parse_article(
    self: StageTask, page_key: str, run_id: str | None = None, url: str | None = None, source: str | None = None
) -> None:
    with self.stage(run_id, page_key):
        article = self.pipeline.parse(page_key)
        self.count(run_id, "parsed")
        # url: the URL the run counts this article under (the canonical URL may differ)
        counted_as = url or article.url
        self.hand_off(
            INDEX_TASK,
            {"article": article.model_dump(mode="json"), "url": counted_as, "source": source, "run_id": run_id},
            # the ledger keeps the page key, not the article: lost at the index stage, it is parsed again
            resend=(PARSE_TASK, {"page_key": page_key, "url": counted_as, "source": source, "run_id": run_id}),
        )
