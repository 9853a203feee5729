"""docker-compose.yml and the README agree; every service is wired the way the README says."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def readme_compose_services() -> set[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Services in docker-compose", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE))


def test_compose_parses_and_names_every_service_the_readme_mentions():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mentioned = readme_compose_services()
    assert {"redis", "elasticsearch", "fetcher", "parser", "indexer", "beat", "api"} <= mentioned
    assert mentioned == set(compose["services"])


def test_one_worker_service_per_queue_and_healthy_dependencies():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    queues = {
        name: svc["environment"]["QUEUES"] for name, svc in services.items() if svc.get("command") == ["start-worker"]
    }
    assert queues == {"fetcher": "fetch", "parser": "parse", "indexer": "index,alerts"}  # alerts: saved-search webhooks
    for name in ("redis", "elasticsearch", "seaweedfs", "api"):
        assert "healthcheck" in services[name]
    for name, svc in services.items():
        if name in ("redis", "elasticsearch", "seaweedfs"):
            continue
        assert svc["depends_on"] == {
            "redis": {"condition": "service_healthy"},
            "elasticsearch": {"condition": "service_healthy"},
            "seaweedfs": {"condition": "service_healthy"},
        }, name
    assert "--appendonly" in services["redis"]["command"]
    assert services["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")


def test_start_scripts_exist_for_every_command():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for svc in services.values():
        command = svc.get("command", [None])[0]
        if command and command.startswith("start-"):
            script = REPO / "deploy" / "docker" / command
            assert script.exists() and "exec " in script.read_text()


def test_newsdesk_services_share_no_volume_only_the_s3_store():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for name, svc in services.items():
        if name in ("redis", "elasticsearch", "seaweedfs"):
            continue
        # Read-only config files only: pages and the raw archive go through the object store.
        assert all(str(volume).endswith(":ro") for volume in svc.get("volumes", [])), name
        assert svc["environment"]["NEWSDESK_PAGE_STORE_URL"].startswith("s3://"), name
        assert svc["environment"]["NEWSDESK_S3_ENDPOINT_URL"] == "http://seaweedfs:8333", name
    assert services["seaweedfs"]["command"][0] == "mini"
