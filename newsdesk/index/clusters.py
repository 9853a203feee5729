"""Syndication clusters: near-duplicate articles (one wire story across outlets, lightly edited copies) share an id.

An article body becomes word shingles, a MinHash signature (datasketch) and LSH band keys; the bands and signatures
live in a ClusterStore that every index process shares: Redis when it is configured, else SQLite under the data dir.
Placing an article, under the store's lock so two workers never both start a cluster for one story:

1. already registered (a re-index, reparse or re-fetch): it keeps its cluster; a new source is added to its sources;
2. else its band keys give candidates, kept when their estimated Jaccard similarity reaches SIMILARITY;
3. it joins the cluster of the earliest-registered candidate, or names a new cluster with its own id.

A cluster is named by its first member and never renamed, so an id stays valid for links and exports.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
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
NUM_PERM = 128  # MinHash permutations: the similarity estimate's error is about 1/sqrt(128) = 0.09
CANDIDATE_THRESHOLD = 0.4  # LSH bands are tuned to find pairs from here, below SIMILARITY, so few copies are missed
SIMILARITY = 0.5  # estimated Jaccard similarity of shingles that makes two articles versions of one story
MIN_WORDS = 40  # shorter bodies (briefs, paywall stubs) never cluster: too little text to tell a copy from a look-alike
REDIS_WINDOW = timedelta(days=30)  # syndication happens within days: Redis forgets bands and signatures after this
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


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a body's shingles (NUM_PERM uint32 values), or None when it is too short to cluster."""
    from datasketch import MinHash

    found = shingles(text)
    if not found:
        return None
    minhash = MinHash(num_perm=NUM_PERM)
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
    def candidates(self, keys: Sequence[str]) -> set[str]: ...
    def signatures(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]: ...
    def register(self, article_id: str, entry: Registered, values: np.ndarray | None, keys: Sequence[str]) -> int:
        """Keep a new article (its seq is assigned here and returned)."""
        ...

    def set_sources(self, article_id: str, entry: Registered) -> None: ...
    def close(self) -> None: ...


class Clusters:
    """Places articles in clusters through a ClusterStore: the one policy both index backends get their ids from."""

    def __init__(self, store: ClusterStore):
        self.store = store

    def place(self, articles: Sequence[Article]) -> list[Article]:
        """Copies of the articles with cluster_id and sources set (source: the first source the URL came through).

        Signatures are computed before the lock is taken; under it, a few store round trips per article."""
        computed = [(article, signature(article.body)) for article in articles]
        placed: list[Article] = []
        with self.store.locked():
            known = self.store.registered(list(dict.fromkeys(article.id for article in articles)))
            for article, values in computed:
                entry = known.get(article.id)
                if entry is None:
                    entry = self._register_new(article, values)
                elif article.source and article.source not in entry.sources:
                    entry = Registered(entry.seq, entry.cluster_id, [*entry.sources, article.source])
                    self.store.set_sources(article.id, entry)
                known[article.id] = entry
                placed.append(
                    article.model_copy(
                        update={
                            "cluster_id": entry.cluster_id,
                            "sources": entry.sources,
                            "source": entry.sources[0] if entry.sources else article.source,
                        }
                    )
                )
        return placed

    def _register_new(self, article: Article, values: np.ndarray | None) -> Registered:
        sources = [article.source] if article.source else []
        if values is None:
            entry = Registered(0, article.id, sources)
            return Registered(self.store.register(article.id, entry, None, []), article.id, sources)
        keys = band_keys(values)
        found = self.store.candidates(keys) - {article.id}
        similar = [
            other
            for other, theirs in self.store.signatures(sorted(found)).items()
            if similarity(values, theirs) >= SIMILARITY
        ]
        earliest = min(self.store.registered(similar).values(), key=lambda entry: entry.seq, default=None)
        cluster_id = earliest.cluster_id if earliest else article.id
        seq = self.store.register(article.id, Registered(0, cluster_id, sources), values, keys)
        return Registered(seq, cluster_id, sources)

    def close(self) -> None:
        self.store.close()


class RedisClusterStore:
    """Distributed: bands are sets and signatures strings that expire after REDIS_WINDOW; registrations are one hash."""

    def __init__(self, redis: Any, prefix: str = "newsdesk:clusters"):
        self.redis = redis
        self.prefix = prefix
        self._ttl = int(REDIS_WINDOW.total_seconds())

    def _band(self, key: str) -> str:
        return f"{self.prefix}:band:{key}"

    def _signature(self, article_id: str) -> str:
        return f"{self.prefix}:sig:{article_id}"

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

    def candidates(self, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        found = self.redis.sunion([self._band(key) for key in keys])
        return {member.decode() if isinstance(member, bytes) else member for member in found}

    def signatures(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not article_ids:
            return {}
        raw = self.redis.mget([self._signature(article_id) for article_id in article_ids])
        return {article_id: _from_bytes(value) for article_id, value in zip(article_ids, raw, strict=True) if value}

    def register(self, article_id: str, entry: Registered, values: np.ndarray | None, keys: Sequence[str]) -> int:
        seq = int(self.redis.incr(f"{self.prefix}:seq"))
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(
            f"{self.prefix}:articles", article_id, json.dumps(_row(Registered(seq, entry.cluster_id, entry.sources)))
        )
        if values is not None:
            pipe.set(self._signature(article_id), _to_bytes(values), ex=self._ttl)
        for key in keys:
            pipe.sadd(self._band(key), article_id)
            pipe.expire(self._band(key), self._ttl)
        pipe.execute()
        return seq

    def set_sources(self, article_id: str, entry: Registered) -> None:
        self.redis.hset(f"{self.prefix}:articles", article_id, json.dumps(_row(entry)))

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

    def candidates(self, keys: Sequence[str]) -> set[str]:
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(f"SELECT DISTINCT article_id FROM cluster_bands WHERE band IN ({marks})", list(keys))
        return {row[0] for row in rows}

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

    def register(self, article_id: str, entry: Registered, values: np.ndarray | None, keys: Sequence[str]) -> int:
        cursor = self._db.execute(
            "INSERT INTO cluster_articles (article_id, cluster_id, sources, signature) VALUES (?, ?, ?, ?)",
            (article_id, entry.cluster_id, json.dumps(entry.sources), None if values is None else _to_bytes(values)),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO cluster_bands (band, article_id) VALUES (?, ?)", [(key, article_id) for key in keys]
        )
        assert cursor.lastrowid is not None  # set by the INSERT
        return cursor.lastrowid

    def set_sources(self, article_id: str, entry: Registered) -> None:
        self._db.execute(
            "UPDATE cluster_articles SET sources = ? WHERE article_id = ?", (json.dumps(entry.sources), article_id)
        )

    def close(self) -> None:
        self._db.close()


def open_clusters(settings: Settings, redis: Any | None) -> Clusters:
    """Redis (shared by every worker) when the pipeline has one, else a SQLite file beside the embedded index.
    The Redis keys carry the index prefix: two deployments sharing a Redis keep apart clusters."""
    if redis is not None:
        return Clusters(RedisClusterStore(redis, prefix=f"{settings.index_prefix}:clusters"))
    return Clusters(SqliteClusterStore(settings.data_dir / "clusters.sqlite3"))
