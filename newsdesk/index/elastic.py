"""Elasticsearch index: a versioned index behind a read alias and a write alias, bulk writes."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterable

from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch import TransportError as ESTransportError

from newsdesk.errors import TransientError
from newsdesk.index import IndexResult
from newsdesk.index.document import from_document, to_document
from newsdesk.models import Article
from newsdesk.search import SearchRequest, SearchResponse, build_es_query, response_from_es

TEMPLATE_VERSION = 1


def load_template(prefix: str) -> dict[str, Any]:
    text = resources.files("newsdesk.index").joinpath("articles_template.json").read_text()
    return json.loads(text.replace("{prefix}", prefix))


class ElasticIndex:
    def __init__(self, url: str, prefix: str = "newsdesk", client: Elasticsearch | None = None):
        self.client = client or Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        self.prefix = prefix
        self.read_alias = f"{prefix}-articles"
        self.write_alias = f"{prefix}-articles-write"
        self._ensured = False

    def versioned_name(self, version: int) -> str:
        return f"{self.prefix}-articles-v{version}"

    def ensure(self) -> None:
        """Install the template and create the first versioned index with both aliases."""
        if self._ensured:
            return
        template = load_template(self.prefix)
        self.client.indices.put_index_template(name=f"{self.prefix}-articles", **template)
        if not self.client.indices.exists_alias(name=self.write_alias):
            try:
                self.client.indices.create(
                    index=self.versioned_name(TEMPLATE_VERSION),
                    aliases={self.read_alias: {}, self.write_alias: {"is_write_index": True}},
                )
            except ESTransportError as exc:  # another worker created it first
                if "resource_already_exists_exception" not in str(exc):
                    raise
        self._ensured = True

    def _actions(self, articles: Iterable[Article]) -> Iterable[dict[str, Any]]:
        for article in articles:
            yield {"_op_type": "index", "_index": self.write_alias, "_id": article.id, "_source": to_document(article)}

    def index_articles(self, articles: list[Article]) -> IndexResult:
        """Bulk index; the id is derived from the canonical URL, so a retry overwrites, never duplicates."""
        self.ensure()
        try:
            ok, errors = helpers.bulk(self.client, self._actions(articles), raise_on_error=False, refresh=False)
        except ESTransportError as exc:
            raise TransientError(f"Elasticsearch bulk request failed: {exc}") from None
        messages = [json.dumps(err)[:500] for err in errors] if isinstance(errors, list) else []
        return IndexResult(indexed=ok, errors=messages)

    def get(self, article_id: str) -> Article | None:
        self.ensure()
        try:
            doc = self.client.get(index=self.read_alias, id=article_id)
        except NotFoundError:
            return None
        return from_document(doc["_source"])

    def search(self, request: SearchRequest) -> SearchResponse:
        self.ensure()
        raw = self.client.search(index=self.read_alias, **build_es_query(request))
        return response_from_es(raw.body, request)

    def count(self) -> int:
        self.ensure()
        return int(self.client.count(index=self.read_alias)["count"])

    def refresh(self) -> None:
        self.ensure()
        self.client.indices.refresh(index=self.read_alias)

    def ping(self) -> bool:
        try:
            self.client.cluster.health(timeout="2s")
        except Exception:
            return False
        return True

    def close(self) -> None:
        self.client.close()
