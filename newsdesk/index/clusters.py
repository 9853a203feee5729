"""Syndication clusters: near-duplicate articles (one wire story across outlets, lightly edited copies) share an id.

An article body becomes word shingles, a MinHash signature (datasketch) and LSH band keys; the bands and signatures
live in a ClusterStore that every index process shares: Redis when it is configured, else SQLite under the data dir.
Placing an article, under the store's lock so two workers never both start a cluster for one story:

1. already registered (a re-index, reparse or re-fetch): it keeps its cluster; a new source is added to its sources;
   a new one also takes the sources recorded for it while it was not yet registered (`Clusters.add_source`);
2. else its band keys give candidates, kept when their estimated Jaccard similarity reaches SIMILARITY;
3. it joins the cluster of the earliest-registered candidate, or names a new cluster with its own id.

A cluster is named by its first member and never renamed, so an id stays valid for links and exports.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsdesk.errors import TransientError
from newsdesk.models import Article
from newsdesk.settings import Settings

SHINGLE_WORDS = 4  # word 4-grams: an edited sentence breaks a few shingles; unrelated stories share almost none
SCHEME = "affine32"  # datasketch's permutation scheme, named: stored signatures only compare within one scheme
NUM_PERM = 128  # MinHash permutations: the estimate's standard error is sqrt(J(1-J)/128), at most 0.044
CANDIDATE_THRESHOLD = 0.3  # LSH bands are tuned to find pairs from here, below SIMILARITY, so few copies are missed
SIMILARITY = 0.4  # estimated Jaccard similarity of shingles that makes two articles versions of one story
MIN_WORDS = 40  # shorter bodies (briefs, paywall stubs) never cluster: too little text to tell a copy from a look-alike
REDIS_WINDOW = timedelta(days=28)  # syndication happens within days: Redis forgets bands and signatures after this
LOCK_TIMEOUT = 30.0  # seconds a dead worker's lock outlives it
LOCK_WAIT = 10.0  # seconds to wait for the lock before the task retries

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Registered:
    """What the store keeps of an article for good: its place in arrival order, its cluster and its sources."""

    seq: int
    cluster_id: str
    sources: list[str] = field(default_factory=list)


@cache
def _bands() -> tuple[int, int]:
    """(bands, rows per band) for CANDIDATE_THRESHOLD, as datasketch's LSH chooses them (its false-positive and
    false-negative weighting); the signature is cut into that many bands."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def shingles(text: str) -> set[str]:
    """Lower-cased word SHINGLE_WORDS-grams; empty when the text has fewer than MIN_WORDS words."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for its default seed, drawn once per process instead of once per signature."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a body's shingles (NUM_PERM uint32 values), or None when it is too short to cluster.

    Shingles are hashed with CRC-32 (C, stable across processes; a rare collision only merges two shingles)
    rather than datasketch's default SHA-1, a fifth of the cost."""
    from datasketch import MinHash

    found = shingles(text)
    if not found:
        return None
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch([shingle.encode("utf-8") for shingle in found])
    return minhash.hashvalues.astype(np.uint32)


