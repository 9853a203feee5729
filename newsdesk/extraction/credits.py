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


def photo_credit(text: str) -> Credit | None:
    """A photo credit from a credit line or caption: 'AP Photo/Zabi Karimi' -> photo, AP, Zabi Karimi."""
    text = _WS.sub(" ", text or "").strip()
    if not text:
        return None
    for rx in rules.PHOTO_CREDIT_PATTERNS:
        m = rx.search(text)
        if not m:
            continue
        groups = m.groupdict()
        agency = groups.get("agency") or groups.get("via")
        name = (groups.get("name") or "").strip()
        if agency:
            agency = agency_name(agency)
        if name and name in rules.AGENCIES and not agency:
            agency, name = rules.AGENCIES[name], ""
        return Credit(role=CreditRole.PHOTO, name=name or agency or text, agency=agency, text=m.group(0).strip())
    return None


def agency_name(name: str) -> str:
    """The one canonical name of an agency: 'AP' -> 'Associated Press'; other names pass through."""
    return rules.AGENCIES.get(name.strip(), name.strip())


def wire_credits(paragraphs: list[str], bylines: Sequence[str], authors: Sequence[str] = ()) -> list[Credit]:
    """Wire credits from a dateline ('WASHINGTON (AP) \u2014', '(AFP) \u2014'), an end line ('\u2014 Reuters')
    or a byline naming an agency."""
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
    return out


def contributor_credits(paragraphs: list[str]) -> list[Credit]:
    """People credited at the end of a story: 'Additional reporting by Jane Doe in Paris and Ali Khan.'"""
    out: list[Credit] = []
    for para in paragraphs[-rules.WIRE_END_LINES :]:
        line = _WS.sub(" ", para).strip()
        m = rules.CONTRIBUTOR_LINE.match(line)
        if not m:
            continue
        for raw in rules.CONTRIBUTOR_SEPARATOR.split(m.group("names") or m.group("names2") or ""):
            name = rules.CONTRIBUTOR_PLACE.sub("", raw).strip(" .;()")
            if re.fullmatch(rules.NAME, name):
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
