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
}
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))

# --- photo credits (matched against captions, credit spans and short lines) ------------------
# a full stop only after an initial ("J. Scott Applewhite"), so "Rescuers. Tom Reyes" is no name
_NAME_WORD = r"[A-Z](?:\.|[\w'\u2019-]*)"
NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|da|al|el|bin)){{0,4}}"
# "... via AP": the distributor of a photo, read as part of its credit line
_VIA = rf"(?:\s+via\s+(?:{_AGENCY_ALT}))?"
PHOTO_CREDIT_PATTERNS = (
    # "AP Photo/Zabi Karimi", "Reuters Photo/Jane Doe"
    re.compile(rf"\b(?P<agency>{_AGENCY_ALT})\s+Photos?\s*/\s*(?P<name>{NAME})"),
    # "Photo: Jane Doe/AFP", "Photograph: Jane Doe/Reuters", "Credit: Matthew Thayer/The Maui News via AP"
    re.compile(
        rf"\b(?:Photo(?:graph)?s?|Image|Picture|Credit)\s*(?::|by)\s*(?P<name>{NAME})\s*(?:/|for|,)\s*"
        rf"(?P<agency>{_AGENCY_ALT}|{NAME}){_VIA}"
    ),
    # "Jane Doe/Getty Images", "Jane Doe / AFP via Getty Images"
    re.compile(rf"(?P<name>{NAME})\s*/\s*(?P<agency>{_AGENCY_ALT})\b{_VIA}"),
    # "Photo: Jane Doe", "Photo by Jane Doe", "Photo by Zeke Sandoval via AP"
    re.compile(
        rf"\b(?:Photo(?:graph)?s?|Image|Picture)\s*(?::|by)\s*(?P<name>{NAME})"
        rf"(?:\s+via\s+(?P<via>{_AGENCY_ALT}))?"
    ),
    # an agency in brackets closing a caption: "Smoke rises over the city. (Reuters)"
    re.compile(rf"(?<=\()(?P<agency>{_AGENCY_ALT})(?:\s+Photos?)?(?=\)\.?$)"),
    # bare agency credit: "(Reuters)", "Getty Images", "AP Photo"
    re.compile(rf"^\(?(?P<agency>{_AGENCY_ALT})(?:\s+Photos?)?\)?\.?$"),
)
CREDIT_LINE = re.compile(
    rf"^(?:\(?(?:Photo(?:graph)?s?|Image|Picture|Credit|Foto)\b.{{0,80}}|\(?(?:{_AGENCY_ALT})\s+Photos?\b.{{0,60}}|"
    rf"{NAME}\s*/\s*(?:{_AGENCY_ALT})(?:\s+via\s+Getty Images)?\)?\.?)$"
)

# --- wire credits ---------------------------------------------------------------------------
# "WASHINGTON (AP) —", "KABUL, Afghanistan (Reuters) -"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'\u2019/-]{{1,40}}(?:,\s*[A-Z][\w. ]{{1,30}})?)\s*\((?P<agency>{_AGENCY_ALT})\)\s*[\u2014\u2013-]+\s*"
)
# a dateline without a place: "(AFP) \u2014 ...", "(Reuters) - ..."
BARE_DATELINE = re.compile(rf"^\((?P<agency>{_AGENCY_ALT})\)\s*[\u2014\u2013-]+\s*")
WIRE_BYLINE = re.compile(
    r"^(?:By\s+)?(?:The\s+)?(?P<agency>Associated Press|Reuters|AFP|Agence France-Presse|Agence France Presse)$", re.I
)
# an end line that names the agency: "\u2014 Reuters", "- AFP", "(AP)"; matched against the last paragraphs
WIRE_END_LINE = re.compile(rf"^(?:[\u2014\u2013-]+\s*(?P<agency>{_AGENCY_ALT})|\((?P<paren>{_AGENCY_ALT})\))\.?$")
WIRE_END_LINES = 3  # how many closing paragraphs are read for end lines and contributor credits
# "Additional reporting by Jane Doe in Paris and Ali Khan": a contributor credit, one per name
CONTRIBUTOR_LINE = re.compile(
    r"^\(?(?:Additional|Further|Extra)\s+reporting\s+by\s+(?P<names>.+?)\)?\.?$|"
    r"^\(?(?P<names2>.+?)\s+contributed\s+(?:reporting|to\s+this\s+report)\b.*$",
    re.I,
)
# "Jane Doe in Paris": the place after a contributor's name is not part of it
CONTRIBUTOR_PLACE = re.compile(r"\s+(?:in|from)\s+[A-Z][\w .'\u2019-]*$")
CONTRIBUTOR_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|&)\s*")

# --- sources named in the text --------------------------------------------------------------
OUTLET = r"(?:the\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:[A-Z][\w&'\u2019.-]*|of|and|on))*?"
SOURCE_PATTERNS = (
    re.compile(rf"\b[Aa]ccording to (?P<name>{OUTLET})(?=[,.;:]|\s+(?:report|reported|which|that|on|in)\b|$)"),
    re.compile(
        rf"\b[Ii]n an? (?:op-ed|opinion piece|column|interview|essay|article|editorial) (?:for|with|in|published by) (?P<name>{OUTLET})(?=[,.;:]|\s)"
    ),
    re.compile(rf"(?P<name>{OUTLET}) (?:reported|first reported|reports|has reported)\b"),
    re.compile(
        rf"\b(?:told|reported by|report by|first reported by) (?P<name>{OUTLET})"
        rf"(?=[,.;:]|\s+(?:that|on|in|last|this|earlier|about|when|after)\b|$)"
    ),
)
# every source pattern needs one of these words: paragraphs without them are not scanned
SOURCE_CUE = re.compile(
    r"\b(?:according|op-ed|opinion|column|interview|essay|article|editorial|report|reported|"
    r"reports|told)\b",
    re.IGNORECASE,
)
# words that look like outlet names but are people or pronouns in these positions
NOT_OUTLETS = {"He", "She", "They", "It", "We", "I", "You", "This", "That", "Officials", "Police", "Local"}
OUTLET_HINTS = re.compile(
    r"\b(?:Post|Times|News|Journal|Press|Reuters|AP|AFP|CNN|BBC|NBC|CBS|ABC|NPR|Fox|Tribune|Guardian|"
    r"Telegraph|Herald|Gazette|Politico|Axios|Bloomberg|Agency|Daily|Magazine|Wire|Network|Radio|TV|"
    r"Television|Sun|Star|Mail|Independent|Economist|Atlantic|Hill|Breitbart|HuffPost|Chronicle|Globe|"
    r"Insider|Monitor|Observer|Review|Dispatch|Examiner|Register|Tass|Xinhua|Al Jazeera|Sky)\b"
)
# a paragraph that introduces an excerpt: "Washington Post:" (short, ends with a colon)
EXCERPT_INTRO = re.compile(
    rf"^(?:From |Via |Here's |As )?(?P<name>{OUTLET})(?: reports| reported| wrote| writes| notes)?:$"
)

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
SPEECH_VERB_RE = "|".join(sorted(set(SPEECH_VERBS), key=len, reverse=True))
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
