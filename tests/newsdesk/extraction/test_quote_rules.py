"""The quote and speaker rules, one example a line: paragraphs -> the first quote's text, speaker and kind.

Add a line when you add a speech verb, a cue or a speaker rule, so the change is visible here. Paragraphs
of one example are separated by " || "; the text is compared from its start (a prefix), speaker exactly
(the canonical name), kind is the speaker's kind (person, organization, group or None)."""

from __future__ import annotations

import re

import pytest

from newsdesk.extraction.quotes import extract_quotes
from newsdesk.extraction.speakers import parse_mention

Q = "\u201c"  # opening and closing curly quotation marks, as most news pages write them
E = "\u201d"

Example = tuple[str, str, str | None, str | None]

ATTRIBUTION: list[Example] = [
    # the speaker and verb after the quote
    (f"{Q}We will win this fight in the courts,{E} Ana Ruiz said on Monday.", "We will win", "Ana Ruiz", "person"),
    (f"{Q}We will win this fight in the courts,{E} said Ana Ruiz, a lawyer.", "We will win", "Ana Ruiz", "person"),
    (f"{Q}We will win this fight in the courts,{E} Trump tweeted on Monday.", "We will win", "Trump", "person"),
    (f"{Q}We will win this fight in the courts,{E} Ruiz told reporters.", "We will win", "Ruiz", "person"),
    (f"{Q}We will win this fight in the courts,{E} Ruiz wrote in a post.", "We will win", "Ruiz", "person"),
    (f"{Q}We will win this fight in the courts,{E} Ruiz posted on Facebook.", "We will win", "Ruiz", "person"),
    (
        f"{Q}We will win this fight in the courts,{E} the company said in a statement.",
        "We will win",
        "the company",
        "organization",
    ),
    # the speaker and verb before the quote
    (f"Ruiz said: {Q}We will win this fight in the courts.{E}", "We will win", "Ruiz", "person"),
    (
        f"The senator wrote in a post on Facebook: {Q}We will win this fight in the courts.{E}",
        "We will win",
        "the senator",
        "person",
    ),
    (f"Bush: {Q}The mission is to destroy them, not to contain them.{E}", "The mission", "Bush", "person"),
    (f"Stated Stone: || {Q}I think that the stakes are so high and we know it.{E}", "I think", "Stone", "person"),
    # the attribution inside the quote
    (f"{Q}We will win this fight,{E} Ruiz said, {Q}and we will win it in court.{E}", "We will win", "Ruiz", "person"),
    # a quote over several paragraphs: the open mark goes on, the closing one ends it
    (
        f"Ruiz said: {Q}We will win this fight in the courts. || {Q}And we will never give up on this town.{E}",
        "We will win this fight in the courts. And we will never",
        "Ruiz",
        "person",
    ),
    # mixed quotes: the statement around the quoted words, with cues that are no verb of saying
    ("Ruiz called the plan \u201ca reckless gamble\u201d with public money.", "the plan a reckless", "Ruiz", "person"),
    (
        "Ruiz dismissed the proposal as \u201ca cynical stunt\u201d by the governor.",
        "the proposal as",
        "Ruiz",
        "person",
    ),
    (
        "Ruiz branded the offer \u201can insult to every worker\u201d at the plant.",
        "the offer an insult",
        "Ruiz",
        "person",
    ),
    ("Ruiz said the union would \u201cfight to the end\u201d if needed.", "the union would fight", "Ruiz", "person"),
    (
        "The ministry called the plan \u201ca reckless gamble\u201d with public money.",
        "the plan a reckless",
        "the ministry",
        "organization",
    ),
    # the hearer and the adjunct before 'that' are a frame, not what was said
    (
        "Ruiz told the Herald that farmers would be \u201cpaid in full\u201d for the land.",
        "that farmers",
        "Ruiz",
        "person",
    ),
    (
        "Ruiz told the Herald that farmers should be paid for all the land they lose.",
        "farmers should",
        "Ruiz",
        "person",
    ),
    ("Ruiz said in a statement that the mill would close by the end of the year.", "the mill would", "Ruiz", "person"),
    # reported speech
    ("The economy is slowing down faster than expected, Ruiz said on Tuesday.", "The economy is", "Ruiz", "person"),
    # any subject between the closing mark and the verb
    (
        f"{Q}I think there is a high chance of an accident,{E} DoubleLine Capital portfolio manager Bonnie Baha said.",
        "I think",
        "Bonnie Baha",
        "person",
    ),
    (
        f"{Q}He did write her an email about his own account,{E} Powell\u2019s office said.",
        "He did",
        "Powell\u2019s office",
        "organization",
    ),
    # the subject before an apposition, not a name inside it
    (
        f"Dean Johnson, a salesman from Sumter, South Carolina, says Cruz will {Q}leave here with momentum.{E}",
        "Cruz will leave",
        "Dean Johnson",
        "person",
    ),
    # a verb coordinated with an earlier one shares its subject
    (
        "Reid caucused in Nevada on Saturday and says he voted \u201cuncommitted\u201d in the end.",
        "he voted",
        "Reid",
        "person",
    ),
    # a colon after a sentence: its subject speaks
    (
        f"But Trump quickly deflected with a non sequitur: {Q}It is locker-room talk, and that is all.{E}",
        "It is",
        "Trump",
        "person",
    ),
    # a group named by its owner
    (
        "Party officials said the drive would be \u201cfully funded\u201d this year.",
        "the drive would",
        "Party officials",
        "group",
    ),
    # straight and curly marks mixed on one page
    (
        f'"When you have a bomb, you are a threat to China as well,{E} the senator said.',
        "When you have",
        "the senator",
        "person",
    ),
    # a quoted title is part of the sentence, not a quote
    (
        f"Issa said on Fox News Channel\u2019s {Q}Sunday Morning Futures{E} that the plan would {Q}never pass{E} at all.",
        "that the plan would never pass",
        "Issa",
        "person",
    ),
    # other languages: their marks („…“, «…») and the verb and role after the quote
    (
        "\u201eWir tragen diese Reform so nicht mit\u201c, sagte die Gesundheitsministerin Ulrike Brandl.",
        "Wir tragen",
        "Ulrike Brandl",
        "person",
    ),
    (
        "\u00abLas calles no pueden ser hornos en verano\u00bb, afirm\u00f3 el alcalde, Antonio Ruiz.",
        "Las calles",
        "Antonio Ruiz",
        "person",
    ),
    (
        '"Chiediamo ai cittadini di restare a casa", ha detto la presidente della Regione, Irene Priolo.',
        "Chiediamo",
        "Irene Priolo",
        "person",
    ),
    # a dotted abbreviation inside a title: 'U.S. District Judge'
    (
        f"{Q}The law does not allow it,{E} U.S. District Judge Patricia Gomez wrote in her ruling.",
        "The law",
        "Patricia Gomez",
        "person",
    ),
    # 'according to' after the quote
    (
        f"{Q}The evidence cannot prove every element,{E} according to state attorney Dave Aronberg.",
        "The evidence",
        "Dave Aronberg",
        "person",
    ),
    # an auxiliary before the cue ('did say'); no subject right before the cue: the sentence's subject speaks
    (
        "Ruiz did say she found the plan \u201cvery charming\u201d at first.",
        "she found the plan very charming",
        "Ruiz",
        "person",
    ),
    (
        "Ruiz at the time said the plan was \u201ca reckless gamble\u201d for the city.",
        "the plan was a reckless gamble",
        "Ruiz",
        "person",
    ),
    # reported speech: a name in apposition before the verb, a time adjunct after it, other languages
    (
        "A company spokeswoman, Maria Lopez, said crews would not begin repairs until the winds dropped.",
        "crews would not begin",
        "Maria Lopez",
        "person",
    ),
    # reported speech by a described speaker with a kind; content that opens with a number; 'reports that'
    (
        "Prices rose after two OPEC+ delegates said the producer group would not unwind its output cuts.",
        "the producer group",
        "OPEC+ delegates",
        "group",
    ),
    (
        "Only two automated lines ran a normal service all day, the RATP transport authority said.",
        "Only two automated",
        "RATP",
        "organization",
    ),
    (
        "The World Food Programme said 40 trucks carrying food had been stuck at the border since May.",
        "40 trucks",
        "World Food Programme",
        "organization",
    ),
    (
        "The Valley Journal reports that cooling centers in three counties ran out of water on Sunday.",
        "cooling centers",
        "Valley Journal",
        "organization",
    ),
    (
        "Northwind Group said on Monday it would close two of its regional offices by the end of the year.",
        "it would close two",
        "Northwind Group",
        "organization",
    ),
    (
        "La concejal, Carmen Vidal, explic\u00f3 que la mitad de los \u00e1rboles se plantar\u00e1n en el sur.",
        "la mitad de los",
        "Carmen Vidal",
        "person",
    ),
]

