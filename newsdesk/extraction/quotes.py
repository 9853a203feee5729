"""Quotes: direct (quotation marks), indirect (reported speech) and excerpts, with their speakers.

Where the quoted spans are and how far a statement runs is `quoted.py`; who speaks is `attribution.py`;
one entity per person across the article is `speakers.py`."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from newsdesk.extraction import rules
from newsdesk.extraction.attribution import (
    ADV,
    APPOS,
    COLON_VERB_NAME,
    NAME,
    antecedent,
    clean_speaker,
    find_speaker,
    intro_before,
    is_full_name,
    is_name,
    is_person,
    is_pronoun,
    last_person_in,
    lazy_history,
    paragraph_subject,
    plausible_speaker,
)
from newsdesk.extraction.quoted import (
    ADJUNCT,
    ADJUNCT_THAT,
    MARKS,
    VERB_ONLY,
    WS,
    Segment,
    find_quoted,
    is_title,
    join_pieces,
    sentence_bounds,
    split_sentences,
    statement_head,
    tail_length,
    word_count,
)
from newsdesk.extraction.speakers import ArticleSpeakers
from newsdesk.models import Quote, QuoteKind, SpeakerKind

__all__ = ["direct_quotes", "excerpts", "extract_quotes", "indirect_quotes", "plausible_speaker"]

REPORT = rules.word_alternation(rules.REPORTING_VERBS + rules.REPORTING_VERBS_OTHER_LANGUAGES)
REPORT_VERB = re.compile(rf"\b(?:{REPORT})(?!\w)")
# 'A company spokeswoman, Maria Lopez, said ...': the name in apposition closes with its comma before the verb
# a described speaker of reported speech: 'two OPEC+ delegates', 'the RATP transport authority', 'officials';
# it stands only when speakers.py gives it a kind (a person, an organisation or a group)
_DESCRIBED = (
    rf"(?<![\w'\u2019])(?:(?:[Tt]he|[Aa]n?|[Tt]wo|[Tt]hree|[Ss]everal)\s+(?:[\w'\u2019+.&-]+\s+){{0,3}}?[a-z][\w-]+|"
    rf"(?:{'|'.join(sorted(rules.GROUP_NOUNS, key=len, reverse=True))}))"
)
INDIRECT = re.compile(
    rf"(?P<spk>{NAME}|(?<![\w'])(?:[Hh]e|[Ss]he)|{_DESCRIBED})(?:,(?P<appos>[^,.]{{1,80}}),)?{ADV},?\s+(?:{REPORT})\s+"
    rf"(?:(?:{'|'.join(rules.REPORTED_CONTENT_OPENERS)})\s+)?(?P<content>[a-zA-Z0-9\u00c0-\u024f].{{15,}})$"
)
# 'The economy is slowing, Smith said.' / '..., Smith said on Tuesday.': the attribution closes the sentence
TRAILING = re.compile(
    rf"^(?P<content>[A-Z0-9][^,;]{{15,}}(?:,[^,;]+)*?),\s*(?P<spk>{NAME}|[Hh]e|[Ss]he|{_DESCRIBED}){APPOS}{ADV}\s+"
    rf"(?:{REPORT})(?:\s+(?:on|in|at|during|last|this|earlier|later)\b[^,]{{0,60}})?$"
)
# 'said in a statement that X': the adjunct before "that" is not what was said

PARENTHETICAL = re.compile(rf"^(?P<head>[^,]{{0,40}}),\s*(?P<spk>{NAME})\s+(?:{REPORT}),\s*(?P<content>.{{15,}})$")


# what ends the statement a cue opened before the next quote: a sentence's end, a colon, another quote
STATEMENT_END = re.compile("[.!?:;\u201c\u201d\u201e\"]|''")


def _last_cue(text: str) -> int | None:
    """Where the words after the last speech or cue verb of text start, or None without one."""
    cues = list(VERB_ONLY.finditer(text))
    return cues[-1].end() if cues else None


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
    titles = [seg for seg in segs if seg.closed and is_title(seg, paragraphs[seg.para])]
    for seg in titles:
        para = paragraphs[seg.para]
        inner = para[seg.start : seg.end]
        inner = MARKS.sub(lambda m: " " * len(m.group(0)), inner)
        paragraphs[seg.para] = para[: seg.start] + inner + para[seg.end :]
    segs = [seg for seg in segs if seg not in titles]
    spans_by_para: dict[int, list[tuple[int, int]]] = {}
    for s in segs:
        spans_by_para.setdefault(s.para, []).append((s.start, s.end))
    out: list[Quote] = []
    prev: tuple[Quote, Segment] | None = None
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
        left, right = sentence_bounds(para, seg.start, seg.end, spans_by_para[seg.para])
        speaker, rest, tail = find_speaker(para, seg, left, right)
        text = seg.text
        lead = para[left : seg.start].strip()
        cued_before = rest is not None
        rest = statement_head(rest)
        if rest is not None and (word_count(rest) >= 2 or (tail and word_count(rest) <= 1) or word_count(rest) == 1):
            text = re.sub(r"^[\s,:]+", "", rest).strip() + " " + seg.text  # mixed: 'said that X "..."'
            if tail:
                text += " " + tail  # ... and the sentence goes on after the quote
                swallowed = (seg.para, seg.end + tail_length(para[seg.end : right]))
        elif speaker is not None and not cued_before:
            if word_count(lead) >= 3 and seg.start > left:
                text = lead + " " + seg.text  # mixed: 'X "..." , Y said'
            if tail:
                text += " " + tail  # '"..." if she didn't win by more, said David Wasserman'
        same_para = prev is not None and prev[1].para == seg.para
        if speaker is None:
            if prev is not None and same_para and prev[0].speaker:
                between = para[prev[1].end : seg.start]
                cue = _last_cue(between)
                if cue is not None and word_count(between[cue:]) >= 2 and not STATEMENT_END.search(between[cue:]):
                    # 'he found Trump "very charming" and called his standing "unheard of."': a second statement
                    # of the same speaker, not a piece of the first
                    text = between[cue:].strip() + " " + seg.text
                elif word_count(between) <= 12:
                    prev[0].text = join_pieces(prev[0].text, seg.text, para[prev[1].end : seg.start])
                    prev = (prev[0], seg)
                    open_quote = prev[0] if not seg.closed else None
                    continue
                speaker = prev[0].speaker
            elif seg.start <= 1 and word_count(seg.text) >= rules.SHORT_QUOTE_WORDS:
                # a paragraph opening with a quote and no cue: the last speaker goes on
                before = paragraphs[seg.para - 1].rstrip() if seg.para else ""
                speaker = intro_before(before, prev[0].speaker if prev else None) if before.endswith(":") else None
                speaker = (
                    speaker
                    or (prev[0].speaker if prev and prev[1].para >= seg.para - 2 else None)
                    or (last_person_in(paragraphs[seg.para - 1]) if seg.para else None)
                )
            elif seg.start == left and left > 0 and word_count(seg.text) >= rules.SHORT_QUOTE_WORDS + 4:
                # 'Laura Bennett spoke outside the courthouse. "We waited ..."': a quote that opens the sentence
                # after one whose subject is a person goes to that person
                subject = paragraph_subject(para[:left])
                speaker = subject if subject and is_person(subject) else None
        if speaker is None and word_count(seg.text) < rules.SHORT_QUOTE_WORDS + 4:
            continue  # titles, nicknames, scare quotes
        mention = speaker
        if speaker is not None and is_pronoun(speaker):
            person = speaker.lower() in rules.PERSON_PRONOUNS
            speaker = antecedent(history, para, seg.para, seg.start, person, speakers, speaker) or speaker
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


def _described_speaker(spk: str, speakers: ArticleSpeakers) -> bool:
    """A description that names a person, an organisation or a group ('the transport authority', 'officials')."""
    speaker = speakers.resolve(spk)
    return speaker is not None and speaker.kind is not None


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
        if not REPORT_VERB.search(para):
            continue  # every pattern below needs a reporting verb: most paragraphs stop here
        offset = 0
        for sent in split_sentences(para):
            offset = para.find(sent, offset)
            if '"' in sent or "\u201c" in sent or "\u201d" in sent:
                continue
            if not REPORT_VERB.search(sent):
                continue
            body = sent.rstrip(".")
            m = PARENTHETICAL.match(body) or TRAILING.match(body) or INDIRECT.search(body)
            if not m:
                continue
            content = m.group("content").strip().rstrip(".")
            if m.re is INDIRECT:
                after_adjunct = ADJUNCT_THAT.match(content)
                if after_adjunct:
                    content = after_adjunct.group("rest").rstrip(".")
                elif rules.REPORTED_TIME_ADJUNCT.match(content):
                    content = content[rules.REPORTED_TIME_ADJUNCT.match(content).end() :]  # type: ignore[union-attr]
                elif ADJUNCT.match(content) or content.split(maxsplit=1)[0].strip(",") in rules.CALENDAR_WORDS:
                    continue  # 'said at a news conference, ...', 'announced Tuesday, saying ...': no content follows
            spk = mention = clean_speaker(m.group("spk"))
            if m.re is INDIRECT and m.group("appos") and is_full_name(m.group("appos").strip()):
                spk = mention = m.group("appos").strip()  # 'The councillor for X, Carmen Vidal, said': the name
            if is_pronoun(spk):
                at = offset + m.start("spk")
                spk = antecedent(history, para, pi, at, True, speakers, spk) or ""
            if len(spk.split()) > 5 or not plausible_speaker(spk):
                continue
            if not is_name(spk) and not _described_speaker(spk, speakers):
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
        if not m or word_count(para) > 8 or COLON_VERB_NAME.search(para.strip()):  # 'Stated Stone:' is speech
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
    if quote.speaker_mention is None or not is_pronoun(quote.speaker_mention):
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
        quote.text = WS.sub(" ", quote.text).strip()
    quotes = exc + direct + indirect
    quotes.sort(key=lambda q: (q.paragraph or 0, q.kind != QuoteKind.EXCERPT))
    return quotes
