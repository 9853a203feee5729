"""Quoted spans in body paragraphs, the sentences around them and how far a statement runs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.extraction import rules

VERB = rf"(?:{rules.SPEECH_VERB_RE})"

VERB_ONLY = re.compile(rf"(?<![\w-]){VERB}\b")  # not 'self-proclaimed'

_ADJUNCT_OPENERS = (
    "in|at|on|during|after|before|to|for|with|from|by|last|this|earlier|later|when|while|through|via|over"
)
# 'told the Herald that X', 'warned lawmakers that X', 'wrote on Facebook that X': who was told is no content
_HEARER = (
    rf"(?:{'|'.join(rules.HEARERS)}|(?:the\s+)?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,3}}|"
    rf"(?:the|a|an|his|her|their)\s+[a-z]+(?:\s+[a-z]+)?)"
)
ADJUNCT_THAT = re.compile(
    rf"^(?:(?:{_ADJUNCT_OPENERS})\b[^,;]{{0,80}}?|{_HEARER}(?:\s+(?:{_ADJUNCT_OPENERS})\b[^,;]{{0,60}}?)?),?"
    rf"\s+that\s+(?P<rest>[a-zA-Z].{{15,}})$"
)
# 'said at a news conference, and ...': no content follows the verb
ADJUNCT = re.compile(rf"^(?:{_ADJUNCT_OPENERS}|of|about|as|so|and|but|or|it|there|yes|no)\b")

TITLE_BEFORE = re.compile(
    r"(?:['\u2019]s|\b(?:on|of|in|to|at|from|by|with|for|told|tells|titled|entitled|called|named|dubbed|show|"
    r"program|programme|book|film|movie|"
    r"series|song|album|column|podcast|newsletter|magazine|play|documentary))\s*$"
)
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "with", "or", "&"}

CLAUSE_BREAK = re.compile(
    r",\s+(?:which|who|whose|while|and|but|as|although|though|because|after|before|when|where|according|noting|"
    r"saying|adding|he|she|they|it|I|we)\b|;|\s[\u2014\u2013]\s|\s--\s|\s\(|"
    rf"\s+(?:and|but)\s+(?:also\s+)?(?:{VERB})\b|"  # '... and argued that': a second statement
    r"\s+(?:and|but)\s+(?:he|she|they|I|we)\s+[a-z]+|"  # '..." and he reiterated his claim': a new clause
    r"\s+(?:and|but)\s+(?:then\s+)?[a-z]{3,}ed\b"  # 'decried "systemic racism" and highlighted ...': a new predicate
)
SENTENCE_END = re.compile(r"[.!?][\u201d\"'\u2019)]*\s+(?=[\u201c\"'A-Z0-9])")
_ABBR = rules.word_alternation({t.rstrip(".") for t in rules.TITLES})
ABBREV = re.compile(rf"(?:\b(?:{_ABBR}|[A-Z]|St|Jr|Sr|Inc|Co|U\.S|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No|vs))\.$")
WORD = re.compile(r"\w+")

_MARK = re.compile("[\u201c\"\u00ab\u201e]|''")
MARKS = re.compile("[\u201c\u201d\u201e\"]|''")
_QUOTED = re.compile('[\u201c"][^\u201c\u201d"]*[\u201d"]')
WS = re.compile(r"\s+")


@dataclass
class Segment:
    para: int
    start: int
    end: int  # offsets of the quoted text, marks included
    text: str  # the inside of the marks
    closed: bool = True


def find_quoted(paragraphs: list[str]) -> list[Segment]:
    """Quoted strings per paragraph; an opening mark left open continues into the next paragraph."""
    segs: list[Segment] = []
    for pi, para in enumerate(paragraphs):
        i = 0
        n = len(para)
        while i < n:
            mark = _MARK.search(para, i)
            if mark is None:
                break
            i = mark.start()
            c = para[i]
            pair = None
            if c == "\u201c":
                pair = ("\u201c", "\u201d")
            elif para.startswith("''", i):
                pair = ("''", "''")
            elif c == '"':
                pair = ('"', '"')
            elif c == "\u201e":
                pair = ("\u201e", "\u201c")  # German and Dutch: „...“ (or „...”, found below)
            elif c == "\u00ab":
                pair = ("\u00ab", "\u00bb")
            if pair is None:
                i += 1
                continue
            op, cl = pair
            j = para.find(cl, i + len(op))
            if op in ('"', "\u201c"):
                # a page that mixes straight and curly marks: '"When you have ... as well.\u201d'
                other = para.find("\u201d" if op == '"' else '"', i + 1)
                if other >= 0 and (j < 0 or other < j):
                    j, cl = other, para[other]
            if op == "\u201e":
                other = para.find("\u201d", i + 1)
                if other >= 0 and (j < 0 or other < j):
                    j, cl = other, "\u201d"
            if op == "\u201c":
                nxt = para.find("\u201c", i + 1)
                if j < 0 or (0 <= nxt < j and para.find("\u201d", nxt + 1) < 0):
                    j = -1 if j < 0 else j
            if j < 0:
                inner = para[i + len(op) :].strip()
                if inner:
                    segs.append(Segment(pi, i, n, inner, closed=False))
                break
            inner = para[i + len(op) : j].strip()
            if inner:
                segs.append(Segment(pi, i, j + len(cl), inner))
            i = j + len(cl)
    return segs


def sentence_bounds(para: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    def outside(pos: int) -> bool:
        return not any(a < pos < b for a, b in spans)

    left = 0
    for m in SENTENCE_END.finditer(para, 0, min(len(para), start + 1)):
        if outside(m.start()) and not ABBREV.search(para, max(0, m.start() - 24), m.start() + 1):
            left = m.end()
    right = len(para)
    for m in SENTENCE_END.finditer(para, end):
        if outside(m.start()) and not ABBREV.search(para, max(0, m.start() - 24), m.start() + 1):
            right = m.end()
            break
    return left, right


def join_pieces(first: str, second: str, between: str) -> str:
    """'"A," he said. "B."' as one statement, punctuated as the cue between them was."""
    first = first.rstrip().rstrip(",")
    if first[-1:] in (".", "!", "?", "\u2026"):
        return f"{first} {second}"
    return f"{first}{'.' if re.search(r'[.!?]', between) else ','} {second}"


def is_title(seg: Segment, para: str) -> bool:
    """A quoted title, not a quote: every word capitalised, and a possessive or 'on', 'titled' ... before it."""
    words = seg.text.rstrip(".,").split()
    if not words or len(words) > 7 or not all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words):
        return False
    return TITLE_BEFORE.search(para[max(0, seg.start - 40) : seg.start]) is not None


def statement_head(rest: str | None) -> str | None:
    """The words of the statement between the cue and the quote, without the frame around them.

    'in a post on Facebook:' is only a frame (the quote is direct); 'told the Herald that farmers "..."'
    keeps 'that farmers'; 'said in a statement that the plan "..."' keeps 'that the plan'."""
    if rest is None:
        return None
    stripped = rest.strip()
    if stripped.endswith(":"):
        return None
    m = ADJUNCT_THAT.match(stripped + " " + "x" * 16)  # the quote follows: the rest may be short
    if m:
        return "that " + m.group("rest")[:-17].strip()  # a mixed quote keeps its 'that': 'that "peace is at hand"'
    return rest


def tail_length(post: str) -> int:
    """How much of the text after a quote still belongs to its statement: up to a new clause ('..., which',
    '; ', ' — ', ' (') or the sentence's end."""
    m = CLAUSE_BREAK.search(post)
    return m.start() if m else len(post)


def statement_tail(post: str) -> str | None:
    """The unquoted rest of the sentence after a quote, when it carries on the statement.

    Later quoted words of the same sentence belong to it ('"judgment" and "honesty" are in question'),
    unless another speech verb starts a second attribution."""
    tail = post[: tail_length(post)].strip().rstrip(".").strip()
    if not tail or tail.startswith((",", ";", ":")):
        return None
    if MARKS.search(tail):
        if VERB_ONLY.search(_QUOTED.sub(" ", tail)):
            return None
        tail = WS.sub(" ", MARKS.sub("", tail)).strip()
    return tail or None


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def split_sentences(para: str) -> list[str]:
    parts, last = [], 0
    for m in SENTENCE_END.finditer(para):
        if ABBREV.search(para, max(0, m.start() - 24), m.start() + 1):
            continue
        parts.append(para[last : m.end()].strip())
        last = m.end()
    parts.append(para[last:].strip())
    return [p for p in parts if p]
