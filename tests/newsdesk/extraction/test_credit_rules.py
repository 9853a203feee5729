"""Table-driven tests of the credit and speaker rules: one line per example, so a new rule shows what it changes."""

import pytest
from lxml import html

from newsdesk.extraction import rules
from newsdesk.extraction.credits import contributor_credits, photo_credit, source_credits, wire_credits
from newsdesk.extraction.images import extract_images
from newsdesk.extraction.metadata import extract_metadata, read_byline
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
        ("Berlin (dpa) - Der Streik geht weiter.", "Deutsche Presse-Agentur", "Berlin (dpa)"),  # mixed case
        ("LONDON, Feb 9 (Reuters) - Oil prices rose.", "Reuters", "LONDON, Feb 9 (Reuters)"),  # with a date
        (
            "OAXACA, M\u00e9xico (AP) \u2014 Miles de maestros marcharon.",
            "Associated Press",
            "OAXACA, M\u00e9xico (AP)",
        ),
        ("SEVILLA (EFE) \u2014 La Junta aprob\u00f3 restricciones.", "EFE", "SEVILLA (EFE)"),
        (
            "WASHINGTON, March 3 (UPI) -- NASA has postponed a test.",
            "United Press International",
            "WASHINGTON, March 3 (UPI)",
        ),
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
        (
            "Associated Press writers Mary Clare Jalonick and Stephen Groves contributed to this report.",
            ["Mary Clare Jalonick", "Stephen Groves"],
        ),
        (
            "(Reporting by Tom Hale in London; Additional reporting by Mei Chen in Beijing; Editing by Sue Fenton)",
            ["Mei Chen"],
        ),  # one segment of a Reuters end line
        ("Reporting by Nadine Awadalla; Writing by Yomna Ehab; Editing by Alex Richardson", ["Yomna Ehab"]),
        ("\u2014With assistance from Jack Farchy.", ["Jack Farchy"]),  # Bloomberg
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
        ("The parade. (Photo: Marisol Reyes/Valley Herald)", "Marisol Reyes", "Valley Herald"),
        ("The parade. Marisol Reyes/Valley Herald", "Marisol Reyes", "Valley Herald"),  # bare, an outlet
        ("Il fiume in piena (foto ANSA/Max Cavallari)", "Max Cavallari", "ANSA"),  # agency first, lower case
        ("A voter arrives. Photograph: Oli Scarff/AFP/Getty Images", "Oli Scarff", "Agence France-Presse"),
        ("Floodwater. (Photo by Mark Felix/AFP via Getty Images)", "Mark Felix", "Agence France-Presse"),
        ("Displaced families. (Photo by -/AFP via Getty Images)", "Agence France-Presse", "Agence France-Presse"),
        ("Students lock phones. (Maddie McGarvey for The Lakeside Tribune)", "Maddie McGarvey", "The Lakeside Tribune"),
        ("Des poids lourds. \u00a9 Jeff Pachoud / AFP", "Jeff Pachoud", "Agence France-Presse"),
        ("Arriv\u00e9e des dirigeants. \u00a9 JOHN THYS / AFP", "John Thys", "Agence France-Presse"),
        ("Miles de docentes marchan. Foto: AP/Luis Alberto Cruz", "Luis Alberto Cruz", "Associated Press"),
        ("Werkzaamheden aan een dijk. Foto: ANP / Vincent Jannink", "Vincent Jannink", "ANP"),
        ("El embalse al 9 % de su capacidad. EFE/Jorge Zapata", "Jorge Zapata", "EFE"),
        ("The presidential office in Seoul. (Ahn Young-joon/AP)", "Ahn Young-joon", "Associated Press"),
        ("A nurse prepares a vaccine. (AP Photo/Mary Conlon, File)", "Mary Conlon", "Associated Press"),
        (
            "\u5f37\u98a8\u306b\u3042\u304a\u3089\u308c\u308b\u8857\u8def\u6a39\uff08\u5171\u540c\uff09",
            "Kyodo News",
            "Kyodo News",
        ),
        ("The robotics team in the gym. Staff photo by Erin Walsh", "Erin Walsh", None),
        ("An engine test stand. File Photo by Joe Marino/UPI", "Joe Marino", "United Press International"),
        ("Votaci\u00f3n en el Congreso, este martes. SAMUEL S\u00c1NCHEZ", "Samuel S\u00e1nchez", None),
        ("Economy cabins are getting tighter. Image: Shutterstock", "Shutterstock", "Shutterstock"),
        (
            "The site borders the wetlands. Photo courtesy of Pine County Conservancy",
            "Pine County Conservancy",
            "Pine County Conservancy",
        ),
    ],
)
def test_a_photo_credit_in_caption_text_is_split_into_photographer_and_agency(caption, photographer, agency):
    credit = photo_credit(caption)
    assert credit is not None and (credit.name, credit.agency) == (photographer, agency)


