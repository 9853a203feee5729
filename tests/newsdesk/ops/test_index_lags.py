"""newsdesk.ops.monitoring.index_lags: which lags an indexed article contributes (no server needed)."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.ops.monitoring import index_lags

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    "published, fetched, expected",
    [
        (NOW - 3 * H, NOW - H, {"published": 3 * 3600.0, "fetched": 3600.0}),  # fresh news: both lags
        (NOW - timedelta(days=2571), NOW - H, {"fetched": 3600.0}),  # an archive page: no "2571 d" lag
        (NOW - 47 * H, NOW, {"published": 47 * 3600.0, "fetched": 0.0}),  # inside the 48 h window
        (NOW - 49 * H, NOW, {"fetched": 0.0}),  # just outside it
        (None, NOW - H, {"fetched": 3600.0}),  # no published date
        (NOW - H, None, {"published": 3600.0}),  # no fetch time (reparse of an old record): judged against now
        (None, None, {}),
    ],
)
def test_an_old_article_counts_only_its_fetch_lag(published, fetched, expected):
    assert index_lags(published, fetched, NOW) == expected
