"""Extraction rules as data: speech verbs, credit patterns, agency names, source phrases, discard selectors."""

from __future__ import annotations

import re

# --- sizes and thresholds -------------------------------------------------------------------
MAX_HTML_CHARS = 5_000_000  # larger documents are truncated to this many characters before parsing
MAX_INPUT_BYTES = 60_000_000  # anything larger is refused outright (never decoded)
MAX_TREE_DEPTH = 400  # lxml caps nesting itself; deeper trees are flattened by the parser
MIN_BODY_CHARS = 25  # less main text than this and the page is "not an article"
SHORT_QUOTE_WORDS = 4  # quoted strings shorter than this need a speech cue to count as quotes

# --- discard: parts of a page that are never body text (removed before the body pass) ---------
# Each token is matched against class and id attributes (contains, case-insensitive).
DISCARD_CLASS_TOKENS = (
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "share",
    "social",
    "related",
    "recommended",
    "comments",
    "comment-",
    "disqus",
    "advert",
    "ad-slot",
    "sponsor",
    "promo",
    "outbrain",
    "taboola",
    "breadcrumb",
    "byline",
    "caption",
    "credit",
    "cookie",
    "most-popular",
    "trending",
    "read-more",
    "readmore",
    "author-bio",
    "tags",
    "contributor",
    "discussion",
    # teaser boxes for other stories
    "latest-news",
    "more-news",
    "more-stories",
    "recirc",
    "up-next",
    "read-next",
    "next-up",
    "you-may",
    "you-might",
    "around-the-web",
    "more-from",
    "also-read",
    "most-read",
    "further-reading",
)
# <address> holds the author's contact line, never story text
DISCARD_TAGS = ("nav", "aside", "footer", "form", "figcaption", "button", "noscript", "iframe", "svg", "address")

# --- body line filters: lines that leak from widgets even after the tree pass -----------------
BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|sponsored|share(?: this| on \w+)?|tweet|email|print|"
    r"sign up(?: for| to)?\b.*newsletter.*|subscribe(?: now| today)?\b.{0,60}|"
    r"(?:related|recommended|more|read more)(?: stories| articles| from \w+)?:?|"
    r"\d+ comments?|(?:reader )?comments? \(\d+\)|leave a comment|click here to .{0,60}|follow us on .{0,40}|"
    r"(?:- )?(?:order reprints|print article|print this (?:page|article)|thank you|"
    r"an error has occurred.{0,40}|this article has been sent to.{0,40})|"
    r"(?:copyright|\u00a9|\(c\)) ?.{0,120}|all rights reserved.{0,40}|"
    r"https?://\S+|write to .{1,60} at \S+@\S+|"
    r"this copy is for your personal,? non-commercial use only.{0,300}|"  # Dow Jones reprint notice
    r"(?:read|see|watch) more:.{0,200}|don['\u2019]?t miss:?|"  # tabloid cross-links ("READ MORE: ...")
    r".{0,200}\[(?:insight|video|reaction|news|pics|latest|reveal|analysis|poll|live|update|warning)\]\|?|"
    r"[_*=~\u2022\u00b7\u2014-]{3,})$",  # a rule drawn with characters: "___", "* * *" is kept as a break
    re.IGNORECASE,
)

# a story split into containers of one class between ad rows: the main one must hold this many paragraphs,
# and only paragraphs this long are taken from the others
SPLIT_BODY_MIN_PARAGRAPHS = 3
SPLIT_BODY_MIN_CHARS = 40

LINK_LIST_DENSITY = 0.8  # a list whose text is mostly link text is navigation or "related" links
LINK_LIST_MIN_ITEMS = 2

# --- agencies and outlets -------------------------------------------------------------------
# every spelling of an agency -> its one canonical name (the name credits and facets carry)
AGENCIES = {
    "AP": "Associated Press",
    "Associated Press": "Associated Press",
    "The Associated Press": "Associated Press",
    "Reuters": "Reuters",
    "Thomson Reuters": "Reuters",
    "AFP": "Agence France-Presse",
    "Agence France-Presse": "Agence France-Presse",
    "Agence France Presse": "Agence France-Presse",
    "Getty Images": "Getty Images",
    "Getty": "Getty Images",
    "EPA": "EPA",
    "EPA-EFE": "EPA-EFE",
    "Bloomberg": "Bloomberg",
    "UPI": "United Press International",
    "United Press International": "United Press International",
    "dpa": "Deutsche Presse-Agentur",
    "Deutsche Presse-Agentur": "Deutsche Presse-Agentur",
    "Xinhua": "Xinhua",
    "Shutterstock": "Shutterstock",
    "Pool": "Pool",
    "AAP": "Australian Associated Press",
    "Australian Associated Press": "Australian Associated Press",
    "PA": "PA Media",
    "PA Media": "PA Media",
    "CNN": "CNN",
    "ANSA": "ANSA",
    "Kyodo": "Kyodo News",
    "Kyodo News": "Kyodo News",
    "Yonhap": "Yonhap",
    "EFE": "EFE",
    "Agencia EFE": "EFE",
    "Lusa": "Lusa",
    "ANP": "ANP",
    "\u5171\u540c": "Kyodo News",  # 共同, Kyodo's Japanese byline and caption credit
    "\u5171\u540c\u901a\u4fe1": "Kyodo News",  # 共同通信
    "Bloomberg News": "Bloomberg",
    "Europa Press": "Europa Press",
    "Belga": "Belga",
    "TASS": "TASS",
    "Anadolu": "Anadolu",
    "IANS": "IANS",
    "PTI": "Press Trust of India",
    # photo libraries: credited for pictures, never a story's wire
    "Alamy": "Alamy",
    "Alamy Stock Photo": "Alamy",
    "iStock": "iStock",
    "iStockphoto": "iStock",
    "Unsplash": "Unsplash",
    "Pexels": "Pexels",
    "Wikimedia Commons": "Wikimedia Commons",
    # space agencies credit their images: "NASA/JPL-Caltech", "ESA/Hubble"
    "NASA": "NASA",
    "ESA": "ESA",
    "JPL": "JPL",
    "JPL-Caltech": "JPL",
    "Press Trust of India": "Press Trust of India",
}
# canonical names of news agencies that file stories (a byline or dateline naming one is a wire credit);
# photo libraries (Getty Images, Shutterstock, Pool) credit pictures only
WIRE_AGENCIES = {
    "Associated Press",
    "Reuters",
    "Agence France-Presse",
    "Deutsche Presse-Agentur",
    "United Press International",
    "Xinhua",
    "Australian Associated Press",
    "PA Media",
    "ANSA",
    "Kyodo News",
    "Yonhap",
    "EFE",
    "Lusa",
    "ANP",
    "Bloomberg",
    "Europa Press",
    "Belga",
    "TASS",
    "Anadolu",
    "IANS",
    "Press Trust of India",
}
# photo agencies written in lower case or with a prefix in credits: "picture alliance/dpa | Name"
PHOTO_CREDIT_NOISE = re.compile(r"^(?:picture[ -]alliance|imago(?: images)?|keystone|ddp|action press)$", re.I)
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))

