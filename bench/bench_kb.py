"""Knowledge base start-up: cold (parse + compile) against warm (the compiled cache).

    python bench/bench_kb.py [--runs 5]

Each load runs in a fresh interpreter, so nothing is shared but the cache file; the figure is
`KnowledgeBase.load()` alone (imports excluded), median over the runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import sys, time
from reasoner.engine.kb import KnowledgeBase
t0 = time.perf_counter()
kb = KnowledgeBase.load(cache={cache})
print(time.perf_counter() - t0, len(kb.triples), kb.digest)
"""


def load_time(cache: bool) -> tuple[float, int, str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(cache=cache)], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    seconds, triples, digest = out.stdout.split()
    return float(seconds), int(triples), digest


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    load_time(True)  # make sure the cache matches the current files
    cold = [load_time(False) for _ in range(args.runs)]
    warm = [load_time(True) for _ in range(args.runs)]
    report = {"runs": args.runs, "kb_triples": cold[0][1], "digest": cold[0][2],
              "cold_s_median": statistics.median(c[0] for c in cold),
              "warm_s_median": statistics.median(w[0] for w in warm),
              "cold_s": [c[0] for c in cold], "warm_s": [w[0] for w in warm]}
    report["cold_over_warm"] = report["cold_s_median"] / report["warm_s_median"]
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
