"""Table-driven tests of the credit and speaker rules: one line per example, so a new rule shows what it changes."""

import pytest
from lxml import html

from newsdesk.extraction.credits import contributor_credits, photo_credit, wire_credits
from newsdesk.extraction.images import extract_images
from newsdesk.extraction.quotes import extract_quotes, plausible_speaker

STORY = "Officials met on Tuesday to discuss the budget."


@pytest.mark.parametrize(
    ("first_paragraph", "agency", "text"),
    [
        ("LAGOS, Nigeria (AP) \u2014 Floods displaced thousands on Sunday.", "Associated Press", "LAGOS, Nigeria (AP)"),
        ("WASHINGTON (Reuters) - The Senate passed the bill.", "Reuters", "WASHINGTON (Reuters)"),
        ("(AFP) \u2014 Protesters filled the square.", "Agence France-Presse", "(AFP)"),
        ("(Reuters) - Oil prices rose.", "Reuters", "(Reuters)"),
        ("BERLIN (dpa) \u2013 Trains stopped.", "Deutsche Presse-Agentur", "BERLIN (dpa)"),
        ("SYDNEY (AAP) - Rain fell.", "Australian Associated Press", "SYDNEY (AAP)"),
    ],
)
def test_a_dateline_gives_a_wire_credit_with_the_agency_normalised(first_paragraph, agency, text):
    credits = wire_credits([first_paragraph, STORY], bylines=[])
    assert [(c.role.value, c.name, c.agency, c.text) for c in credits] == [("wire", agency, agency, text)]


@pytest.mark.parametrize(
    ("last_paragraph", "agency"),
    [
        ("\u2014 Reuters", "Reuters"),
        ("- AFP", "Agence France-Presse"),
        ("\u2013 AP", "Associated Press"),
        ("(AP)", "Associated Press"),
        ("\u2014 Reuters.", "Reuters"),
    ],
)
def test_an_end_line_gives_a_wire_credit(last_paragraph, agency):
    credits = wire_credits([STORY, STORY, last_paragraph], bylines=[])
    assert [(c.role.value, c.name) for c in credits] == [("wire", agency)]


@pytest.mark.parametrize(
    "paragraphs",
    [
        [STORY, "The talks resumed - Reuters reported earlier - on Monday."],  # named inside a sentence
        ["WASHINGTON \u2014 The Senate passed the bill.", STORY],  # a dateline with no agency
        [STORY, "\u2014 Jane Doe"],  # an end line naming a person, not an agency
    ],
)
def test_no_wire_credit_without_a_dateline_or_end_line(paragraphs):
    assert wire_credits(paragraphs, bylines=[]) == []


@pytest.mark.parametrize(
    ("last_paragraph", "names"),
    [
        ("Additional reporting by Jane Doe in Paris", ["Jane Doe"]),
        ("Additional reporting by Jane Doe in Paris and Ali Khan in Lahore.", ["Jane Doe", "Ali Khan"]),
        ("(Additional reporting by Marta Klein; Editing by Tom Reyes)", ["Marta Klein"]),
        ("Further reporting by Ana Ruiz, Li Wei and Omar Haddad.", ["Ana Ruiz", "Li Wei", "Omar Haddad"]),
        ("Associated Press writer Sam Metz contributed reporting.", ["Sam Metz"]),  # the job before the name dropped
        ("Ana Ruiz contributed reporting from Madrid.", ["Ana Ruiz"]),
        ("Reporting by the newsroom was hard work.", []),
    ],
)
def test_a_contributor_line_gives_one_contributor_credit_per_person(last_paragraph, names):
    credits = contributor_credits([STORY, last_paragraph])
    assert [(c.role.value, c.name) for c in credits] == [("contributor", n) for n in names]


@pytest.mark.parametrize(
    ("caption", "photographer", "agency"),
    [
        ("Rescuers at the site. Photograph: Tom Reyes/Reuters", "Tom Reyes", "Reuters"),
        ("Farmers at the market. Photo by Ana Ruiz for The Herald", "Ana Ruiz", "The Herald"),
        ("President Biden speaks. (AP Photo/Evan Vucci)", "Evan Vucci", "Associated Press"),
        ("Crowds gather. Chip Somodevilla/Getty Images", "Chip Somodevilla", "Getty Images"),
        ("The harbour at dawn. Photo: Li Wei/AFP via Getty Images", "Li Wei", "Agence France-Presse"),
        ("Smoke rises over the city. (Reuters)", "Reuters", "Reuters"),
    ],
)
def test_a_photo_credit_in_caption_text_is_split_into_photographer_and_agency(caption, photographer, agency):
    credit = photo_credit(caption)
    assert credit is not None and (credit.name, credit.agency) == (photographer, agency)


