from workers.queues import POLL_TASK
from workers.schedule import beat_schedule, load_sources


def test_sources_file_becomes_one_poll_per_feed(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - {name: ledger, feed: 'https://ledger.test/rss', interval: 300}\n"
        "  - {name: tribune, feeds: ['https://tribune.test/a.xml', 'https://tribune.test/b.xml'], interval: 60}\n"
        "  - {name: paused, feed: 'https://p.test/rss', interval: 60, paused: true}\n"
    )
    schedule = beat_schedule(load_sources(path))
    assert sorted(schedule) == ["poll:ledger:0", "poll:tribune:0", "poll:tribune:1"]
    assert schedule["poll:ledger:0"] == {
        "task": POLL_TASK,
        "schedule": 300.0,
        "args": ("https://ledger.test/rss", "ledger"),
    }
