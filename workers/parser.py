"""Parse-stage task: stored page key -> normalized article, handed to the index stage as its JSON."""

from __future__ import annotations

from workers.base import StageTask
from workers.celery_app import app
from workers.queues import INDEX_TASK, PARSE_TASK


@app.task(name=PARSE_TASK, base=StageTask, bind=True)
def parse_article(
    self: StageTask, page_key: str, run_id: str | None = None, url: str | None = None, source: str | None = None
) -> None:
    with self.stage(run_id, page_key, url=url, source=source) as step:
        article = self.pipeline.parse(page_key, pipe=step.pipe)
        # url: the URL the run counts this article under (the canonical URL may differ)
        counted_as = url or article.url
        step.hand_off(
            "parsed",
            INDEX_TASK,
            # the article as pydantic serialises it, once: the index task validates that JSON directly
            {"article": article.model_dump_json(), "url": counted_as, "source": source, "run_id": run_id},
            # the ledger keeps the page key, not the article: lost at the index stage, it is parsed again
            resend=(PARSE_TASK, {"page_key": page_key, "url": counted_as, "source": source, "run_id": run_id}),
        )