SPEAKERS: list[Example] = [
    # one entity per person: the fullest form the article uses, the role it gives
    (
        "White House Press Secretary Stephanie Grisham spoke first. || "
        f"{Q}We are not going to comment on that today,{E} Grisham said.",
        "We are not",
        "Stephanie Grisham",
        "person",
    ),
    (
        f"{Q}We will not accept these terms under any circumstances,{E} said the union\u2019s chief negotiator, Ana Ruiz.",
        "We will not",
        "Ana Ruiz",
        "person",
    ),
    (
        f"Ana Ruiz, the union\u2019s chief negotiator, spoke first. || {Q}We will not accept these terms,{E} Ruiz said.",
        "We will not",
        "Ana Ruiz",
        "person",
    ),
    # a possessive is no part of the full name the article gives
    (
        f"Tobi Adeyemi\u2019s header won the derby. || {Q}It is the best feeling I have had in football,{E} Adeyemi said.",
        "It is the best",
        "Tobi Adeyemi",
        "person",
    ),
    # a description that repeats the role of one person the article named is that person
    (
        f"Senate Minority Leader Harry Reid spoke first. || {Q}It does not matter who they pick,{E} the minority leader said.",
        "It does not",
        "Harry Reid",
        "person",
    ),
    # two people share a surname: the surname stays as written rather than a guess
    (
        f"Hillary Clinton and Bill Clinton arrived. || {Q}We will not accept these terms at all,{E} Clinton said.",
        "We will not",
        "Clinton",
        "person",
    ),
    # organisations and groups
    (
        f"{Q}This is a disaster for every family here,{E} the operators\u2019 association said.",
        "This is a",
        "the operators\u2019 association",
        "organization",
    ),
    (f"{Q}We will not leave this square until he goes,{E} protesters chanted.", "We will not", "protesters", "group"),
    (
        f"{Q}We will not leave this square until he goes,{E} Demonstrators said.",
        "We will not",
        "demonstrators",
        "group",
    ),
    # mixed-quote cues of the other languages, German bodies named with their article, 'y' coordinating verbs
    (
        "El Partido Verde calific\u00f3 el plan de \u00abinsuficiente y tard\u00edo\u00bb.",
        "el plan de",
        "Partido Verde",
        "organization",
    ),
    (
        "Der Mieterbund nennt den Deckel \u201eeinen \u00fcberf\u00e4lligen Schutz\u201c.",
        "den Deckel",
        "Mieterbund",
        "organization",
    ),
    (
        "El PP vot\u00f3 en contra y calific\u00f3 la norma de \u00abataque a la propiedad privada\u00bb.",
        "la norma de",
        "PP",
        "organization",
    ),
    (
        "The Bus Riders Union welcomed the vote as \u201ca first step\u201d and renewed its call.",
        "the vote as a first step",
        "Bus Riders Union",
        "organization",
    ),
    # a description with the name in apposition before the verb: the name
    (
        f"{Q}The drainage channels are simply overwhelmed,{E} the agency\u2019s director-general, Ana Ruiz, told reporters.",
        "The drainage",
        "Ana Ruiz",
        "person",
    ),
    (
        "La concejal de Medio Ambiente, Carmen Vidal, explic\u00f3 que la mitad de los \u00e1rboles se plantar\u00e1n en el sur.",
        "la mitad de los",
        "Carmen Vidal",
        "person",
    ),
    # an organisation named in part is the one the article names in full; a foreign article is no part of it
    (
        f"The League of Women Voters, which brought the challenge, called the ruling {Q}a win for every voter.{E}",
        "the ruling a win",
        "League of Women Voters",
        "organization",
    ),
    (
        "Die Junge Union kritisierte die Einigung als \u201ePolitik auf Kosten der J\u00fcngeren\u201c.",
        "die Einigung als",
        "Junge Union",
        "organization",
    ),
    # verbs that lead into speech between subject and cue; -ing cues after a long opening adverbial
    (
        "Ruiz went on to say the plan was \u201ca reckless gamble\u201d for the city.",
        "the plan was a reckless",
        "Ruiz",
        "person",
    ),
    (
        f"Throughout the long primary in the state, Ruiz endorsed Lee, saying, {Q}I think a fighter in the lead is what we need.{E}",
        "I think",
        "Ruiz",
        "person",
    ),
    (
        f"Supporters punched a protester, with Ruiz reportedly yelling: {Q}Get him the hell out of here right now!{E}",
        "Get him",
        "Ruiz",
        "person",
    ),
    # a name after an inverted cue feeds the pronouns; an owner before a name is its affiliation, not part of it
    (
        f"Debates rarely matter, noted NBC\u2019s Dante Chinni. {Q}One might expect debates to matter more than that,{E} he wrote.",
        "One might",
        "Dante Chinni",
        "person",
    ),
    # a role noun between an owner and the name that opens the paragraph
    (
        f"Obama consultant Cornell Belcher agreed. {Q}Voters are beginning to see that they have a lot in common,{E} he said.",
        "Voters are",
        "Cornell Belcher",
        "person",
    ),
    # a quote its cue introduces and that ends its sentence is not spoken by the next sentence's subject
    (
        f"Hayek said, {Q}America has a problem with discrimination that we try to overlook.{E} The star then left.",
        "America has",
        "Hayek",
        "person",
    ),
    # a quote opening the sentence after one whose subject is a person, with no cue of its own
    (
        f"Laura Bennett spoke outside the courthouse. {Q}We waited six years for someone to say out loud what happened.{E}",
        "We waited",
        "Laura Bennett",
        "person",
    ),
    # never a stray capitalised word: unattributed instead
    (f"{Q}We will rebuild every home in this town,{E} Audience said.", "We will rebuild", None, None),
    (f"{Q}We will rebuild every home in this town,{E} During said.", "We will rebuild", None, None),
    # pronoun chains: the subject of an earlier sentence, in this paragraph or the one before
    (
        f"Mayor Ana Ruiz spoke first. She said: {Q}We will win this fight in the courts and at the ballot box.{E}",
        "We will win",
        "Ana Ruiz",
        "person",
    ),
    (
        f"{Q}We will win,{E} Ana Ruiz said. || Ruiz then left the hall. || {Q}We will be back next week,{E} she said.",
        "We will win",
        "Ana Ruiz",
        "person",
    ),
    # 'she' never stands for a man the article calls 'Mr.' or 'he'
    (
        f"Ms. Ana Ruiz spoke first. Mr. Tom Berg said he had lost. || {Q}We will be back next week,{E} she said.",
        "We will be",
        "Ana Ruiz",
        "person",
    ),
]


