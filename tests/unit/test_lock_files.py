"""The lock files: every pin of pyproject.toml in them, with hashes, and nothing that pulls torch."""

import re
import tomllib

import pytest

from services.settings import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = PROJECT["dependencies"]
DEV = PROJECT["optional-dependencies"]["dev"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)$")


def locked(name: str) -> dict[str, str]:
    """Package -> version, from `name==version` lines; each must carry at least one hash."""
    text = (ROOT / name).read_text()
    entries = re.findall(r"^([a-z0-9_.\-]+)==(\S+)[^\n]*\\\n\s+--hash=sha256:", text, re.M)
    assert len(entries) == len(re.findall(r"^[a-z0-9_.\-]+==", text, re.M)), (
        f"{name}: a pin has no hash"
    )
    return dict(entries)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize(
    ("lock", "pins"),
    [("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME + DEV)],
)
def test_every_pin_is_locked_at_its_version(lock, pins):
    versions = {normal(name): version for name, version in locked(lock).items()}
    for pin in pins:
        name, _, version = PIN.match(pin).groups()
        assert versions.get(normal(name)) == version, f"{pin} differs in {lock}: run make lock"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_no_lock_pulls_torch(lock):
    assert not {"torch", "nvidia-cudnn-cu12"} & set(locked(lock))


def test_the_image_has_no_dev_tools():
    runtime = set(locked("requirements.lock"))
    assert not {"pytest", "schemathesis", "ruff", "uv"} & runtime