# --- photo credits (matched against captions, credit spans and short lines) ------------------
# a full stop only after an initial ("J. Scott Applewhite"), so "Rescuers. Tom Reyes" is no name
_NAME_WORD = r"[A-Z](?:\.|[\w'\u2019-]*)"
NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|da|al|el|bin)){{0,4}}"
# a credit line inside or closing a caption, tried in order; each gives the credit's "body"
# ("Tom Reyes/Reuters"), which photo_credit() splits into photographer and agency at "/", "|", "for", ","
_CREDIT_WORD = r"(?i:photo(?:graph)?s?|photographer|image|picture|credit|foto|bild|illustration|fotograf[i\u00ed]a)"
PHOTO_CREDIT_PATTERNS = (
    # "Photograph: Tom Reyes/Reuters", "(Photo by Mark Felix/AFP via Getty Images)", "Foto: AP/Luis Cruz",
    # "Photo : Nicolas Tucat / AFP", "Photo courtesy of the Conservancy", "(foto ANSA/Max Cavallari)"
    re.compile(
        rf"[(\[]?(?<![\w])(?P<text>(?:(?i:staff|file|handout|pool|courtesy)\s+)?{_CREDIT_WORD}\s*(?::|\bby\b|\bcourtesy\s+of\b|\bvon\b|(?=\s+[^\s/]+\s*/))"
        r"\s*(?P<body>[^()\[\]:]{2,120}?))[)\]]?\.?$"
    ),
    # "AP Photo/Zabi Karimi", "Reuters Photo / Jane Doe"
    re.compile(rf"[(\[]?(?P<text>(?P<body>(?:{_AGENCY_ALT})\s+Photos?\s*/\s*{NAME}))[)\]]?\.?$"),
    # "\u00a9 Jeff Pachoud / AFP"
    re.compile(r"(?P<text>(?:\u00a9|\(c\)|Copyright)\s*(?P<body>[^\u00a9]{2,120}?))\.?$"),
    # in brackets closing a caption: "(Ahn Young-joon/AP)", "(Maddie McGarvey for The Tribune)", "(Reuters)", "（共同）"
    re.compile(
        rf"[(\uff08](?P<text>(?P<body>[^()\uff08\uff09]{{2,80}}?/[^()\uff08\uff09]{{2,80}}|{NAME}\s+for\s+{NAME}|"
        rf"(?:{_AGENCY_ALT})(?:\s+Photos?)?))[)\uff09]\.?$"
    ),
    # bare, after the caption's last sentence: "... parade. Marisol Reyes/Valley Herald", "EFE/Jorge Zapata"
    re.compile(
        rf"(?:(?<=[.!?\u201d\"\u00bb])\s+|^)(?P<text>(?P<body>{NAME}\s*/\s*{NAME}(?:\s*/\s*{NAME})*"
        rf"(?:\s+(?:via|for)\s+{NAME})?(?:\s+(?i:file))?))\.?$"
    ),
    # a photographer's name in capitals closing the caption: "... este martes. SAMUEL S\u00c1NCHEZ"
    re.compile(
        r"(?<=[.!?])\s+(?P<text>(?P<body>[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'-]+(?:\s+[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'-]+){1,3}))$"
    ),
    # a bare agency: "Getty Images", "AP Photo", "Reuters"
    re.compile(rf"^[(\[]?(?P<text>(?P<body>(?:{_AGENCY_ALT})(?:\s+Photos?)?))[)\]]?\.?$"),
    # last resort, anywhere in the caption: a bracketed credit with its keyword "(Photo: Getty Images)"
    re.compile(rf"[(\[](?P<text>{_CREDIT_WORD}\s*(?::|\bby\b)\s*(?P<body>[^()\[\]:]{{2,80}}))[)\]]"),
)
# image blocks: an <img> belongs to the nearest figure or element with one of these class tokens (within
# IMAGE_BLOCK_MAX_DEPTH levels) that holds no other image; its caption and credit are read inside it
IMAGE_BLOCK_CLASS_TOKENS = (
    "wp-caption",
    "wp-block-image",
    "image",
    "photo",
    "media",
    "picture",
    "visuel",
    "foto",
    "bild",
    "gallery-item",
)
IMAGE_BLOCK_MAX_DEPTH = 4
# caption elements (inside the block, or the element right after it)
IMAGE_CAPTION_CLASS_TOKENS = ("caption", "legend", "pie-foto", "unterschrift", "cutline", "bildtext")
# credit elements inside a block or its caption
IMAGE_CREDIT_CLASS_TOKENS = (
    "credit",
    "copyright",
    "byline",
    "source",
    "attribution",
    "photographer",
    "bildnachweis",
    "bildrechte",
)
PHOTO_CREDIT_NAMED = (0, 2, 5, 7)  # patterns whose single name is a photographer ("Photo by X", "\u00a9 X")
CREDIT_COURTESY = re.compile(r"\bcourtesy\b", re.I)
# how a credit body splits into its parts: "Oli Scarff/AFP/Getty Images", "dpa | Marcus Brandt",
# "Kenji Ross, Gulf Coast Times", "Kevin Winter/Getty Images for Live Nation"
CREDIT_PART_SEPARATOR = re.compile(r"\s*(?:/|\||,|\s+for\s+)\s*")
CREDIT_VIA = re.compile(r"\s+via\s+.*$")
CREDIT_YEAR = re.compile(r"^\d{4}\s+")  # "\u00a9 2019 Jane Doe"
CREDIT_MAX_WORDS = 6  # a longer credit part is a sentence ("All Rights Reserved. Designed by"), not a name
CREDIT_NOT_A_NAME = re.compile(r"\d|rights reserved|designed by|powered by", re.I)
CREDIT_FILE = re.compile(
    r"[\s,]+\(?file(?:\s+photo)?\)?$", re.I
)  # "Leonhard Foeger / Reuters file"  # "... via Getty Images": the distributor, not the agency
CREDIT_AGENCY_PHOTO = re.compile(r"\s+Photos?$")  # "AP Photo" -> AP
# "Photo by the author": the byline's author took it
CREDIT_BY_AUTHOR = re.compile(r"^(?:the\s+)?(?:author|writer|reporter)$", re.I)
# a byline part naming the photographer: "Story by Gina Harrow \u2022 Photos by Phil Mercer"
BYLINE_PHOTOS = re.compile(r"\b(?:Photos?|Photographs?|Pictures?|Images?)\s+(?:by|:)\s*(?P<names>.+)$", re.I)
CREDIT_LINE = re.compile(
    rf"^(?:\(?(?:Photo(?:graph)?s?|Photographer|Image|Picture|Credit|Foto|Bild)\b.{{0,80}}|\(?(?:{_AGENCY_ALT})\s+Photos?\b.{{0,60}}|"
    rf"{NAME}\s*/\s*(?:{_AGENCY_ALT})(?:\s+via\s+Getty Images)?\)?\.?)$"
)

