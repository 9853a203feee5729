"""Credits: photo credits, wire datelines and bylines, and outlets named as sources in the text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.extraction import rules
from newsdesk.models import Credit, CreditRole

_WS = re.compile(r"\s+")


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
    body = rules.CREDIT_VIA.sub("", body)
    photographer: str | None = None
    agency: str | None = None
    parts = [p.strip(" .") for p in rules.CREDIT_PART_SEPARATOR.split(body) if p.strip(" .-\u2013")]
    for part in parts:
        known = _agency(part)
        if known:
            agency = agency or known
        elif rules.CREDIT_BY_AUTHOR.match(part):
            photographer = photographer or AUTHOR_PLACEHOLDER
        elif rules.PHOTO_CREDIT_NOISE.match(part):
            continue
        elif re.fullmatch(rules.NAME, part):
            if photographer is None and (len(parts) > 1 or explicit):
                photographer = part
            elif agency is None:
                agency = part
    if agency is None and distributor:
        agency = distributor  # "Photo by Zeke Sandoval via AP": the distributor is all the page names
    if photographer is None and agency is None and len(parts) == 1 and explicit and parts[0][:1].isupper():
        agency = parts[0]  # "Photo courtesy of Pine County Conservancy", "Illustration: NASA/ESA" read whole
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

    for para in paragraphs[:3]:
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


def _plausible_outlet(name: str) -> bool:
    first = name.split()[0] if name.split() else ""
    return bool(name) and first not in rules.NOT_OUTLETS and bool(rules.OUTLET_HINTS.search(name))


def source_credits(paragraphs: list[str]) -> list[Credit]:
    """Outlets the story draws on: 'according to X', 'X reported', 'in an op-ed for X', 'X:' intros."""
    out: list[Credit] = []
    seen: set[str] = set()

    def add(raw: str, text: str) -> None:
        name = normalize_outlet(raw)
        if _plausible_outlet(name) and name not in seen:
            seen.add(name)
            out.append(Credit(role=CreditRole.SOURCE, name=name, text=text))

    for i, para in enumerate(paragraphs):
        m = rules.EXCERPT_INTRO.match(para.strip())
        if m and len(para.split()) <= 8 and i + 1 < len(paragraphs):
            add(m.group("name"), para.strip())
            continue
        if not rules.SOURCE_CUE.search(para):
            continue
        for rx in rules.SOURCE_PATTERNS:
            for m in rx.finditer(para):
                add(m.group("name"), m.group(0).strip())
    return out


def author_credits(authors: list[str]) -> list[Credit]:
    return [Credit(role=CreditRole.AUTHOR, name=a, text=a) for a in authors]
