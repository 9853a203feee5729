"""The search filters and facets, declared once.

Every layer reads this table: the API's query parameters and request models, the Elasticsearch query and
aggregations, the embedded index's SQL, the CLI's options and the search page's controls. Adding a filter
is one `Filter(...)` line here (and its field in the index template when it is new).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import Enum
from typing import Any

DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 100  # "show more" asks for up to this many values of one facet


class Match(str, Enum):
    EXACT = "exact"  # the value as stored (a facet value): keyword term
    WORDS = "words"  # every word of the value appears in the stored value, any case


@dataclass(frozen=True)
class Filter:
    name: str  # the parameter: ?name= on the API and page, --name on the CLI, the facet's key
    label: str  # what the page and help texts call it
    field: str  # the stored field; inside `nested` when that is set
    nested: str | None = None  # the list of objects the field belongs to (quotes, credits)
    where: dict[str, tuple[str, ...]] = dataclass_field(
        default_factory=dict
    )  # other fields of that object it must have
    multi_value: bool = False  # an article can hold several values (authors, speakers): facet counts articles
    match: Match = Match.EXACT
    facet: bool = True  # False: a filter only (the page, API and CLI show no value counts for it)
    facet_size: int = DEFAULT_FACET_SIZE
    max_length: int = 200
    help: str = ""

    @property
    def es_field(self) -> str:
        return f"{self.nested}.{self.field}" if self.nested else self.field


FILTERS: tuple[Filter, ...] = (
    Filter(
        "source",
        "Source",
        "sources",
        multi_value=True,
        help="a configured source the article was crawled from (one URL can come through several)",
    ),
    Filter("section", "Section", "section", help="the site's section, as the page names it"),
    Filter("author", "Author", "authors", multi_value=True, help="one of the article's bylines"),
    Filter("language", "Language", "language", max_length=20, help="detected language code (en, de, fr ...)"),
    Filter(
        "speaker",
        "Speaker",
        "speaker",
        nested="quotes",
        multi_value=True,
        match=Match.WORDS,
        help="someone quoted in the article (every word must appear in the speaker's name)",
    ),
    Filter(
        "agency",
        "Credit agency",
        "agency",
        nested="credits",
        where={"role": ("wire", "photo")},
        multi_value=True,
        help="a wire or photo agency credited (Associated Press, Reuters ...)",
    ),
    Filter(
        "cluster",
        "Versions of",
        "cluster_id",
        facet=False,
        max_length=64,
        help="a syndication cluster id: every version of one story (the same wire copy across outlets)",
    ),
)
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
FACETS: tuple[Filter, ...] = tuple(f for f in FILTERS if f.facet)
FACET_NAMES: tuple[str, ...] = tuple(f.name for f in FACETS)
BY_NAME: dict[str, Filter] = {f.name: f for f in FILTERS}


def values_of(facet: Filter, doc: dict[str, Any]) -> list[str]:
    """The values an index document holds for a filter, each once (what the embedded index stores per facet)."""
    if facet.nested:
        found = [
            obj.get(facet.field)
            for obj in doc.get(facet.nested) or []
            if isinstance(obj, dict) and all(obj.get(name) in allowed for name, allowed in facet.where.items())
        ]
    else:
        value = doc.get(facet.field)
        found = value if isinstance(value, list) else [value]
    return list(dict.fromkeys(str(value) for value in found if value))
