"""Whole-page tests for newsdesk.parse on saved fixture pages: every field asserted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdesk.errors import NotAnArticle, PermanentError
from newsdesk.models import CreditRole, FetchedPage, QuoteKind
from newsdesk.parse import extract_article, parse_page

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pages"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def credits_of(article, role):
    return {(c.name, c.agency) for c in article.credits if c.role == role}


@pytest.fixture(scope="module")
def seed():
    return extract_article(load("pjmedia_panjshir_resistance.html"), url="https://pjmedia.com/x?utm=1")


def test_seed_metadata(seed):
    assert seed.title == "Afghanistan's Armed Resistance to the Taliban Enjoys First Successes"
    assert seed.section == "News & Politics"
    assert seed.url == "https://pjmedia.com/x?utm=1"
    assert seed.canonical_url.startswith("https://pjmedia.com/news-and-politics/rick-moran/2021/08/21/")
    assert seed.tags == ["Afghanistan", "Taliban", "Panjshir"]
    assert seed.authors == ["Rick Moran"]
    assert seed.published_at == datetime(2021, 8, 21, 10, 32, tzinfo=timezone(timedelta(hours=-4)))
    assert seed.modified_at == datetime(2021, 8, 21, 11, 5, tzinfo=timezone(timedelta(hours=-4)))
    assert seed.language == "en"
    assert seed.site_name == "PJ Media"


def test_seed_body_is_the_story_only(seed):
    paras = seed.body.split("\n\n")
    assert paras[0].startswith("As the Taliban begins to form a government in Kabul")
    assert paras[-1].endswith("fly them into American skyscrapers.")
    assert len(paras) == 15 and paras[3] == "Washington Post:"
    for leak in (
        "AP Photo",
        "Zabi Karimi",
        "Advertisement",
        "Share on",
        "newsletter",
        "Subscribe",
        "Related",
        "patriot1776",
        "Great article",
        "Copyright",
        "Privacy Policy",
        "News & Politics",
    ):
        assert leak not in seed.body, leak


def test_seed_images_and_credits(seed):
    assert len(seed.images) == 1
    img = seed.images[0]
    assert img.url == "https://media.pjmedia.com/img/2021/08/panjshir.jpg"
    assert img.credit == "AP Photo/Zabi Karimi"
    photo = [c for c in seed.credits if c.role == CreditRole.PHOTO]
    assert [(c.name, c.agency, c.text) for c in photo] == [("Zabi Karimi", "Associated Press", "AP Photo/Zabi Karimi")]
    assert credits_of(seed, CreditRole.SOURCE) == {("Washington Post", None), ("Fox News", None)}
    assert credits_of(seed, CreditRole.AUTHOR) == {("Rick Moran", None)}
    assert credits_of(seed, CreditRole.WIRE) == set()


def test_seed_quotes(seed):
    direct = [q for q in seed.quotes if q.kind == QuoteKind.DIRECT]
    assert len(direct) == 1
    assert direct[0].text.startswith("I write from the Panjshir Valley today")
    assert direct[0].text.endswith("plots against democracies will be hatched here once again.")
    assert direct[0].speaker == "Ahmad Massoud"
    assert direct[0].paragraph == 9
    excerpts = [q for q in seed.quotes if q.kind == QuoteKind.EXCERPT]
    assert [q.paragraph for q in excerpts] == [4, 5, 6]
    assert {q.speaker for q in excerpts} == {"Washington Post"}
    assert excerpts[0].text.startswith("Friday\u2019s assault to retake the three districts")
    indirect = [(q.speaker, q.text) for q in seed.quotes if q.kind == QuoteKind.INDIRECT]
    assert [s for s, _ in indirect] == ["Shuja", "Zahir Aghbar", "Zahir Aghbar"]
    assert indirect[0][1].startswith("the local residents had told the Taliban fighters")
    assert indirect[1][1].startswith("the Taliban must refrain from violence against innocent civilians")
    assert indirect[2][1] == "there will be a risk of a renewed civil war"


def test_wire_story():
    a = extract_article(load("apnews_wire_senate_vote.html"), url="https://apnews.com/x")
    assert a.title == "Senate passes stopgap bill to avert shutdown"
    assert a.canonical_url == "https://apnews.com/article/congress-shutdown-senate-vote-4f2a9c"
    assert a.section == "Politics"
    assert a.tags == ["Congress", "Government shutdown"]
    assert a.authors == ["Mary Clare Jalonick", "Lisa Mascaro"]
    assert a.published_at == datetime(2023, 9, 30, 21, 14, tzinfo=UTC)
    assert a.modified_at is None
    assert (a.language, a.site_name) == ("en", "AP News")
    assert a.body.startswith("WASHINGTON (AP) \u2014 The Senate passed")
    assert a.body.endswith("the White House said.")
    assert "Copy link" not in a.body and "Applewhite" not in a.body and "Copyright" not in a.body
    assert [(i.url, i.credit) for i in a.images] == [
        ("https://apnews.com/images/capitol-night.jpg", "AP Photo/J. Scott Applewhite")
    ]
    assert a.images[0].caption.startswith("The U.S. Capitol is seen at dusk")
    assert credits_of(a, CreditRole.WIRE) == {("Associated Press", "Associated Press")}
    assert credits_of(a, CreditRole.PHOTO) == {("J. Scott Applewhite", "Associated Press")}
    assert credits_of(a, CreditRole.AUTHOR) == {("Mary Clare Jalonick", None), ("Lisa Mascaro", None)}
    direct = [(q.speaker, q.text) for q in a.quotes if q.kind == QuoteKind.DIRECT]
    assert direct[0] == (
        "Chuck Schumer",
        "Americans can breathe a sigh of relief. There will be no government shutdown tonight.",
    )
    assert direct[1][0] == "Rand Paul" and "does nothing to rein in the deficit" in direct[1][1]


def test_newspaper_photos_and_multi_paragraph_quotes():
    a = extract_article(load("citytimes_harbor_photos_quotes.html"))  # windows-1252, declared in <meta>
    assert a.title == "Harbor cleanup divides the waterfront"
    assert a.url == a.canonical_url == "https://citytimes.example/local/2024/05/harbor-cleanup"
    assert (a.section, a.site_name, a.language) == ("Local", "The City Times", "en")
    assert a.authors == ["Ana Duarte", "Tom Reyes"]
    assert a.published_at.isoformat() == "2024-05-12T06:00:00+02:00"
    assert [(i.caption, i.credit) for i in a.images] == [
        ("Dredging barges near Pier 9 on Friday.", "Photo: Marta Klein/Reuters"),
        ("Fishermen unload their catch at dawn.", "Getty Images"),
    ]
    assert credits_of(a, CreditRole.PHOTO) == {("Marta Klein", "Reuters"), ("Getty Images", "Getty Images")}
    for leak in ("Marta Klein", "Getty", "Dredging barges", "Ferry fares", "\u00a9"):
        assert leak not in a.body, leak
    assert "\u201cThe mayor told us" in a.body  # curly quotes decoded from windows-1252
    direct = [q for q in a.quotes if q.kind == QuoteKind.DIRECT]
    assert direct[0].speaker == "Elena Vogt"  # straight quotes, "said X"
    assert direct[0].text.startswith("We have waited twenty years for this")
    assert direct[0].text.endswith("clean itself.")
    # nested single quotes stay inside; the open quote runs on into the next paragraph
    assert direct[1].speaker == "Pablo Serrano"
    assert "\u2018This will take six weeks,\u2019" in direct[1].text
    assert direct[1].text.endswith("Not the city, that is for sure.")
    indirect = {(q.speaker, q.text) for q in a.quotes if q.kind == QuoteKind.INDIRECT}
    assert ("Elena Vogt", "the delays were caused by contaminated sediment") in indirect


def test_parse_page_uses_headers_and_final_url():
    html = load("citytimes_harbor_photos_quotes.html").replace(
        b'<link rel="canonical" href="https://citytimes.example/local/2024/05/harbor-cleanup">', b""
    )
    page = FetchedPage(
        url="https://t.co/abc",
        final_url="https://citytimes.example/h",
        status=200,
        headers={"Content-Type": "text/html; charset=windows-1252"},
        fetched_at=datetime(2024, 5, 12, tzinfo=UTC),
        source="citytimes",
        body=html,
    )
    a = parse_page(page)
    assert a.url == a.canonical_url == "https://citytimes.example/h"
    assert a.source == "citytimes" and a.fetched_at == page.fetched_at
    assert "\u201cThe mayor told us" in a.body


def test_no_url_no_canonical_gives_stable_urn():
    html = (
        b"<html><body><article><p>"
        + b"A plain paragraph of news text that is long enough. " * 5
        + b"</p></article></body></html>"
    )
    a, b = extract_article(html), extract_article(html)
    assert a.canonical_url.startswith("urn:sha1:") and a.canonical_url == b.canonical_url == a.url


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "payload, message",
    [
        (b"", "empty"),
        ("   \n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary"),
        (b"just some words, no markup at all, not a web page", "not HTML"),
        (b'{"json": true, "items": [1, 2, 3]}', "not HTML"),
        (b"<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
    ],
)
def test_bad_input_is_not_an_article(payload, message):
    with pytest.raises(NotAnArticle, match=message) as err:
        extract_article(payload)
    assert isinstance(err.value, PermanentError)
    assert "\n" not in str(err.value)


@pytest.mark.timeout(60)
def test_content_type_refused():
    with pytest.raises(NotAnArticle, match="content type application/pdf"):
        extract_article(b"%PDF-1.4 <html>", headers={"content-type": "application/pdf"})


@pytest.mark.timeout(60)
def test_truncated_page_gives_a_result():
    html = load("pjmedia_panjshir_resistance.html")
    cut = html[: html.index(b"Is Massoud just trying")]
    a = extract_article(cut)
    assert a.body.startswith("As the Taliban begins")
    assert "Panjshir Valley today" in a.body


@pytest.mark.timeout(60)
def test_wrong_or_missing_charset():
    html = load("citytimes_harbor_photos_quotes.html").replace(b"charset=windows-1252", b"charset=utf-8")
    a = extract_article(html)  # invalid UTF-8 bytes are replaced, never raised
    assert a.title == "Harbor cleanup divides the waterfront"
    b = extract_article(load("citytimes_harbor_photos_quotes.html").replace(b"; charset=windows-1252", b""))
    assert "Pier 9" not in b.body and b.title == "Harbor cleanup divides the waterfront"


@pytest.mark.timeout(60)
def test_deeply_nested_markup():
    html = (
        b"<html><body>"
        + b"<div>" * 100_000
        + b"<p>"
        + b"Deep text in a news story. " * 10
        + b"</p>"
        + b"</div>" * 100_000
        + b"</body></html>"
    )
    try:
        a = extract_article(html)
    except NotAnArticle as e:
        assert str(e)
    else:
        assert isinstance(a.body, str)


@pytest.mark.timeout(60)
def test_fifty_megabyte_page():
    para = b"<p>" + b"Council members debated the harbor budget for hours on Tuesday. " * 20 + b"</p>\n"
    html = (
        b"<html><head><title>Big</title></head><body><article>"
        + para * (50_000_000 // len(para))
        + b"</article></body></html>"
    )
    assert len(html) >= 49_000_000
    try:
        a = extract_article(html)
    except NotAnArticle as e:
        assert str(e)
    else:
        assert a.body


@pytest.mark.timeout(60)
def test_unexpected_types_are_refused():
    with pytest.raises(NotAnArticle):
        extract_article(12345)


def test_broadsheet_bylines_appositions_and_comments():
    a = extract_article(load("broadsheet_flood_split_body.html"))
    assert a.authors == ["Helen Pidd"]  # an author link holding a bare name; article:author is a profile URL
    assert a.published_at == datetime(2024, 2, 11, 7, 15, 2, tzinfo=UTC)  # no offset given: UTC
    assert a.body.split("\n\n")[-1].startswith("Clarke said the government had promised")
    for leak in (
        "North of England editor",
        "Reader comments",
        "disgrace",
        "Advertisement",
        "Photograph",
        "\u00a9",
        "Storm Henk",
        "Replacement buses",
        "Insurers brace",
    ):  # a list of teasers for other stories
        assert leak not in a.body, leak
    direct = [(q.speaker, q.text) for q in a.quotes if q.kind == QuoteKind.DIRECT]
    assert direct[2] == (
        "Philip Duffy",  # "The agency's chief executive, Philip Duffy, told ..." then "he said"
        "What we saw last night was beyond that design standard. We will look at every metre of those walls.",
    )
    assert direct[3] == ("Simon Clarke", "Nothing has happened since")
    indirect = {(q.speaker, q.text[:30]) for q in a.quotes if q.kind == QuoteKind.INDIRECT}
    assert ("Simon Clarke", "the damage would run into mill") in indirect  # "Local MP" is a role, not the name


def test_a_story_split_by_ad_rows_is_read_whole():
    import lxml.html

    from newsdesk.extraction.body import add_split_body_parts

    part = '<div class="grid"><div class="story-body">{}</div><div class="rail"></div></div>'
    paragraphs = [f"Paragraph number {n} of the story, long enough to count as body text." for n in range(1, 7)]
    html = (
        "<html><body>"
        + part.format("".join(f"<p>{p}</p>" for p in paragraphs[:3]))
        + '<div class="ad-row">Advertisement</div>'
        + part.format("".join(f"<p>{p}</p>" for p in paragraphs[3:]))
        + '<section><div class="grid"><div class="comment"><div class="story-body"><p>A reader comment that '
        "is long enough to pass the length test.</p></div></div></div></section></body></html>"
    )
    tree = lxml.html.document_fromstring(html)
    assert add_split_body_parts(tree, paragraphs[:3]) == paragraphs  # the comment sits deeper: not taken
    assert add_split_body_parts(tree, paragraphs[:2]) == paragraphs[:2]  # too little to name the container


def test_preclean_removes_what_trafilatura_never_reads_after_measuring_with_it():
    import lxml.html

    from newsdesk.extraction.body import preclean

    story = "<p>" + "A paragraph of the story, long enough to be the body of the page. " * 6 + "</p>"
    script = "<script>" + "var tracking = 1; " * 40 + "</script>"
    html = (
        '<html><head><link rel="stylesheet" href="/s.css"><style>p { color: red }</style>'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script><script src="/a.js"></script></head>'
        f'<body><article>{story}<div class="share-tools">Share this{script}</div><p>Tail<script>x()</script> text.</p>'
        "</article></body></html>"
    )
    tree = lxml.html.document_fromstring(html)
    preclean(tree)
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]  # trafilatura's fallback reads it
    assert not list(tree.iter("style", "link"))
    assert [el.tag for el in tree.find("head")] == ["script"]
    # the share box's script text counted in its share of the page, as before scripts are removed: it stays
    assert tree.find(".//div") is not None and tree.find(".//div").text_content() == "Share this"
    assert tree.findall(".//p")[-1].text_content() == "Tail text."


def test_language_is_read_from_the_text_when_the_page_declares_none():
    story = (
        "<p>Der Bundestag hat am Donnerstag ein Gesetz beschlossen, das die Mieten in den großen "
        "Städten für fünf Jahre begrenzen soll.</p><p>Die Opposition kündigte an, vor dem "
        "Bundesverfassungsgericht dagegen zu klagen, weil das Gesetz in die Rechte der Eigentümer eingreife.</p>"
    )
    german = extract_article(
        f"<html><head><title>Mietendeckel</title></head><body><article>{story}</article></body></html>"
    )
    assert german.language == "de"
    declared = extract_article(f'<html lang="fr"><body><article>{story}</article></body></html>')
    assert declared.language == "fr"  # what the page declares wins


def test_wire_page_title_suffix_caps_byline_via_credits_and_reported_speech():
    a = extract_article(load("wire_wildfire_caps_byline.html"), url="https://apnews.com/article/maui")
    assert a.title == "Wildfire forces thousands to flee"  # "| AP News" belongs to the site
    assert a.authors == ["Jennifer Sinco Kelleher", "Audrey McAvoy"]  # the dateline span is not an author
    assert [(i.caption, i.credit) for i in a.images] == [
        ("Smoke rises over Lahaina on Tuesday.", "Photo by Zeke Sandoval via AP"),
        ("People walk among ashes.", "Credit: Matthew Thayer/The Maui News via AP"),
    ]
    assert credits_of(a, CreditRole.PHOTO) == {
        ("Zeke Sandoval", "Associated Press"),
        ("Matthew Thayer", "The Maui News"),
    }
    assert credits_of(a, CreditRole.WIRE) == {("Associated Press", "Associated Press")}
    assert "___" not in a.body and "via AP" not in a.body
    indirect = [(q.speaker, q.text) for q in a.quotes if q.kind == QuoteKind.INDIRECT]
    # "said in a statement that X" reports X; "said at a news conference, and ..." reports nothing
    assert indirect == [("Josh Green", "the state would seek federal help")]


def test_a_standfirst_that_repeats_the_description_is_no_body_but_a_lede_that_does_stays():
    lede = "The city council approved a new toll on the harbor bridge on Tuesday after months of debate."
    rest = "".join(
        f"<p>Paragraph {n} of the story goes on with the details of the vote and what it means.</p>"
        for n in range(1, 5)
    )
    dek = "Commuters will pay two dollars a crossing from next spring"

    def page(description: str, header: str) -> str:
        return (
            f'<html lang="en"><head><title>Toll</title><meta name="description" content="{description}"></head>'
            f"<body><article><h1>Bridge toll approved</h1>{header}<div class='body'><p>{lede}</p>{rest}</div>"
            f"</article></body></html>"
        )

    with_dek = extract_article(page(dek, f"<h2>{dek}</h2>"))
    assert not with_dek.body.startswith(dek) and with_dek.body.startswith(lede)
    lede_as_description = extract_article(page(lede, ""))
    assert lede_as_description.body.startswith(lede)  # the story's own first paragraph is kept


_CAFE = (
    "<html><head><title>Café owners rally in Zürich</title></head><body><article><h1>Café owners rally in Zürich</h1>"
    + "<p>Owners of cafés gathered on Tuesday to protest a new tax on terraces, saying it would hurt business.</p>" * 6
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (_CAFE.encode("utf-8"), "text/html; charset=utf-16"),  # UTF-8 bytes labelled UTF-16: mojibake before
        (_CAFE.encode("utf-8"), "text/html; charset=iso-8859-1"),  # UTF-8 bytes labelled Latin-1
        (_CAFE.encode("latin-1"), "text/html; charset=utf-8"),  # Latin-1 bytes labelled UTF-8
        (_CAFE.encode("latin-1"), "text/html; charset=iso-8859-1"),
        ("\ufeff".encode("utf-16-le") + _CAFE.encode("utf-16-le"), "text/html; charset=utf-16"),  # real UTF-16
        (_CAFE.encode("utf-8"), "text/html"),
    ],
)
def test_a_wrong_declared_charset_falls_back_to_detection(body, content_type):
    article = extract_article(body, url="https://news.example.org/cafe", headers={"content-type": content_type})
    assert article.title == "Café owners rally in Zürich"
    assert "Owners of cafés gathered" in article.body


def test_a_page_with_no_title_and_no_text_is_not_an_article():
    with pytest.raises(NotAnArticle, match="no article text"):
        extract_article(
            b"<html><head></head><body><div><a href='/x'>Home</a></div></body></html>",
            url="https://news.example.org/empty",
        )


def test_the_tree_has_lxml_html_element_classes():
    """The parser looks element classes up in C; they must be the ones lxml.html gives (FormElement, ...)."""
    import lxml.html

    from newsdesk.parse import _parse

    html = load("pjmedia_panjshir_resistance.html").decode("utf-8")
    html = html.replace(
        "</body>", "<form><label>L</label><input name=q><select></select><textarea></textarea></form></body>"
    )
    ours = list(_parse(html).iter())
    theirs = list(lxml.html.document_fromstring(html).iter())
    assert [type(el) for el in ours] == [type(el) for el in theirs]
    assert {type(el).__name__ for el in ours} >= {"HtmlElement", "FormElement", "InputElement", "LabelElement"}
