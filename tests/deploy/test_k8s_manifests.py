"""deploy/k8s checked offline: Kubernetes schemas for the built-in kinds, a strict structural check for KEDA.

Built-in kinds are validated (strict: unknown fields refused) against the schemas kubernetes-validate ships,
for the oldest and newest Kubernetes versions we claim. KEDA's ScaledObjects have no schema there, so
`keda_problems` checks them by hand: the fields KEDA knows, each trigger type's metadata keys, that each targets
a Deployment of these manifests, and that each stage scales on the queue that stage's workers consume
(workers/queues.py) through the same Sentinels and master as the ConfigMap's broker URL. The rest ties the
manifests to the code: every NEWSDESK_* variable is a real setting, probes read the file workers/health.py
touches, grace periods outlast the task time limit, memory requests cover bench/capacity.json's measured peak.
Each check returns its problems as sentences, so the tests at the bottom can show a broken copy is caught.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from newsdesk.settings import Settings
from tests.clirunner import run_newsdesk
from workers.queues import ALERTS_QUEUE, PROCESSING_QUEUES

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())
STAGE_COMPONENTS = {"fetch": "fetcher", "parse": "parser", "index": "indexer"}

Doc = dict[str, Any]

# KEDA v2 ScaledObject (keda.sh/v1alpha1): the fields of its spec, and per trigger type the metadata keys the
# scaler reads (KEDA's scaler docs); any other key is a typo that KEDA would silently ignore.
SCALED_OBJECT_SPEC = {
    "scaleTargetRef",
    "pollingInterval",
    "cooldownPeriod",
    "initialCooldownPeriod",
    "idleReplicaCount",
    "minReplicaCount",
    "maxReplicaCount",
    "fallback",
    "advanced",
    "triggers",
}
TRIGGER_FIELDS = {"type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"}
REDIS_COMMON = {
    "listName",
    "listLength",
    "activationListLength",
    "databaseIndex",
    "enableTLS",
    "unsafeSsl",
    "usernameFromEnv",
    "passwordFromEnv",
}
TRIGGER_METADATA: dict[str, tuple[set[str], list[set[str]]]] = {
    # trigger type -> (allowed keys, alternatives of which one must be complete)
    "redis": (
        REDIS_COMMON | {"address", "host", "port", "addressFromEnv", "hostFromEnv", "portFromEnv"},
        [{"address"}, {"host", "port"}, {"addressFromEnv"}, {"hostFromEnv", "portFromEnv"}],
    ),
    "redis-sentinel": (
        REDIS_COMMON
        | {"addresses", "hosts", "ports", "addressesFromEnv", "hostsFromEnv", "portsFromEnv"}
        | {"sentinelMaster", "sentinelMasterFromEnv", "sentinelUsernameFromEnv", "sentinelPasswordFromEnv"},
        [{"addresses"}, {"hosts", "ports"}, {"addressesFromEnv"}, {"hostsFromEnv", "portsFromEnv"}],
    ),
    "metrics-api": (
        {"url", "format", "valueLocation", "targetValue", "activationTargetValue", "unsafeSsl", "timeout"}
        | {"aggregateFromKubeServiceEndpoints", "aggregationType", "authMode", "method", "keyParamName"},
        [{"url", "valueLocation", "targetValue"}],
    ),
}
REQUIRED_METADATA = {"redis": {"listName", "listLength"}, "redis-sentinel": {"listName", "listLength"}}


# ------------------------------------------------------------------------------------------------ loading


def load_manifests() -> list[Doc]:
    """Every document of every file the kustomization lists, in its order."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs: list[Doc] = []
    for name in kustomization["resources"]:
        docs += [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
    return docs


@pytest.fixture(scope="module")
def manifests() -> list[Doc]:
    return load_manifests()


def of_kind(docs: list[Doc], kind: str) -> list[Doc]:
    return [doc for doc in docs if doc["kind"] == kind]


def named(docs: list[Doc], kind: str, name: str) -> Doc | None:
    return next((doc for doc in of_kind(docs, kind) if doc["metadata"]["name"] == name), None)


def config_data(docs: list[Doc]) -> dict[str, str]:
    data: dict[str, str] = {}
    for config in of_kind(docs, "ConfigMap"):
        data.update(config.get("data", {}))
    return data


def pod_spec(deployment: Doc) -> Doc:
    return deployment["spec"]["template"]["spec"]


def containers(deployment: Doc) -> list[Doc]:
    return pod_spec(deployment)["containers"]


def worker_queues(deployment: Doc) -> list[str]:
    """The queues a `newsdesk worker --queues Q[,SIDE]` container consumes, its stage's first; [] for others."""
    command = containers(deployment)[0].get("command", [])
    if command[:2] != ["newsdesk", "worker"] or "--queues" not in command:
        return []
    return command[command.index("--queues") + 1].split(",")


def worker_queue(deployment: Doc) -> str | None:
    """The stage queue of a worker Deployment (side queues such as alerts ride along), or None."""
    queues = worker_queues(deployment)
    return queues[0] if queues else None


def stage_deployments(docs: list[Doc]) -> dict[str, Doc]:
    return {queue: d for d in of_kind(docs, "Deployment") if (queue := worker_queue(d)) is not None}


def mebibytes(quantity: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi)?", quantity)
    assert match, f"unexpected memory quantity {quantity!r}"
    return float(match[1]) * {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, None: 1 / 1024 / 1024}[match[2]]


def sentinel_hosts(redis_url: str) -> tuple[list[str], str]:
    """(["host:port", ...], database) of a `sentinel://h:p/db;sentinel://...` URL."""
    hosts, databases = [], set()
    for part in redis_url.split(";"):
        parsed = urlsplit(part.strip())
        assert parsed.scheme == "sentinel", f"not a Sentinel URL: {part!r}"
        hosts.append(f"{parsed.hostname}:{parsed.port}")
        databases.add(parsed.path.strip("/") or "0")
    assert len(databases) == 1, f"Sentinels name different databases: {redis_url}"
    return hosts, databases.pop()


# ------------------------------------------------------------------------------------------------ checks


def schema_problems(docs: list[Doc], version: str) -> list[str]:
    problems = []
    for doc in docs:
        if doc["apiVersion"].startswith("keda.sh/"):
            continue
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(p) for p in error.path)
            problems.append(f"{doc['kind']}/{doc['metadata']['name']} ({version}): {where}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(error.message)
    return problems


def keda_problems(docs: list[Doc]) -> list[str]:
    problems: list[str] = []
    deployments = {d["metadata"]["name"]: d for d in of_kind(docs, "Deployment")}
    services = {s["metadata"]["name"]: s for s in of_kind(docs, "Service")}
    namespace = yaml.safe_load((K8S / "kustomization.yaml").read_text()).get("namespace", "default")
    config = config_data(docs)
    broker_url = config.get("NEWSDESK_REDIS_URL", "")
    scaled = of_kind(docs, "ScaledObject")
    for so in scaled:
        name = so["metadata"]["name"]
        spec = so.get("spec", {})
        if so["apiVersion"] != "keda.sh/v1alpha1":
            problems.append(f"{name}: apiVersion {so['apiVersion']}, KEDA 2 serves keda.sh/v1alpha1")
        if unknown := set(spec) - SCALED_OBJECT_SPEC:
            problems.append(f"{name}: unknown spec fields {sorted(unknown)}")
        target = deployments.get(spec.get("scaleTargetRef", {}).get("name", ""))
        if target is None:
            problems.append(f"{name}: scaleTargetRef {spec.get('scaleTargetRef')} is no Deployment here")
            continue
        if "replicas" in target["spec"]:
            problems.append(f"{name}: {target['metadata']['name']} sets replicas, which fights the autoscaler")
        low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
            problems.append(f"{name}: minReplicaCount {low} / maxReplicaCount {high}")
        for field in ("pollingInterval", "cooldownPeriod"):
            if not isinstance(spec.get(field), int) or spec[field] <= 0:
                problems.append(f"{name}: {field} must be a positive number of seconds")
        problems += advanced_problems(name, spec, target)
        queue = worker_queue(target)
        triggers = spec.get("triggers") or []
        if not triggers:
            problems.append(f"{name}: no triggers")
        list_triggers = 0
        for trigger in triggers:
            kind, metadata = trigger.get("type"), trigger.get("metadata", {})
            label = f"{name} trigger {kind}"
            if unknown := set(trigger) - TRIGGER_FIELDS:
                problems.append(f"{label}: unknown fields {sorted(unknown)}")
            if kind not in TRIGGER_METADATA:
                problems.append(f"{label}: trigger type not checked here")
                continue
            allowed, alternatives = TRIGGER_METADATA[kind]
            if unknown := set(metadata) - allowed:
                problems.append(f"{label}: unknown metadata keys {sorted(unknown)}")
            if missing := REQUIRED_METADATA.get(kind, set()) - set(metadata):
                problems.append(f"{label}: missing {sorted(missing)}")
            if not any(option <= set(metadata) for option in alternatives):
                problems.append(f"{label}: needs one of {[sorted(o) for o in alternatives]}")
            if not all(isinstance(value, str) for value in metadata.values()):
                problems.append(f"{label}: metadata values must be strings (KEDA reads a map of strings)")
            for key in ("listLength", "targetValue", "databaseIndex"):
                if key in metadata and not re.fullmatch(r"\d+(\.\d+)?", str(metadata[key])):
                    problems.append(f"{label}: {key} {metadata[key]!r} is not a number")
            if kind in ("redis", "redis-sentinel"):
                list_triggers += 1
                if metadata.get("listName") not in PROCESSING_QUEUES:
                    problems.append(f"{label}: list {metadata.get('listName')!r} is not a queue of workers/queues.py")
                elif metadata["listName"] != queue:
                    problems.append(f"{label}: scales on {metadata['listName']!r}, its workers consume {queue!r}")
            if kind == "redis-sentinel":
                if not broker_url.startswith("sentinel://"):
                    problems.append(f"{label}: the ConfigMap's NEWSDESK_REDIS_URL is not a Sentinel URL")
                    continue
                hosts, database = sentinel_hosts(broker_url)
                if metadata.get("addresses", "").split(",") != hosts:
                    problems.append(f"{label}: addresses {metadata.get('addresses')} are not the broker's {hosts}")
                if metadata.get("sentinelMaster") != config.get("NEWSDESK_REDIS_SENTINEL_MASTER"):
                    problems.append(f"{label}: sentinelMaster differs from NEWSDESK_REDIS_SENTINEL_MASTER")
                if metadata.get("databaseIndex", "0") != database:
                    problems.append(f"{label}: databaseIndex {metadata.get('databaseIndex')} != broker db {database}")
            if kind == "redis" and broker_url.startswith("sentinel://"):
                problems.append(f"{label}: plain Redis trigger while the broker is reached through Sentinel")
            if kind == "metrics-api":
                problems += metrics_api_problems(label, metadata, services, namespace, queue)
        if list_triggers != 1:
            problems.append(f"{name}: {list_triggers} queue-length triggers, want exactly one")
    targets = [so.get("spec", {}).get("scaleTargetRef", {}).get("name") for so in scaled]
    for queue, deployment in stage_deployments(docs).items():
        count = targets.count(deployment["metadata"]["name"])
        if count != 1:
            problems.append(f"stage {queue} ({deployment['metadata']['name']}) has {count} ScaledObjects, want 1")
    return problems


def advanced_problems(name: str, spec: Doc, target: Doc) -> list[str]:
    """`advanced`: KEDA's own keys, and the HPA KEDA makes from it checked against the Kubernetes schema."""
    advanced = spec.get("advanced", {})
    problems = []
    if unknown := set(advanced) - {
        "horizontalPodAutoscalerConfig",
        "restoreToOriginalReplicaCount",
        "scalingModifiers",
    }:
        problems.append(f"{name}: unknown advanced fields {sorted(unknown)}")
    config = advanced.get("horizontalPodAutoscalerConfig", {})
    if unknown := set(config) - {"name", "behavior"}:
        problems.append(f"{name}: unknown horizontalPodAutoscalerConfig fields {sorted(unknown)}")
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": f"keda-hpa-{name}"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target["metadata"]["name"]},
            "minReplicas": max(1, spec.get("minReplicaCount", 0)),
            "maxReplicas": spec.get("maxReplicaCount", 100),
            "behavior": config.get("behavior", {}),
        },
    }
    return [f"{name}: HPA {problem}" for problem in schema_problems([hpa], KUBERNETES_VERSIONS[-1])]


