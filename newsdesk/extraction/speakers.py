"""Speakers as entities: one canonical name per person in an article, with the role and kind the article gives.

A quote's speaker is found as a mention ("Grisham", "Secretary Stephanie Grisham", "the ministry"); this module
turns it into the entity behind it: the fullest form of the name the article uses ("Stephanie Grisham"), the
role or title written with it or elsewhere in the article ("White House press secretary"), and its kind
(person, organization, group). A mention that is none of these (a stray word, a description with no person,
organisation or group at its head) gives no speaker: unattributed rather than a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.extraction import rules
from newsdesk.models import SpeakerKind

_DETERMINERS = {
    "the",
    "a",
    "an",
    "one",
    "another",
    "his",
    "her",
    "their",
    "its",
    "some",
    "several",
    "many",
    "two",
    "three",
    "our",
    "my",
}
# a description ends its head before a preposition or a clause: "a spokesman for the council" -> "spokesman"
_HEAD_END = {"of", "for", "at", "with", "to", "in", "from", "on", "who", "that", "which", "whose", "close", "familiar"}
# words that end a clause, not a speaker: a description holding them was cut from a sentence
_CLAUSE_WORDS = {
    "he",
    "she",
    "they",
    "we",
    "i",
    "will",
    "would",
    "but",
    "that",
    "if",
    "when",
    "because",
    "being",
    "came",
    "after",
}
_TRAILING_WORDS = {
    "is",
    "was",
    "are",
    "were",
    "has",
    "have",
    "had",
    "already",
    "first",
    "also",
    "then",
    "later",
    "now",
    "still",
    "just",
    "once",
    "again",
    "too",
}
_NUMERALS = {"two", "three", "four", "five", "several"}
_QUANTIFIERS = {"several", "many", "some", "others", "both", "two", "three", "few", "most"}
_SUFFIXES = {"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"}
_CAPITAL_ARTICLES = {a.capitalize() for a in rules.ROLE_ARTICLES_OTHER_LANGUAGES}
# German writes every noun capitalised: 'Der Mieterbund', 'Die Vermieterverbände' are a body, not a person
_GERMAN_ARTICLES = {"Der", "Die", "Das"}
_NAME_JOINERS = {"de", "van", "von", "bin", "al", "da", "del", "la", "le", "du", "dos", "el"}
_RUN_OPENERS = (rules.NOT_NAMES | rules.SPEAKER_OPENERS | rules.QUESTION_OPENERS) - rules.HONORIFICS
_SPEECH_VERBS = frozenset(rules.SPEECH_VERBS)
# capitalised words that alone make no speaker: sentence openers, stop words, weekdays and months
STRAY_WORDS = frozenset(rules.NOT_SPEAKERS | rules.NOT_NAMES | rules.CALENDAR_WORDS)
_POSSESSIVE = re.compile("['\u2019]s?$")
# agent nouns: 'the developer', 'a narrator', 'the strategists', 'the comedian'
_PERSON_SUFFIX = re.compile(r"\w{3,}(?:er|or|ist|ian|eer)s?$")
_CONTRACTION = re.compile(r"^(?:I|[Hh]e|[Ss]he|[Ii]t|[Ww]e|[Tt]hey|[Yy]ou)['\u2019](?:m|s|re|ve|ll|d)$")
_ADVERB = re.compile(r"^[A-Z][a-z]{3,}ly$")
_PARTICIPLE = re.compile(r"^[A-Z][a-z]{3,}(?:ing|ed)$")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
# a run of capitalised words in running text (a name, perhaps with its title): "White House Press Secretary
# Stephanie Grisham", "Sen. Bernie Sanders", "Gonzalo P. Curiel"; the lookahead (every _CAP starts with a capital)
# lets the search skip other positions before the lookbehind and the alternatives run (two fifths of its cost)
_CAP = r"(?:[A-Z]\.|(?:Jr|Sr|St|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Rev|Prof)\.|[A-Z][\w'\u2019-]*)"
# a capitalised word and its last group, one more word, which takes the count of further words
_RUN_PATTERN = (
    rf"(?=[A-Z])(?<![\w.'\u2019-]){_CAP}(?:\s+(?:{_CAP}|{'|'.join(sorted(_NAME_JOINERS))}|(?:of|for)(?=\s+[A-Z])))"
)
_RUN = re.compile(rf"{_RUN_PATTERN}{{0,7}}")
# the same runs of two words or more: the article scan skips one-word runs, the most frequent (three in four)
_LONG_RUN = re.compile(rf"{_RUN_PATTERN}{{1,7}}")
# a role in apposition after a name: "Ana Ruiz, the union's chief negotiator," / "Stuart Stevens, a senior adviser"
_APPOSITION_AFTER = re.compile(
    r"^,\s+(?P<role>(?:the|a|an|his|her|its|their|[A-Z][\w.'\u2019-]*['\u2019]s)\s[^,;:.()]{2,80}?)[,;.]"
)
# a role in apposition before a name: "the union's chief negotiator, Ana Ruiz"
_APPOSITION_BEFORE = re.compile(
    r"(?P<role>(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)\s[^,;:.()\u201c\u201d\"]{2,80}),\s+$"
)


_QUOTED_SPAN = re.compile("[\u201c\"][^\u201c\u201d\"]*[\u201d\"]|''.*?''")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])")
_POSSESSIVE_END = re.compile("['\u2019]s?\\b")
_OWNER_MARK = re.compile("['\u2019]s$")
_POSSESSIVE_OWNER = re.compile("^[A-Z][\\w.&-]*['\u2019]s$")
_PREPOSITIONS = {
    "of",
    "to",
    "with",
    "by",
    "for",
    "against",
    "about",
    "from",
    "at",
    "on",
    "like",
    "than",
    "and",
    "or",
    "into",
    "toward",
    "towards",
    "over",
    "under",
    "between",
    "among",
    "including",
    "as",
    "told",
    "asked",
    "called",
}


_MALE_HONORIFICS = {"Mr.", "Mr"}
_FEMALE_HONORIFICS = {"Mrs.", "Ms.", "Miss", "Mrs", "Ms"}
_MALE_WORDS = {"he", "him", "his", "himself", "spokesman", "congressman", "businessman", "chairman", "husband"}
_GENDERED = re.compile(  # the lookahead holds the words' first letters: most positions stop there
    r"(?=[HhSscbw])\b(?:[Hh]e|[Hh]im|[Hh]is|[Hh]imself|[Ss]he|[Hh]er|[Hh]ers|[Hh]erself|spokesman|spokeswoman|congressman|"
    r"congresswoman|businessman|businesswoman|chairwoman|husband|wife)\b"
)


@dataclass(frozen=True)
class Speaker:
    name: str  # canonical: the fullest form the article uses, or the description as written
    mention: str  # as written at the quote
    role: str | None
    kind: SpeakerKind | None


def _words(text: str) -> list[str]:
    return text.replace(",", " , ").split()


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", word).strip(".,;:").lower()


_ONE_WORD_TITLES = frozenset(t.rstrip(".") for t in rules.TITLES if " " not in t)


@lru_cache(maxsize=8192)
def _is_role_word(word: str) -> bool:
    bare = _bare(word)
    return (
        bare in rules.ROLE_NOUNS
        or bare in rules.ROLE_MODIFIERS
        or word in rules.TITLE_ROLES
        or word.rstrip(".") in _ONE_WORD_TITLES
        or (word[:1].isupper() and bare.endswith(rules.ROLE_NOUN_ENDINGS))  # 'Gesundheitsministerin'
    )


def format_role(words: list[str]) -> str | None:
    """A role as prose: title words lower-cased, abbreviations written out, honorifics dropped.

    'White House Press Secretary' -> 'White House press secretary'; 'Sen.' -> 'senator'."""
    out: list[str] = []
    for word in words:
        if word in rules.HONORIFICS:
            continue
        if word in rules.TITLE_ROLES:
            out.append(rules.TITLE_ROLES[word])
        elif _is_role_word(word) and not _ACRONYM.match(word):
            out.append(word.lower())
        else:
            out.append(word)
    role = " ".join(out).strip(" ,")
    return role or None


def split_title(words: list[str]) -> tuple[list[str], list[str]]:
    """(role words, name words) of a capitalised run: 'Secretary of State John Kerry' -> role, 'John Kerry'."""
    if len(words) == 1:  # most runs: one word is a name (or an honorific alone), never a title before one
        return [], ([] if words[0] in rules.HONORIFICS else [words[0]])
    words = [w for w in words if w not in rules.HONORIFICS]
    last_role = -1
    for i, word in enumerate(words[:-1]):
        if _is_role_word(word):
            last_role = i
    i = last_role + 1
    # 'Secretary of State John Kerry': the 'of X' belongs to the title when a name still follows
    while i < len(words) - 2 and words[i] in ("of", "for") and words[i + 1][:1].isupper():
        i += 2
    return words[:i], words[i:]


def _head(words: list[str]) -> str:
    """The head noun of a description: its last word before a preposition or a clause."""
    head = words[-1]
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in _HEAD_END:
            head = words[i - 1]
            break
    return _bare(head)


def _kind_of_head(head: str) -> SpeakerKind | bool | None:
    """The kind a description's head noun gives; False when the head is no speaker at all."""
    if head in rules.ORGANIZATION_NOUNS:
        return SpeakerKind.ORGANIZATION
    if head in rules.GROUP_NOUNS:
        return SpeakerKind.GROUP
    singular = head[:-1] if head.endswith("s") else head
    if head in rules.ROLE_NOUNS or head in rules.PERSON_NOUNS:
        return SpeakerKind.PERSON
    if singular in rules.ROLE_NOUNS or singular in rules.PERSON_NOUNS:
        return SpeakerKind.GROUP  # 'aides', 'officials', 'sources'
    if head in rules.DOCUMENT_NOUNS or singular in rules.DOCUMENT_NOUNS:
        return None
    if _PERSON_SUFFIX.search(head) or head.endswith("-old"):
        return SpeakerKind.GROUP if head.endswith("s") else SpeakerKind.PERSON  # 'the designer', 'the 43-year-old'
    return False


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or word in _NAME_JOINERS


