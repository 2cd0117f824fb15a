"""Command line: ``python benchmarks/fieldsim OUT --n 60 --size medium --seed 1``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a folder: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from fieldsim import generate_corpus  # type: ignore[import-not-found]
else:
    from . import generate_corpus


def main(argv: list[str] | None = None) -> int:
    """Write a corpus and print one summary line."""
    ap = argparse.ArgumentParser(
        prog="fieldsim", description="Write a fieldsim incident corpus (test data only)."
    )
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--n", type=int, default=60, help="number of incidents")
    ap.add_argument("--size", choices=["small", "medium", "large"], default="medium")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    paths = generate_corpus(a.out, a.n, size=a.size, seed=a.seed)
    print(
        f"fieldsim: wrote {len(paths)} {a.size} incidents (seed {a.seed}) to {a.out} in {time.perf_counter() - t:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
