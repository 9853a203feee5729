"""services/web/article_view.py: what the article page shows, from an Article (no server)."""

from __future__ import annotations

from newsdesk.models import Article, Credit, CreditRole, Image
from services.web.article_view import article_view


def test_images_keep_their_credit_and_only_web_urls_are_shown() -> None:
    article = Article(
        url="https://x.test/a",
        canonical_url="https://x.test/a",
        images=[
            Image(
                url="https://x.test/1.jpg",
                caption="Dusk.",
                credit="Photo: A B/Reuters",
                photographer="A B",
                agency="Reuters",
            ),
            Image(url="https://x.test/2.jpg", credit="Courtesy of the family"),
            Image(url="javascript:alert(1)", caption="never shown"),
        ],
    )
    view = article_view(article)
    assert [(i.url, i.photographer, i.agency, i.printed_credit) for i in view.images] == [
        ("https://x.test/1.jpg", "A B", "Reuters", None),
        ("https://x.test/2.jpg", None, None, "Courtesy of the family"),  # not split: shown as printed
    ]
    assert view.links == [
        ("original", "Read the original at x.test", "https://x.test/a"),
        ("lineage", "what happened to this URL", "/ops/urls?url=https%3A%2F%2Fx.test%2Fa"),
    ]


def test_wires_once_each_and_credit_panels_in_order() -> None:
    credits = [
        Credit(role=CreditRole.SOURCE, name="Fox News"),
        Credit(role=CreditRole.WIRE, name="AP", agency="Associated Press", text="LAGOS (AP)"),
        Credit(role=CreditRole.WIRE, name="Associated Press", agency="Associated Press", text="— AP"),
        Credit(role=CreditRole.AUTHOR, name="Ann Lee"),
    ]
    view = article_view(Article(url="ftp://x.test/a", canonical_url="https://x.test/a", credits=credits))
    assert view.wires == ["Associated Press"]
    assert [label for label, _ in view.credit_panels] == ["Wire", "Cited sources"]  # authors are in the byline
    assert view.original_url is None  # not a web URL: no link to it, only to its lineage
    assert [css for css, _, _ in view.links] == ["lineage"]
