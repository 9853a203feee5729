"""The start lookaheads the quote patterns carry to search faster must admit every word their alternations do.

A lookahead that misses a letter (a determiner, pronoun or title added later) would silently drop matches, so
each is checked against the words its pattern spells out."""

from __future__ import annotations

import re

import pytest

from newsdesk.extraction import attribution, rules, speakers


def _spelled(alternation: str) -> list[str]:
    """The words of a simple alternation: '(?:[Tt]he|[Aa]n?|I)' -> The, the, An, an, A, a, I."""
    words: list[str] = []
    for alt in alternation.removeprefix("(?:").removesuffix(")").split("|"):
        forms = [""]
        i = 0
        while i < len(alt):
            if alt[i] == "[":
                end = alt.index("]", i)
                forms = [f + c for f in forms for c in alt[i + 1 : end]]
                i = end + 1
            elif alt[i + 1 : i + 2] == "?":
                forms = forms + [f + alt[i] for f in forms]
                i += 2
            else:
                forms = [f + alt[i] for f in forms]
                i += 1
        words += [f for f in forms if f]
    return words


_GENDERED_WORDS = speakers._GENDERED.pattern.split(r"\b(?:")[1].split(r")\b")[0].replace('"', "").replace(" ", "")


@pytest.mark.parametrize(
    ("lookahead", "alternation"),
    [
        (attribution._DET_START, attribution._DET),
        (attribution._PRON_START, attribution._PRON),
        (speakers._GENDERED.pattern.split(r"\b")[0], _GENDERED_WORDS),
    ],
    ids=["determiners", "pronouns", "gendered words"],
)
def test_lookahead_admits_every_word(lookahead: str, alternation: str) -> None:
    words = _spelled(alternation)
    assert len(words) > 5
    assert [w for w in words if not re.match(lookahead, w)] == []


def test_name_lookahead_admits_every_title_and_capital() -> None:
    starts = [t for t in rules.TITLES] + ["Ana", "O'Neil", "J.", "Jr."]
    assert [s for s in starts if not re.match(attribution._NAME_START, s)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Earlier on Tuesday, the union's chief negotiator, Ana Ruiz,",
        "In a statement the ministry",
        "Speaking to reporters, Sen. Bernie Sanders of Vermont",
        "He later",
        "Saudi Arabia's energy ministry",
        "Trump aides",
        "she",
    ],
)
def test_speaker_before_unchanged_by_lookaheads(text: str) -> None:
    # the same search without the lookahead finds the same subject
    plain = [re.compile(re.sub(r"^\(\?=\[[^\]]*\]\)", "", rx.pattern)) for rx in _END_PATTERNS]
    for with_lookahead, without in zip(_END_PATTERNS, plain, strict=True):
        got, want = with_lookahead.search(text), without.search(text)
        assert (got and got.group("spk")) == (want and want.group("spk"))


_END_PATTERNS = [
    attribution.END_NAME,
    attribution.END_PRON,
    attribution.END_POSS,
    attribution.END_DESC,
    attribution.END_NAMED_GROUP,
]


def test_long_runs_are_the_runs_of_two_words_or_more() -> None:
    text = (
        "But White House Press Secretary Stephanie Grisham told AT&T and O'Neil. Sen. Bernie Sanders of Vermont, "
        "Gonzalo P. Curiel and Ahmad Shah Massoud's son met Mr. Berg de la Cruz in New York on Monday."
    )
    runs = [(m.span(), m.group(0)) for m in speakers._RUN.finditer(text) if len(m.group(0).split()) > 1]
    assert len(runs) >= 5
    assert [(m.span(), m.group(0)) for m in speakers._LONG_RUN.finditer(text)] == runs
