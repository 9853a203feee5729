"""newsdesk/index/document.py: which analyzer an article's text goes through, and the template mapping it."""

from __future__ import annotations

import pytest

from newsdesk.index.document import (
    ANALYZED_FIELDS,
    ANALYZERS,
    analyzer_for,
    to_document,
    to_es_document,
    with_language_fields,
)
from newsdesk.index.elastic import load_template
from newsdesk.models import Article, Quote


@pytest.mark.parametrize(
    ("tag", "analyzer"),
    [
        ("de", "german"),
        ("de-AT", "german"),
        ("FR", "french"),
        ("pt_BR", "portuguese"),
        (" es ", "spanish"),
        ("en-GB", "english"),
        ("sw", "standard"),
        ("", "standard"),
        (None, "standard"),
    ],
)
def test_the_primary_language_subtag_chooses_the_analyzer(tag: str | None, analyzer: str) -> None:
    assert analyzer_for(tag) == analyzer


def article(language: str | None) -> Article:
    return Article(
        url="https://x.test/a",
        canonical_url="https://x.test/a",
        language=language,
        title="Titel",
        body="Text",
        authors=["Anna Weber"],
        quotes=[Quote(text="Wir bauen.", speaker="Anna Weber")],
    )


def test_text_is_copied_into_its_language_fields_only() -> None:
    doc = to_es_document(article("de"))
    copies = {name for name in doc if name.rpartition("_")[2] in ANALYZERS}
    assert copies == {"title_german", "body_german", "quotes_german", "authors_german"}
    assert doc["title_german"] == doc["title"] == "Titel" and doc["quotes_german"] == ["Wir bauen."]
    assert "quotes_text" not in doc  # the embedded index's column, not searched in Elasticsearch


def test_a_changed_language_replaces_the_earlier_copies() -> None:
    """migrate passes stored documents through with_language_fields: stale copies must not survive."""
    doc = with_language_fields(to_es_document(article("de")) | {"language": "fr"})
    assert {name for name in doc if name.rpartition("_")[2] in ANALYZERS} == {
        "title_french",
        "body_french",
        "quotes_french",
        "authors_french",
    }


def test_an_old_document_without_copies_gets_them() -> None:
    assert with_language_fields(to_document(article(None)))["body_standard"] == "Text"


def test_the_template_maps_every_language_field_with_its_analyzer() -> None:
    properties = load_template("p")["template"]["mappings"]["properties"]
    for field in ANALYZED_FIELDS:
        for analyzer in ANALYZERS:
            assert properties[f"{field}_{analyzer}"] == {"type": "text", "analyzer": analyzer}
    assert properties["title"].get("index") is False and "body" not in properties  # read from _source only