# --- bylines ------------------------------------------------------------------------------
# the word that opens a byline, in the languages of the annotated set
BYLINE_OPENER = re.compile(
    r"^\s*(?:(?:story|words|text|written|reported|posted|compiled|reporting|analysis|commentary)\s+by|by|von|par|por|di|door|"
    r"texto|text|quelle|source|fuente)\s*:?\s+",
    re.IGNORECASE,
)
# names in a byline are separated by commas, "and" in several languages, "&", ";", " | "
BYLINE_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+(?:and|und|et|y|e|en)\s+|\s*&\s*|\s*;\s*|\s+\|\s+)\s*")
# a job title after the names ends the byline: "By Kevin Li | Staff Writer", "Ellie Marsh Business correspondent"
BYLINE_JOB_TITLE = re.compile(
    r"\s*[,|]?\s*\b(?:updated|published)\b.*$|"
    # a beat may stand before the title, in capitalised words ("AP Health Writer" keeps "AP")
    r"(?:\s*[,|]\s*(?:[\w-]+\s+){0,3}?|\s+(?-i:(?:[A-Z][a-z]+\s+)?))(?:senior |chief |staff |contributing )?"
    r"(?:writer|correspondent|reporter|editor|columnist|contributor|photographer)\b.*$",
    re.IGNORECASE,
)
# an agency closing a byline: "MARIA SANTOS Associated Press", "By A and B, Reuters", "Sofia Almeida, com Lusa",
# "Redacci\u00f3n / con informaci\u00f3n de AP"
_BYLINE_CONNECTOR = r"(?i:(?:with|com|con|avec|mit|and|und|y)\s+(?:informaci\u00f3n\s+de\s+)?)"
# agencies a byline may name after a bare space: several words or an acronym ("... Associated Press", "... AP"),
# never a single word that could be a surname ("Lusa")
_BARE_AGENCY_ALT = "|".join(
    sorted((re.escape(a) for a in AGENCIES if " " in a or (a.isupper() and len(a) > 1)), key=len, reverse=True)
)
BYLINE_AGENCY = re.compile(
    rf"(?:(?:^|\s*[,/]\s*\(?{_BYLINE_CONNECTOR}?|\s+\(?{_BYLINE_CONNECTOR})(?:(?i:the)\s+)?(?P<agency>{_AGENCY_ALT})\)?|"
    rf"\s+(?:(?i:the)\s+)?(?P<bare>{_BARE_AGENCY_ALT}))\.?$"
)
# an e-mail address or handle in a byline is contact information, not a name
BYLINE_CONTACT = re.compile(r"\s*(?:\S+@\S+|@\w+)")
# a date or time after the names: "By Louis Jacobson on Monday, May 4"
BYLINE_DATE_TAIL = re.compile(
    r"\s+(?:on|at)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|\d).*$"
)
# honorifics dropped from an author's name ("Dr. Amira Haddad" -> "Amira Haddad")
AUTHOR_HONORIFIC = re.compile(r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx)\.?\s+")
# desk names and placeholders that stand where a person's name would: never an author
NOT_AUTHORS = {
    "staff",
    "staff reports",
    "newsroom",
    "news desk",
    "editorial board",
    "the editorial board",
    "redacci\u00f3n",
    "redaktion",
    "r\u00e9daction",
    "redazione",
    "reda\u00e7\u00e3o",
    "redactie",
    "admin",
}