def metrics_api_problems(label: str, metadata: Doc, services: dict[str, Doc], namespace: str, queue: str | None):
    """The in-flight trigger reads /ops/api/overview from the API Service: a real route, queue and field."""
    from pydantic import TypeAdapter

    from services.app import app
    from services.dashboard.broker import QueueState

    queue_fields = TypeAdapter(QueueState).json_schema(mode="serialization")["properties"]

    problems = []
    url = urlsplit(metadata.get("url", ""))
    service, _, rest = (url.hostname or "").partition(".")
    if rest != f"{namespace}.svc.cluster.local" or service not in services:
        problems.append(f"{label}: {url.geturl()} is not a Service of namespace {namespace} (KEDA runs elsewhere)")
    else:
        ports = [p["port"] for p in services[service]["spec"]["ports"]]
        if (url.port or 80) not in ports:
            problems.append(f"{label}: port {url.port or 80} is not one of Service {service}'s {ports}")
    if url.path not in app.openapi()["paths"]:
        problems.append(f"{label}: {url.path} is not a route of services/app.py")
    match = re.fullmatch(r'queues\.#\(name=="(\w+)"\)\.(\w+)', metadata.get("valueLocation", ""))
    if not match:
        problems.append(f"{label}: valueLocation {metadata.get('valueLocation')!r} is not queues.#(name==Q).FIELD")
    elif match[1] != queue or match[2] not in queue_fields:
        problems.append(f"{label}: reads {match[1]}.{match[2]}; its workers consume {queue}, fields are QueueState's")
    return problems


