"""Who speaks: the speaker a quote's sentence names, colon intros, and what a pronoun stands for."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from newsdesk.extraction import rules
from newsdesk.extraction.quoted import MARKS, VERB, VERB_ONLY, Segment, statement_tail, word_count
from newsdesk.extraction.speakers import STRAY_WORDS, ArticleSpeakers

_TITLE = rules.word_alternation(set(rules.TITLES))
# a capitalized name word ("O'Reilly", "J.", "Jr."); a full stop only after an initial, so "God. He" is no name
# dotted abbreviations first: "U.S. District Judge Patricia Gomez"
_NW = r"(?:(?:[A-Z]\.){2,}|[A-Z]\.|(?:Jr|Sr|St)\.|[A-Z][\w'\u2019-]*)"
NAME = rf"(?:(?:{_TITLE})\s+)?{_NW}(?:\s+(?:{_NW}|de|van|von|bin|al|da|del|la|le)){{0,5}}"
# the letter a name or its title starts with, as a lookahead: a search for a pattern that ends the text tries its
# alternatives only where one can start (about half the cost of the end-anchored searches below)
_NAME_START = "(?=[A-Z" + "".join(sorted({re.escape(t[0]) for t in rules.TITLES})) + "])"
_PRON = r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Ii]t)"
_DET = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Ss]ome|[Ss]everal|[Mm]any|[Tt]wo|[Tt]hree)"
# the letters they start with, as lookaheads (see _NAME_START): keep them in step with the alternations
_PRON_START = "(?=[HhSsTtIiWw])"
_DET_START = "(?=[TtAaOoHhIiSsMm])"
_FUNCTION_WORD = r"(?:by|of|in|on|at|to|for|with|from|and|or|but|than|that|as|is|was|also|said|says)\b"
_DESC = rf"{_DET}\s+(?!{_FUNCTION_WORD})[\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){{0,6}}?"
# where a description after its verb ends: "said a prominent committee member who supports Trump"
_DESC_END = (
    r"(?=\s*[,.;:!?()\u2014\u2013\u201c\"]|\s*$|\s+(?:who|which|whose|that|in|at|on|during|after|before|when|while|"
    r"as|because|since|about|to)\b)"
)
# a group without a determiner: 'protesters chanted', 'residents said'
_GROUP = rules.word_alternation(rules.GROUP_NOUNS)
_SPK = rf"(?P<spk>{NAME}|{_PRON}|{_DESC}|(?:{_GROUP})\b)"
# words between a subject and its verb: adverbs, auxiliaries, and verbs that lead into speech ('went on to say')
ADV = (
    r"(?:\s+(?:also|later|then|once|has|have|had|was|is|did|does|do|recently|previously|reportedly|repeatedly|"
    r"simply|just|\w+ly|(?:went|goes|go)\s+on\s+to|(?:began|begins|continued|continues|seemed|appeared|tried)\s+to))*"
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
_AFFILIATION = rf"(?:\s+(?:of|for|at|with)\s+(?:the\s+)?{NAME}){{0,2}}(?:\s*\([^()]{{1,40}}\))?"
# speaker and verb right after the closing mark: ', Trump said.' / ', Trump lawyer Marc Kasowitz said.'
AFTER_SPK_VERB = re.compile(
    rf"^[\s,\u2014\u2013-]*(?:{_ROLE_BEFORE})?(?P<full>{_SPK}{_AFFILIATION})(?:,(?P<appos>[^,.]{{1,80}}),)?{ADV}\s+{VERB}\b"
)
# any subject between the closing mark and the verb, for speaker_before to read ('..., Powell's office said')
AFTER_SUBJECT_CHUNK = re.compile(rf"^[\s,\u2014\u2013-]*(?P<chunk>[^.!?;:\u201c\u201d\"]{{1,160}}?)\s+{VERB}\b")
# verb then speaker: ', said Soe Min, a ...' / ', said Cruz constituent Dan Golvach' / ', said a spokesman for X'
# a role in apposition after the verb opens with an article, in any language of the set
_ROLE_DET = rf"(?:{_DET[3:-1]}|{'|'.join(rules.ROLE_ARTICLES_OTHER_LANGUAGES)})"
AFTER_VERB_SPK = re.compile(
    rf"^[\s,\u2014\u2013-]*{VERB}\s+(?:(?<=according\s)to\s+)?(?:(?P<role>{_ROLE_DET}\s+[^,.;\u201c\u201d\"]{{2,80}}),\s+(?=[A-Z])|(?:{_ROLE_BEFORE}))?"
    rf"(?:(?P<spk>{NAME}){_AFFILIATION}|(?P<full>{_DESC}{_AFFILIATION}{_DESC_END}))"
)
# a cue right before the quote: 'said, "', 'told CNBC: "'
CUE_BEFORE = re.compile(rf"\b{VERB}(?:\s+[A-Z][\w.]*){{0,3}}\s*[,:]\s*$")
# '"... you." She says ...': a full stop inside the marks and a capitalized pronoun start a new sentence
NEW_SENTENCE_PRONOUN = re.compile(r"^\s+(?:He|She|They|We|It)\b")
# the subject a paragraph opens with: 'Leahy, the ranking member ..., expressed frustration'
# 'Obama consultant Cornell Belcher, ...': a role noun between an owner and the name is no part of the subject
_ROLE_NOUN = rules.word_alternation(rules.ROLE_NOUNS)
LEAD_NAME = re.compile(rf"^(?:[A-Z][a-z]+,?\s+)?(?:{_NW}\s+(?:{_ROLE_NOUN})\s+(?=[A-Z]))?(?P<spk>{NAME})(?=[\s,])")
# the subject after an opening adverbial: 'On Wednesday, he seemed to ...' / 'In Iowa, Sanders said ...'
LEAD_AFTER_ADVERBIAL = re.compile(rf"^[A-Z][^,]{{0,100}},\s+(?P<spk>{NAME}|[Hh]e|[Ss]he|[Tt]hey)(?=[\s,])")
LEAD_PRONOUN = re.compile(r"^(He|She|They)\s")
# a vehicle of speech, not a speaker: 'released a statement saying', 'in an extraordinary statement'
VEHICLE = re.compile(
    r"\b(?:statement|interview|release|memo|letter|tweet|post|video|email|e-mail|op-ed|column|"
    r"speech|remarks|appearance|conference|call|filing|affidavit)s?$"
)
# an apposition between subject and verb: ', the founder of X,' or ' — mentioned by Newsmax as ... —'
APPOS = r"(?:,[^,]{1,120},|\s*[\u2014\u2013]\s*[^\u2014\u2013]{1,150}[\u2014\u2013])?"
END_NAME = re.compile(rf"{_NAME_START}(?P<spk>{NAME}){_AFFILIATION}{APPOS}{ADV}\s*$")
END_PRON = re.compile(rf"{_PRON_START}(?<![\w'])(?P<spk>{_PRON}){ADV}\s*$")
# a name in apposition after a description: 'The agency's chief executive, Philip Duffy, told'
END_APPOS_NAME = re.compile(rf",\s*(?P<spk>{NAME})\s*,{ADV}\s*$")
# an organisation or role owned by a name: "Saudi Arabia's energy ministry said"
END_POSS = re.compile(rf"{_NAME_START}(?P<spk>{NAME}['\u2019]s(?:\s+[a-z][\w-]*){{1,3}}){APPOS}{ADV}\s*$")
# 'the senator said', but not 'in a later interview said' (a phrase after a preposition is no subject)
_NOT_AFTER_PREPOSITION = "".join(
    rf"(?<!\b{p}\s)"
    for p in ("in", "on", "at", "of", "to", "by", "for", "with", "from", "during", "after", "before", "about", "into")
)
END_DESC = re.compile(
    rf"{_DET_START}{_NOT_AFTER_PREPOSITION}(?P<spk>{_DET}\s+(?!{_FUNCTION_WORD})[\w'\u2019.-]+"
    rf"(?:\s+[\w'\u2019.-]+){{0,3}}){APPOS}{ADV}\s*$"
)
# a group or role named by who it belongs to, with no article: 'Party officials said', 'Trump aides say'
_HEAD_NOUNS = rules.word_alternation(rules.GROUP_NOUNS | {n + "s" for n in rules.ROLE_NOUNS} | rules.ROLE_NOUNS)
END_NAMED_GROUP = re.compile(rf"(?=[A-Z])(?<![\w'\u2019])(?P<spk>(?:{_NW}\s+){{1,3}}(?:{_HEAD_NOUNS})){APPOS}{ADV}\s*$")
# the attribution closes the sentence after the quote: '... more "conversant" about it, Ban said.'
TRAILING_CUE = re.compile(
    rf"^(?P<tail>[^\u201c\u201d\"]*?),\s*(?:(?P<spk>{NAME}|{_PRON}|{_DESC}){APPOS}{ADV}\s+{VERB}\b|"
    rf"{VERB}\s+(?P<spk2>{NAME}|{_DESC}))"  # '"..." if she didn't win by more, said David Wasserman'
)
BEFORE_ACCORDING = re.compile(
    rf"[Aa]ccording to (?P<spk>{NAME}|{_DESC}(?=,))\s*,?\s*(?P<rest>[^\u201c\u201d\"]*)$|"
    rf"[Aa]ccording to (?P<spk2>{NAME}|{_DESC})\s*,?\s*(?P<rest2>[^\u201c\u201d\"]*)$"
)
# names next to a speech verb anywhere (speaker history, for pronouns)

_NAME_AFTER_VERBS = frozenset(rules.INVERTED_SPEECH_VERBS)
_NAME_AT_START = re.compile(rf"\s+(?:to\s+)?(?P<spk>{NAME})")

COLON_NAME = re.compile(
    rf"(?:^|[.!?\u2014\u2013-]\s+|[.!?,][\u201d\"'\u2019]+\s+|\]\s+)(?P<spk>{NAME})(?:\s*\([^()]{{1,30}}\))?\s*:\s*$"
)
# 'But Trump quickly deflected with a non sequitur:': the subject of the sentence the colon ends
COLON_SENTENCE = re.compile(r"^[^:;\u201c\u201d\"]{8,160}:\s*$")
# 'Stated Stone:', 'Continued Stone: "..."'
COLON_VERB_NAME = re.compile(rf"(?:^|[.!?]\s+)(?:[A-Z][a-z]+ed|Says|Said|Added|Wrote|Asked)\s+(?P<spk>{NAME})\s*:\s*$")
# a verb coordinated with an earlier one: 'X declined to comment but said', 'X caucused and says'
COORDINATED = re.compile(
    r"\b(?:and|but|or|y|et|und)(?:\s+(?:also|later|then|now|still|has|had|have|was|is|\w+ly))*\s*$"
)

PARTICIPLE_HEAD = re.compile(r"(?:,|\b(?:by|while|after|before|when|in|without))(?:\s+\w+ly)?\s*$")
# what opens an apposition after a subject: ', a former aide,', ', 22, of Flint,', ', who served as ...,'
APPOSITION_OPENER = re.compile(
    r",\s+(?:a|an|the|his|her|their|its|who|whose|which|\d{1,3}|of|from|[A-Z][\w.'\u2019-]*['\u2019]s|"
    r"now|then|once|also|however|too|like|as|in|at)\b"
)
# a new clause after a quote's statement: its tail stops there

_ROLE_ABBREVIATION = re.compile(r"^[A-Z]{2,5}$")  # MP, CEO, GOP

_POSSESSIVE = re.compile("['\u2019]s$")


def clean_speaker(spk: str) -> str:
    spk = spk.strip(" ,.;:\u2014-")
    words = spk.split()
    while words and (words[0] in rules.NOT_NAMES or words[0] in rules.SPEAKER_OPENERS) and not is_pronoun(words[0]):
        if len(words) > 1 and words[1][:1].islower() and re.fullmatch(_DET, words[0]):
            break  # 'The ministry': a description keeps its determiner
        words = words[1:]
    while len(words) > 1 and words[-1].lower() in {"also", "then", "later", "has", "had", "have", "was", "is"}:
        words = words[:-1]
    # "Local MP Simon Clarke" -> "Simon Clarke": a role abbreviation before a full name ends the description
    for i, word in enumerate(words[:-2]):
        if _ROLE_ABBREVIATION.match(word) and words[i + 1][:1].isupper():
            words = words[i + 1 :]
            break
    return " ".join(words)


def plausible_speaker(spk: str) -> bool:
    """A person, an organisation or a described group; never a lone stray word ('During', 'Audience', 'Monday').

    Shape rule: a speaker with capitalised words ('Ana Ruiz', 'the union's Ana Ruiz') needs one that is not a
    stop word, a weekday or a month; lower-case descriptions ('senator', 'a spokesman') stand as they are."""
    if not spk or is_pronoun(spk):
        return bool(spk)
    words = spk.split()
    if len(words) > 1 and re.fullmatch(_DET, words[0]):
        if words[-1][:1].islower():
            return True  # 'a Wednesday editorial': a description, whatever its modifiers
        words = words[1:]  # 'The ministry': the determiner is no name word
    capitalised = [_POSSESSIVE.sub("", w).strip(".,") for w in words if w[:1].isupper()]
    return not capitalised or any(w not in STRAY_WORDS for w in capitalised)


def is_pronoun(spk: str) -> bool:
    return spk.lower() in rules.PRONOUNS


def is_person(spk: str) -> bool:
    """A name that can be the referent of 'he' or 'she' (not 'Super Tuesday', 'the Senate')."""
    words = (_POSSESSIVE.sub("", word).strip(".,") for word in spk.split())
    return is_name(spk) and not any(word in rules.NOT_PERSON_WORDS for word in words)


def is_full_name(text: str) -> bool:
    """Two to four capitalised words and nothing else: 'Carmen Vidal', not "Trump's lawyer" or 'the mayor'."""
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and not _POSSESSIVE.search(w) for w in words)


def is_name(spk: str) -> bool:
    return bool(spk) and spk[0].isupper() and not is_pronoun(spk) and not re.match(_DET + r"\s", spk)


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


def find_speaker(para: str, seg: Segment, left: int, right: int) -> tuple[str | None, str | None, str | None]:
    """(speaker, unquoted words of the statement before the quote, and after it) from the quote's sentence.

    '"...," Trump said' gives no words around the quote; 'Trump said the plan is "a disaster" for
    the city' gives 'the plan is' and 'for the city'; 'Leaders grew more "conversant" about it, Ban
    said' gives the sentence's opening and 'about it'."""
    post = para[seg.end : right].lstrip("'\u2019")  # a third closing mark after a quote inside the quote
    m = AFTER_SPK_VERB.match(post) or AFTER_VERB_SPK.match(post)
    # 'Hayek said, "... overlook." The star then recalled ...': a quote its cue introduces, ending its sentence,
    # is not spoken by the subject of the next sentence
    introduced = (
        m is not None
        and seg.text.endswith((".", "!", "?"))
        and CUE_BEFORE.search(para[max(left, seg.start - 80) : seg.start]) is not None
    )
    if m and not (seg.text.endswith(".") and NEW_SENTENCE_PRONOUN.match(post)) and not introduced:
        spk = clean_speaker(m.group("spk") or m.group("full"))
        if not is_name(spk) and m.group("full"):
            spk = clean_speaker(m.group("full"))  # 'a spokesperson for the National Security Council'
        elif m.re is AFTER_VERB_SPK and m.group("role") and m.group("spk"):
            spk = f"{m.group('role')}, {spk}"  # "said the union's chief negotiator, Ana Ruiz": a role in apposition
        if m.re is AFTER_SPK_VERB and m.group("appos") and not is_name(spk) and is_full_name(m.group("appos")):
            spk = f"{spk}, {m.group('appos').strip()}"  # "the agency's director-general, Ana Ruiz, told": the name
        return spk, None, None
    pre = para[left : seg.start]
    # '"... so well." He touted ...': a quote that ends its sentence has no tail
    tail = None if seg.text.endswith((".", "!", "?")) else statement_tail(post)
    m = BEFORE_ACCORDING.search(pre)
    if m:
        # 'According to his longtime personal physician, the ...': the description runs to its comma
        return clean_speaker(m.group("spk") or m.group("spk2")), m.group("rest") or m.group("rest2"), tail
    described = None  # 'the senator said': kept unless a name or pronoun stands before an earlier verb
    cue_subject: tuple[str | None, str] | None = None  # the sentence's subject, for a cue with none before it
    for v in reversed(list(VERB_ONLY.finditer(pre))):  # the verb nearest the quote first
        rest = pre[v.end() :]
        if MARKS.search(rest):
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
        if found and (is_name(found) or is_pronoun(found)):
            return found, rest, tail
        if found and described is None:
            described = (found, rest, tail)
        if cue_subject is None and not found:
            cue_subject = (_sentence_subject(head), rest)
    if described is not None:
        return described
    if cue_subject is not None and cue_subject[0] and plausible_speaker(cue_subject[0]):
        # 'Trump at the time said he'd asked his "people" ...': no subject right before the cue, so the
        # sentence's own subject speaks
        return cue_subject[0], cue_subject[1], tail
    m = TRAILING_CUE.match(post)
    if m:
        spk = clean_speaker(m.group("spk") or m.group("spk2"))
        if spk:
            return spk, pre if word_count(pre) >= 2 else None, m.group("tail").strip() or None
    chunk = AFTER_SUBJECT_CHUNK.match(post) if not seg.text.endswith(".") else None
    if chunk and word_count(chunk.group("chunk")) <= 14 and word_count(seg.text) >= rules.SHORT_QUOTE_WORDS:
        # '"...," DoubleLine Capital portfolio manager Bonnie Baha said': the subject ends the words before the verb
        head = chunk.group("chunk") + " "
        found = _subject_before_apposition(head) or speaker_before(head)
        if found and not VEHICLE.search(found):
            return found, None, None
    intro = colon_intro(pre)
    if intro:
        return intro, "", None  # the cue stands before the quote: no words of the statement around it
    return None, None, None


def intro_before(para: str, last: str | None) -> str | None:
    """Who speaks in the quote after a paragraph that ends with a colon ('He added:', 'Stated Stone:')."""
    intro = colon_intro(para)
    if intro:
        return intro
    cue = list(VERB_ONLY.finditer(para))
    if cue and len(para) - cue[-1].end() <= 60:
        found = _subject_before_apposition(para[: cue[-1].start()]) or speaker_before(para[: cue[-1].start()])
        if found and is_pronoun(found):
            return last or found
        return found
    return None


def colon_intro(text: str) -> str | None:
    """The speaker a colon introduces: 'Bush: "..."', '- Philip Bump: "..."', 'Stated Stone:'."""
    m = COLON_VERB_NAME.search(text) or COLON_NAME.search(text)
    if not m:
        if COLON_SENTENCE.match(text):
            subject = _sentence_subject(text)
            if subject and is_name(subject) and plausible_speaker(subject):
                return subject
        return None
    spk = clean_speaker(m.group("spk"))
    return spk if is_name(spk) and plausible_speaker(spk) and not rules.NOT_INTRO.search(spk) else None


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


def speaker_before(text: str) -> str | None:
    """The name, pronoun or short description that ends text (the subject of a following verb)."""
    for rx in (END_NAME, END_APPOS_NAME, END_PRON, END_POSS, END_DESC, END_NAMED_GROUP):
        m = rx.search(text[-160:])
        if m:
            spk = clean_speaker(m.group("spk"))
            if spk:
                return spk
    return None


def _history(paragraphs: list[str]) -> list[tuple[int, int, str]]:
    """(paragraph, offset, name) for every name next to a speech verb, in reading order."""
    out = []
    for pi, para in enumerate(paragraphs):
        for v in VERB_ONLY.finditer(para):
            spk = speaker_before(para[max(0, v.start() - 160) : v.start()])
            if spk and is_name(spk):
                out.append((pi, v.start(), spk))
            elif v.group(0) in _NAME_AFTER_VERBS:
                m = _NAME_AT_START.match(para, v.end())
                if m:
                    spk = clean_speaker(m.group("spk"))
                    if is_name(spk):
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
        if (same_paragraph and hp != pi) or (person and not is_person(name)) or not accept(name):
            continue
        if (hp, ho) < (pi, pos):
            best = name
        else:
            break
    return best


def last_person_in(para: str) -> str | None:
    names = [m.group(1) for m in _Names.NAME2.finditer(para)]
    singles = re.findall(r"\b(?<![.!?]\s)([A-Z][a-z]{2,})\s+" + VERB, para)
    for group in (singles, names):
        cands = [n for n in group if n.split()[0] not in rules.NOT_NAMES and not rules.OUTLET_HINTS.search(n)]
        if cands:
            return cands[-1]
    return None


def _surnames(history: list[tuple[int, int, str]]) -> frozenset[str]:
    """The last words of the names next to a speech verb anywhere in the article: the people it quotes."""
    return frozenset(name.split()[-1].strip(".").lower() for _, _, name in history if is_person(name))


def antecedent(
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

    subject = paragraph_subject(para[:pos])
    return (
        _last_named(history(), pi, pos, same_paragraph=True, person=person, accept=agrees)
        or (subject if subject and agrees(subject) else None)
        or (speakers.last_subject(pi, pos, _surnames(history()), agrees) if speakers is not None and person else None)
        or _last_named(history(), pi, pos, person=person, accept=agrees)
    )


def _sentence_subject(text: str) -> str | None:
    """The subject a sentence opens with, after an adverbial if there is one; pronouns included."""
    subject = paragraph_subject(text)
    if subject:
        return subject
    pronoun = LEAD_PRONOUN.match(text)
    if pronoun:
        return pronoun.group(1)  # 'He then defended the remark, saying ...'
    m = LEAD_AFTER_ADVERBIAL.match(text)
    if not m:
        return None
    spk = clean_speaker(m.group("spk"))
    return spk if (is_name(spk) or is_pronoun(spk)) and not spk.endswith(("'s", "\u2019s")) else None


def paragraph_subject(text: str) -> str | None:
    """A person named at the start of the paragraph, before the quote (the likely 'he')."""
    m = LEAD_NAME.match(text)
    if not m:
        return None
    spk = clean_speaker(m.group("spk"))
    if spk.endswith(("'s", "\u2019s")):
        return None  # "Boca West Country Club's investment ...": an owner, not the subject
    return spk if is_name(spk) and len(spk.split()) <= 4 else None
