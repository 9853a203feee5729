"""newsdesk/ops/failures.py: dead letters grouped by cause (no server needed)."""

import pytest

from newsdesk.ops.deadletters import DeadLetter
from newsdesk.ops.failures import failure_cause, group_failures


@pytest.mark.parametrize(
    "error, cause",
    [
        ("HTTP 404 for https://a.test/news/7", "HTTP 404 for <url>"),
        ("HTTP 503 for https://b.test/x?id=9 after 16 retries", "HTTP 503 for <url> after <n> retries"),
        (
            "gave up after 16 retries: ConnectionError: [Errno 111] refused",
            "gave up after <n> retries: ConnectionError: [Errno <n>] refused",
        ),
        ("no stored page with key 3f2a9c1b7d4e5f60aa", "no stored page with key <id>"),
        ("NotAnArticle: 'application/pdf' is not HTML", "NotAnArticle: <text> is not HTML"),
        ("  spaces \n  collapse  ", "spaces collapse"),
    ],
)
def test_variable_parts_of_a_message_are_blanked(error, cause):
    assert failure_cause(error) == cause


def test_letters_with_one_cause_form_one_group_largest_first():
    letters = [
        DeadLetter(
            task="newsdesk.fetch_article", args=[], kwargs={}, error=f"HTTP 404 for https://a.test/{n}", failed_at=n
        )
        for n in range(3)
    ] + [
        DeadLetter(
            task="newsdesk.fetch_article", args=[], kwargs={}, error="HTTP 410 for https://a.test/x", failed_at=9
        ),
        DeadLetter(
            task="newsdesk.parse_article", args=[], kwargs={}, error="HTTP 404 for https://a.test/y", failed_at=1
        ),
    ]
    groups = group_failures(letters)
    assert [(g.task, g.cause, g.count) for g in groups] == [
        ("newsdesk.fetch_article", "HTTP 404 for <url>", 3),
        ("newsdesk.fetch_article", "HTTP 410 for <url>", 1),
        ("newsdesk.parse_article", "HTTP 404 for <url>", 1),
    ]
    assert groups[0].example == "HTTP 404 for https://a.test/2" and groups[0].newest_at == 2
    assert sorted(groups[0].ids) == sorted(letter.id for letter in letters[:3])
    assert len({g.key for g in groups}) == 3