def _organization_name(words: list[str]) -> bool:
    bare = [_POSSESSIVE.sub("", w).strip(".,") for w in words]
    return any(w in rules.ORGANIZATION_NAME_WORDS for w in bare) or (len(bare) == 1 and bool(_ACRONYM.match(bare[0])))


def parse_mention(mention: str) -> tuple[str, str | None, SpeakerKind | None] | None:
    """(name or description, role, kind) of one mention, or None when it names no speaker.

    'Secretary Stephanie Grisham' -> ('Stephanie Grisham', 'secretary', person);
    "the union's chief negotiator, Ana Ruiz" -> ('Ana Ruiz', "the union's chief negotiator", person);
    'The ministry' -> ('the ministry', None, organization); 'During' -> None."""
    mention = mention.strip(" ,.;:\u2014-")
    if not mention:
        return None
    if mention.lower() in rules.PRONOUNS:
        return mention, None, None  # unresolved: kept as written, for detection
    if "," in mention:  # an apposition: one part is the name, the other its role
        parts = [p.strip() for p in mention.split(",") if p.strip()]
        named = [p for p in parts if p.split()[0][:1].isupper() and p.split()[0].lower() not in _DETERMINERS]
        described = [p for p in parts if p not in named]
        if named and described:
            parsed = parse_mention(named[-1])
            if parsed and parsed[2] is SpeakerKind.PERSON:
                return parsed[0], parsed[1] or format_role(described[0].split()), SpeakerKind.PERSON
        mention = parts[0]
    words = mention.split()
    if len(words) > 2 and words[0] in _CAPITAL_ARTICLES and _organization_name(words[1:]):
        words = words[1:]  # 'Die Junge Union', 'La Secretaría de Educación': the article is no part of the name
    if len(words) == 2 and words[0] in _GERMAN_ARTICLES and words[1][:1].isupper():
        return words[1], None, SpeakerKind.ORGANIZATION
    while len(words) > 1 and words[-1].lower() in _TRAILING_WORDS:
        words = words[:-1]  # 'the campaign is already', 'the employee first'
    if len(words) == 1 and words[0].lower() in _QUANTIFIERS:
        return words[0].lower(), None, SpeakerKind.GROUP  # 'Several said', 'Others added'
    if words[0].lower() in _DETERMINERS or (not words[-1][:1].isupper() and words[-1] not in _SUFFIXES):
        if not any(w[:1].isupper() for w in words[1:]) or not words[-1][:1].isupper():
            if any(w.lower() in _CLAUSE_WORDS for w in words[1:]):
                return None  # 'his audience he will': a clause, not a speaker
            kind = _kind_of_head(_head(words))
            if kind is False and not _plausible_description(words):
                return None
            start = 1 if words[0].lower() in _DETERMINERS else 0
            named = list(itertools.takewhile(_ACRONYM.match, words[start:-1]))
            if kind is SpeakerKind.ORGANIZATION and named:
                # 'the RATP transport authority', 'the CGT union': the organisation has a name
                return " ".join(named), None, SpeakerKind.ORGANIZATION
            if kind is SpeakerKind.GROUP and words[0].lower() in _NUMERALS and len(words) > 1:
                words = words[1:]  # 'two OPEC+ delegates': how many is no part of who
            if words[0].lower() in _DETERMINERS:
                words = [words[0].lower(), *words[1:]]
            return " ".join(words), None, kind if isinstance(kind, SpeakerKind) else None
        if words[0].lower() in _DETERMINERS:  # 'the Times', 'the Health Ministry'
            rest = words[1:]
            if _organization_name(rest):
                return " ".join(["the", *rest]), None, SpeakerKind.ORGANIZATION
            return None if not _plausible_name(rest) else (" ".join(rest), None, SpeakerKind.PERSON)
    if words[-1].lower().rstrip(".") in rules.ROLE_NOUNS and len(words) > 1 and words[-1][:1].isupper():
        # 'CBC Chairman' with the name cut off: the role is all the article gives here
        return " ".join(words), format_role(words), SpeakerKind.PERSON
    if len(words) >= 3 and _POSSESSIVE_OWNER.search(words[0]) and all(w[:1].isupper() for w in words[1:]):
        owner, rest = words[0], words[1:]  # "NBC's Dante Chinni": the outlet is the person's affiliation
        parsed = parse_mention(" ".join(rest))
        if parsed and parsed[2] is SpeakerKind.PERSON:
            return parsed[0], parsed[1] or owner, SpeakerKind.PERSON
    role_words, name_words = split_title(words)
    if not name_words or not _plausible_name(name_words):
        return None
    if _organization_name(name_words):
        return " ".join(words), None, SpeakerKind.ORGANIZATION
    if len(name_words) == 1 and _bare(name_words[0]) in rules.GROUP_NOUNS:
        return name_words[0].lower(), None, SpeakerKind.GROUP  # 'Demonstrators chanted', 'Officials said'
    return " ".join(name_words), format_role(role_words), SpeakerKind.PERSON