# --- wire credits ---------------------------------------------------------------------------
# "WASHINGTON (AP) —", "KABUL, Afghanistan (Reuters) -"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z\u00c0-\u00de][\w .'\u2019/-]{{1,40}}(?:,\s*[\w. ]{{1,30}})?)\s*\((?P<agency>{_AGENCY_ALT})\)"
    rf"\s*[\u2014\u2013-]+\s*"
)
# a dateline without a place: "(AFP) \u2014 ...", "(Reuters) - ..."
BARE_DATELINE = re.compile(rf"^\((?P<agency>{_AGENCY_ALT})\)\s*[\u2014\u2013-]+\s*")
WIRE_BYLINE = re.compile(
    r"^(?:By\s+)?(?:The\s+)?(?P<agency>Associated Press|Reuters|AFP|Agence France-Presse|Agence France Presse)$", re.I
)
# an end line that names the agency: "\u2014 Reuters", "- AFP", "(AP)"; matched against the last paragraphs
WIRE_END_LINE = re.compile(rf"^(?:[\u2014\u2013-]+\s*(?P<agency>{_AGENCY_ALT})|\((?P<paren>{_AGENCY_ALT})\))\.?$")
DATELINE_PARAGRAPHS = 5  # how many opening paragraphs may hold the dateline (kickers and bylines can come first)
WIRE_END_LINES = 3  # how many closing paragraphs are read for end lines and contributor credits
# "Additional reporting by Jane Doe in Paris and Ali Khan": a contributor credit, one per name
# one segment of an end line (segments split at ";"): "Additional reporting by ...", "... contributed to this
# report", "With assistance from ..." (Bloomberg)
CONTRIBUTOR_LINE = re.compile(
    r"^\(?(?:(?:Additional|Further|Extra)\s+reporting|Writing|Compiled)\s+by\s+(?P<names>.+?)\)?\.?$|"
    r"^\(?(?P<names2>.+?)\s+contributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b.*$|"
    r"^[\u2014\u2013-]*\s*With\s+assistance\s+from\s+(?P<names3>.+?)\)?\.?$",
    re.I,
)
CONTRIBUTOR_SEGMENT = re.compile(r"\s*;\s*")
# "Associated Press writers Ana Ruiz and ...": the agency and job before the names
CONTRIBUTOR_JOB = re.compile(
    rf"^(?:The\s+)?(?:{_AGENCY_ALT})?\s*(?:staff\s+)?(?:writers?|reporters?|correspondents?)\s+", re.I
)
# "Jane Doe in Paris": the place after a contributor's name is not part of it
CONTRIBUTOR_PLACE = re.compile(r"\s+(?:in|from)\s+[A-Z][\w .'\u2019-]*$")
CONTRIBUTOR_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|&)\s*")

