"""The dev overlay's Secrets, made once with random values into git-ignored env files.

`make k8s` (and the manifest tests) run it before kustomize reads the overlay; values already
written are kept, so a laptop cluster's database password does not change under it.
"""

import secrets
import sys
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parents[2] / "k8s" / "overlays" / "dev" / "secrets"


def _values() -> dict[str, dict[str, str]]:
    owner, service = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    return {
        "postgres": {"POSTGRES_PASSWORD": owner, "SERVICE_PASSWORD": service},
        "database": {
            "DATABASE_URL": f"postgresql://crm:{owner}@postgres:5432/crm",
            "SERVICE_DATABASE_URL": f"postgresql://crm_service:{service}@postgres:5432/crm",
        },
        "redis": {"REDIS_URL": "redis://redis:6379/0"},
        "whatsapp": {
            "WHATSAPP_APP_SECRET": secrets.token_urlsafe(32),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(24),
            "WHATSAPP_TOKEN": secrets.token_urlsafe(32),
        },
    }


def ensure(directory: Path = DIRECTORY) -> list[Path]:
    """Write the env files that are missing (all of them together, so the passwords agree)."""
    files = {name: directory / f"{name}.env" for name in _values()}
    if all(path.exists() for path in files.values()):
        return []
    directory.mkdir(parents=True, exist_ok=True)
    values = _values()
    for name, path in files.items():
        path.write_text("".join(f"{key}={value}\n" for key, value in values[name].items()))
        path.chmod(0o600)
    return list(files.values())


if __name__ == "__main__":
    for path in ensure(Path(sys.argv[1]) if len(sys.argv) > 1 else DIRECTORY):
        print(f"wrote {path}")
