"""Quotes: direct (quotation marks), indirect (reported speech) and excerpts, with their speakers."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from newsdesk.extraction import rules
from newsdesk.extraction.speakers import ArticleSpeakers
from newsdesk.models import Quote, QuoteKind, SpeakerKind

_VERB = rf"(?:{rules.SPEECH_VERB_RE})"
_TITLE = "|".join(sorted((re.escape(t) for t in rules.TITLES), key=len, reverse=True))
# a capitalized name word ("O'Reilly", "J.", "Jr."); a full stop only after an initial, so "God. He" is no name
_NW = r"(?:[A-Z]\.|(?:Jr|Sr|St)\.|[A-Z][\w'\u2019-]*)"
_NAME = rf"(?:(?:{_TITLE})\s+)?{_NW}(?:\s+(?:{_NW}|de|van|von|bin|al|da|del|la|le)){{0,5}}"
_PRON = r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Ii]t)"
_DET = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Ss]ome|[Ss]everal|[Mm]any|[Tt]wo|[Tt]hree)"
_FUNCTION_WORD = r"(?:by|of|in|on|at|to|for|with|from|and|or|but|than|that|as|is|was|also|said|says)\b"
_DESC = rf"{_DET}\s+(?!{_FUNCTION_WORD})[\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){{0,6}}?"
# where a description after its verb ends: "said a prominent committee member who supports Trump"
_DESC_END = (
    r"(?=\s*[,.;:!?()\u2014\u2013\u201c\"]|\s*$|\s+(?:who|which|whose|that|in|at|on|during|after|before|when|while|"
    r"as|because|since|about|to)\b)"
)
# a group without a determiner: 'protesters chanted', 'residents said'
_GROUP = "|".join(sorted(rules.GROUP_NOUNS, key=len, reverse=True))
_SPK = rf"(?P<spk>{_NAME}|{_PRON}|{_DESC}|(?:{_GROUP})\b)"
_ADV = (
    r"(?:\s+(?:also|later|then|once|has|have|had|was|is|recently|previously|reportedly|repeatedly|simply|just|\w+ly))*"
)

# words of a role before a name ('Trump lawyer', 'former president'); never a preposition or article
_ROLE_WORD = (
    r"(?!(?:on|in|at|of|to|for|with|by|during|after|before|when|while|and|but|or|that|as|from|about|"
    r"last|this|next|the|a|an|his|her|their|its|until|unless|because|if|since|though|although|whether|where|so|"
    r"than|then|once|who|which|whose|what|how|why|even|just|only|also|not|never|says|said|say|is|was|are|were|"
    r"has|had|have|will|would|could|should|can|may|might)\b)[a-z][\w-]*"
)
_ROLE_BEFORE = rf"(?:{_NW}\s+)?(?:{_ROLE_WORD}\s+){{1,3}}(?=[A-Z])"
# after a name: 'Jeffrey Lewis of the James Martin Center', 'Cummings (D-Md.)'
_AFFILIATION = rf"(?:\s+(?:of|for|at|with)\s+(?:the\s+)?{_NAME}){{0,2}}(?:\s*\([^()]{{1,40}}\))?"
# speaker and verb right after the closing mark: ', Trump said.' / ', Trump lawyer Marc Kasowitz said.'
AFTER_SPK_VERB = re.compile(
    rf"^[\s,\u2014\u2013-]*(?:{_ROLE_BEFORE})?(?P<full>{_SPK}{_AFFILIATION})(?:,[^,.]{{1,80}},)?{_ADV}\s+{_VERB}\b"
)
# any subject between the closing mark and the verb, for speaker_before to read ('..., Powell's office said')
AFTER_SUBJECT_CHUNK = re.compile(rf"^[\s,\u2014\u2013-]*(?P<chunk>[^.!?;:\u201c\u201d\"]{{1,160}}?)\s+{_VERB}\b")
# verb then speaker: ', said Soe Min, a ...' / ', said Cruz constituent Dan Golvach' / ', said a spokesman for X'
AFTER_VERB_SPK = re.compile(
    rf"^[\s,\u2014\u2013-]*{_VERB}\s+(?:(?P<role>{_DET}\s+[^,.;\u201c\u201d\"]{{2,80}}),\s+(?=[A-Z])|(?:{_ROLE_BEFORE}))?"
    rf"(?:(?P<spk>{_NAME}){_AFFILIATION}|(?P<full>{_DESC}{_AFFILIATION}{_DESC_END}))"
)
# '"... you." She says ...': a full stop inside the marks and a capitalized pronoun start a new sentence
NEW_SENTENCE_PRONOUN = re.compile(r"^\s+(?:He|She|They|We|It)\b")
# the subject a paragraph opens with: 'Leahy, the ranking member ..., expressed frustration'
LEAD_NAME = re.compile(rf"^(?:[A-Z][a-z]+,?\s+)?(?P<spk>{_NAME})(?=[\s,])")
# the subject after an opening adverbial: 'On Wednesday, he seemed to ...' / 'In Iowa, Sanders said ...'
LEAD_AFTER_ADVERBIAL = re.compile(rf"^[A-Z][^,]{{0,60}},\s+(?P<spk>{_NAME}|[Hh]e|[Ss]he|[Tt]hey)(?=[\s,])")
# a vehicle of speech, not a speaker: 'released a statement saying', 'in an extraordinary statement'
VEHICLE = re.compile(
    r"\b(?:statement|interview|release|memo|letter|tweet|post|video|email|e-mail|op-ed|column|"
    r"speech|remarks|appearance|conference|call|filing|affidavit)s?$"
)
# an apposition between subject and verb: ', the founder of X,' or ' — mentioned by Newsmax as ... —'
_APPOS = r"(?:,[^,]{1,120},|\s*[\u2014\u2013]\s*[^\u2014\u2013]{1,150}[\u2014\u2013])?"
END_NAME = re.compile(rf"(?P<spk>{_NAME}){_AFFILIATION}{_APPOS}{_ADV}\s*$")
END_PRON = re.compile(rf"(?<![\w'])(?P<spk>{_PRON}){_ADV}\s*$")
# a name in apposition after a description: 'The agency's chief executive, Philip Duffy, told'
END_APPOS_NAME = re.compile(rf",\s*(?P<spk>{_NAME})\s*,{_ADV}\s*$")
# an organisation or role owned by a name: "Saudi Arabia's energy ministry said"
END_POSS = re.compile(rf"(?P<spk>{_NAME}['\u2019]s(?:\s+[a-z][\w-]*){{1,3}}){_APPOS}{_ADV}\s*$")
# 'the senator said', but not 'in a later interview said' (a phrase after a preposition is no subject)
_NOT_AFTER_PREPOSITION = "".join(
    rf"(?<!\b{p}\s)"
    for p in ("in", "on", "at", "of", "to", "by", "for", "with", "from", "during", "after", "before", "about", "into")
)
END_DESC = re.compile(
    rf"{_NOT_AFTER_PREPOSITION}(?P<spk>{_DET}\s+(?!{_FUNCTION_WORD})[\w'\u2019.-]+"
    rf"(?:\s+[\w'\u2019.-]+){{0,3}}){_APPOS}{_ADV}\s*$"
)
# a group or role named by who it belongs to, with no article: 'Party officials said', 'Trump aides say'
_HEAD_NOUNS = "|".join(
    sorted(rules.GROUP_NOUNS | {n + "s" for n in rules.ROLE_NOUNS} | rules.ROLE_NOUNS, key=len, reverse=True)
)
END_NAMED_GROUP = re.compile(rf"(?<![\w'\u2019])(?P<spk>(?:{_NW}\s+){{1,3}}(?:{_HEAD_NOUNS})){_APPOS}{_ADV}\s*$")
# the attribution closes the sentence after the quote: '... more "conversant" about it, Ban said.'
TRAILING_CUE = re.compile(
    rf"^(?P<tail>[^\u201c\u201d\"]*?),\s*(?:(?P<spk>{_NAME}|{_PRON}|{_DESC}){_APPOS}{_ADV}\s+{_VERB}\b|"
    rf"{_VERB}\s+(?P<spk2>{_NAME}|{_DESC}))"  # '"..." if she didn't win by more, said David Wasserman'
)
BEFORE_ACCORDING = re.compile(
    rf"[Aa]ccording to (?P<spk>{_NAME}|{_DESC}(?=,))\s*,?\s*(?P<rest>[^\u201c\u201d\"]*)$|"
    rf"[Aa]ccording to (?P<spk2>{_NAME}|{_DESC})\s*,?\s*(?P<rest2>[^\u201c\u201d\"]*)$"
)
# names next to a speech verb anywhere (speaker history, for pronouns)
_VERB_ONLY = re.compile(rf"(?<![\w-]){_VERB}\b")  # not 'self-proclaimed'
_NAME_AFTER_VERBS = {"said", "says", "added", "asked", "according"}
_NAME_AT_START = re.compile(rf"\s+(?:to\s+)?(?P<spk>{_NAME})")
# reported speech: 'Shuja said that ...', 'Aghbar said the Taliban ...', ', Aghbar warned, there ...'
_REPORT = "|".join(rules.REPORTING_VERBS)
_REPORT_VERB = re.compile(rf"\b(?:{_REPORT})\b")
INDIRECT = re.compile(
    rf"(?P<spk>{_NAME}|(?<![\w'])(?:[Hh]e|[Ss]he))(?:,[^,.]{{1,80}},)?{_ADV}\s+(?:{_REPORT})\s+"
    rf"(?:that\s+)?(?P<content>[a-zA-Z].{{15,}})$"
)
# 'The economy is slowing, Smith said.' / '..., Smith said on Tuesday.': the attribution closes the sentence
TRAILING = re.compile(
    rf"^(?P<content>[A-Z0-9][^,;]{{15,}}(?:,[^,;]+)*?),\s*(?P<spk>{_NAME}|[Hh]e|[Ss]he){_APPOS}{_ADV}\s+"
    rf"(?:{_REPORT})(?:\s+(?:on|in|at|during|last|this|earlier|later)\b[^,]{{0,60}})?$"
)
# 'said in a statement that X': the adjunct before "that" is not what was said
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
PARENTHETICAL = re.compile(rf"^(?P<head>[^,]{{0,40}}),\s*(?P<spk>{_NAME})\s+(?:{_REPORT}),\s*(?P<content>.{{15,}})$")
# a name before the colon that opens a quote: 'Bush: "..."', '- Pew Research: "..."'
COLON_NAME = re.compile(
    rf"(?:^|[.!?\u2014\u2013-]\s+|[.!?,][\u201d\"'\u2019]+\s+|\]\s+)(?P<spk>{_NAME})(?:\s*\([^()]{{1,30}}\))?\s*:\s*$"
)
# 'But Trump quickly deflected with a non sequitur:': the subject of the sentence the colon ends
COLON_SENTENCE = re.compile(r"^[^:;\u201c\u201d\"]{8,160}:\s*$")
# 'Stated Stone:', 'Continued Stone: "..."'
COLON_VERB_NAME = re.compile(rf"(?:^|[.!?]\s+)(?:[A-Z][a-z]+ed|Says|Said|Added|Wrote|Asked)\s+(?P<spk>{_NAME})\s*:\s*$")
# a verb coordinated with an earlier one: 'X declined to comment but said', 'X caucused and says'
COORDINATED = re.compile(r"\b(?:and|but|or)(?:\s+(?:also|later|then|now|still|has|had|have|was|is|\w+ly))*\s*$")
# what stands before a quoted title: "on ABC's", "host of", "titled", "the show", "the book"
TITLE_BEFORE = re.compile(
    r"(?:['\u2019]s|\b(?:on|of|in|to|at|from|by|with|for|told|tells|titled|entitled|called|named|dubbed|show|"
    r"program|programme|book|film|movie|"
    r"series|song|album|column|podcast|newsletter|magazine|play|documentary))\s*$"
)
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "with", "or", "&"}
# what stands before a participle whose speaker is the sentence's subject: ', saying', 'by warning'
PARTICIPLE_HEAD = re.compile(r"(?:,|\b(?:by|while|after|before|when|in|without))(?:\s+\w+ly)?\s*$")
# what opens an apposition after a subject: ', a former aide,', ', 22, of Flint,', ', who served as ...,'
APPOSITION_OPENER = re.compile(
    r",\s+(?:a|an|the|his|her|their|its|who|whose|which|\d{1,3}|of|from|[A-Z][\w.'\u2019-]*['\u2019]s|"
    r"now|then|once|also|however|too|like|as|in|at)\b"
)
# a new clause after a quote's statement: its tail stops there
CLAUSE_BREAK = re.compile(
    r",\s+(?:which|who|whose|while|and|but|as|although|though|because|after|before|when|where|according|noting|"
    r"saying|adding|he|she|they|it|I|we)\b|;|\s[\u2014\u2013]\s|\s--\s|\s\(|"
    rf"\s+(?:and|but)\s+(?:also\s+)?(?:{_VERB})\b|"  # '... and argued that': a second statement
    r"\s+(?:and|but)\s+(?:he|she|they|I|we)\s+[a-z]+"  # '..." and he reiterated his claim': a new clause
)
SENTENCE_END = re.compile(r"[.!?][\u201d\"'\u2019)]*\s+(?=[\u201c\"'A-Z0-9])")
_ABBR = "|".join(sorted({re.escape(t.rstrip(".")) for t in rules.TITLES}, key=len, reverse=True))
ABBREV = re.compile(rf"(?:\b(?:{_ABBR}|[A-Z]|St|Jr|Sr|Inc|Co|U\.S|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No|vs))\.$")
WORD = re.compile(r"\w+")
_ROLE_ABBREVIATION = re.compile(r"^[A-Z]{2,5}$")  # MP, CEO, GOP
_MARK = re.compile("[\u201c\"\u00ab]|''")
_MARKS = re.compile("[\u201c\u201d\"]|''")
_QUOTED = re.compile('[\u201c"][^\u201c\u201d"]*[\u201d"]')
_WS = re.compile(r"\s+")
_POSSESSIVE = re.compile("['\u2019]s$")


@dataclass
class _Segment:
    para: int
    start: int
    end: int  # offsets of the quoted text, marks included
    text: str  # the inside of the marks
    closed: bool = True


def find_quoted(paragraphs: list[str]) -> list[_Segment]:
    """Quoted strings per paragraph; an opening mark left open continues into the next paragraph."""
    segs: list[_Segment] = []
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
            if op == "\u201c":
                nxt = para.find("\u201c", i + 1)
                if j < 0 or (0 <= nxt < j and para.find("\u201d", nxt + 1) < 0):
                    j = -1 if j < 0 else j
            if j < 0:
                inner = para[i + len(op) :].strip()
                if inner:
                    segs.append(_Segment(pi, i, n, inner, closed=False))
                break
            inner = para[i + len(op) : j].strip()
            if inner:
                segs.append(_Segment(pi, i, j + len(cl), inner))
            i = j + len(cl)
    return segs


def _sentence_bounds(para: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
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


def _clean_speaker(spk: str) -> str:
    spk = spk.strip(" ,.;:\u2014-")
    words = spk.split()
    while words and (words[0] in rules.NOT_NAMES or words[0] in rules.SPEAKER_OPENERS) and not _is_pronoun(words[0]):
        if len(words) > 1 and words[1][:1].islower() and re.fullmatch(_DET, words[0]):
            break  # 'The ministry': a description keeps its determiner
        words = words[1:]
    while len(words) > 1 and words[-1].lower() in {"also", "then", "later", "has", "had", "have", "was", "is"}:
        words = words[:-1]
    # "Local MP Simon Clarke" -> "Simon Clarke": a role abbreviation before a full name ends the description
    for i, word in enumerate(words[:-2]):
        if _ROLE_ABBREVIATION.match(word):
            words = words[i + 1 :]
            break
    return " ".join(words)


def plausible_speaker(spk: str) -> bool:
    """A person, an organisation or a described group; never a lone stray word ('During', 'Audience', 'Monday').

    Shape rule: a speaker with capitalised words ('Ana Ruiz', 'the union's Ana Ruiz') needs one that is not a
    stop word, a weekday or a month; lower-case descriptions ('senator', 'a spokesman') stand as they are."""
    if not spk or _is_pronoun(spk):
        return bool(spk)
    words = spk.split()
    if len(words) > 1 and re.fullmatch(_DET, words[0]):
        words = words[1:]  # 'The ministry': the determiner is no name word
    capitalised = [_POSSESSIVE.sub("", w).strip(".,") for w in words if w[:1].isupper()]
    stray = rules.NOT_SPEAKERS | rules.NOT_NAMES | rules.CALENDAR_WORDS
    return not capitalised or any(w not in stray for w in capitalised)


def _join_pieces(first: str, second: str, between: str) -> str:
    """'"A," he said. "B."' as one statement, punctuated as the cue between them was."""
    first = first.rstrip().rstrip(",")
    if first[-1:] in (".", "!", "?", "\u2026"):
        return f"{first} {second}"
    return f"{first}{'.' if re.search(r'[.!?]', between) else ','} {second}"


def _is_pronoun(spk: str) -> bool:
    return spk.lower() in rules.PRONOUNS


def _is_person(spk: str) -> bool:
    """A name that can be the referent of 'he' or 'she' (not 'Super Tuesday', 'the Senate')."""
    words = (_POSSESSIVE.sub("", word).strip(".,") for word in spk.split())
    return _is_name(spk) and not any(word in rules.NOT_PERSON_WORDS for word in words)


def _is_name(spk: str) -> bool:
    return bool(spk) and spk[0].isupper() and not _is_pronoun(spk) and not re.match(_DET + r"\s", spk)


class _Names:
    """Full forms of the person names an article gives: 'Massoud' -> 'Ahmad Massoud'."""

    NAME2 = re.compile(r"\b([A-Z][a-z][\w'\u2019-]+(?:\s+[A-Z][a-z][\w'\u2019-]+){1,2})\b")

    def __init__(self, paragraphs: list[str]):
        self.full: dict[str, str] = {}
        for para in paragraphs:
            for m in self.NAME2.finditer(para):
                words = m.group(1).split()
                if words[0] in rules.NOT_NAMES or any(w in rules.NOT_NAMES for w in words):
                    continue
                last = words[-1]
                self.full.setdefault(last, " ".join(words))

    def resolve(self, spk: str) -> str:
        words = [w for w in spk.split() if w.rstrip(".") + "." not in rules.TITLES and w not in rules.TITLES]
        if len(words) == 1 and words[0] in self.full:
            return self.full[words[0]]
        return spk


def _find_speaker(para: str, seg: _Segment, left: int, right: int) -> tuple[str | None, str | None, str | None]:
    """(speaker, unquoted words of the statement before the quote, and after it) from the quote's sentence.

    '"...," Trump said' gives no words around the quote; 'Trump said the plan is "a disaster" for
    the city' gives 'the plan is' and 'for the city'; 'Leaders grew more "conversant" about it, Ban
    said' gives the sentence's opening and 'about it'."""
    post = para[seg.end : right]
    m = AFTER_SPK_VERB.match(post) or AFTER_VERB_SPK.match(post)
    if m and not (seg.text.endswith(".") and NEW_SENTENCE_PRONOUN.match(post)):
        spk = _clean_speaker(m.group("spk") or m.group("full"))
        if not _is_name(spk) and m.group("full"):
            spk = _clean_speaker(m.group("full"))  # 'a spokesperson for the National Security Council'
        elif m.re is AFTER_VERB_SPK and m.group("role") and m.group("spk"):
            spk = f"{m.group('role')}, {spk}"  # "said the union's chief negotiator, Ana Ruiz": a role in apposition
        return spk, None, None
    pre = para[left : seg.start]
    # '"... so well." He touted ...': a quote that ends its sentence has no tail
    tail = None if seg.text.endswith((".", "!", "?")) else _statement_tail(post)
    m = BEFORE_ACCORDING.search(pre)
    if m:
        # 'According to his longtime personal physician, the ...': the description runs to its comma
        return _clean_speaker(m.group("spk") or m.group("spk2")), m.group("rest") or m.group("rest2"), tail
    described = None  # 'the senator said': kept unless a name or pronoun stands before an earlier verb
    for v in reversed(list(_VERB_ONLY.finditer(pre))):  # the verb nearest the quote first
        rest = pre[v.end() :]
        if _MARKS.search(rest):
            break  # an earlier quote stands between this verb and ours
        head = pre[: v.start()]
        # 'Fiorina backed Cruz on Wednesday, saying ...': the participle's speaker is the sentence's subject
        participle = v.group(0).endswith("ing") and PARTICIPLE_HEAD.search(head) is not None
        # 'Reid caucused in Nevada and says he voted "uncommitted."': a verb after 'and' shares the subject
        coordinated = COORDINATED.search(head) is not None
        found = (
            ((participle or coordinated) and _sentence_subject(head))
            or _subject_before_apposition(head)
            or speaker_before(head)
        )
        if found and VEHICLE.search(found):
            found = _sentence_subject(head)  # 'Trump released a statement saying': Trump
        if found and found.endswith(("'s", "\u2019s")):
            continue  # "Mr. Obama's remarks": the "verb" is a noun here
        if found and (_is_name(found) or _is_pronoun(found)):
            return found, rest, tail
        if found and described is None:
            described = (found, rest, tail)
    if described is not None:
        return described
    m = TRAILING_CUE.match(post)
    if m:
        spk = _clean_speaker(m.group("spk") or m.group("spk2"))
        if spk:
            return spk, pre if _words(pre) >= 2 else None, m.group("tail").strip() or None
    chunk = AFTER_SUBJECT_CHUNK.match(post) if not seg.text.endswith(".") else None
    if chunk and _words(chunk.group("chunk")) <= 14 and _words(seg.text) >= rules.SHORT_QUOTE_WORDS:
        # '"...," DoubleLine Capital portfolio manager Bonnie Baha said': the subject ends the words before the verb
        head = chunk.group("chunk") + " "
        found = _subject_before_apposition(head) or speaker_before(head)
        if found and not VEHICLE.search(found):
            return found, None, None
    intro = colon_intro(pre)
    if intro:
        return intro, "", None  # the cue stands before the quote: no words of the statement around it
    return None, None, None


def _intro_before(para: str, last: str | None) -> str | None:
    """Who speaks in the quote after a paragraph that ends with a colon ('He added:', 'Stated Stone:')."""
    intro = colon_intro(para)
    if intro:
        return intro
    cue = list(_VERB_ONLY.finditer(para))
    if cue and len(para) - cue[-1].end() <= 60:
        found = _subject_before_apposition(para[: cue[-1].start()]) or speaker_before(para[: cue[-1].start()])
        if found and _is_pronoun(found):
            return last or found
        return found
    return None


def colon_intro(text: str) -> str | None:
    """The speaker a colon introduces: 'Bush: "..."', '- Philip Bump: "..."', 'Stated Stone:'."""
    m = COLON_VERB_NAME.search(text) or COLON_NAME.search(text)
    if not m:
        if COLON_SENTENCE.match(text):
            subject = _sentence_subject(text)
            if subject and _is_name(subject) and plausible_speaker(subject):
                return subject
        return None
    spk = _clean_speaker(m.group("spk"))
    return spk if _is_name(spk) and plausible_speaker(spk) and not rules.NOT_INTRO.search(spk) else None


def _subject_before_apposition(head: str) -> str | None:
    """'Dean Johnson, a 55-year-old salesman from Sumter, South Carolina, says': the subject stands before the
    apposition that ends at the verb, not inside it ('Sumter')."""
    if not head.rstrip().endswith(","):
        return None
    start = head.find(", ")
    while start > 0:
        if APPOSITION_OPENER.match(head, start):
            found = speaker_before(head[:start])
            if found and not found.endswith(("'s", "’s")):
                return found
        start = head.find(", ", start + 2)
    return None


def _is_title(seg: _Segment, para: str) -> bool:
    """A quoted title, not a quote: every word capitalised, and a possessive or 'on', 'titled' ... before it."""
    words = seg.text.rstrip(".,").split()
    if not words or len(words) > 7 or not all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words):
        return False
    return TITLE_BEFORE.search(para[max(0, seg.start - 40) : seg.start]) is not None


def _statement_head(rest: str | None) -> str | None:
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


def _statement_tail(post: str) -> str | None:
    """The unquoted rest of the sentence after a quote, when it carries on the statement.

    Later quoted words of the same sentence belong to it ('"judgment" and "honesty" are in question'),
    unless another speech verb starts a second attribution."""
    tail = post[: tail_length(post)].strip().rstrip(".").strip()
    if not tail or tail.startswith((",", ";", ":")):
        return None
    if _MARKS.search(tail):
        if _VERB_ONLY.search(_QUOTED.sub(" ", tail)):
            return None
        tail = _WS.sub(" ", _MARKS.sub("", tail)).strip()
    return tail or None


def speaker_before(text: str) -> str | None:
    """The name, pronoun or short description that ends text (the subject of a following verb)."""
    for rx in (END_NAME, END_APPOS_NAME, END_PRON, END_POSS, END_DESC, END_NAMED_GROUP):
        m = rx.search(text[-160:])
        if m:
            spk = _clean_speaker(m.group("spk"))
            if spk:
                return spk
    return None


def _history(paragraphs: list[str]) -> list[tuple[int, int, str]]:
    """(paragraph, offset, name) for every name next to a speech verb, in reading order."""
    out = []
    for pi, para in enumerate(paragraphs):
        for v in _VERB_ONLY.finditer(para):
            spk = speaker_before(para[max(0, v.start() - 160) : v.start()])
            if spk and _is_name(spk):
                out.append((pi, v.start(), spk))
            elif v.group(0) in _NAME_AFTER_VERBS:
                m = _NAME_AT_START.match(para, v.end())
                if m:
                    spk = _clean_speaker(m.group("spk"))
                    if _is_name(spk):
                        out.append((pi, v.start(), spk))
    return out


def lazy_history(paragraphs: list[str]) -> Callable[[], list[tuple[int, int, str]]]:
    """The speaker history, computed on first use: most articles never need a pronoun resolved."""
    return cache(lambda: _history(paragraphs))


def _last_named(
    history: list[tuple[int, int, str]],
    pi: int,
    pos: int,
    same_paragraph: bool = False,
    person: bool = False,
    accept: Callable[[str], bool] = bool,
) -> str | None:
    """The last name next to a speech verb before (pi, pos); person: only names that can be 'he' or 'she'."""
    best = None
    for hp, ho, name in history:
        if (same_paragraph and hp != pi) or (person and not _is_person(name)) or not accept(name):
            continue
        if (hp, ho) < (pi, pos):
            best = name
        else:
            break
    return best


def _last_person_in(para: str) -> str | None:
    names = [m.group(1) for m in _Names.NAME2.finditer(para)]
    singles = re.findall(r"\b(?<![.!?]\s)([A-Z][a-z]{2,})\s+" + _VERB, para)
    for group in (singles, names):
        cands = [n for n in group if n.split()[0] not in rules.NOT_NAMES and not rules.OUTLET_HINTS.search(n)]
        if cands:
            return cands[-1]
    return None


def _surnames(history: list[tuple[int, int, str]]) -> frozenset[str]:
    """The last words of the names next to a speech verb anywhere in the article: the people it quotes."""
    return frozenset(name.split()[-1].strip(".").lower() for _, _, name in history if _is_person(name))


def _antecedent(
    history: Callable[[], list[tuple[int, int, str]]],
    para: str,
    pi: int,
    pos: int,
    person: bool,
    speakers: ArticleSpeakers | None = None,
    pronoun: str | None = None,
) -> str | None:
    """Who a pronoun at (pi, pos) stands for: the last speaker named in its paragraph, else the
    paragraph's opening subject, else the last speaker named before it."""

    def agrees(name: str) -> bool:  # 'she' is never a man the article calls 'he' (or 'Mr.')
        return speakers is None or pronoun is None or speakers.agrees(name, pronoun)

    subject = _paragraph_subject(para[:pos])
    return (
        _last_named(history(), pi, pos, same_paragraph=True, person=person, accept=agrees)
        or (subject if subject and agrees(subject) else None)
        or (speakers.last_subject(pi, pos, _surnames(history()), agrees) if speakers is not None and person else None)
        or _last_named(history(), pi, pos, person=person, accept=agrees)
    )


def _sentence_subject(text: str) -> str | None:
    """The subject a sentence opens with, after an adverbial if there is one; pronouns included."""
    subject = _paragraph_subject(text)
    if subject:
        return subject
    m = LEAD_AFTER_ADVERBIAL.match(text)
    if not m:
        return None
    spk = _clean_speaker(m.group("spk"))
    return spk if (_is_name(spk) or _is_pronoun(spk)) and not spk.endswith(("'s", "\u2019s")) else None


def _paragraph_subject(text: str) -> str | None:
    """A person named at the start of the paragraph, before the quote (the likely 'he')."""
    m = LEAD_NAME.match(text)
    if not m:
        return None
    spk = _clean_speaker(m.group("spk"))
    if spk.endswith(("'s", "\u2019s")):
        return None  # "Boca West Country Club's investment ...": an owner, not the subject
    return spk if _is_name(spk) and len(spk.split()) <= 4 else None


def _words(text: str) -> int:
    return len(WORD.findall(text))


def direct_quotes(
    paragraphs: list[str],
    speakers: ArticleSpeakers | None = None,
    history: Callable[[], list[tuple[int, int, str]]] | None = None,
) -> list[Quote]:
    """Quotes in quotation marks with their speakers (as mentioned); pieces of one statement are merged."""
    speakers = speakers or ArticleSpeakers(paragraphs)
    history = history or lazy_history(paragraphs)

    segs = find_quoted(paragraphs)
    # quoted titles ('on ABC's "This Week"') are words of the sentence, not quotes: their marks go
    paragraphs = list(paragraphs)
    titles = [seg for seg in segs if seg.closed and _is_title(seg, paragraphs[seg.para])]
    for seg in titles:
        para = paragraphs[seg.para]
        inner = para[seg.start : seg.end]
        inner = _MARKS.sub(lambda m: " " * len(m.group(0)), inner)
        paragraphs[seg.para] = para[: seg.start] + inner + para[seg.end :]
    segs = [seg for seg in segs if seg not in titles]
    spans_by_para: dict[int, list[tuple[int, int]]] = {}
    for s in segs:
        spans_by_para.setdefault(s.para, []).append((s.start, s.end))
    out: list[Quote] = []
    prev: tuple[Quote, _Segment] | None = None
    open_quote: Quote | None = None
    swallowed: tuple[int, int] | None = None  # (paragraph, end) of a sentence a mixed quote took whole
    for seg in segs:
        para = paragraphs[seg.para]
        if open_quote is not None and seg.start == 0 and seg.para == (prev[1].para + 1 if prev else -1):
            open_quote.text += " " + seg.text  # a multi-paragraph quote goes on
            prev = (open_quote, seg)
            open_quote = open_quote if not seg.closed else None
            continue
        open_quote = None
        if swallowed is not None and seg.para == swallowed[0] and seg.start < swallowed[1]:
            continue  # its words went into the mixed quote before it
        left, right = _sentence_bounds(para, seg.start, seg.end, spans_by_para[seg.para])
        speaker, rest, tail = _find_speaker(para, seg, left, right)
        text = seg.text
        lead = para[left : seg.start].strip()
        cued_before = rest is not None
        rest = _statement_head(rest)
        if rest is not None and (_words(rest) >= 2 or (tail and _words(rest) <= 1) or _words(rest) == 1):
            text = re.sub(r"^[\s,:]+", "", rest).strip() + " " + seg.text  # mixed: 'said that X "..."'
            if tail:
                text += " " + tail  # ... and the sentence goes on after the quote
                swallowed = (seg.para, seg.end + tail_length(para[seg.end : right]))
        elif speaker is not None and not cued_before:
            if _words(lead) >= 3 and seg.start > left:
                text = lead + " " + seg.text  # mixed: 'X "..." , Y said'
            if tail:
                text += " " + tail  # '"..." if she didn't win by more, said David Wasserman'
        same_para = prev is not None and prev[1].para == seg.para
        if speaker is None:
            if prev is not None and same_para and prev[0].speaker:
                if _words(para[prev[1].end : seg.start]) <= 12:
                    prev[0].text = _join_pieces(prev[0].text, seg.text, para[prev[1].end : seg.start])
                    prev = (prev[0], seg)
                    open_quote = prev[0] if not seg.closed else None
                    continue
                speaker = prev[0].speaker
            elif seg.start <= 1 and _words(seg.text) >= rules.SHORT_QUOTE_WORDS:
                # a paragraph opening with a quote and no cue: the last speaker goes on
                before = paragraphs[seg.para - 1].rstrip() if seg.para else ""
                speaker = _intro_before(before, prev[0].speaker if prev else None) if before.endswith(":") else None
                speaker = (
                    speaker
                    or (prev[0].speaker if prev and prev[1].para >= seg.para - 2 else None)
                    or (_last_person_in(paragraphs[seg.para - 1]) if seg.para else None)
                )
        if speaker is None and _words(seg.text) < rules.SHORT_QUOTE_WORDS + 4:
            continue  # titles, nicknames, scare quotes
        mention = speaker
        if speaker is not None and _is_pronoun(speaker):
            person = speaker.lower() in rules.PERSON_PRONOUNS
            speaker = _antecedent(history, para, seg.para, seg.start, person, speakers, speaker) or speaker
        if speaker is not None and not plausible_speaker(speaker):
            speaker = mention = None  # unsure: unattributed rather than a stray word
        q = Quote(
            text=text.strip().rstrip(",").strip(),
            speaker=speaker,
            speaker_mention=mention,
            kind=QuoteKind.DIRECT,
            paragraph=seg.para,
        )
        out.append(q)
        prev = (q, seg)
        if not seg.closed:
            open_quote = q
    return out


def _sentences(para: str) -> list[str]:
    parts, last = [], 0
    for m in SENTENCE_END.finditer(para):
        if ABBREV.search(para, max(0, m.start() - 24), m.start() + 1):
            continue
        parts.append(para[last : m.end()].strip())
        last = m.end()
    parts.append(para[last:].strip())
    return [p for p in parts if p]


def indirect_quotes(
    paragraphs: list[str],
    speakers: ArticleSpeakers,
    history: Callable[[], list[tuple[int, int, str]]],
    skip: AbstractSet[int] = frozenset(),
) -> list[Quote]:
    """Reported speech without quotation marks: 'Shuja said that ...', ', Aghbar warned, ...', '..., he said'."""
    out: list[Quote] = []
    for pi, para in enumerate(paragraphs):
        if pi in skip:
            continue
        offset = 0
        for sent in _sentences(para):
            offset = para.find(sent, offset)
            if any(c in sent for c in '"\u201c\u201d'):
                continue
            if not _REPORT_VERB.search(sent):
                continue  # every pattern below needs a reporting verb: most sentences stop here
            body = sent.rstrip(".")
            m = PARENTHETICAL.match(body) or TRAILING.match(body) or INDIRECT.search(body)
            if not m:
                continue
            content = m.group("content").strip().rstrip(".")
            if m.re is INDIRECT:
                after_adjunct = ADJUNCT_THAT.match(content)
                if after_adjunct:
                    content = after_adjunct.group("rest").rstrip(".")
                elif ADJUNCT.match(content):
                    continue
            spk = mention = _clean_speaker(m.group("spk"))
            if _is_pronoun(spk):
                at = offset + m.start("spk")
                spk = _antecedent(history, para, pi, at, True, speakers, spk) or ""
            if not _is_name(spk) or len(spk.split()) > 5 or not plausible_speaker(spk):
                continue
            out.append(Quote(text=content, speaker=spk, speaker_mention=mention, kind=QuoteKind.INDIRECT, paragraph=pi))
    return out


def excerpts(paragraphs: list[str], blockquoted: set[int]) -> tuple[list[Quote], set[int]]:
    """Passages quoted from a publication: a 'Washington Post:' paragraph, then the quoted ones."""
    from newsdesk.extraction.credits import normalize_outlet  # one normalization for both passes

    out: list[Quote] = []
    used: set[int] = set()
    for pi, para in enumerate(paragraphs[:-1]):
        m = rules.EXCERPT_INTRO.match(para.strip())
        if not m or _words(para) > 8 or COLON_VERB_NAME.search(para.strip()):  # 'Stated Stone:' is speech
            continue
        name = normalize_outlet(m.group("name"))
        j = pi + 1
        block = [j] if j not in blockquoted else []
        while j < len(paragraphs) and j in blockquoted:
            block.append(j)
            j += 1
        for k in block:
            out.append(
                Quote(
                    text=paragraphs[k],
                    speaker=name,
                    speaker_mention=m.group("name"),
                    speaker_kind=SpeakerKind.ORGANIZATION,
                    kind=QuoteKind.EXCERPT,
                    paragraph=k,
                )
            )
            used.add(k)
    return out, used


def _attribute(quote: Quote, speakers: ArticleSpeakers) -> None:
    """The quote's speaker as an entity: canonical name, role and kind; unattributed when it names no one."""
    speaker = speakers.resolve(quote.speaker)
    if speaker is None:
        quote.speaker = quote.speaker_mention = None
        return
    quote.speaker = speaker.name
    quote.speaker_role = speaker.role
    quote.speaker_kind = speaker.kind
    if quote.speaker_mention is None or not _is_pronoun(quote.speaker_mention):
        quote.speaker_mention = speaker.mention


def extract_quotes(paragraphs: list[str], blockquoted: set[int] | None = None) -> list[Quote]:
    """All quotes of an article body, ordered by paragraph."""
    speakers = ArticleSpeakers(paragraphs)
    exc, used = excerpts(paragraphs, blockquoted or set())
    history = lazy_history(paragraphs)
    direct = [q for q in direct_quotes(paragraphs, speakers, history) if q.paragraph not in used or '"' in q.text]
    indirect = indirect_quotes(paragraphs, speakers, history)
    for quote in direct + indirect:
        _attribute(quote, speakers)
        quote.text = _WS.sub(" ", quote.text).strip()
    quotes = exc + direct + indirect
    quotes.sort(key=lambda q: (q.paragraph or 0, q.kind != QuoteKind.EXCERPT))
    return quotes