@pytest.mark.parametrize(
    "caption",
    [
        "Smoke rises from the fire west of Boulder, Colo., on Saturday.",
        "Leaders meet in Paris (France) on Monday.",
        "The AC/DC concert in Berlin.",
        "Satellite image: the storm over Florida",
        "Fans cheer the winner at the NBA finals.",
    ],
)
def test_a_caption_without_a_credit_gives_none(caption):
    assert photo_credit(caption) is None


@pytest.mark.parametrize(
    ("credit_line", "photographer", "agency"),
    [
        ("David Zalubowski", "David Zalubowski", None),  # a credit element holding a bare name
        ("Jae C. Hong / AP", "Jae C. Hong", "Associated Press"),
        ("Kevin Winter/Getty Images for Live Nation", "Kevin Winter", "Getty Images"),
        ("Bild: picture alliance/dpa | Marcus Brandt", "Marcus Brandt", "Deutsche Presse-Agentur"),
        ("Photographer: Cristobal Olivares/Bloomberg", "Cristobal Olivares", "Bloomberg"),
        ("Photo by Kenji Ross, Gulf Coast Times", "Kenji Ross", "Gulf Coast Times"),
        ("Photograph: Alamy", "Alamy", "Alamy"),
        ("Photo by Richard Shotwell/Invision/AP", "Richard Shotwell", "Associated Press"),  # the known agency wins
        ("NASA/JPL-Caltech/ASU", "NASA", "NASA"),  # institutions in capitals, no photographer
        ("Leonhard Foeger / Reuters file", "Leonhard Foeger", "Reuters"),
        ("Getty Images", "Getty Images", "Getty Images"),
    ],
)
def test_a_credit_element_is_split_into_photographer_and_agency(credit_line, photographer, agency):
    credit = photo_credit(credit_line, explicit=True)
    assert credit is not None and (credit.name, credit.agency) == (photographer, agency)