def setting_problems(docs: list[Doc]) -> list[str]:
    known = {f"NEWSDESK_{name.upper()}" for name in Settings.model_fields}
    names: list[tuple[str, str]] = []
    for config in of_kind(docs, "ConfigMap"):
        names += [(f"ConfigMap/{config['metadata']['name']}", key) for key in config.get("data", {})]
    for secret in of_kind(docs, "Secret"):
        names += [(f"Secret/{secret['metadata']['name']}", key) for key in secret.get("stringData", {})]
    for deployment in of_kind(docs, "Deployment"):
        for container in containers(deployment):
            names += [(f"Deployment/{deployment['metadata']['name']}", env["name"]) for env in container.get("env", [])]
    return [f"{where}: {name} is not a newsdesk setting" for where, name in names if name not in known]


def deployment_problems(docs: list[Doc]) -> list[str]:
    problems = []
    config = config_data(docs)
    defined = {(doc["kind"], doc["metadata"]["name"]) for doc in docs}
    uid = re.search(r"--uid (\d+)", (REPO / "deploy" / "Dockerfile").read_text())
    image_uid = int(uid[1]) if uid else None
    time_limit = int(config.get("NEWSDESK_TASK_TIME_LIMIT", Settings.model_fields["task_time_limit"].default))
    stages = stage_deployments(docs)
    if sorted(stages) != sorted(PROCESSING_QUEUES):
        problems.append(f"one worker Deployment per queue wanted: {sorted(stages)} vs {sorted(PROCESSING_QUEUES)}")
    for deployment in of_kind(docs, "Deployment"):
        name, spec, pod = deployment["metadata"]["name"], deployment["spec"], pod_spec(deployment)
        labels = spec["template"]["metadata"].get("labels", {})
        if not spec["selector"]["matchLabels"].items() <= labels.items():
            problems.append(f"{name}: selector does not match its pod labels")
        security = pod.get("securityContext", {})
        if security.get("runAsNonRoot") is not True or security.get("runAsUser") != image_uid:
            problems.append(f"{name}: pods must run as non-root uid {image_uid} (deploy/Dockerfile)")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for volume in volumes.values():
            if "emptyDir" not in volume:
                problems.append(f"{name}: volume {volume['name']} is not an emptyDir: no pod shares a disk")
        for container in containers(deployment):
            label = f"{name}/{container['name']}"
            context = container.get("securityContext", {})
            if (
                context.get("allowPrivilegeEscalation") is not False
                or context.get("readOnlyRootFilesystem") is not True
            ):
                problems.append(f"{label}: needs allowPrivilegeEscalation false and a read-only root filesystem")
            if "ALL" not in context.get("capabilities", {}).get("drop", []):
                problems.append(f"{label}: capabilities not dropped")
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            for path in (config.get("NEWSDESK_DATA_DIR", "data"), "/tmp"):
                if mounts.get(path) not in volumes:
                    problems.append(f"{label}: {path} must be a mounted emptyDir (the root filesystem is read-only)")
            resources = container.get("resources", {})
            if not {"cpu", "memory"} <= set(resources.get("requests", {})) or "memory" not in resources.get(
                "limits", {}
            ):
                problems.append(f"{label}: needs cpu and memory requests and a memory limit")
            for source in container.get("envFrom", []):
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if key in source and (kind, source[key]["name"]) not in defined:
                        problems.append(f"{label}: envFrom {kind} {source[key]['name']} is not defined")
        if worker_queue(deployment) is not None:
            problems += worker_problems(deployment, time_limit)
    beat = [d for d in of_kind(docs, "Deployment") if "beat" in containers(d)[0].get("command", [""])[0]]
    if (
        len(beat) != 1
        or beat[0]["spec"].get("replicas") != 1
        or beat[0]["spec"].get("strategy") != {"type": "Recreate"}
    ):
        problems.append("beat: exactly one Deployment with replicas 1 and the Recreate strategy")
    if of_kind(docs, "PersistentVolumeClaim"):
        problems.append("a PersistentVolumeClaim: pages live in the object store, nothing shares a volume")
    return problems


