"""What the article page shows, read from an Article: the byline with its wire, images with their credits, quotes
with their speakers, and the other credits grouped by role. Presentation only; the parser decides the facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from newsdesk.models import Article, Credit, CreditRole, Image

# The credit panels, in the order the page shows them. Authors are in the byline and photo credits under their
# images, so they get no panel of their own.
CREDIT_PANELS = (
    (CreditRole.WIRE, "Wire"),
    (CreditRole.CONTRIBUTOR, "Additional reporting"),
    (CreditRole.SOURCE, "Cited sources"),
)


def web_url(url: str | None) -> str | None:
    """The URL if a browser may follow or load it (http or https), else None: a page's markup is not trusted."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


@dataclass
class ImageView:
    url: str
    caption: str | None
    photographer: str | None
    agency: str | None
    printed_credit: str | None  # shown when the credit could not be split into photographer and agency


@dataclass
class ArticleView:
    article: Article
    original_url: str | None
    original_host: str | None
    wires: list[str]
    images: list[ImageView]
    credit_panels: list[tuple[str, list[Credit]]]
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (css class, label, href) under the byline


def _image(image: Image) -> ImageView | None:
    url = web_url(image.url)
    if url is None:
        return None
    split = bool(image.photographer or image.agency)
    return ImageView(
        url=url,
        caption=image.caption,
        photographer=image.photographer,
        agency=image.agency,
        printed_credit=None if split else image.credit,
    )


def article_view(article: Article) -> ArticleView:
    original = web_url(article.url)
    wires = list(dict.fromkeys(c.agency or c.name for c in article.credits if c.role is CreditRole.WIRE))
    panels = [
        (label, [credit for credit in article.credits if credit.role is role])
        for role, label in CREDIT_PANELS
        if any(credit.role is role for credit in article.credits)
    ]
    view = ArticleView(
        article=article,
        original_url=original,
        original_host=urlsplit(original).hostname if original else None,
        wires=wires,
        images=[view for view in map(_image, article.images) if view],
        credit_panels=panels,
    )
    if original:
        view.links.append(("original", f"Read the original at {view.original_host}", original))
    view.links.append(("lineage", "what happened to this URL", f"/ops/urls?{urlencode({'url': article.url})}"))
    return view