@pytest.mark.parametrize(
    ("byline", "people", "agencies", "photographers"),
    [
        ("By Sam Ortiz", ["Sam Ortiz"], [], []),
        ("MARIA SANTOS Associated Press", ["Maria Santos"], ["Associated Press"], []),
        (
            "By LISA MASCARO and KEVIN FREKING Associated Press",
            ["Lisa Mascaro", "Kevin Freking"],
            ["Associated Press"],
            [],
        ),
        ("By Tom Hale and Priya Nair, Reuters", ["Tom Hale", "Priya Nair"], ["Reuters"], []),
        ("By Dana Kim, The Associated Press", ["Dana Kim"], ["Associated Press"], []),
        ("By The Associated Press", [], ["Associated Press"], []),
        ("Par AFP", [], ["Agence France-Presse"], []),
        ("Quelle: dpa", [], ["Deutsche Presse-Agentur"], []),
        ("Sofia Almeida, com Lusa", ["Sofia Almeida"], ["Lusa"], []),
        ("Redacci\u00f3n / con informaci\u00f3n de AP", [], ["Associated Press"], []),
        ("Par Julie Moreau (avec AFP)", ["Julie Moreau"], ["Agence France-Presse"], []),
        ("By Sam Jones, UPI", ["Sam Jones"], ["United Press International"], []),
        ("By DEVI SHASTRI AP Health Writer", ["Devi Shastri"], ["Associated Press"], []),
        ("Maria Lusa", ["Maria Lusa"], [], []),  # a one-word agency name after a bare space is a surname
        ("Von Jonas Weber und Leonie Fischer", ["Jonas Weber", "Leonie Fischer"], [], []),
        ("Par Claire Dubois et Marc Petit", ["Claire Dubois", "Marc Petit"], [], []),
        ("Por Mar\u00eda L\u00f3pez y Juan G\u00f3mez", ["Mar\u00eda L\u00f3pez", "Juan G\u00f3mez"], [], []),
        ("di Marco Rossi", ["Marco Rossi"], [], []),
        ("Door Pieter de Vries", ["Pieter de Vries"], [], []),
        ("Von Max Berger, Berlin", ["Max Berger"], [], []),  # the place the author writes from
        ("By Kevin Li | Staff Writer", ["Kevin Li"], [], []),
        ("By Farah Siddiqui, Science Editor", ["Farah Siddiqui"], [], []),
        ("Ellie Marsh Business correspondent", ["Ellie Marsh"], [], []),
        ("By Tom Cruz tcruz@millfordpress.com", ["Tom Cruz"], [], []),
        ("Written by Dr. Amira Haddad", ["Amira Haddad"], [], []),
        ("Story by Gina Harrow \u2022 Photos by Phil Mercer", ["Gina Harrow"], [], ["Phil Mercer"]),
        ("Redacci\u00f3n", [], [], []),
        (
            "By JENNIFER SINCO KELLEHER and AUDREY McAVOY Updated 2:02 PM EDT",
            ["Jennifer Sinco Kelleher", "Audrey McAvoy"],
            [],
            [],
        ),
    ],
)
def test_a_byline_splits_into_people_agencies_and_photographers(byline, people, agencies, photographers):
    assert read_byline(byline) == (people, agencies, photographers)


@pytest.mark.parametrize(
    ("paragraphs", "blockquoted", "outlets"),
    [
        (["Two services are in talks, according to The Wall Street Journal."], (), ["Wall Street Journal"]),
        (["The talks were first reported by Bloomberg News on Tuesday evening."], (), ["Bloomberg News"]),
        (["The cuts were earlier reported by The Information."], (), ["Information"]),
        (["As Poynter reported in January, newsrooms have shrunk."], (), ["Poynter"]),
        (
            ["On the heat, Friday. The Baltimore Banner reports that centers ran out of water."],
            (),
            ["Baltimore Banner"],
        ),
        (["According to the Pew Research Center, 72 percent of teachers agree."], (), ["Pew Research Center"]),
        (["In an op-ed for The Atlantic last year, she called phones a crisis."], (), ["Atlantic"]),
        (["The Economist wrote that the rules had been bent."], (), ["Economist"]),
        (["According to Yonhap, the nominee faces a hearing."], (), ["Yonhap"]),
        (["Here is how the Financial Times described it:", "Any deal faces review."], (1,), ["Financial Times"]),
        (
            ["The bill cleared committee. Washington Post:", "The measure would allow four homes."],
            (1,),
            ["Washington Post"],
        ),
        (["And finally, from the Lede:", "The train was 11 hours late."], (1,), ["Lede"]),
        (["Financial Times:", "The numbers add up only if growth arrives."], (), ["Financial Times"]),
        (["He told the Taliban that talks were over."], (), []),  # "the" is not enough after "told"
        (["According to Smith, the plan will fail."], (), []),  # a person
        (["According to the Interior Ministry, 40 people died."], (), []),  # an institution speaking for itself
        (["She described the plan as follows:", "We build first."], (1,), []),  # no outlet named
    ],
)
def test_a_source_credit_names_the_outlet_in_any_markup(paragraphs, blockquoted, outlets):
    assert [c.name for c in source_credits(paragraphs, set(blockquoted))] == outlets


