"""`make models`: distil the sentence model into per-word-piece vectors for the Router."""

import sys
from pathlib import Path

from adapters.local.static_embeddings import distil

if __name__ == "__main__":
    print(f"wrote {distil(Path(sys.argv[1]))}")
