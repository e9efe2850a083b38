"""Write or check the committed OpenAPI description.

python -m services.tools.openapi write [PATH]   # default docs/openapi.json
python -m services.tools.openapi check [PATH]   # fails when PATH differs from the protos
python -m services.tools.openapi compact OUT    # docs/openapi.json without whitespace, into OUT
"""

import json
import sys
from pathlib import Path

from services.settings import ROOT

from .document import build

DEFAULT = ROOT / "docs" / "openapi.json"


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def compact(text: str) -> str:
    """The description as the cluster's gateway serves it: small enough for a ConfigMap."""
    return json.dumps(json.loads(text), separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "write"
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if mode == "write":
        path.write_text(render())
        return 0
    if mode == "check":
        if not path.is_file() or path.read_text() != render():
            print(f"{path} is stale; run `make proto`", file=sys.stderr)
            return 1
        return 0
    if mode == "compact":
        Path(argv[1]).write_text(compact(DEFAULT.read_text()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