def worker_problems(deployment: Doc, time_limit: int) -> list[str]:
    name, pod = deployment["metadata"]["name"], pod_spec(deployment)
    container = containers(deployment)[0]
    command = container["command"]
    problems = []
    if pod.get("terminationGracePeriodSeconds", 30) <= time_limit:
        problems.append(f"{name}: terminationGracePeriodSeconds must outlast the task time limit ({time_limit} s)")
    pool = command[command.index("--pool") + 1] if "--pool" in command else None
    concurrency = command[command.index("--concurrency") + 1] if "--concurrency" in command else ""
    if pool not in ("threads", "prefork") or not concurrency.isdigit():
        problems.append(f"{name}: `newsdesk worker` needs --pool threads|prefork and a numeric --concurrency")
    heartbeat = {e["name"]: e.get("value") for e in container.get("env", [])}.get("NEWSDESK_HEARTBEAT_FILE")
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = " ".join(container.get(kind, {}).get("exec", {}).get("command", []))
        if not heartbeat or f"find {heartbeat} -mmin" not in probe or "test -n" not in probe:
            problems.append(f'{name}: {kind} must check NEWSDESK_HEARTBEAT_FILE\'s age (test -n "$(find ...)")')
    if heartbeat and str(Path(heartbeat).parent) not in {m["mountPath"] for m in container.get("volumeMounts", [])}:
        problems.append(f"{name}: the heartbeat file's directory must be a mounted volume")
    return problems