@pytest.mark.parametrize(
    ("head", "body", "section"),
    [
        (
            '<script type="application/ld+json">{"@type":"Article","articleSection":["articles","Health"]}</script>',
            "",
            "Health",
        ),
        (
            '<meta property="article:section" content="pinecountysentinel.com">',
            '<div class="story-kicker">Environment</div>',
            "Environment",
        ),
        ('<meta name="parsely-section" content="Tech">', "", "Tech"),
        ("", '<div itemscope><meta itemprop="articleSection" content="Space"></div>', "Space"),
        ("", '<span class="cat-links"><a href="/c/local/" rel="category tag">Local News</a></span>', "Local News"),
        (
            "",
            '<div class="entry-categories"><a href="/c/links/" rel="category">Morning Links</a></div>',
            "Morning Links",
        ),
        ("", '<nav class="sections"><a href="/news">News</a><a href="/photos">Photos</a></nav>', None),
        ("", '<div class="breadcrumb"><a href="/">Home</a> / <a href="/articles">Articles</a></div>', None),
    ],
)
def test_a_section_is_never_articles_a_domain_or_the_navigation(head, body, section):
    tree = html.fromstring(f"<html><head>{head}</head><body>{body}<h1>Title</h1><p>{STORY}</p></body></html>")
    assert extract_metadata(tree).section == section


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


@pytest.mark.parametrize(
    ("block_html", "caption", "photographer", "agency"),
    [
        # the caption printed right after the figure
        (
            '<figure><img src="/2.jpg"></figure><p class="image-caption">Ballots are sorted. '
            "Photograph: Gary Calton/The Chronicle</p>",
            "Ballots are sorted.",
            "Gary Calton",
            "The Chronicle",
        ),
        # a credit span beside the image, the caption in a paragraph after the block
        (
            '<div class="post-image"><img src="/2.jpg"><span class="image-credit">Ludovic Marin / AFP</span></div>'
            '<p class="image-caption">Commuters wait outside a metro station.</p>',
            "Commuters wait outside a metro station.",
            "Ludovic Marin",
            "Agence France-Presse",
        ),
        # the image sits deeper than its caption and credit (CNN-like)
        (
            '<div class="image"><div class="image__container"><img src="/2.jpg"></div><div class="image__metadata">'
            '<div class="image__caption"><span>The Capitol.</span></div><figcaption class="image__credit">'
            "Kent Nishimura/Bloomberg/Getty Images</figcaption></div></div>",
            "The Capitol.",
            "Kent Nishimura",
            "Bloomberg",
        ),
        # microdata caption and creditText
        (
            '<figure><img src="/2.jpg"><figcaption><span itemprop="caption">The planet.</span> '
            '<span itemprop="creditText">Photo: Ana Ruiz/Reuters</span></figcaption></figure>',
            "The planet.",
            "Ana Ruiz",
            "Reuters",
        ),
        # AMP
        (
            '<figure><amp-img src="/2.jpg" width="1" height="1"></amp-img><figcaption>A bus. '
            '<span class="amp-credit">Jae C. Hong / AP</span></figcaption></figure>',
            "A bus.",
            "Jae C. Hong",
            "Associated Press",
        ),
        # a plain caption paragraph in a Spanish photo block
        (
            '<div class="foto-principal"><img src="/2.jpg"><p class="pie-foto">El embalse. EFE/Jorge Zapata</p></div>',
            "El embalse.",
            "Jorge Zapata",
            "EFE",
        ),
        # the image inside wrappers (a link, a picture), the credit beside them, the caption after the block
        (
            '<div class="lead"><div><a href="/big.jpg"><picture><source srcset="/2.jpg"><img src="/2.jpg"></picture>'
            '</a><span class="credit">Ana Ruiz/Reuters</span></div><p class="caption">A harbour.</p></div>',
            "A harbour.",
            "Ana Ruiz",
            "Reuters",
        ),
        # the credit deep in a sibling of the image's wrapper, no caption
        (
            '<div class="story-photo"><span><img src="/2.jpg"></span><div><div><em class="credit">Tom Reyes/Reuters'
            "</em></div></div></div>",
            None,
            "Tom Reyes",
            "Reuters",
        ),
    ],
)
def test_an_image_block_finds_its_caption_and_credit_wherever_they_stand(block_html, caption, photographer, agency):
    tree = html.fromstring(f"<html><body><article><p>{STORY}</p>{block_html}<p>{STORY}</p></article></body></html>")
    images, credits, _ = extract_images(tree, "https://example.com/story")
    assert [(i.url, i.caption, i.photographer, i.agency) for i in images] == [
        ("https://example.com/2.jpg", caption, photographer, agency)
    ]
    assert [(c.name, c.agency) for c in credits] == [(photographer, agency)]


