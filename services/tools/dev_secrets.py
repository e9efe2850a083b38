"""The dev overlay's Secrets, made once with random values into git-ignored env files.

`make k8s` (and the manifest tests) run it before kustomize reads the overlay; values already
written are kept, so a laptop cluster's database passwords do not change under it.

Each service gets its own database Secret (crm-database-<service>): the URLs of its two roles
(migration 0013), whose passwords the dev PostgreSQL sets when its volume is new.
"""

import secrets
import sys
from pathlib import Path

from services.catalog import SERVICES

DIRECTORY = Path(__file__).resolve().parents[2] / "k8s" / "overlays" / "dev" / "secrets"
SERVER = "postgres:5432/crm"


def password_variable(role: str) -> str:
    """The dev PostgreSQL's env var with a role's password (postgres-init.sh reads it)."""
    return f"{role.upper()}_PASSWORD"


def _roles(service: str) -> dict[str, str]:
    return {"SERVICE": f"crm_{service}", "PLATFORM": f"crm_{service}_platform"}


def _values() -> dict[str, dict[str, str]]:
    owner = secrets.token_urlsafe(24)
    passwords = {
        role: secrets.token_urlsafe(24) for service in SERVICES for role in _roles(service).values()
    }
    databases = {
        f"database-{service}": {
            f"{kind}_DATABASE_URL": f"postgresql://{role}:{passwords[role]}@{SERVER}"
            for kind, role in _roles(service).items()
        }
        for service in SERVICES
    }
    return {
        "postgres": {
            "POSTGRES_PASSWORD": owner,
            **{password_variable(role): value for role, value in passwords.items()},
        },
        "database": {"DATABASE_URL": f"postgresql://crm:{owner}@{SERVER}"},
        **databases,
        "redis": {"REDIS_URL": "redis://redis:6379/0"},
        "whatsapp": {
            "WHATSAPP_APP_SECRET": secrets.token_urlsafe(32),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(24),
            "WHATSAPP_TOKEN": secrets.token_urlsafe(32),
        },
    }


def ensure(directory: Path = DIRECTORY) -> list[Path]:
    """Write the env files that are missing (all of them together, so the passwords agree)."""
    values = _values()
    files = {name: directory / f"{name}.env" for name in values}
    if all(path.exists() for path in files.values()):
        return []
    directory.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        path.write_text("".join(f"{key}={value}\n" for key, value in values[name].items()))
        path.chmod(0o600)
    return list(files.values())


if __name__ == "__main__":
    for path in ensure(Path(sys.argv[1]) if len(sys.argv) > 1 else DIRECTORY):
        print(f"wrote {path}")
