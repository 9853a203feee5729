"""Credits: photo credits, wire datelines and bylines, and outlets named as sources in the text."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from newsdesk.extraction import rules
from newsdesk.extraction.metadata import name_case
from newsdesk.models import Credit, CreditRole

_WS = re.compile(r"\s+")
# rules.SOURCE_CUE (lowercase words) matched in the lowercased line: the alternation under IGNORECASE is twice as slow
_SOURCE_CUE = re.compile(rules.SOURCE_CUE.pattern)


def normalize_outlet(name: str) -> str:
    """'the Washington Post' -> 'Washington Post'; trailing punctuation and possessives dropped."""
    name = _WS.sub(" ", name).strip(" ,.;:\u2019'")
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"['\u2019]s$", "", name)
    return agency_name(name) if name in ("Associated Press", "The Associated Press") else name


AUTHOR_PLACEHOLDER = "\u2009author"  # "Photo by the author": replaced by the byline's author once it is known


def _agency(part: str) -> str | None:
    """The canonical agency a credit part names ('AP', 'AP Photo', 'Getty'), else None."""
    part = rules.CREDIT_AGENCY_PHOTO.sub("", part.strip())
    return rules.AGENCIES.get(part) or next(
        (v for k, v in rules.AGENCIES.items() if k.casefold() == part.casefold()), None
    )


def split_credit(body: str, explicit: bool = False) -> tuple[str | None, str | None]:
    """'Tom Reyes/Reuters' -> ('Tom Reyes', 'Reuters'); 'ANP / Vincent Jannink' -> ('Vincent Jannink', 'ANP');
    'Marisol Reyes/Valley Herald' -> ('Marisol Reyes', 'Valley Herald'); '-/AFP via Getty Images' -> (None, AFP).

    explicit: the text is a credit line the page marks as one, so a bare name is the photographer."""
    body = _WS.sub(" ", body).strip(" .()")
    via = rules.CREDIT_VIA.search(body)
    distributor = _agency(via.group(0).split(None, 1)[1]) if via else None
    body = rules.CREDIT_YEAR.sub("", rules.CREDIT_FILE.sub("", rules.CREDIT_VIA.sub("", body)))
    photographer: str | None = None
    agency: str | None = None
    outlet: str | None = None  # an outlet the table does not know; a known agency in the same line wins
    parts = [p.strip(" .") for p in rules.CREDIT_PART_SEPARATOR.split(body) if p.strip(" .-\u2013")]
    for part in parts:
        known = _agency(part)
        if known:
            agency = agency or known
        elif rules.CREDIT_BY_AUTHOR.match(part):
            photographer = photographer or AUTHOR_PLACEHOLDER
        elif rules.PHOTO_CREDIT_NOISE.match(part) or len(part.split()) > rules.CREDIT_MAX_WORDS:
            continue
        elif re.fullmatch(rules.NAME, part):
            # one word in capitals is an institution ("ASU", "NASA"), never the photographer
            person = not (part.isupper() and " " not in part)
            if person and photographer is None and (len(parts) > 1 or explicit):
                photographer = part
            elif outlet is None:
                outlet = part  # "Marisol Reyes/Valley Herald", "Richard Shotwell/Invision/AP" (AP wins)
    agency = agency or outlet
    if photographer and photographer.isupper() and photographer != AUTHOR_PLACEHOLDER:
        photographer = name_case(photographer)  # "JOHN THYS / AFP" -> John Thys
    if agency is None and distributor:
        agency = distributor  # "Photo by Zeke Sandoval via AP": the distributor is all the page names
    if (
        photographer is None
        and agency is None
        and len(parts) == 1
        and explicit
        and parts[0][:1].isupper()
        and len(parts[0].split()) <= rules.CREDIT_MAX_WORDS
        and not rules.CREDIT_NOT_A_NAME.search(parts[0])
    ):
        agency = parts[0]  # "Photo courtesy of Pine County Conservancy" read whole
    return photographer, agency


def photo_credit(text: str, explicit: bool = False) -> Credit | None:
    """A photo credit from a credit line or the end of a caption: 'AP Photo/Zabi Karimi' -> photo, AP, Zabi Karimi.

    explicit: the text is an element the page marks as a credit (a bare name is then a photographer)."""
    text = _WS.sub(" ", text or "").strip()
    if not text:
        return None
    for i, rx in enumerate(rules.PHOTO_CREDIT_PATTERNS):
        m = rx.search(text)
        if not m:
            continue
        # after "Photo by" or a copyright sign one name is the photographer; "courtesy of" names an owner
        named = i in rules.PHOTO_CREDIT_NAMED and not rules.CREDIT_COURTESY.search(m.group("text"))
        photographer, agency = split_credit(m.group("body"), explicit=named)
        if photographer or agency:
            return Credit(
                role=CreditRole.PHOTO, name=photographer or agency or "", agency=agency, text=m.group("text").strip()
            )
    if explicit and len(text) <= 120:
        photographer, agency = split_credit(text, explicit=True)
        if photographer or agency:
            return Credit(role=CreditRole.PHOTO, name=photographer or agency or "", agency=agency, text=text)
    return None


def agency_name(name: str) -> str:
    """The one canonical name of an agency: 'AP' -> 'Associated Press'; other names pass through."""
    return rules.AGENCIES.get(name.strip(), name.strip())


def wire_credits(
    paragraphs: list[str], bylines: Sequence[str], authors: Sequence[str] = (), agencies: Sequence[str] = ()
) -> list[Credit]:
    """Wire credits from a dateline ('WASHINGTON (AP) \u2014', '(AFP) \u2014'), an end line ('\u2014 Reuters')
    or a byline naming an agency (agencies: those metadata read from the byline, canonical)."""
    out: list[Credit] = []

    def add(agency: str, text: str) -> None:
        agency = agency_name(agency)
        if not any(c.name == agency for c in out):
            out.append(Credit(role=CreditRole.WIRE, name=agency, agency=agency, text=text))

    for para in paragraphs[: rules.DATELINE_PARAGRAPHS]:
        m = rules.DATELINE.match(para) or rules.BARE_DATELINE.match(para)
        if m:
            add(m.group("agency"), m.group(0).strip(" \u2014\u2013-"))
            break
    for para in paragraphs[-rules.WIRE_END_LINES :]:
        m = rules.WIRE_END_LINE.match(para.strip())
        if m:
            add(m.group("agency") or m.group("paren"), para.strip())
    for line in list(bylines) + list(authors):
        m = rules.WIRE_BYLINE.match(line.strip())
        if m:
            add(m.group("agency"), line.strip())
    for agency in agencies:
        if agency in rules.WIRE_AGENCIES:
            add(agency, agency)
    return out


def contributor_credits(paragraphs: list[str]) -> list[Credit]:
    """People credited at the end of a story: 'Additional reporting by Jane Doe in Paris and Ali Khan.',
    'Associated Press writer Sam Metz contributed to this report.', '\u2014With assistance from Jack Farchy.'"""
    out: list[Credit] = []
    for para in paragraphs[-rules.WIRE_END_LINES :]:
        line = _WS.sub(" ", para).strip()
        for segment in rules.CONTRIBUTOR_SEGMENT.split(line.strip("()")):
            m = rules.CONTRIBUTOR_LINE.match(segment)
            if not m:
                continue
            names = rules.CONTRIBUTOR_JOB.sub("", m.group("names") or m.group("names2") or m.group("names3") or "")
            for raw in rules.CONTRIBUTOR_SEPARATOR.split(names):
                name = rules.CONTRIBUTOR_PLACE.sub("", raw).strip(" .;()")
                if re.fullmatch(rules.NAME, name) and name not in rules.AGENCIES:
                    out.append(Credit(role=CreditRole.CONTRIBUTOR, name=name, text=line))
    return out


def _trim_outlet(raw: str) -> tuple[str, bool]:
    """(name, written with 'the'): 'On Tuesday the Baltimore Banner' -> ('Baltimore Banner', True)."""
    words = _WS.sub(" ", raw).strip(" ,.;:\u2019'").split(" ")
    stop_words = (rules.OUTLET_TRIM_WORDS | set(rules.NOT_NAMES) | rules.CALENDAR_WORDS) - {"The"}
    while words and words[0] in stop_words:
        words.pop(0)
    while words and words[-1] in rules.CALENDAR_WORDS:
        words.pop()
    the = bool(words) and words[0].lower() == "the"
    return normalize_outlet(" ".join(words)), the


def _plausible_outlet(name: str, the: bool = False, needs: str = "the") -> bool:
    """An outlet, not a person or an institution. needs "any": a cue that names outlets accepts any name; "the":
    it must read like an outlet ('... Times', '... News'), be an agency, or be written with 'the' (people never
    are) in two words or more and name no institution ('the White House', 'the Centre'); "the1": as "the", one
    word enough ('from the Lede:' before an excerpt); "hint": read like an outlet or be an agency."""
    words = name.split()
    if len(name) < 2 or not words or words[0] in rules.NOT_OUTLETS:
        return False
    if words[0] in rules.NOT_NAMES or words[0] in rules.CALENDAR_WORDS:
        return False
    if bool(rules.OUTLET_HINTS.search(name)) or name in rules.AGENCIES:
        return True
    if set(words) & rules.NOT_OUTLET_WORDS:
        return False
    if needs == "any":
        return True
    return the and (needs == "the1" or (needs == "the" and len(words) > 1))


def source_credits(paragraphs: list[str], blockquoted: Collection[int] = ()) -> list[Credit]:
    """Outlets the story draws on: 'according to X', 'X reported', 'first reported by X', 'in an op-ed for X',
    and 'X:' introducing an excerpt (blockquoted: indexes of the paragraphs that are quoted blocks)."""
    out: list[Credit] = []
    seen: set[str] = set()

    def add(raw: str, text: str, needs: str = "the") -> None:
        name, the = _trim_outlet(raw)
        if name not in seen and _plausible_outlet(name, the, needs):
            seen.add(name)
            out.append(Credit(role=CreditRole.SOURCE, name=name, text=text))

    for i, para in enumerate(paragraphs):
        line = para.strip()
        colon = line.endswith(":")  # both excerpt patterns end with one; most paragraphs skip them
        m = rules.EXCERPT_INTRO.match(line) if colon else None
        if m and len(line.split()) <= rules.EXCERPT_INTRO_MAX_WORDS and i + 1 < len(paragraphs):
            add(m.group("name"), line)
            continue
        lead = rules.EXCERPT_LEAD.search(line) if colon else None
        if lead and (i + 1) in blockquoted:
            names = [n.group(0) for n in re.finditer(rules.OUTLET, lead.group("sentence"))]
            for raw in reversed(names):  # the outlet is named last: "Here is how the FT described it:"
                name, the = _trim_outlet(raw)
                if _plausible_outlet(name, the, "the1"):
                    add(raw, line, "the1")
                    break
        if not _SOURCE_CUE.search(line.lower()):
            continue
        for rx, needs in rules.SOURCE_PATTERNS:
            for m in rx.finditer(line):
                add(m.group("name"), m.group(0).strip(), needs)
    return out


def author_credits(authors: list[str]) -> list[Credit]:
    return [Credit(role=CreditRole.AUTHOR, name=a, text=a) for a in authors]