def test_picture_sources_yield_the_img_src_and_byline_photographers_credit_uncredited_images():
    block = (
        '<figure><picture><source srcset="/2.webp 1600w"><img src="/2.jpg"></picture>'
        "<figcaption>Ruth behind the counter.</figcaption></figure>"
    )
    tree = html.fromstring(f"<html><body><article><p>{STORY}</p>{block}</article></body></html>")
    images, credits, _ = extract_images(tree, "https://example.com/s", photographers=["Phil Mercer"])
    assert [(i.url, i.photographer) for i in images] == [("https://example.com/2.jpg", "Phil Mercer")]
    assert [(c.role.value, c.name) for c in credits] == [("photo", "Phil Mercer")]
    by_author = html.fromstring(
        '<html><body><figure><img src="/3.jpg"><figcaption>A studio. Photo by the author.</figcaption></figure></body></html>'
    )
    images, _, _ = extract_images(by_author, "https://example.com/s", authors=["Beatriz Moreno"])
    assert [(i.caption, i.photographer) for i in images] == [("A studio.", "Beatriz Moreno")]


@pytest.mark.parametrize(
    ("page_html", "urls"),
    [
        # an author's headshot in the byline, or linked to the author's page, is no article image
        ('<div class="byline"><figure><img src="/head.jpg"><figcaption>Ana Swanson</figcaption></figure></div>', []),
        ('<div><a href="/by/ana-swanson"><img src="/head.jpg"></a><p class="caption">By Ana Swanson</p></div>', []),
        # a thumbnail in a menu neither
        (
            '<ul class="sub-menu"><li><figure><img src="/t.jpg"><figcaption>Parenting</figcaption></figure></li></ul>',
            [],
        ),
        # a theme flag on body or a BEM modifier naming navigation does not hide the article's images
        (
            '<div class="content-header--simple-navigation"><figure><img src="/a.jpg"><figcaption>The lead.</figcaption>'
            "</figure></div>",
            ["https://example.com/a.jpg"],
        ),
    ],
)
def test_headshots_and_menu_thumbnails_are_not_article_images(page_html, urls):
    tree = html.fromstring(
        f'<html><body class="navigation-border-thin"><article>{page_html}<p>{STORY}</p></article></body></html>'
    )
    images, _, _ = extract_images(tree, "https://example.com/story")
    assert [i.url for i in images] == urls


def test_source_cue_words_are_lowercase():
    """credits.py matches SOURCE_CUE's pattern in the lowercased line, without IGNORECASE."""
    assert rules.SOURCE_CUE.pattern == rules.SOURCE_CUE.pattern.lower()
