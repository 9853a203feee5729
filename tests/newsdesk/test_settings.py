from pathlib import Path

from newsdesk.settings import Settings


def test_defaults_are_embedded_mode(monkeypatch):
    for name in ("NEWSDESK_REDIS_URL", "NEWSDESK_ELASTICSEARCH_URL", "NEWSDESK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.redis_url is None and settings.elasticsearch_url is None
    assert not settings.distributed
    assert settings.embedded_index_path == Path("data") / "index.sqlite3"


def test_reads_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_REDIS_URL", "redis://127.0.0.1:6390/2")
    monkeypatch.setenv("NEWSDESK_ELASTICSEARCH_URL", "http://127.0.0.1:9201")
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_HOSTS", "127.0.0.1, 10.0.0.0/8 ,intranet.local")
    monkeypatch.setenv("NEWSDESK_USER_AGENT", "TestBot/1.0")
    settings = Settings()
    assert settings.distributed
    assert settings.elasticsearch_url == "http://127.0.0.1:9201"
    assert settings.pages_dir == tmp_path / "pages"
    assert settings.allow_private_hosts == ["127.0.0.1", "10.0.0.0/8", "intranet.local"]
    assert settings.user_agent == "TestBot/1.0"


def test_blank_urls_mean_unset(monkeypatch):
    monkeypatch.setenv("NEWSDESK_REDIS_URL", "  ")
    assert Settings().redis_url is None
