"""Write synthetic IMR letters (reasoner/letters/synth.py) for batch runs and benchmarks.

    python bench/gen_letters.py [--letters 10000] [--out DIR] [--seed 1]

The same seed and index always give the same letter, so batches of any size agree on the
letters they share. Text only: the reasoner reads them like any other letter.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reasoner.reader.layout import detect  # noqa: E402
from reasoner.reader.synth import write_letters  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--letters", type=int, default=10_000)
    p.add_argument("--out", default="build/letters", help="directory (created if needed)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    start = time.perf_counter()
    paths = write_letters(args.out, args.letters, args.seed)
    layouts = collections.Counter(detect(path.read_text()) for path in paths)
    print(f"wrote {len(paths)} letters to {args.out} in {time.perf_counter() - start:.1f} s "
          f"({', '.join(f'{k} {n}' for k, n in sorted(layouts.items()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