def _plausible_description(words: list[str]) -> bool:
    """A description whose head is unknown stands when it ends in a noun-like word: 'the unsigned opinion', not
    'a prominent' or 'the exit' cut before their noun."""
    head = _head(words)
    return len(words) >= 2 and len(head) > 3 and head not in rules.NOT_DESCRIPTION_HEADS and not head.isdigit()


def _plausible_name(words: list[str]) -> bool:
    if len(words) == 1 and (_ADVERB.match(words[0]) or _CONTRACTION.match(words[0])):
        return False  # 'Hastily', "I'm"
    capitalised = [_POSSESSIVE.sub("", w).strip(".,") for w in words if w[:1].isupper()]
    return bool(capitalised) and any(w not in STRAY_WORDS for w in capitalised) and capitalised[0] not in STRAY_WORDS


@lru_cache(maxsize=8192)  # canonical() and is_known_person() compare every name form of the article, often
def _tokens(name: str) -> frozenset[str]:
    return frozenset(w.strip(".").lower() for w in name.split() if w not in _NAME_JOINERS)


class ArticleSpeakers:
    """The people an article names, each in its fullest form, and the roles it gives them."""

    def __init__(self, paragraphs: list[str]):
        self.forms: dict[frozenset[str], str] = {}  # name tokens -> the form as written
        self.roles: dict[str, str] = {}  # full name -> role
        self.counts: dict[str, int] = {}  # full name -> how often the article writes it
        self.genders: dict[str, str] = {}  # surname -> 'he' or 'she', learnt on first use
        self.titled: set[str] = set()  # surnames written with an honorific ('Mr. Berg')
        self.organizations: set[tuple[str, ...]] = set()  # organisation names in full, as words
        self._paragraphs = paragraphs
        self._scanned = False  # the article is read on first use: most have no quote to attribute

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        for para in self._paragraphs:
            for m in _LONG_RUN.finditer(para):
                words = m.group(0).split()
                while len(words) > 1 and (words[0] in _RUN_OPENERS or words[0].lower() in _SPEECH_VERBS):
                    words = words[1:]  # 'But Stephanie Grisham', 'Stated Stone': a sentence's first word
                while words and words[-1] in _NAME_JOINERS:
                    words = words[:-1]
                if len(words) < 2:
                    continue  # one word is no full name, nor a name with its title
                if words[0] in rules.HONORIFICS and len(words) > 1:
                    self.titled.add(words[-1].strip(".,").lower())  # 'Ms. Ruiz': a person, whatever else
                role_words, name_words = split_title(words)
                if len(name_words) >= 3 and _POSSESSIVE_OWNER.search(name_words[0]):
                    name_words = name_words[1:]  # "NBC's Dante Chinni": the owner is no part of the name
                if name_words and name_words[-1] in ("of",):
                    continue
                if len(name_words) < 2:
                    continue
                if _organization_name(name_words):
                    start = 1 if name_words[0] in _CAPITAL_ARTICLES and len(name_words) > 2 else 0
                    self.organizations.add(tuple(" ".join(name_words[start:]).rstrip(".,").split()))
                    continue
                if not _plausible_name(name_words):
                    continue
                if any(w in rules.NOT_NAMES or w in rules.CALENDAR_WORDS for w in name_words):
                    continue
                # "Tobi Adeyemi's header": the possessive is no part of the name
                name = _OWNER_MARK.sub("", " ".join(name_words).rstrip(".,"))
                self.forms.setdefault(_tokens(name), name)
                self.counts[name] = self.counts.get(name, 0) + 1
                role = format_role(role_words) if role_words else None
                if role is None:
                    role = self._apposition_role(para, m.start(), m.end())
                if role:
                    self.roles.setdefault(name, role)

    @staticmethod
    def _apposition_role(para: str, start: int, end: int) -> str | None:
        # both appositions need a comma next to the name: most names have none, and the search is costly
        after = _APPOSITION_AFTER.match(para[end : end + 100]) if para.startswith(",", end) else None
        before_text = para[max(0, start - 100) : start]
        stripped = before_text.rstrip()
        before = (
            _APPOSITION_BEFORE.search(before_text)
            if stripped.endswith(",") and len(stripped) < len(before_text)
            else None
        )
        for m in (after, before):
            if m:
                words = m.group("role").split()
                head = _head(words)
                if _kind_of_head(head) is SpeakerKind.PERSON and head in rules.ROLE_NOUNS:
                    return format_role(words)
        return None

    def is_known_person(self, words: list[str], speakers: AbstractSet[str]) -> bool:
        """One of the people the article quotes or gives a role: its full name ('Mel Sembler') or its surname."""
        self._scan()
        surname = words[-1].strip(".").lower()
        tokens = _tokens(" ".join(words))
        for key, form in self.forms.items():
            same_person = tokens <= key and form.split()[-1].strip(".").lower() == surname
            if same_person and (form in self.roles or surname in speakers or surname in self.titled):
                return True
        return surname in speakers and len(words) == 1 and words[0][1:2].islower()

    def _learn_genders(self) -> None:
        """'he' or 'she' for the people the article names: from honorifics ('Mr.', 'Ms.'), gendered roles
        ('spokeswoman') and the pronouns of the sentences that follow a name in its paragraph."""
        votes: dict[str, list[int]] = {}
        for para in self._paragraphs:
            text = _QUOTED_SPAN.sub(" ", para)
            runs = list(_RUN.finditer(text))
            for i, m in enumerate(runs):
                words = m.group(0).split()
                _, name_words = split_title(words)
                if not name_words or not name_words[-1][:1].isupper():
                    continue
                surname = name_words[-1].strip(".,").lower()
                vote = votes.setdefault(surname, [0, 0])
                if words[0] in _MALE_HONORIFICS:
                    vote[0] += 3
                elif words[0] in _FEMALE_HONORIFICS:
                    vote[1] += 3
                # the pronoun that follows before the next name, within 200 characters
                end = m.end()
                stop = end + 200
                if i + 1 < len(runs) and runs[i + 1].start() < stop:
                    stop = runs[i + 1].start()
                first = _GENDERED.search(text[end:stop])
                if first:
                    vote[0 if first.group(0).lower() in _MALE_WORDS else 1] += 1
        for surname, (male, female) in votes.items():
            if male > 2 * female:
                self.genders[surname] = "he"
            elif female > 2 * male:
                self.genders[surname] = "she"

    def agrees(self, name: str, pronoun: str) -> bool:
        """False only when the article shows the person is not one the pronoun can stand for."""
        self._scan()
        if not self.genders and self._paragraphs:
            self._learn_genders()
            self.genders.setdefault("", "")  # learnt, even when nothing was
        gender = self.genders.get(name.split()[-1].strip(".,").lower()) if name.split() else None
        wanted = {"he": "he", "him": "he", "she": "she", "her": "she"}.get(pronoun.lower())
        return not gender or not wanted or gender == wanted

    def last_subject(
        self, pi: int, pos: int, speakers: AbstractSet[str], accept: Callable[[str], bool] = bool, back: int = 2
    ) -> str | None:
        """The person a pronoun at (paragraph pi, offset pos) most likely stands for: the subject of the nearest
        sentence before it that names a person (its first name not in a quote, a possessive or a phrase after a
        preposition), looking back at most `back` paragraphs."""
        for pj in range(pi, max(-1, pi - back - 1), -1):
            text = self._paragraphs[pj][: pos if pj == pi else None]
            text = _QUOTED_SPAN.sub(lambda m: " " * len(m.group(0)), text)
            for sentence in reversed(_SENTENCE.split(text)):
                subject = self._sentence_person(sentence, speakers)
                if subject and accept(subject):
                    return subject
        return None

    def _sentence_person(self, sentence: str, speakers: AbstractSet[str]) -> str | None:
        for m in _RUN.finditer(sentence):
            words = m.group(0).split()
            while len(words) > 1 and words[0] in _RUN_OPENERS:
                words = words[1:]
            if words[0] in _RUN_OPENERS or _POSSESSIVE_END.match(sentence, m.end()):
                continue
            before = sentence[: m.start()].split()
            if before and before[-1].lower() in _PREPOSITIONS:
                continue
            _, name_words = split_title(words)
            name_words = [w.rstrip(".,") for w in name_words if w not in _SUFFIXES] or name_words
            if name_words and not _organization_name(name_words) and self.is_known_person(name_words, speakers):
                return " ".join(name_words)
        return None

    def _person_with_role(self, description: str) -> str | None:
        """The one person whose role, as the article gives it, the description repeats ('the Florida senator')."""
        self._scan()
        words = [w.lower() for w in description.split()[1:]]
        if len(words) < 2 or words[-1] not in rules.ROLE_NOUNS:
            return None  # 'the senator' alone could be any senator the article names
        found = {
            name
            for name, role in self.roles.items()
            if role.lower().split()[-1:] == words[-1:] and set(words) <= set(role.lower().split())
        }
        return found.pop() if len(found) == 1 else None

    def _organization_with(self, name: str) -> str | None:
        """The one organisation the article names in full that starts or ends with name ('League' -> 'League of
        Women Voters', 'Fiscal Studies' -> 'Institute for Fiscal Studies'); None when none or several do."""
        self._scan()
        words = tuple(name.split())
        n = len(words)
        found = {full for full in self.organizations if len(full) > n and words in (full[:n], full[-n:])}
        return " ".join(found.pop()) if len(found) == 1 else None

    def canonical(self, name: str) -> str:
        """The fullest form of a person's name in the article; the name itself when two people share it."""
        self._scan()
        tokens = _tokens(name)
        if not tokens:
            return name
        wants_suffix = any(w in _SUFFIXES for w in name.split())
        surname = name.split()[-1].strip(".").lower()
        fuller = [
            form
            for key, form in self.forms.items()
            if tokens <= key
            and form.split()[-1].strip(".").lower() == surname  # 'Ted Cruz', never 'Ted Cruz South Carolina'
            and (wants_suffix or not any(w in _SUFFIXES for w in form.split()))
        ]
        if not fuller:
            return name
        longest = max(fuller, key=lambda f: (len(_tokens(f)), len(f)))
        top = _tokens(longest)
        if any(not _tokens(f) <= top for f in fuller):
            return name  # 'Clinton' with both 'Hillary Clinton' and 'Bill Clinton' in the article
        # nested forms: the one the article writes most, on a tie the nearest ('Ahmad Massoud', not his father
        # 'Ahmad Shah Massoud')
        return max(fuller, key=lambda f: (self.counts.get(f, 0), -len(_tokens(f)), -len(f)))

    def resolve(self, mention: str | None) -> Speaker | None:
        if not mention:
            return None
        parsed = parse_mention(mention)
        if parsed is None:
            return None
        name, role, kind = parsed
        if kind is SpeakerKind.PERSON and name.startswith("the "):
            named = self._person_with_role(name)
            if named:  # 'the minority leader' after 'Senate Minority Leader Harry Reid': Harry Reid
                return Speaker(name=named, mention=mention.strip(" ,.;:\u2014-"), role=self.roles[named], kind=kind)
        # a one-word organisation ('League') or a name that is no person's: look for the name in full
        if name[:1].isupper() and (
            kind is SpeakerKind.PERSON or (kind is SpeakerKind.ORGANIZATION and " " not in name)
        ):
            organization = self._organization_with(name)
            if organization and (kind is SpeakerKind.ORGANIZATION or self.canonical(name) == name):
                mention = mention.strip(" ,.;:\u2014-")
                return Speaker(name=organization, mention=mention, role=None, kind=SpeakerKind.ORGANIZATION)
        if kind is SpeakerKind.PERSON and name[:1].isupper():
            full = self.canonical(name)
            if full == name and (_PARTICIPLE.match(name) or all(w in rules.PLACE_NAMES for w in name.split())):
                return None  # 'Appearing', 'Michigan': a participle or a place, not a name the article gives
            name = full
            known = self.roles.get(name)
            if known and (role is None or len(known) > len(role)):
                role = known  # 'secretary' here, 'White House press secretary' where the article introduced her
        return Speaker(name=name, mention=mention.strip(" ,.;:\u2014-"), role=role, kind=kind)