def _first_quote(example: str):
    quotes = extract_quotes([p.strip() for p in example.split(" || ")])
    assert quotes, f"no quote found in {example!r}"
    return quotes[0]


@pytest.mark.parametrize(("paragraphs", "text", "speaker", "kind"), ATTRIBUTION + SPEAKERS)
def test_quote_rule(paragraphs: str, text: str, speaker: str | None, kind: str | None) -> None:
    quote = _first_quote(paragraphs)
    assert quote.text.replace("\u201c", "").replace("\u201d", "").startswith(text), quote.text
    assert quote.speaker == speaker
    assert (quote.speaker_kind.value if quote.speaker_kind else None) == kind


# a later quote of the paragraph: (paragraphs, its index, text prefix, speaker)
LATER_QUOTES = [
    # a second statement of the same speaker after its own cue ('and called X "..."'), not a piece of the first
    (
        f"Ruiz said she found the mayor {Q}very charming{E} and called his plan {Q}a reckless gamble.{E}",
        1,
        "his plan a reckless",
        "Ruiz",
    ),
    # '"A," she said in a statement. "B."': one statement in two pieces, joined
    (
        f"{Q}We will win this fight,{E} Ruiz said in a statement. {Q}And we will win it in court.{E}",
        0,
        "We will win this fight. And",
        "Ruiz",
    ),
]