# --- sources named in the text --------------------------------------------------------------
# an outlet's name: capitalised words, joined by "of", "and", "on" ("Bureau of Investigative Journalism")
# (a full stop only inside a word, "U.S", so "Friday. The Banner" is two sentences)
_OUTLET_WORD = r"[A-Z][\w&'\u2019-]*(?:\.[A-Za-z]+)*"
OUTLET = rf"(?:[Tt]he\s+)?{_OUTLET_WORD}(?:\s+(?:of|and)\s+{_OUTLET_WORD}|\s+{_OUTLET_WORD})*"
# (pattern, what the name needs): "any" after a cue that names an outlet whatever it is called ("first reported
# by The Information", "As Poynter reported"); "the" a name that reads like an outlet or is written with "the"
# ("according to the Pew Research Center"); "hint" a name that reads like an outlet ("told the Herald", not
# "told the Taliban"). See _plausible_outlet in credits.py
SOURCE_PATTERNS = (
    (re.compile(rf"\b[Aa]ccording to (?P<name>{OUTLET})"), "the"),
    (
        re.compile(
            rf"\b[Ii]n an? (?:op-ed|opinion piece|column|interview|essay|article|editorial|report) "
            rf"(?:for|with|in|published by|by) (?P<name>{OUTLET})"
        ),
        "any",
    ),
    (
        re.compile(rf"\b(?:[Aa]s|[Ff]irst) (?P<name>{OUTLET}) (?:first )?(?:reported|reports|noted|wrote|revealed)\b"),
        "any",
    ),
    (re.compile(rf"\b(?:first |earlier |originally )?(?:reported|revealed) by (?P<name>{OUTLET})"), "any"),
    (re.compile(rf"\ban? (?:report|story|investigation|article) by (?P<name>{OUTLET})"), "hint"),
    (
        re.compile(
            rf"(?P<name>{OUTLET}),? (?:reported|first reported|reports that|has reported|wrote|writes|said in an editorial|"
            rf"revealed|disclosed)\b"
        ),
        "the",
    ),
    (re.compile(rf"\b(?:told|in an interview with) (?P<name>{OUTLET})"), "hint"),
)
# every source pattern needs one of these words: paragraphs without them are not scanned
SOURCE_CUE = re.compile(
    r"\b(?:according|op-ed|opinion|column|interview|essay|article|editorial|report|reported|"
    r"reports|told|wrote|writes|revealed|disclosed|noted)\b",
    re.IGNORECASE,
)
# words that look like outlet names but are people or pronouns in these positions
NOT_OUTLETS = {"He", "She", "They", "It", "We", "I", "You", "This", "That", "Officials", "Police", "Local"}
# a name holding one of these is an institution that speaks for itself, not an outlet the story draws on
NOT_OUTLET_WORDS = {
    "Ministry",
    "Department",
    "Police",
    "Office",
    "Court",
    "Council",
    "Commission",
    "Government",
    "Senate",
    "Congress",
    "Parliament",
    "Army",
    "Company",
    "Inc",
    "Corp",
    "University",
    "House",
    "Kremlin",
    "Pentagon",
    "Organization",
    "Organisation",
    "Federation",
    "Association",
    "Bureau",
    "Foundation",
    "Union",
    "Party",
    "Institute",
    "Center",
    "Centre",
    "Bank",
    "Program",
    "Programme",
    "Authority",
    "Service",
}
OUTLET_HINTS = re.compile(
    r"\b(?:Post|Times|News|Journal|Press|Reuters|AP|AFP|CNN|BBC|NBC|CBS|ABC|NPR|Fox|Tribune|Guardian|"
    r"Telegraph|Herald|Gazette|Politico|Axios|Bloomberg|Agency|Daily|Magazine|Wire|Network|Radio|TV|"
    r"Television|Sun|Star|Mail|Independent|Economist|Atlantic|Hill|Breitbart|HuffPost|Chronicle|Globe|"
    r"Insider|Monitor|Observer|Review|Dispatch|Examiner|Register|Tass|Xinhua|Al Jazeera|Sky|Banner|Courier|"
    r"Bulletin|Ledger|Sentinel|Record|Inquirer|Standard|Express|Mirror|Financial|Reporter|Report|Research)\b"
)
# a paragraph that introduces an excerpt: "Washington Post:" (short, ends with a colon)
EXCERPT_INTRO = re.compile(
    rf"^(?:From |Via |Here's |As )?(?P<name>{OUTLET})(?: reports| reported| wrote| writes| notes)?:$"
)
# the last sentence of a paragraph that ends with a colon before a quoted block: "... Washington Post:",
# "Here is how the Financial Times described the obstacles:", "And finally, from the Lede:"
EXCERPT_LEAD = re.compile(r"(?:^|[.!?]\s+)(?P<sentence>[^.!?]{2,160}):$")
EXCERPT_INTRO_MAX_WORDS = 8  # a colon paragraph this short introduces an excerpt even without a blockquote
# words dropped from the front or back of a candidate name ("On Tuesday Politico", "The Journal Monday")
OUTLET_TRIM_WORDS = {"As", "And", "But", "From", "Via", "Finally", "Here", "Then", "Now", "First", "Earlier"}