FIGURE = '<figure><img src="/{n}.jpg">{caption}</figure>'


@pytest.mark.parametrize(
    ("figure_html", "caption", "credit", "photographer", "agency"),
    [
        (
            "<figcaption>Rescuers at the site. Photograph: Tom Reyes/Reuters</figcaption>",
            "Rescuers at the site.",
            "Photograph: Tom Reyes/Reuters",
            "Tom Reyes",
            "Reuters",
        ),
        (
            '<figcaption>Rescuers at the site. <span class="credit">Tom Reyes/Reuters</span></figcaption>',
            "Rescuers at the site.",
            "Tom Reyes/Reuters",
            "Tom Reyes",
            "Reuters",
        ),
        (
            "<figcaption>President Biden speaks. (AP Photo/Evan Vucci)</figcaption>",
            "President Biden speaks.",
            "AP Photo/Evan Vucci",
            "Evan Vucci",
            "Associated Press",
        ),
        (
            '<p class="caption">Farmers at the market. Photo by Ana Ruiz for The Herald</p>',
            "Farmers at the market.",
            "Photo by Ana Ruiz for The Herald",
            "Ana Ruiz",
            "The Herald",
        ),
        (
            "<p>Rescuers at the site. Photograph: Tom Reyes/Reuters</p>",  # a caption paragraph, no class
            "Rescuers at the site.",
            "Photograph: Tom Reyes/Reuters",
            "Tom Reyes",
            "Reuters",
        ),
        (
            "<p>Smoke rises over the city. (Reuters)</p>",
            "Smoke rises over the city.",
            "Reuters",
            "Reuters",
            "Reuters",
        ),
    ],
)
def test_every_figure_gets_its_caption_credit_not_only_the_lead(figure_html, caption, credit, photographer, agency):
    lead = FIGURE.format(n=1, caption="<figcaption>The lead. Jane Doe/AFP</figcaption>")
    second = FIGURE.format(n=2, caption=figure_html)
    tree = html.fromstring(f"<html><body><article>{lead}<p>{STORY}</p>{second}</article></body></html>")
    images, credits, _ = extract_images(tree, "https://example.com/story")
    assert [(i.url, i.caption, i.credit) for i in images][1] == ("https://example.com/2.jpg", caption, credit)
    assert [(c.name, c.agency) for c in credits] == [("Jane Doe", "Agence France-Presse"), (photographer, agency)]


@pytest.mark.parametrize(
    "image_block",
    [
        '<div class="image-block"><img src="/2.jpg"><p class="caption">Rescuers. Photograph: Tom Reyes/Reuters</p></div>',
        '<div class="media"><img src="/2.jpg"><span class="caption-text">Rescuers. Tom Reyes/Reuters</span></div>',
    ],
)
def test_an_image_beside_a_caption_outside_any_figure_is_read(image_block):
    lead = FIGURE.format(n=1, caption="<figcaption>The lead. Jane Doe/AFP</figcaption>")
    tree = html.fromstring(f"<html><body><article>{lead}<p>{STORY}</p>{image_block}</article></body></html>")
    images, credits, _ = extract_images(tree, "https://example.com/story")
    assert [i.url for i in images] == ["https://example.com/1.jpg", "https://example.com/2.jpg"]
    assert [(c.name, c.agency) for c in credits] == [("Jane Doe", "Agence France-Presse"), ("Tom Reyes", "Reuters")]


@pytest.mark.parametrize(
    ("speaker", "plausible"),
    [
        ("During", False),
        ("Audience", False),
        ("However", False),
        ("Monday", False),
        ("Tuesday's", False),
        ("Ana Ruiz", True),
        ("Grisham", True),
        ("the ministry", True),
        ("senator", True),
        ("she", True),
        ("Theresa May", True),
        ("NATO", True),
    ],
)
def test_a_speaker_is_never_a_stray_capitalised_word(speaker, plausible):
    assert plausible_speaker(speaker) is plausible


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ("\u201cWe will rebuild every home in this town,\u201d Audience said.", None),
        ("\u201cWe will rebuild every home in this town,\u201d During said.", None),
        ("\u201cWe will rebuild every home in this town,\u201d However said.", None),
        ("\u201cWe will rebuild every home in this town,\u201d Monday said.", None),
        ("\u201cWe will rebuild every home in this town,\u201d Ana Ruiz said.", "Ana Ruiz"),
        ("During the debate Ruiz said: \u201cWe will rebuild every home in this town.\u201d", "Ruiz"),
    ],
)
def test_a_quote_with_a_stray_word_for_a_speaker_stays_unattributed(paragraph, speaker):
    quotes = extract_quotes([paragraph])
    assert [q.speaker for q in quotes] == [speaker]