@pytest.mark.parametrize(("paragraphs", "index", "text", "speaker"), LATER_QUOTES)
def test_later_quote(paragraphs: str, index: int, text: str, speaker: str) -> None:
    quotes = extract_quotes([p.strip() for p in paragraphs.split(" || ")])
    assert len(quotes) > index, quotes
    assert quotes[index].text.startswith(text), quotes[index].text
    assert quotes[index].speaker == speaker


MENTIONS = [
    # mention as written -> (canonical name or description, role, kind); None: no speaker at all
    ("Secretary Stephanie Grisham", ("Stephanie Grisham", "secretary", "person")),
    ("White House Press Secretary Stephanie Grisham", ("Stephanie Grisham", "White House press secretary", "person")),
    ("Sen. Bernie Sanders", ("Bernie Sanders", "senator", "person")),
    ("Trump lawyer Marc Kasowitz", ("Marc Kasowitz", "Trump lawyer", "person")),
    ("Secretary of State John Kerry", ("John Kerry", "secretary of state", "person")),
    ("Mr. Trump", ("Trump", None, "person")),
    ("the union\u2019s chief negotiator, Ana Ruiz", ("Ana Ruiz", "the union\u2019s chief negotiator", "person")),
    ("The ministry", ("the ministry", None, "organization")),
    ("the Health Ministry", ("the Health Ministry", None, "organization")),
    ("Die Junge Union", ("Junge Union", None, "organization")),
    ("NBC\u2019s Dante Chinni", ("Dante Chinni", "NBC\u2019s", "person")),
    ("the RATP transport authority", ("RATP", None, "organization")),
    ("two OPEC+ delegates", ("OPEC+ delegates", None, "group")),
    ("Saudi Arabia\u2019s energy ministry", ("Saudi Arabia\u2019s energy ministry", None, "organization")),
    ("Pew Research", ("Pew Research", None, "organization")),
    ("NATO", ("NATO", None, "organization")),
    ("a spokesman for the council", ("a spokesman for the council", None, "person")),
    ("the crowd", ("the crowd", None, "group")),
    ("Officials", ("officials", None, "group")),
    ("the report", ("the report", None, None)),
    ("During", None),
    ("Audience", None),
    ("Monday", None),
    ("his audience he will", None),
]


@pytest.mark.parametrize(("mention", "expected"), MENTIONS)
def test_speaker_mention(mention: str, expected: tuple[str, str | None, str | None] | None) -> None:
    parsed = parse_mention(mention)
    got = None if parsed is None else (parsed[0], parsed[1], parsed[2].value if parsed[2] else None)
    assert got == expected


def test_word_alternation_matches_every_word_and_no_other() -> None:
    from newsdesk.extraction import rules

    words = set(rules.SPEECH_VERBS + rules.MIXED_CUE_VERBS + rules.SPEECH_VERBS_OTHER_LANGUAGES)
    verb = re.compile(rf"(?:{rules.SPEECH_VERB_RE})")
    assert all(verb.fullmatch(word) for word in words)
    assert not any(verb.fullmatch(word) for word in ("sai", "sayings", "tol", "a", "ha"))