# --- quotes ---------------------------------------------------------------------------------
SPEECH_VERBS = (
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tell",
    "added",
    "adds",
    "asked",
    "asks",
    "explained",
    "explains",
    "noted",
    "notes",
    "stated",
    "states",
    "wrote",
    "writes",
    "argued",
    "argues",
    "claimed",
    "claims",
    "insisted",
    "insists",
    "declared",
    "declares",
    "warned",
    "warns",
    "continued",
    "continues",
    "recalled",
    "recalls",
    "replied",
    "replies",
    "responded",
    "responds",
    "remarked",
    "remarks",
    "observed",
    "observes",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "announced",
    "announces",
    "answered",
    "answers",
    "conceded",
    "concedes",
    "contended",
    "contends",
    "countered",
    "counters",
    "cautioned",
    "cautions",
    "emphasized",
    "emphasizes",
    "stressed",
    "stresses",
    "suggested",
    "suggests",
    "tweeted",
    "tweets",
    "posted",
    "posts",
    "joked",
    "jokes",
    "quipped",
    "quips",
    "shouted",
    "shouts",
    "yelled",
    "yells",
    "chanted",
    "chant",
    "chants",
    "predicted",
    "predicts",
    "promised",
    "promises",
    "vowed",
    "vows",
    "pledged",
    "pledges",
    "complained",
    "complains",
    "boasted",
    "boasts",
    "mused",
    "muses",
    "lamented",
    "laments",
    "urged",
    "urges",
    "charged",
    "charges",
    "pleaded",
    "pleads",
    "testified",
    "testifies",
    "demanded",
    "demands",
    "called",
    "calls",
    "described",
    "describes",
    "described",
    "dubbed",
    "dubs",
    "labeled",
    "termed",
    "speculated",
    "reported",
    "reports",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "agreed",
    "agrees",
    "believes",
    "believed",
    "thinks",
    "thought",
    "predicted",
    "proclaimed",
    "proclaims",
    "insisted",
    "maintained",
    "maintains",
    "repeated",
    "repeats",
    "reiterated",
    "reiterates",
    "whispered",
    "screamed",
    "began",
    "concluded",
    "concludes",
    "wondered",
    "wonders",
    "blasted",
    "slammed",
    "accused",
    "accuses",
    "praised",
    "praises",
    "criticized",
    "criticizes",
    "mocked",
    "mocks",
    "coached",
    "read",
    "reads",
    "saying",
    "telling",
    "adding",
    "asking",
    "noting",
    "writing",
    "arguing",
    "calling",
    "explaining",
    "according",
    "interjected",
    "retorted",
    "snapped",
    "scoffed",
    "quipped",
    "bragged",
    "griped",
    "fumed",
    "gushed",
    "marveled",
    "marvelled",
    "exclaimed",
    "protested",
    "objected",
    "reasoned",
    "recounted",
    "elaborated",
    "confided",
    "conceded",
    "assured",
    "reminded",
    "cautioned",
    "hinted",
    "offered",
    "opined",
    "sighed",
    "laughed",
    "cried",
    "pressed",
    "recalls",
    "tells",
    "texted",
    "emailed",
    "wrote",
    "advised",
    "cheered",
    "worried",
    "worries",
    "feared",
    "fears",
    "hoped",
    "hopes",
    "indicated",
    "signaled",
    "asserted",
    "asserts",
    "estimated",
    "questioned",
    "referenced",
    "cited",
    "cites",
    "quoted",
    "echoed",
    "warning",
    "insisting",
    "suggesting",
    "claiming",
    "declaring",
    "acknowledging",
    "admitting",
    "stressing",
)
# cues of a mixed quote that are no verb of saying: 'dismissed the plan as "a stunt"', 'branded him "a liar"'
MIXED_CUE_VERBS = (
    "dismissed",
    "dismisses",
    "dismissing",
    "denounced",
    "denounces",
    "denouncing",
    "branded",
    "brands",
    "branding",
    "hailed",
    "hails",
    "hailing",
    "condemned",
    "condemns",
    "decried",
    "decries",
    "characterized",
    "characterizes",
    "characterised",
    "derided",
    "derides",
    "ridiculed",
    "lambasted",
    "touted",
    "touts",
    "labelled",
    "labels",
    "likened",
    "likens",
    "describing",
    "dubbing",
    "labeling",
    "referred",
    "refers",
    "referring",
    "mocking",
    "blasting",
    "slamming",
    "praising",
    "accusing",
    "criticizing",
)
# the speech verbs of posting and writing: 'tweeted', 'wrote in a post', 'posted on Facebook'
POSTING_VERBS = (
    "tweeted",
    "tweets",
    "tweeting",
    "posted",
    "posting",
    "wrote",
    "writes",
    "writing",
    "texted",
    "emailed",
)
SPEECH_VERB_RE = "|".join(sorted(set(SPEECH_VERBS + MIXED_CUE_VERBS + POSTING_VERBS), key=len, reverse=True))
# verbs that introduce reported speech ("X said that ...") for indirect quotes
REPORTING_VERBS = (
    "said",
    "says",
    "told",
    "tells",
    "added",
    "warned",
    "argued",
    "claimed",
    "insisted",
    "noted",
    "explained",
    "stated",
    "announced",
    "acknowledged",
    "admitted",
    "stressed",
    "believes",
    "thinks",
    "predicted",
    "suggested",
    "contended",
    "maintained",
)
PRONOUNS = {"he", "she", "they", "i", "we", "him", "her", "it"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
# capitalized words that start sentences or name things, but are not speakers
NOT_NAMES = {
    "He",
    "She",
    "They",
    "It",
    "We",
    "I",
    "You",
    "The",
    "This",
    "That",
    "But",
    "And",
    "In",
    "A",
    "An",
    "His",
    "Her",
    "Their",
    "Its",
    "There",
    "When",
    "As",
    "If",
    "So",
    "On",
    "At",
    "For",
    "After",
    "Before",
    "While",
    "Then",
    "Asked",
    "Still",
    "Yet",
    "Now",
    "Also",
    "Or",
    "Meanwhile",
    "However",
    "Later",
    "Earlier",
    "Today",
    "Yesterday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Last",
    "Next",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "One",
    "Some",
    "Many",
    "Most",
    "Otherwise",
    "Instead",
    "Indeed",
    "Even",
    "Just",
    "Only",
    "Both",
    "All",
    "Each",
    "Such",
    "Our",
    "My",
    "Your",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Reached",
    "Contacted",
    "Pressed",
    "Speaking",
    "Writing",
    "Responding",
    "According",
    "Hours",
    "Minutes",
    "Days",
    "Weeks",
    "Months",
    "Years",
    "Moments",
    "Soon",
    "Once",
}
# words that make a capitalized run a date, an event or an institution: never the "he" or "she" of a quote
# weekdays and months: never a speaker, never the referent of "he" or "she"
CALENDAR_WORDS = {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
NOT_PERSON_WORDS = CALENDAR_WORDS | {
    "Day",
    "Week",
    "Congress",
    "Senate",
    "House",
    "Court",
    "Department",
    "Ministry",
    "Committee",
    "Party",
    "Administration",
    "Council",
    "Agency",
    "Office",
    "Commission",
    "Campaign",
    "Company",
    "Inc",
    "Corp",
    "University",
    "Times",
    "Post",
    "News",
    "Journal",
    "Street",
    "City",
    "County",
    "State",
    "States",
    "Republicans",
    "Democrats",
}
TITLES = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "Sen.",
    "Rep.",
    "Gov.",
    "Gen.",
    "Lt.",
    "Col.",
    "Sgt.",
    "Capt.",
    "Adm.",
    "Maj.",
    "Rev.",
    "Sens.",
    "Reps.",
    "Lt. Gov.",
    "Atty.",
    "Gov",
    "Sen",
    "Rep",
    "Secretary of State",
    "Secretary of Defense",
    "Secretary of the Treasury",
    "Secretary-General",
    "President",
    "Senator",
    "Governor",
    "Secretary",
    "Speaker",
    "Chairman",
    "Chairwoman",
    "Mayor",
    "Judge",
    "Justice",
    "Ambassador",
    "Minister",
    "Prime Minister",
    "Vice President",
    "Director",
    "Commissioner",
    "Representative",
    "Attorney General",
    "Chief",
    "Sheriff",
    "Pope",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "General",
    "Colonel",
    "Professor",
    "Pastor",
    "Leader",
    "Leader",
)
# conjunctions and prepositions that open a sentence: dropped from the front of a speaker ("During Trump")
SPEAKER_OPENERS = {
    "During",
    "Although",
    "Though",
    "Because",
    "Since",
    "Until",
    "Despite",
    "Amid",
    "Among",
    "Without",
    "With",
    "From",
    "Through",
}
# words that are never a speaker on their own (nor are NOT_NAMES and CALENDAR_WORDS): a quote whose speaker
# would be only such words is left unattributed
NOT_SPEAKERS = SPEAKER_OPENERS | {
    "Audience",
    "Audiences",
    "Crowd",
    "Crowds",
    "Tonight",
    "Tomorrow",
    "Morning",
    "Afternoon",
    "Evening",
    "Night",
    "Update",
    "Updated",
    "Breaking",
    "Note",
    "Photo",
    "Video",
    "Watch",
    "Live",
    "Thanks",
    "Please",
    "Yes",
    "No",
    "Well",
    "Oh",
    "Not",
    "Never",
    "Always",
    "Again",
    "Finally",
    "Together",
}

# quotation marks: (open, close) pairs
QUOTE_PAIRS = (("\u201c", "\u201d"), ("''", "''"), ('"', '"'), ("\u00ab", "\u00bb"), ("\u201e", "\u201c"))

# --- speakers as entities (newsdesk/extraction/speakers.py) ---------------------------------
# Nouns that make a description a person's role ("the union's chief negotiator", "Trump lawyer"), and the
# words of a title before a name ("White House Press Secretary Stephanie Grisham" -> role "White House press
# secretary"); lower-cased in a role, dropped from the canonical name.
ROLE_NOUNS = {
    "mp",
    "mep",
    "cfo",
    "coo",
    "cto",
    "adviser",
    "advisor",
    "aide",
    "ambassador",
    "analyst",
    "anchor",
    "architect",
    "attorney",
    "author",
    "bishop",
    "candidate",
    "captain",
    "ceo",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "chancellor",
    "chief",
    "coach",
    "columnist",
    "commander",
    "commissioner",
    "congressman",
    "congresswoman",
    "consultant",
    "correspondent",
    "councillor",
    "councilman",
    "councilwoman",
    "councilor",
    "counsel",
    "delegate",
    "deputy",
    "diplomat",
    "director",
    "doctor",
    "economist",
    "editor",
    "executive",
    "expert",
    "founder",
    "general",
    "governor",
    "head",
    "historian",
    "host",
    "inspector",
    "investigator",
    "journalist",
    "judge",
    "justice",
    "lawmaker",
    "lawyer",
    "leader",
    "legislator",
    "manager",
    "mayor",
    "member",
    "minister",
    "moderator",
    "negotiator",
    "nominee",
    "officer",
    "official",
    "operative",
    "organizer",
    "owner",
    "partner",
    "pastor",
    "physician",
    "pollster",
    "president",
    "principal",
    "professor",
    "prosecutor",
    "rabbi",
    "representative",
    "reporter",
    "researcher",
    "secretary",
    "senator",
    "sheriff",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "strategist",
    "superintendent",
    "surgeon",
    "treasurer",
    "trustee",
    "writer",
}
# words that qualify a role ("former deputy press secretary"): part of the role, lower-cased
ROLE_MODIFIERS = {
    "acting",
    "assistant",
    "associate",
    "campaign",
    "communications",
    "deputy",
    "executive",
    "first",
    "foreign",
    "former",
    "general",
    "interim",
    "lead",
    "managing",
    "national",
    "policy",
    "political",
    "press",
    "prime",
    "principal",
    "senior",
    "state",
    "top",
    "vice",
}
# abbreviated titles written out in a role; honorifics (Mr., Ms., Dr. ...) are no role at all
TITLE_ROLES = {
    "Sen.": "senator",
    "Sens.": "senators",
    "Rep.": "representative",
    "Reps.": "representatives",
    "Gov.": "governor",
    "Lt. Gov.": "lieutenant governor",
    "Gen.": "general",
    "Lt.": "lieutenant",
    "Col.": "colonel",
    "Sgt.": "sergeant",
    "Capt.": "captain",
    "Adm.": "admiral",
    "Maj.": "major",
    "Rev.": "reverend",
    "Prof.": "professor",
    "Atty.": "attorney",
    "Gov": "governor",
    "Sen": "senator",
    "Rep": "representative",
}
HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms", "Dr.", "Dr", "Sir", "Dame", "Mx."}
# head nouns of an organisation as a speaker ("the ministry", "the operators' association", "Pew Research Center")
ORGANIZATION_NOUNS = {
    "daily",
    "administration",
    "agency",
    "alliance",
    "assembly",
    "association",
    "authority",
    "bank",
    "board",
    "bureau",
    "cabinet",
    "campaign",
    "center",
    "centre",
    "chamber",
    "church",
    "coalition",
    "college",
    "commission",
    "committee",
    "company",
    "congress",
    "corporation",
    "council",
    "court",
    "department",
    "embassy",
    "federation",
    "firm",
    "foundation",
    "fund",
    "government",
    "group",
    "hospital",
    "institute",
    "kremlin",
    "league",
    "legislature",
    "ministry",
    "network",
    "newspaper",
    "office",
    "organisation",
    "organization",
    "panel",
    "parliament",
    "party",
    "pentagon",
    "police",
    "regulator",
    "school",
    "senate",
    "service",
    "society",
    "team",
    "union",
    "university",
    "white house",
}
# capitalised words that make a name an organisation ("Pew Research", "the Health Ministry", "Acme Inc.")
ORGANIZATION_NAME_WORDS = {
    "Inc",
    "Corp",
    "Co",
    "Ltd",
    "LLC",
    "PAC",
    "Research",
    "Times",
    "Post",
    "News",
    "Journal",
    "Institute",
    "Foundation",
    "Center",
    "Centre",
    "Ministry",
    "Department",
    "Committee",
    "Commission",
    "Council",
    "Agency",
    "Association",
    "Union",
    "Party",
    "Campaign",
    "Office",
    "University",
    "Court",
    "Senate",
    "House",
    "Congress",
    "Administration",
    "Bank",
    "Group",
    "Network",
    "Police",
    "Government",
    "Pentagon",
    "Kremlin",
    "FBI",
    "CIA",
    "NATO",
    "UN",
    "EU",
}
# plural nouns of a clearly marked group of people ("protesters", "the crowd", "residents")
GROUP_NOUNS = {
    "activists",
    "advocates",
    "analysts",
    "attendees",
    "audience",
    "backers",
    "critics",
    "crowd",
    "delegates",
    "demonstrators",
    "democrats",
    "donors",
    "economists",
    "experts",
    "families",
    "fans",
    "farmers",
    "investigators",
    "lawmakers",
    "leaders",
    "members",
    "officials",
    "opponents",
    "organizers",
    "parents",
    "people",
    "protesters",
    "protestors",
    "prosecutors",
    "republicans",
    "researchers",
    "residents",
    "scientists",
    "senators",
    "students",
    "supporters",
    "teachers",
    "voters",
    "witnesses",
    "workers",
}
# head nouns of a person described, not named ("a spokesman" is a ROLE_NOUN; these are the rest)
PERSON_NOUNS = {
    "actor",
    "actress",
    "billionaire",
    "comedian",
    "confidant",
    "developer",
    "designer",
    "entrepreneur",
    "heavyweight",
    "insider",
    "lady",
    "mogul",
    "star",
    "tycoon",
    "veteran",
    "ally",
    "boy",
    "businessman",
    "businesswoman",
    "child",
    "citizen",
    "critic",
    "daughter",
    "donor",
    "father",
    "friend",
    "front-runner",
    "girl",
    "husband",
    "man",
    "mother",
    "neighbor",
    "neighbour",
    "opponent",
    "person",
    "resident",
    "rival",
    "son",
    "source",
    "supporter",
    "victim",
    "voter",
    "wife",
    "witness",
    "woman",
}
# what a speaker may also be: a document or a poll speaks for its authors (kind stays null)
DOCUMENT_NOUNS = {
    "account",
    "bill",
    "brief",
    "complaint",
    "indictment",
    "lawsuit",
    "message",
    "opinion",
    "order",
    "passage",
    "post",
    "ruling",
    "suit",
    "tweet",
    "video",
    "ad",
    "analysis",
    "article",
    "book",
    "document",
    "editorial",
    "email",
    "filing",
    "letter",
    "memo",
    "poll",
    "report",
    "statement",
    "study",
    "survey",
    "website",
}
# words a description cut before its noun ends with: 'a prominent', 'the exit', 'his longtime'
NOT_DESCRIPTION_HEADS = {
    "prominent",
    "exit",
    "longtime",
    "printed",
    "former",
    "senior",
    "top",
    "new",
    "other",
    "same",
    "first",
    "last",
    "next",
    "latest",
    "recent",
    "local",
    "national",
    "political",
    "public",
    "private",
    "presidential",
    "sign",
    "hour",
    "interview",
    "year",
    "week",
    "month",
    "day",
    "time",
    "moment",
    "caustic",
    "process",
}
# capitalised words that open a sentence before a name ('Is Massoud ...', 'To Hillary Clinton ...')
QUESTION_OPENERS = {
    "Is",
    "Are",
    "Was",
    "Were",
    "Do",
    "Does",
    "Did",
    "Can",
    "Could",
    "Will",
    "Would",
    "Should",
    "Has",
    "Have",
    "To",
    "By",
    "Of",
    "From",
    "Into",
    "Under",
    "Over",
    "Like",
    "Unlike",
    "Dear",
    "Thank",
    "Thanks",
}
# who hears a statement ('told reporters that', 'assured voters that'): stripped from the reported content
HEARERS = (
    "reporters",
    "journalists",
    "lawmakers",
    "supporters",
    "voters",
    "the crowd",
    "an audience",
    "the audience",
    "him",
    "her",
    "them",
    "me",
    "us",
    "colleagues",
    "members",
    "residents",
    "viewers",
    "listeners",
    "readers",
)
# a capitalised run before a colon that introduces no speaker ('Update:', 'Watch:', 'Full Text:')
NOT_INTRO = re.compile(
    r"\b(?:Update|Updated|Watch|Read|Note|Editor|Editors|Correction|Full|Text|Transcript|Video|Photo|Related|"
    r"Breaking|Source|Sources|Question|Answer|Q|A|Here|This|That|Why|What|How|Example|Summary|Background|"
    r"Bottom Line|Bonus|Plus|Also|Tip|Quote|Quotes|Headline)\b"
)
