"""Generate Python code, type stubs and the gateway's descriptor set from proto/.

`gen` writes into gen/; `check` generates into a scratch directory and fails when the
committed gen/ differs, so a contract change can't land without its regenerated code.
"""

import filecmp
import shutil
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO = ROOT / "proto"
DESCRIPTOR = "crm_descriptor.pb"


# Vendored contracts that have no Python package of their own to import from.
VENDORED = ("buf",)


def sources() -> list[str]:
    roots = ("crm", *VENDORED)
    return sorted(str(p.relative_to(PROTO)) for r in roots for p in (PROTO / r).rglob("*.proto"))


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    well_known = str(files("grpc_tools") / "_proto")
    args = [
        "protoc",
        f"-I{PROTO}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        f"--descriptor_set_out={out / DESCRIPTOR}",
        "--include_imports",
        *sources(),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def _tree(root: Path) -> set[str]:
    """Generated files under root, ignoring Python's bytecode caches."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Files that are missing, extra or different in `actual` compared to `expected`."""
    want, have = _tree(expected), _tree(actual)
    changed = [
        name
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return sorted(want ^ have) + changed


def main(mode: str) -> int:
    target = ROOT / "gen"
    if mode == "gen":
        for root in ("crm", *VENDORED):
            shutil.rmtree(target / root, ignore_errors=True)
        generate(target)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        generate(Path(scratch))
        stale = differences(Path(scratch), target)
    if stale:
        print("gen/ is stale; run `make proto`:", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "gen"))
