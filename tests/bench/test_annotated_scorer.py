"""The annotated-set scorer scores for real: a perfect prediction scores 1.0 and each kind of error scores lower."""

import importlib.util
import sys
from pathlib import Path

import pytest

from newsdesk.models import Article, Credit, CreditRole, Image, Quote, SpeakerKind

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("annotated_scorer", REPO / "bench" / "annotated.py")
assert _spec is not None and _spec.loader is not None
scorer = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scorer  # dataclasses look their module up while the class is built
_spec.loader.exec_module(scorer)

LABEL = {
    "url": "https://example.org/story",
    "title": "Council approves budget",
    "authors": ["Sam Ortiz"],
    "author_agencies": ["Associated Press"],
    "section": "Local News",
    "language": "en",
    "images": [
        {
            "src": "https://example.org/a.jpg",
            "caption": "Council members vote.",
            "photographer": "Jenna Whitfield",
            "agency": "Associated Press",
        }
    ],
    "credits": [
        {"role": "photo", "name": "Jenna Whitfield", "agency": "Associated Press"},
        {"role": "wire", "name": "Associated Press"},
        {"role": "source", "name": "The Wall Street Journal"},
    ],
    "quotes": [
        {
            "text": "This is not the budget any of us wanted, but it is one we can pay for,",
            "speaker": "Denise Harlan",
            "kind": "direct",
            "speaker_kind": "person",
        },
        {"text": "a reckless gamble", "speaker": "the ministry", "kind": "mixed", "speaker_kind": "organization"},
    ],
}


def _article(**changes) -> Article:
    fields = dict(
        url=LABEL["url"],
        canonical_url=LABEL["url"],
        title="Council approves budget",
        authors=["Sam Ortiz"],
        section="Local News",
        language="en",
        images=[
            Image(
                url="https://example.org/a.jpg",
                caption="Council members vote.",
                credit="AP Photo/Jenna Whitfield",
                photographer="Jenna Whitfield",
                agency="Associated Press",
            )
        ],
        credits=[
            Credit(role=CreditRole.AUTHOR, name="Sam Ortiz"),
            Credit(role=CreditRole.PHOTO, name="Jenna Whitfield", agency="Associated Press"),
            Credit(role=CreditRole.WIRE, name="Associated Press", agency="Associated Press"),
            Credit(role=CreditRole.SOURCE, name="Wall Street Journal"),
        ],
        quotes=[
            Quote(
                text="This is not the budget any of us wanted, but it is one we can pay for,",
                speaker="Denise Harlan",
                speaker_kind=SpeakerKind.PERSON,
            ),
            Quote(text="a reckless gamble", speaker="The Ministry", speaker_kind=SpeakerKind.ORGANIZATION),
        ],
    )
    fields.update(changes)
    return Article(**fields)


def _figures(article: Article | None) -> dict:
    return scorer.summarise([scorer.score_page("p", LABEL, article)])


def test_a_perfect_prediction_scores_one_everywhere():
    summary = _figures(_article())
    for key in ("quotes", "quotes direct+mixed", "credits", "authors", "images"):
        assert summary["fields"][key]["precision"] == 1.0, key
        assert summary["fields"][key]["recall"] == 1.0, key
    for key, acc in summary["accuracy"].items():
        assert acc["accuracy"] == 1.0, key


@pytest.mark.parametrize(
    ("changes", "field", "figure"),
    [
        ({"authors": ["Sam Ortiz Associated Press"]}, "authors exact", "accuracy"),
        ({"section": "articles"}, "section", "accuracy"),
        ({"credits": []}, "credits", "recall"),
        (
            {
                "credits": [
                    Credit(role=CreditRole.SOURCE, name="Wall Street Journal"),
                    Credit(role=CreditRole.SOURCE, name="Daily Planet"),
                ]
            },
            "credits",
            "precision",
        ),
        (
            {"quotes": [Quote(text="an unrelated sentence about the weather today", speaker="Denise Harlan")]},
            "quotes",
            "recall",
        ),
        (
            {"quotes": [Quote(text="This is not the budget any of us wanted", speaker="the union's")]},
            "quote speaker",
            "accuracy",
        ),
        (
            {
                "images": [
                    Image(url="https://example.org/a.jpg", caption="Council members vote. AP Photo/Jenna Whitfield")
                ]
            },
            "image caption",
            "accuracy",
        ),
        (
            {"images": [Image(url="https://example.org/a.jpg", caption="Council members vote.", agency="AP")]},
            "image photographer",
            "accuracy",
        ),
    ],
)
def test_each_kind_of_error_scores_below_one(changes, field, figure):
    summary = _figures(_article(**changes))
    value = (summary["accuracy"] if figure == "accuracy" else summary["fields"])[field][figure]
    assert value is not None and value < 1.0


def test_quote_text_matches_by_token_overlap_not_exact_string():
    assert scorer.dice("We keep telling families to wait,", "we keep telling families to wait") == 1.0
    assert scorer.dice("the Herald that farmers should sell", "farmers should sell") < 1.0
    assert scorer.dice("completely different words", "nothing alike here") == 0.0


def test_a_refused_page_scores_zero_recall():
    summary = _figures(None)
    assert summary["fields"]["credits"]["recall"] == 0.0
    assert summary["fields"]["quotes"]["recall"] == 0.0


def test_the_shipped_set_loads_with_forty_pages_or_more():
    pages = scorer.load_set(scorer.DEFAULT_DIR)
    assert len(pages) >= 40
    for name, label, html in pages:
        assert html.strip(), name
        assert {"url", "title", "authors", "credits", "quotes", "images"} <= set(label), name
        for q in label["quotes"]:
            assert q["kind"] in ("direct", "mixed", "indirect", "excerpt"), (name, q)


def test_a_quote_split_by_its_attribution_and_read_as_one_finds_both_parts():
    label = dict(
        LABEL,
        quotes=[
            {"text": "People came in rain boots and they stayed all day,", "speaker": "Linda Moreau", "kind": "direct"},
            {
                "text": "That tells you how much this weekend means to the valley.",
                "speaker": "Linda Moreau",
                "kind": "direct",
            },
        ],
    )
    joined = Quote(
        text="People came in rain boots and they stayed all day. That tells you how much this weekend means to the valley.",
        speaker="Linda Moreau",
    )
    quotes = scorer.summarise([scorer.score_page("p", label, _article(quotes=[joined]))])["fields"]["quotes"]
    assert (quotes["recall"], quotes["precision"]) == (1.0, 1.0)
    stray = Quote(text="an unrelated sentence about the weather today and tomorrow", speaker="Linda Moreau")
    quotes = scorer.summarise([scorer.score_page("p", label, _article(quotes=[joined, stray]))])["fields"]["quotes"]
    assert (quotes["recall"], quotes["precision"]) == (1.0, 0.5)
