from newsdesk.crawl.sources import load_sources


def test_sources_file_lists_each_source_with_its_feeds_interval_and_pause(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - {name: ledger, feed: 'https://ledger.test/rss', interval: 300}\n"
        "  - {name: tribune, feeds: ['https://tribune.test/a.xml', 'https://tribune.test/b.xml'], interval: 60}\n"
        "  - {name: paused, feed: 'https://p.test/rss', interval: 60, paused: true}\n"
    )
    sources = {source.name: source for source in load_sources(path)}
    assert sorted(sources) == ["ledger", "paused", "tribune"]
    assert sources["ledger"].feeds == ["https://ledger.test/rss"] and sources["ledger"].interval == 300
    assert sources["tribune"].feeds == ["https://tribune.test/a.xml", "https://tribune.test/b.xml"]
    assert sources["paused"].paused and not sources["ledger"].paused
