from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from newsdesk.models import Article, Credit, CreditRole, Quote, QuoteKind, Source, article_id


def test_article_id_is_stable_and_depends_only_on_canonical_url():
    a = Article(url="https://x.test/a?utm_source=rss", canonical_url="https://x.test/a", title="One")
    b = Article(url="https://x.test/a#top", canonical_url="https://x.test/a", title="Changed title")
    assert a.id == b.id == article_id("https://x.test/a")
    assert a.id != article_id("https://x.test/b")
    assert len(a.id) == 24 and int(a.id, 16) >= 0


def test_article_round_trips_through_json():
    article = Article(
        url="https://x.test/a",
        canonical_url="https://x.test/a",
        title="T",
        authors=["A B"],
        published_at=datetime(2021, 8, 21, 18, 5, tzinfo=UTC),
        quotes=[Quote(text="We will fight.", speaker="Ahmad Massoud", kind=QuoteKind.DIRECT, paragraph=3)],
        credits=[Credit(role=CreditRole.PHOTO, name="Zabi Karimi", agency="AP", text="AP Photo/Zabi Karimi")],
    )
    again = Article.model_validate_json(article.model_dump_json())
    assert again == article
    assert again.quotes[0].kind is QuoteKind.DIRECT and again.credits[0].role is CreditRole.PHOTO


def test_models_reject_unknown_fields_and_bad_values():
    with pytest.raises(ValidationError):
        Article(url="u", canonical_url="u", colour="red")
    with pytest.raises(ValidationError):
        Quote(text="x", kind="shouted")
    with pytest.raises(ValidationError):
        Source(name="../etc/passwd", feeds=["https://x.test/feed"])
    with pytest.raises(ValidationError):
        Source(name="ok", interval=1)