def measured_problems(docs: list[Doc], measurement: Doc) -> list[str]:
    """Memory requests cover the peak RSS bench/capacity.py measured for each stage's worker process."""
    problems = []
    for queue, deployment in stage_deployments(docs).items():
        peak = measurement["stages"][queue]["peak_rss_mb"]
        request = mebibytes(containers(deployment)[0]["resources"]["requests"]["memory"])
        if request < peak:
            problems.append(f"{deployment['metadata']['name']}: requests {request:.0f} MiB, measured peak {peak} MB")
        figures = measurement["stages"][queue]
        command = containers(deployment)[0]["command"]
        if [figures["pool"], str(figures["concurrency"])] != [
            command[command.index("--pool") + 1],
            command[command.index("--concurrency") + 1],
        ]:
            problems.append(f"{deployment['metadata']['name']}: runs another pool/concurrency than was measured")
    return problems


def disruption_problems(docs: list[Doc]) -> list[str]:
    problems = []
    budgets = of_kind(docs, "PodDisruptionBudget")
    scaled = {so["spec"]["scaleTargetRef"]["name"]: so["spec"] for so in of_kind(docs, "ScaledObject")}
    for deployment in of_kind(docs, "Deployment"):
        name = deployment["metadata"]["name"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        if deployment["spec"].get("strategy", {}).get("type") == "Recreate":
            continue  # the singleton scheduler: nothing to keep available during a drain
        if len(covering) != 1:
            problems.append(f"{name}: {len(covering)} PodDisruptionBudgets, want 1")
            continue
        budget = covering[0]["spec"]
        smallest = scaled[name].get("minReplicaCount", 0) if name in scaled else deployment["spec"].get("replicas", 1)
        if budget.get("minAvailable", 0) >= smallest:
            problems.append(f"{name}: minAvailable {budget['minAvailable']} with {smallest} replica(s) blocks drains")
    return problems


def service_problems(docs: list[Doc]) -> list[str]:
    problems = []
    for service in of_kind(docs, "Service"):
        selector = service["spec"]["selector"]
        pods = [
            d
            for d in of_kind(docs, "Deployment")
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        if not pods:
            problems.append(f"Service {service['metadata']['name']} selects no pods")
        for port in service["spec"]["ports"]:
            names = {p.get("name") for d in pods for c in containers(d) for p in c.get("ports", [])}
            if isinstance(port["targetPort"], str) and port["targetPort"] not in names:
                problems.append(f"Service {service['metadata']['name']}: no container port {port['targetPort']}")
    return problems


# ------------------------------------------------------------------------------------------------ tests


def test_kustomization_lists_every_manifest_file():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_builtin_kinds_match_the_kubernetes_schemas(manifests, version):
    assert schema_problems(manifests, version) == []


def test_scaled_objects_scale_each_stage_on_its_own_queue(manifests):
    assert keda_problems(manifests) == []


def test_every_environment_variable_is_a_newsdesk_setting(manifests):
    assert setting_problems(manifests) == []


def test_pods_are_non_root_read_only_and_share_no_disk(manifests):
    assert deployment_problems(manifests) == []


def test_worker_resources_cover_the_measured_figures(manifests):
    measurement = json.loads((REPO / "bench" / "capacity.json").read_text())
    assert measured_problems(manifests, measurement) == []


def test_disruption_budgets_and_services(manifests):
    assert disruption_problems(manifests) + service_problems(manifests) == []


# The checks above would pass on anything if they found nothing: each broken copy below must be caught.


def broken(manifests: list[Doc], kind: str, name: str) -> tuple[list[Doc], Doc]:
    docs = copy.deepcopy(manifests)
    doc = named(docs, kind, name)
    assert doc is not None
    return docs, doc


def test_a_typo_in_a_deployment_fails_the_schema_check(manifests):
    docs, fetcher = broken(manifests, "Deployment", "newsdesk-fetcher")
    container = containers(fetcher)[0]
    container["readinesProbe"] = container.pop("readinessProbe")
    assert any("readinesProbe" in p for p in schema_problems(docs, KUBERNETES_VERSIONS[-1]))


def test_keda_mistakes_are_caught(manifests):
    docs, fetcher = broken(manifests, "ScaledObject", "newsdesk-fetcher")
    fetcher["spec"]["triggers"][0]["metadata"]["listName"] = "parse"
    fetcher["spec"]["triggers"][0]["metadata"]["listLenght"] = "10"
    fetcher["spec"]["triggers"][1]["metadata"]["valueLocation"] = 'queues.#(name=="fetch").running'
    parser = named(docs, "ScaledObject", "newsdesk-parser")
    assert parser is not None
    parser["spec"]["scaleTargetRef"]["name"] = "newsdesk-parsr"
    parser["spec"]["triggers"][0]["metadata"]["sentinelMaster"] = "other"
    named(docs, "Deployment", "newsdesk-indexer")["spec"]["replicas"] = 2
    problems = "\n".join(keda_problems(docs))
    for expected in (
        "scales on 'parse', its workers consume 'fetch'",
        "unknown metadata keys ['listLenght']",
        "reads fetch.running",
        "newsdesk-parsr",
        "stage parse (newsdesk-parser) has 0 ScaledObjects",
        "newsdesk-indexer sets replicas",
    ):
        assert expected in problems
    docs, indexer = broken(manifests, "ScaledObject", "newsdesk-indexer")
    behavior = indexer["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
    behavior["scaleDown"]["stabilisationWindowSeconds"] = behavior["scaleDown"].pop("stabilizationWindowSeconds")
    assert any("stabilisationWindowSeconds" in p for p in keda_problems(docs))
    docs, indexer = broken(manifests, "ScaledObject", "newsdesk-indexer")
    indexer["spec"]["triggers"][0]["metadata"]["sentinelMaster"] = "other"
    indexer["spec"]["triggers"][0]["metadata"]["addresses"] = "redis:26379"
    assert len(keda_problems(docs)) == 2


def test_unknown_settings_shared_volumes_and_short_grace_periods_are_caught(manifests):
    docs, config = broken(manifests, "ConfigMap", "newsdesk-config")
    config["data"]["NEWSDESK_REDIS_ULR"] = "redis://redis:6379/0"
    assert setting_problems(docs) == ["ConfigMap/newsdesk-config: NEWSDESK_REDIS_ULR is not a newsdesk setting"]
    docs, parser = broken(manifests, "Deployment", "newsdesk-parser")
    pod_spec(parser)["volumes"][0] = {"name": "data", "persistentVolumeClaim": {"claimName": "pages"}}
    pod_spec(parser)["terminationGracePeriodSeconds"] = 60
    containers(parser)[0]["livenessProbe"] = {"exec": {"command": ["sh", "-c", "find /tmp/newsdesk-heartbeat"]}}
    problems = "\n".join(deployment_problems(docs))
    assert "volume data is not an emptyDir" in problems
    assert "terminationGracePeriodSeconds must outlast" in problems
    assert "livenessProbe must check" in problems


def test_memory_below_the_measured_peak_and_blocking_budgets_are_caught(manifests):
    measurement = json.loads((REPO / "bench" / "capacity.json").read_text())
    docs, parser = broken(manifests, "Deployment", "newsdesk-parser")
    containers(parser)[0]["resources"]["requests"]["memory"] = "128Mi"
    assert [p.split(":")[0] for p in measured_problems(docs, measurement)] == ["newsdesk-parser"]
    docs, budget = broken(manifests, "PodDisruptionBudget", "newsdesk-fetcher")
    budget["spec"] = {"minAvailable": 1, "selector": budget["spec"]["selector"]}
    assert disruption_problems(docs) == ["newsdesk-fetcher: minAvailable 1 with 1 replica(s) blocks drains"]


def test_every_queue_is_consumed_and_side_queues_ride_with_a_stage(manifests):
    consumed = [queue for d in of_kind(manifests, "Deployment") for queue in worker_queues(d)]
    assert sorted(consumed) == sorted((*PROCESSING_QUEUES, ALERTS_QUEUE))
    assert all(worker_queue(d) in PROCESSING_QUEUES for d in of_kind(manifests, "Deployment") if worker_queues(d))


def test_the_rollover_cronjob_runs_a_real_newsdesk_command(manifests):
    (cronjob,) = of_kind(manifests, "CronJob")
    (container,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    command = container["command"]
    assert command[:3] == ["newsdesk", "index", "rollover"] and cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    checked = run_newsdesk(*command[1:], "--help")
    assert checked.returncode == 0, checked.stderr  # every flag the manifest passes exists
