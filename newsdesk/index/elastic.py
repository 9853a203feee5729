"""Elasticsearch index: versioned indices behind a read alias and a write alias, bulk writes, migration.

Every write carries an external version (the document's `indexed_at` in milliseconds, version_type
external_gte), so the newest write of an article wins whichever order writes arrive in. That is what
lets `migrate` copy documents into a new index while live writes land there too: a copied document
that is older than a live write is refused by Elasticsearch with a version conflict, which we ignore.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch import TransportError as ESTransportError
from elasticsearch.serializer import OrjsonSerializer

from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import PermanentError, TransientError
from newsdesk.index import IndexResult
from newsdesk.index.bulk_items import (
    TRANSIENT_STATUSES,
    is_conflict,
    is_missing_alias,
    item_id,
    item_index,
    refusal,
)
from newsdesk.index.document import (
    LANGUAGE_ANALYZERS,
    from_document,
    to_es_document,
    upgrade_document,
    with_language_fields,
)
from newsdesk.index.export import EXPORT_PAGE_SIZE, SUMMARY_EXPORT_FIELDS, export_record
from newsdesk.index.search import (
    QuoteRequest,
    QuoteResponse,
    SearchRequest,
    SearchResponse,
    SourcesResponse,
    build_es_export_page,
    build_es_query,
    build_quotes_query,
    build_sources_query,
    only_stop_words_notice,
    quotes_from_es,
    response_from_es,
    sources_from_es,
)
from newsdesk.models import Article
from newsdesk.settings import Settings

TEMPLATE_VERSION = 1  # the generation of the first versioned index: <prefix>-articles-v1
BULK_CHUNK = 250  # articles per _bulk request
LOCATE_CHUNK = 1000  # ids per multi-get before a bulk write (see ElasticIndex._locate)
BULK_THREADS = 2  # requests in flight: the next chunk is serialized while Elasticsearch works on the last
EXPORT_KEEP_ALIVE = "2m"  # how long a point in time outlives its last page: a slow reader keeps a consistent view
CATCH_UP_MARGIN = timedelta(minutes=5)  # how far back the migration's second pass looks for in-flight writes


def load_template(prefix: str) -> dict[str, Any]:
    text = resources.files("newsdesk.index").joinpath("articles_template.json").read_text()
    return json.loads(text.replace("{prefix}", prefix))


def mapping_version(template: dict[str, Any]) -> int:
    return int(template["template"]["mappings"].get("_meta", {}).get("version", 1))


def doc_version(doc: dict[str, Any]) -> int:
    """External version of a document: when it was indexed, in milliseconds."""
    stamp = parse_iso_datetime(doc.get("indexed_at"))
    return int(stamp.timestamp() * 1000) if stamp else 1


@contextmanager
def transient_when_unavailable(action: str) -> Iterator[None]:
    """Turn "Elasticsearch is down or overloaded" into TransientError, so the task retry policy waits it out.

    Connection refused/reset and timeouts are TransportErrors; a red cluster answers 503, overload 429.
    Any other API error (a bad mapping, a 400) is permanent and passes through unchanged.
    """
    try:
        yield
    except ESTransportError as exc:
        raise TransientError(f"Elasticsearch unreachable during {action}: {exc}") from None
    except ApiError as exc:
        if exc.status_code in TRANSIENT_STATUSES:
            raise TransientError(f"Elasticsearch unavailable during {action} ({exc.status_code}): {exc}") from None
        raise


@dataclass
class RolloverReport:
    old_index: str
    new_index: str | None  # None: no condition was met, nothing rolled
    conditions: dict[str, bool]


@dataclass
class DropReport:
    dropped: list[str]
    kept: list[str]


@dataclass
class MigrationReport:
    old_index: str
    new_index: str
    copied: int
    skipped_newer: int
    caught_up: int
    deleted_old: bool


class ElasticIndex:
    def __init__(
        self,
        url: str,
        prefix: str = "newsdesk",
        client: Elasticsearch | None = None,
        shards: int | None = None,
        replicas: int | None = None,
    ):
        # orjson: serializing documents is most of the indexer's own time. The client's own retries stay
        # short (3, on timeout too); the task retry policy (newsdesk.retries) does the long waiting.
        # A comma-separated URL lists several nodes of one cluster: the client spreads requests over them.
        self.client = client or Elasticsearch(
            [node.strip() for node in url.split(",") if node.strip()],
            request_timeout=30,
            retry_on_timeout=True,
            max_retries=3,
            serializer=OrjsonSerializer(),
        )
        self.prefix = prefix
        # Shards and replicas of every index created from now on (None: the template's, 1 and 0).
        self.index_settings: dict[str, int] = {
            key: value
            for key, value in (("number_of_shards", shards), ("number_of_replicas", replicas))
            if value is not None
        }
        self.read_alias = f"{prefix}-articles"
        self.write_alias = f"{prefix}-articles-write"
        self._ensured = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticIndex:
        assert settings.elasticsearch_url, "Elasticsearch is not configured"
        return cls(
            settings.elasticsearch_url,
            prefix=settings.index_prefix,
            shards=settings.es_shards,
            replicas=settings.es_replicas,
        )

    def versioned_name(self, version: int) -> str:
        return f"{self.prefix}-articles-v{version}"

    def _install_template(self) -> dict[str, Any]:
        template = load_template(self.prefix)
        self.client.indices.put_index_template(name=f"{self.prefix}-articles", **template)
        return template

    def missing_alias_message(self) -> str:
        return f"write alias {self.write_alias} is missing; run `newsdesk index repair`"

    def versioned_indices(self) -> list[str]:
        """Existing <prefix>-articles-v<N> indices, oldest first."""
        found = self.client.indices.get(
            index=f"{self.prefix}-articles-v*", allow_no_indices=True, expand_wildcards="open"
        ).body
        return sorted(found, key=_index_order)

    def ensure(self) -> None:
        """Install the template and create the first versioned index with both aliases.

        Only a fresh cluster gets an index here: when versioned indices exist (or a stray concrete
        index holds the alias's name) but the write alias is gone, that is an operator's repair, not ours.
        """
        if self._ensured:
            return
        with transient_when_unavailable("index setup"):  # a fresh worker meeting an outage retries
            self._install_template()
            if not self.client.indices.exists_alias(name=self.write_alias):
                if self.client.indices.exists(index=self.write_alias) or self.versioned_indices():
                    raise TransientError(self.missing_alias_message())
                try:
                    self.client.indices.create(
                        index=self.versioned_name(TEMPLATE_VERSION),
                        aliases={self.read_alias: {}, self.write_alias: {"is_write_index": True}},
                        settings=self.index_settings or None,
                    )
                except ApiError as exc:  # another worker created it first
                    if exc.error != "resource_already_exists_exception":
                        raise
                    if not self.client.indices.exists_alias(name=self.write_alias):
                        raise TransientError(self.missing_alias_message()) from None
        self._ensured = True

    def repair(self, on_progress: Callable[[str], None] | None = None) -> list[str]:
        """Put both aliases back on the newest versioned index; fold stray concrete indices named like an
        alias (auto-created by releases before require_alias) into it. Idempotent; returns what it did."""
        done: list[str] = []

        def say(message: str) -> None:
            done.append(message)
            if on_progress:
                on_progress(message)

        self._install_template()
        versioned = self.versioned_indices()
        if versioned:
            target = versioned[-1]
        else:
            target = self.versioned_name(TEMPLATE_VERSION)
            self.client.indices.create(index=target, settings=self.index_settings or None)
            say(f"created {target}")
        for alias in (self.read_alias, self.write_alias):
            if self.client.indices.exists_alias(name=alias) or not self.client.indices.exists(index=alias):
                continue
            self.client.indices.refresh(index=alias)
            copied, skipped = self._copy(alias, target, {"match_all": {}}, 1000)
            self.client.indices.delete(index=alias)
            say(
                f"copied {copied} documents from stray index {alias} into {target} "
                f"({skipped} already newer) and deleted it"
            )
        # The newest generation may be several rolled indices: reads span them all, writes go to the newest,
        # and the older ones stay in the write alias (not as its write index) so re-indexing finds its copy.
        generation = [name for name in versioned if _generation(name) == _generation(target)] or [target]
        actions: list[dict[str, Any]] = []
        if not self.client.indices.exists_alias(name=self.read_alias):
            actions += [{"add": {"index": name, "alias": self.read_alias}} for name in generation]
        if not self.client.indices.exists_alias(name=self.write_alias):
            actions += [
                {"add": {"index": name, "alias": self.write_alias, "is_write_index": name == target}}
                for name in generation
            ]
        if actions:
            self.client.indices.update_aliases(actions=actions)
            for action in actions:
                say(f"alias {action['add']['alias']} -> {action['add']['index']}")
        self.client.indices.refresh(index=target)
        self._ensured = False
        return done

    def _locate(self, articles: Sequence[Article]) -> dict[str, str]:
        """{article id: the older rolled index that holds it}, so that re-indexing an article after a rollover
        overwrites its copy instead of adding a second one to the newer write index.

        One alias lookup per batch (cluster state, no shard work); only when the write alias spans older rolled
        indices, one real-time multi-get of the batch's ids in each of them. The write alias, not the read alias:
        an index a migration is leaving has lost it already."""
        try:
            with transient_when_unavailable("locating articles"):
                members = self.client.indices.get_alias(name=self.write_alias).body
        except NotFoundError:  # the write alias is gone: the same clear error as the bulk write gives
            self._ensured = False
            raise TransientError(self.missing_alias_message()) from None
        older = [name for name, info in members.items() if not info["aliases"][self.write_alias].get("is_write_index")]
        if not older or len(members) < 2:
            return {}
        ids = list(dict.fromkeys(article.id for article in articles))
        located: dict[str, str] = {}
        with transient_when_unavailable("locating articles"):
            for start in range(0, len(ids), LOCATE_CHUNK):
                docs = [{"_index": name, "_id": id_} for name in older for id_ in ids[start : start + LOCATE_CHUNK]]
                found = self.client.mget(docs=docs, source=False, filter_path="docs._id,docs._index,docs.found").body
                located.update({doc["_id"]: doc["_index"] for doc in found.get("docs", []) if doc.get("found")})
        return located

    def _actions(self, articles: Iterable[Article], target: str) -> Iterator[dict[str, Any]]:
        """Index actions carrying the external version, so the newest write of an article wins."""
        for article in articles:
            doc = to_es_document(article)
            yield {
                "_index": target,
                "_id": article.id,
                "_source": doc,
                "version": doc_version(doc),
                "version_type": "external_gte",
            }

    def index_articles(self, articles: list[Article]) -> IndexResult:
        """Bulk index through the client's helpers; the id comes from the canonical URL, so a retry
        overwrites and never duplicates. A version conflict means a newer write of the same article
        is already there: that counts as done. Large batches go through parallel_bulk, which keeps
        BULK_THREADS requests in flight; a small batch (one article from a task) is a single request.
        """
        self.ensure()
        if not articles:
            return IndexResult()
        # An article already indexed is overwritten where it is (an older rolled index, after a rollover);
        # only new ones go through the write alias.
        located = self._locate(articles)
        fresh = [article for article in articles if article.id not in located]
        by_index: dict[str, list[Article]] = {}
        for article in articles:
            if article.id in located:
                by_index.setdefault(located[article.id], []).append(article)
        result = IndexResult()
        if fresh:
            # require_alias: a missing write alias is an error, never an auto-created concrete index of that name.
            self._bulk(self._actions(fresh, self.write_alias), len(fresh), result, require_alias=True)
        for index_name, held in by_index.items():
            self._bulk(self._actions(held, index_name), len(held), result, require_alias=False)
        return result

    def _bulk(self, actions: Iterator[dict[str, Any]], count: int, result: IndexResult, require_alias: bool) -> None:
        """Each item's outcome goes to `result` by article id: one refused document fails alone, not its batch."""
        options: dict[str, Any] = {
            "chunk_size": BULK_CHUNK,
            "raise_on_error": False,
            "filter_path": "errors,items.*._id,items.*._index,items.*.status,items.*.error",
        }
        if require_alias:
            options["require_alias"] = True
        if count > BULK_CHUNK:
            outcomes = helpers.parallel_bulk(self.client, actions, thread_count=BULK_THREADS, **options)
        else:
            outcomes = helpers.streaming_bulk(self.client, actions, max_retries=0, **options)
        with transient_when_unavailable("bulk indexing"):
            for ok, item in outcomes:
                if ok or is_conflict(item):
                    result.indexed += 1
                    result.placed[item_id(item)] = item_index(item)
                elif is_missing_alias(item):
                    self._ensured = False
                    raise TransientError(self.missing_alias_message())
                else:
                    result.refused[item_id(item)] = refused = refusal(item)
                    if isinstance(refused, PermanentError):
                        result.errors.append(str(refused))

    def get(self, article_id: str) -> Article | None:
        self.ensure()
        try:
            doc = self.client.get(index=self.read_alias, id=article_id)  # real time, when the alias has one index
        except NotFoundError:
            return None
        except ApiError as exc:
            if exc.status_code != 400:
                raise
            # The read alias spans several rolled indices and GET needs exactly one: an ids query instead.
            hits = self.client.search(index=self.read_alias, query={"ids": {"values": [article_id]}}, size=1).body
            found = hits["hits"]["hits"]
            return from_document(found[0]["_source"]) if found else None
        return from_document(doc["_source"])

    def search(self, request: SearchRequest) -> SearchResponse:
        self.ensure()
        raw = self.client.search(index=self.read_alias, **build_es_query(request))
        response = response_from_es(raw.body, request)
        if request.q and response.total == 0 and self._only_stop_words(request.q):
            response.notice = only_stop_words_notice(request.q)
        return response

    def _only_stop_words(self, text: str) -> bool:
        """Whether some language's analyzer keeps no term of text (the standard fallback keeps every word)."""
        # One concrete index: _analyze refuses an alias over several (rolled) indices.
        index = self.write_index()
        for analyzer in LANGUAGE_ANALYZERS.values():
            if not self.client.indices.analyze(index=index, analyzer=analyzer, text=text).get("tokens"):
                return True
        return False

    def quotes(self, request: QuoteRequest) -> QuoteResponse:
        self.ensure()
        raw = self.client.search(index=self.read_alias, **build_quotes_query(request))
        return quotes_from_es(raw.body, request)

    def export_articles(
        self, request: SearchRequest, fields: Sequence[str] = SUMMARY_EXPORT_FIELDS, page_size: int = EXPORT_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every match, newest first, through search_after on a point in time: no 10,000-hit window, and
        writes during the export neither duplicate nor drop a match (the view is the one at the start)."""
        self.ensure()
        pit_id = self.client.open_point_in_time(index=self.read_alias, keep_alive=EXPORT_KEEP_ALIVE)["id"]
        try:
            body = build_es_export_page(request, list(fields), page_size)
            while True:
                raw = self.client.search(pit={"id": pit_id, "keep_alive": EXPORT_KEEP_ALIVE}, **body).body
                pit_id = raw.get("pit_id", pit_id)
                hits = raw["hits"]["hits"]
                for hit in hits:
                    yield export_record(upgrade_document({**hit["_source"], "id": hit["_id"]}), fields)
                if len(hits) < page_size:
                    return
                body["search_after"] = hits[-1]["sort"]
        finally:
            try:
                self.client.close_point_in_time(id=pit_id)
            except (ApiError, ESTransportError):  # it expires on its own after EXPORT_KEEP_ALIVE
                pass

    def sources(self) -> SourcesResponse:
        self.ensure()
        return sources_from_es(self.client.search(index=self.read_alias, **build_sources_query()).body)

    def count(self) -> int:
        self.ensure()
        return int(self.client.count(index=self.read_alias)["count"])

    def refresh(self) -> None:
        self.ensure()
        self.client.indices.refresh(index=self.read_alias)

    def ping(self) -> bool:
        try:
            self.client.cluster.health(timeout="2s")
        except Exception:  # noqa: BLE001 - any failure to answer means not reachable
            return False
        return True

    def close(self) -> None:
        self.client.close()

    # --- migration -------------------------------------------------------------------------------

    def alias_targets(self) -> dict[str, list[str]]:
        """{alias: [index, ...]} for the read and the write alias."""
        targets: dict[str, list[str]] = {self.read_alias: [], self.write_alias: []}
        for alias in targets:
            if self.client.indices.exists_alias(name=alias):
                targets[alias] = sorted(self.client.indices.get_alias(name=alias).body)
        return targets

    def status(self) -> dict[str, Any]:
        """Indices, aliases, document counts and mapping versions, for `newsdesk index status`."""
        template_version = mapping_version(load_template(self.prefix))
        indices = []
        if self.client.indices.exists(index=f"{self.prefix}-articles-v*", allow_no_indices=False):
            mappings = self.client.indices.get_mapping(index=f"{self.prefix}-articles-v*").body
            for name in sorted(mappings, key=_index_order):
                meta = mappings[name]["mappings"].get("_meta", {})
                count = self.client.count(index=name)["count"]
                indices.append({"index": name, "docs": count, "mapping_version": meta.get("version", 1)})
        return {"template_version": template_version, "aliases": self.alias_targets(), "indices": indices}

    def migrate(
        self, batch_size: int = 1000, delete_old: bool = False, on_progress: Callable[[str], None] | None = None
    ) -> MigrationReport:
        """New index from the current template, client-side reindex, atomic alias swaps.

        1. install the template; create <prefix>-articles-v<N+1> (no aliases yet);
        2. move the write alias to the new index (one atomic alias action): new writes land there;
        3. refresh the old indices (every rolled index behind the read alias) and copy every document into the
           new one, keeping its version, so a copy never overwrites a newer live write;
        4. second pass: copy what in-flight writes put into the old indices during step 2;
        5. refresh the new index and move the read alias to it atomically; readers never see
           an empty or a half-filled index;
        6. optionally delete the old indices.
        """
        say = on_progress or (lambda message: None)
        self.ensure()
        self._install_template()
        targets = self.alias_targets()
        old_indices = sorted(set(targets[self.read_alias]) | set(targets[self.write_alias]), key=_index_order)
        new = self.versioned_name(max(_generation(name) for name in old_indices) + 1)
        self.client.indices.create(index=new, settings=self.index_settings or None)
        say(f"created {new}")
        started = datetime.now(UTC)
        self.client.indices.update_aliases(
            actions=[
                *({"remove": {"index": name, "alias": self.write_alias}} for name in targets[self.write_alias]),
                {"add": {"index": new, "alias": self.write_alias, "is_write_index": True}},
            ]
        )
        say(f"write alias {self.write_alias} -> {new}")
        copied = skipped = 0
        for old in old_indices:
            self.client.indices.refresh(index=old)
            done, already = self._copy(old, new, {"match_all": {}}, batch_size)
            copied, skipped = copied + done, skipped + already
            say(f"copied {done} documents from {old} ({already} already newer in {new})")
        time.sleep(1.0)  # let bulk requests that resolved the write alias before the swap finish
        since = (started - CATCH_UP_MARGIN).isoformat()
        caught_up = 0
        for old in old_indices:
            self.client.indices.refresh(index=old)
            done, already = self._copy(old, new, {"range": {"indexed_at": {"gte": since}}}, batch_size)
            caught_up, skipped = caught_up + done, skipped + already
        say(f"second pass: {caught_up} recent documents")
        self.client.indices.refresh(index=new)
        self.client.indices.update_aliases(
            actions=[
                *({"remove": {"index": name, "alias": self.read_alias}} for name in targets[self.read_alias]),
                {"add": {"index": new, "alias": self.read_alias}},
            ]
        )
        say(f"read alias {self.read_alias} -> {new}")
        if delete_old:
            self.client.indices.delete(index=",".join(old_indices))
            say(f"deleted {', '.join(old_indices)}")
        return MigrationReport(
            old_index=", ".join(old_indices),
            new_index=new,
            copied=copied,
            skipped_newer=skipped,
            caught_up=caught_up,
            deleted_old=delete_old,
        )

    # --- rollover and retention ------------------------------------------------------------------

    def write_index(self) -> str:
        """The concrete index the write alias writes to."""
        aliases = self.client.indices.get_alias(name=self.write_alias).body
        for name, info in aliases.items():
            if info["aliases"][self.write_alias].get("is_write_index"):
                return name
        return sorted(aliases, key=_index_order)[-1]

    def rollover(
        self, max_age: str | None = None, max_primary_shard_size: str | None = None, force: bool = False
    ) -> RolloverReport:
        """Start a new write index (same generation, next sequence) when the current one is older than max_age
        or its largest primary shard is bigger than max_primary_shard_size (Elasticsearch's _rollover, which
        moves the write alias atomically); the read alias then spans the new index too. `force`: roll now."""
        self.ensure()
        old = self.write_index()
        new = _rolled_name(old)
        conditions: dict[str, str] = {}
        if not force:
            if max_age:
                conditions["max_age"] = max_age
            if max_primary_shard_size:
                conditions["max_primary_shard_size"] = max_primary_shard_size
            if not conditions:
                raise ValueError("rollover needs a condition (max_age, max_primary_shard_size) or force")
        with transient_when_unavailable("rollover"):
            answer = self.client.indices.rollover(
                alias=self.write_alias,
                new_index=new,
                conditions=conditions or None,
                settings=self.index_settings or None,
            ).body
            if not answer.get("rolled_over"):
                return RolloverReport(old_index=old, new_index=None, conditions=answer.get("conditions", {}))
            # A document written to the new index is searchable after its refresh (1 s); the read alias is added
            # well within that.
            self.client.indices.update_aliases(actions=[{"add": {"index": new, "alias": self.read_alias}}])
        return RolloverReport(old_index=old, new_index=new, conditions=answer.get("conditions", {}))

    def drop_before(self, month: datetime, dry_run: bool = False) -> DropReport:
        """Delete every index behind the read alias whose newest document was indexed before `month` (the first
        instant of a month, UTC); the write index is never dropped. Time-based indices make this one delete
        per index instead of a delete-by-query."""
        self.ensure()
        write = self.write_index()
        names = sorted(self.alias_targets()[self.read_alias], key=_index_order)
        newest = self.client.search(
            index=self.read_alias,
            size=0,
            aggs={
                "by_index": {
                    "terms": {"field": "_index", "size": 10000},
                    "aggs": {"newest": {"max": {"field": "indexed_at"}}},
                }
            },
        ).body
        latest = {bucket["key"]: bucket["newest"]["value"] for bucket in newest["aggregations"]["by_index"]["buckets"]}
        cutoff = month.timestamp() * 1000
        dropped = [name for name in names if name != write and (latest.get(name) or 0) < cutoff]
        if dropped and not dry_run:
            self.client.indices.delete(index=",".join(dropped))
        return DropReport(dropped=dropped, kept=[name for name in names if name not in dropped])

    def _copy(self, source: str, target: str, query: dict[str, Any], batch_size: int) -> tuple[int, int]:
        def actions() -> Iterable[dict[str, Any]]:
            for hit in helpers.scan(
                self.client, index=source, query={"query": query}, size=batch_size, preserve_order=False
            ):
                yield {
                    "_op_type": "index",
                    "_index": target,
                    "_id": hit["_id"],
                    "_source": with_language_fields(upgrade_document({**hit["_source"], "id": hit["_id"]})),
                    "version": doc_version(hit["_source"]),
                    "version_type": "external_gte",
                }

        copied = skipped = 0
        for ok, item in helpers.streaming_bulk(self.client, actions(), chunk_size=batch_size, raise_on_error=False):
            if ok:
                copied += 1
            elif is_conflict(item):
                skipped += 1
            else:
                raise TransientError(f"copy into {target} failed: {json.dumps(item)[:500]}")
        return copied, skipped


def _generation(index_name: str) -> int:
    match = re.search(r"-v(\d+)(?:-\d+)?$", index_name)
    return int(match.group(1)) if match else 0


def _index_order(index_name: str) -> tuple[int, int]:
    """(generation, rollover sequence): <prefix>-articles-v2 is (2, 1), its rolled successor -v2-000002 (2, 2)."""
    match = re.search(r"-v(\d+)(?:-(\d+))?$", index_name)
    if not match:
        return (0, 0)
    return (int(match.group(1)), int(match.group(2) or 1))


def _rolled_name(index_name: str) -> str:
    """The index a rollover of `index_name` creates: same generation, next sequence number."""
    generation, sequence = _index_order(index_name)
    base = re.sub(r"-v\d+(?:-\d+)?$", "", index_name)
    return f"{base}-v{generation}-{sequence + 1:06d}"