def band_keys(values: np.ndarray) -> list[str]:
    """One key per LSH band: two signatures share a key when they agree on every row of that band."""
    bands, rows = _bands()
    return [
        f"{band:02d}" + hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=10).hexdigest()
        for band in range(bands)
    ]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of MinHash values two signatures agree on."""
    return float(np.count_nonzero(first == second)) / len(first)


def _to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def _from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4")


class ClusterStore(Protocol):
    """Bands, signatures and registrations, shared by every process that indexes into one index."""

    def locked(self) -> AbstractContextManager[None]:
        """Excludes every other placer (other workers, other processes) until it exits."""
        ...

    def registered(self, article_ids: Sequence[str]) -> dict[str, Registered]: ...
    def candidates(self, key_lists: Sequence[Sequence[str]]) -> list[set[str]]:
        """For each list of band keys, the articles holding any of them."""
        ...

    def signatures(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]: ...
    def pending(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Sources recorded for articles not registered yet (a second source listed the URL before its index)."""
        ...

    def add_pending(self, sources: dict[str, list[str]]) -> None:
        """Record these sources for articles not registered yet (the whole list per article, replacing)."""
        ...

    def lookup(self, article_ids: Sequence[str]) -> tuple[dict[str, Registered], dict[str, list[str]]]:
        """registered(ids), and pending() of the unregistered: the check a poll makes for the links it skips."""
        ...

    def save(self, new: Sequence[NewMember], changed: dict[str, Registered]) -> None:
        """Register new articles in this order (the store numbers them: their seq) and update others' sources."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class NewMember:
    article_id: str
    entry: Registered
    values: np.ndarray | None
    keys: list[str]


class Clusters:
    """Places articles in clusters through a ClusterStore: the one policy both index backends get their ids from."""

    def __init__(self, store: ClusterStore):
        self.store = store

    def place(self, articles: Sequence[Article]) -> list[Article]:
        """Copies of the articles with cluster_id and sources set (source: the first source the URL came through).

        Signatures are computed before the lock is taken; under it, four store round trips for the whole batch
        (registrations, candidates, their signatures and registrations, the writes). Articles of one batch are
        registered in their order, after everything stored, and can match each other."""
        keyed = [
            (article, values, band_keys(values) if values is not None else [])
            for article, values in ((article, signature(article.body)) for article in articles)
        ]
        with self.store.locked():
            batch = _Batch(self.store, keyed)
            placed = [batch.place(article, values, keys) for article, values, keys in keyed]
            self.store.save(list(batch.new.values()), batch.changed)
        return placed

    def missing_source(self, article_ids: Sequence[str], source: str) -> tuple[dict[str, list[str]], list[str]]:
        """({registered article whose sources lack `source`: its sources with it}, unregistered ones with no such
        source pending yet), read without the lock: one store round trip when all are registered, as most are."""
        registered, pending = self.store.lookup(list(dict.fromkeys(article_ids)))
        indexed = {id_: [*entry.sources, source] for id_, entry in registered.items() if source not in entry.sources}
        unindexed = [id_ for id_ in dict.fromkeys(article_ids) if id_ not in registered]
        return indexed, [id_ for id_ in unindexed if source not in pending.get(id_, [])]

    def add_source(self, indexed: Sequence[str], unindexed: Sequence[str], source: str) -> None:
        """Add `source` to registered articles (`indexed`: their documents hold it already) and pending it for
        unregistered ones, which then take it when they are placed. An `unindexed` one registered meanwhile is left:
        its document may lack the source, so the next poll finds it missing and updates the document first."""
        with self.store.locked():
            known = self.store.registered(list(dict.fromkeys([*indexed, *unindexed])))
            changed = {
                id_: Registered(entry.seq, entry.cluster_id, [*entry.sources, source])
                for id_ in indexed
                if (entry := known.get(id_)) is not None and source not in entry.sources
            }
            waiting = [id_ for id_ in unindexed if id_ not in known]
            pending = self.store.pending(waiting)
            added = {id_: [*pending.get(id_, []), source] for id_ in waiting if source not in pending.get(id_, [])}
            if added:
                self.store.add_pending(added)
            if changed:
                self.store.save([], changed)

    def close(self) -> None:
        self.store.close()


class _Batch:
    """One placement under the lock: what the store holds about the batch and its candidates, read up front, and
    the batch's own registrations so far (later articles of the batch can match earlier ones)."""

    def __init__(self, store: ClusterStore, keyed: Sequence[tuple[Article, np.ndarray | None, list[str]]]):
        self.known = store.registered(list(dict.fromkeys(article.id for article, _, _ in keyed)))
        fresh = [(article.id, keys) for article, _, keys in keyed if article.id not in self.known and keys]
        found = store.candidates([keys for _, keys in fresh])
        self.candidates = {article_id: ids for (article_id, _), ids in zip(fresh, found, strict=True)}
        others = sorted(set().union(*found) - set(self.candidates)) if found else []
        self.signatures = store.signatures(others)
        self.stored = store.registered([other for other in others if other in self.signatures])
        self.pending = store.pending([article.id for article, _, _ in keyed if article.id not in self.known])
        self.bands: dict[str, list[str]] = {}  # band key -> articles of this batch registered earlier, in order
        self.values: dict[str, np.ndarray] = {}
        self.new: dict[str, NewMember] = {}
        self.changed: dict[str, Registered] = {}

    def place(self, article: Article, values: np.ndarray | None, keys: list[str]) -> Article:
        entry = self.known.get(article.id)
        if entry is None:
            own = [article.source] if article.source else []
            sources = list(dict.fromkeys([*own, *self.pending.get(article.id, [])]))
            entry = Registered(0, self._cluster_of(article.id, values, keys), sources)
            self.new[article.id] = NewMember(article.id, entry, values, keys)
            for key in keys:
                self.bands.setdefault(key, []).append(article.id)
            if values is not None:
                self.values[article.id] = values
        elif article.source and article.source not in entry.sources:
            entry = Registered(entry.seq, entry.cluster_id, [*entry.sources, article.source])
            if article.id in self.new:  # the same URL twice in one batch, through two sources
                self.new[article.id] = NewMember(article.id, entry, self.new[article.id].values, keys)
            else:
                self.changed[article.id] = entry
        self.known[article.id] = entry
        update = {"cluster_id": entry.cluster_id, "sources": entry.sources}
        return article.model_copy(update={**update, "source": entry.sources[0] if entry.sources else article.source})

    def _cluster_of(self, article_id: str, values: np.ndarray | None, keys: list[str]) -> str:
        """The cluster of the earliest-registered similar article (stored ones come before this batch's), else
        the article's own id."""
        if values is None:
            return article_id
        similar = [
            self.stored[other]
            for other in self.candidates.get(article_id, ())
            if other in self.stored and similarity(values, self.signatures[other]) >= SIMILARITY
        ]
        if similar:
            return min(similar, key=lambda entry: entry.seq).cluster_id
        order = {other: position for position, other in enumerate(self.values)}
        for other in sorted({other for key in keys for other in self.bands.get(key, ())}, key=order.__getitem__):
            if similarity(values, self.values[other]) >= SIMILARITY:
                return self.known[other].cluster_id
        return article_id


class RedisClusterStore:
    """Distributed: one hash of band keys and one of signatures per week, each expiring REDIS_WINDOW after its week;
    registrations (cluster, sources) in one hash for good. A band key keeps the first article registered with it
    that week: later holders of it are copies of that one, or share its cluster through another band.

    A batch costs a fixed number of commands (one HMGET per week of the window, one HSET per hash), not one per band."""

    def __init__(self, redis: Any, prefix: str = "newsdesk:clusters"):
        self.redis = redis
        self.prefix = prefix

    def _weeks(self) -> list[int]:
        """This week first, then the earlier weeks of the window (weeks since the epoch, UTC)."""
        this_week = int(time.time() // (7 * 86400))
        return [this_week - back for back in range(REDIS_WINDOW.days // 7 + 1)]

    @contextmanager
    def locked(self) -> Iterator[None]:
        from redis.exceptions import LockError, RedisError

        lock = self.redis.lock(f"{self.prefix}:lock", timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_WAIT)
        try:
            acquired = lock.acquire()
        except RedisError as exc:
            raise TransientError(f"Redis unreachable while placing articles in clusters: {exc}") from None
        if not acquired:
            raise TransientError(f"the cluster lock stayed taken for {LOCK_WAIT:.0f} s; retrying later")
        try:
            yield
        except RedisError as exc:
            raise TransientError(f"Redis failed while placing articles in clusters: {exc}") from None
        finally:
            try:
                lock.release()
            except LockError:  # it expired (LOCK_TIMEOUT) under a very slow placement; nothing to release
                pass

    def registered(self, article_ids: Sequence[str]) -> dict[str, Registered]:
        if not article_ids:
            return {}
        rows = self.redis.hmget(f"{self.prefix}:articles", list(article_ids))
        return {
            article_id: Registered(**json.loads(row)) for article_id, row in zip(article_ids, rows, strict=True) if row
        }

    def _across_days(self, kind: str, fields: Sequence[str]) -> dict[str, list[bytes]]:
        """field -> its values in every week's hash of `kind` (bands or sigs) that holds it, newest week first."""
        if not fields:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        for week in self._weeks():
            pipe.hmget(f"{self.prefix}:{kind}:{week}", list(fields))
        found: dict[str, list[bytes]] = {}
        for values in pipe.execute():
            for name, value in zip(fields, values, strict=True):
                if value is not None:
                    found.setdefault(name, []).append(value)
        return found

    def candidates(self, key_lists: Sequence[Sequence[str]]) -> list[set[str]]:
        holders = self._across_days("bands", sorted({key for keys in key_lists for key in keys}))
        return [{held.decode() for key in keys for held in holders.get(key, ())} for keys in key_lists]

    def signatures(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found = self._across_days("sigs", list(article_ids))
        return {article_id: _from_bytes(values[0]) for article_id, values in found.items()}

    def pending(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        found = self._across_days("pending", list(article_ids))  # newest week first: it holds the newest whole list
        return {article_id: json.loads(values[0]) for article_id, values in found.items()}

    def add_pending(self, sources: dict[str, list[str]]) -> None:
        """In this week's hash, forgotten with the bands: a URL never indexed within the window never will be."""
        key = f"{self.prefix}:pending:{self._weeks()[0]}"
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(key, mapping={article_id: json.dumps(listed) for article_id, listed in sources.items()})
        pipe.expire(key, int((REDIS_WINDOW + timedelta(days=7)).total_seconds()))
        pipe.execute()

    def lookup(self, article_ids: Sequence[str]) -> tuple[dict[str, Registered], dict[str, list[str]]]:
        """Pending sources are read only for the unregistered: a poll's skipped links are mostly indexed, and the
        weekly pending hashes would cost four times the registrations' read for nothing."""
        from redis.exceptions import RedisError

        try:
            registered = self.registered(article_ids)
            waiting = [article_id for article_id in article_ids if article_id not in registered]
            return registered, self.pending(waiting) if waiting else {}
        except RedisError as exc:
            raise TransientError(f"Redis unreachable while reading the sources of skipped links: {exc}") from None

    def save(self, new: Sequence[NewMember], changed: dict[str, Registered]) -> None:
        week = self._weeks()[0]
        bands_key, sigs_key = f"{self.prefix}:bands:{week}", f"{self.prefix}:sigs:{week}"
        bands: dict[str, str] = {}
        for member in new:
            for key in member.keys:
                bands.setdefault(key, member.article_id)  # the batch's first holder
        taken = self.redis.hmget(bands_key, list(bands)) if bands else []
        bands = {key: holder for (key, holder), held in zip(bands.items(), taken, strict=True) if held is None}
        last = int(self.redis.incrby(f"{self.prefix}:seq", len(new))) if new else 0
        rows = {article_id: json.dumps(_row(entry)) for article_id, entry in changed.items()}
        for seq, member in enumerate(new, start=last - len(new) + 1):
            rows[member.article_id] = json.dumps(_row(Registered(seq, member.entry.cluster_id, member.entry.sources)))
        signatures = {m.article_id: _to_bytes(m.values) for m in new if m.values is not None}
        expires = int((REDIS_WINDOW + timedelta(days=7)).total_seconds())
        pipe = self.redis.pipeline(transaction=True)
        if bands:
            pipe.hset(bands_key, mapping=bands)
            pipe.expire(bands_key, expires)
        if signatures:
            pipe.hset(sigs_key, mapping=signatures)
            pipe.expire(sigs_key, expires)
        if rows:
            pipe.hset(f"{self.prefix}:articles", mapping=rows)
        pipe.execute()

    def close(self) -> None:
        """The Redis client belongs to whoever passed it."""


def _row(entry: Registered) -> dict[str, Any]:
    return {"seq": entry.seq, "cluster_id": entry.cluster_id, "sources": entry.sources}


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS cluster_articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT UNIQUE NOT NULL,
    cluster_id TEXT NOT NULL,
    sources TEXT NOT NULL,
    signature BLOB
);
CREATE TABLE IF NOT EXISTS cluster_bands (
    band TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cluster_pending (article_id TEXT PRIMARY KEY, sources TEXT NOT NULL) WITHOUT ROWID;
"""


class SqliteClusterStore:
    """Embedded: the same state in a SQLite file; BEGIN IMMEDIATE is the lock across processes."""

    def __init__(self, path: Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=LOCK_WAIT, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SQLITE_SCHEMA)

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # "database is locked" after LOCK_WAIT
            raise TransientError(f"cluster store busy: {exc}") from None
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def registered(self, article_ids: Sequence[str]) -> dict[str, Registered]:
        found: dict[str, Registered] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for article_id, seq, cluster_id, sources in self._db.execute(
                f"SELECT article_id, seq, cluster_id, sources FROM cluster_articles WHERE article_id IN ({marks})",
                chunk,
            ):
                found[article_id] = Registered(seq, cluster_id, json.loads(sources))
        return found

    def candidates(self, key_lists: Sequence[Sequence[str]]) -> list[set[str]]:
        found = []
        for keys in key_lists:
            marks = ",".join("?" * len(keys))
            rows = self._db.execute(f"SELECT article_id FROM cluster_bands WHERE band IN ({marks})", list(keys))
            found.append({row[0] for row in rows})
        return found

    def signatures(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for article_id, raw in self._db.execute(
                f"SELECT article_id, signature FROM cluster_articles WHERE signature IS NOT NULL"
                f" AND article_id IN ({marks})",
                chunk,
            ):
                found[article_id] = _from_bytes(raw)
        return found

    def pending(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for article_id, sources in self._db.execute(
                f"SELECT article_id, sources FROM cluster_pending WHERE article_id IN ({marks})", chunk
            ):
                found[article_id] = json.loads(sources)
        return found

    def add_pending(self, sources: dict[str, list[str]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO cluster_pending (article_id, sources) VALUES (?, ?)",
            [(article_id, json.dumps(listed)) for article_id, listed in sources.items()],
        )

    def lookup(self, article_ids: Sequence[str]) -> tuple[dict[str, Registered], dict[str, list[str]]]:
        registered = self.registered(article_ids)
        return registered, self.pending([article_id for article_id in article_ids if article_id not in registered])

    def save(self, new: Sequence[NewMember], changed: dict[str, Registered]) -> None:
        """Rows inserted in order: AUTOINCREMENT numbers them; a new one's pending sources are now its own."""
        self._db.executemany(
            "INSERT INTO cluster_articles (article_id, cluster_id, sources, signature) VALUES (?, ?, ?, ?)",
            [
                (m.article_id, m.entry.cluster_id, json.dumps(m.entry.sources), _to_bytes(m.values))
                if m.values is not None
                else (m.article_id, m.entry.cluster_id, json.dumps(m.entry.sources), None)
                for m in new
            ],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO cluster_bands (band, article_id) VALUES (?, ?)",
            [(key, m.article_id) for m in new for key in m.keys],
        )
        self._db.executemany("DELETE FROM cluster_pending WHERE article_id = ?", [(m.article_id,) for m in new])
        self._db.executemany(
            "UPDATE cluster_articles SET sources = ? WHERE article_id = ?",
            [(json.dumps(entry.sources), article_id) for article_id, entry in changed.items()],
        )

    def close(self) -> None:
        self._db.close()


def open_clusters(settings: Settings, redis: Any | None) -> Clusters:
    """Redis (shared by every worker) when the pipeline has one, else a SQLite file beside the embedded index.
    The Redis keys carry the index prefix: two deployments sharing a Redis keep apart clusters."""
    if redis is not None:
        return Clusters(RedisClusterStore(redis, prefix=f"{settings.index_prefix}:clusters"))
    return Clusters(SqliteClusterStore(settings.data_dir / "clusters.sqlite3"))
