"""Batch ingest of generated IMR letters, reasoned, into a fresh on-disk store.

    python bench/bench_letters.py [--letters 10000] [--jobs N] [--dir DIR] [--json OUT]

The letters are generated first (reasoner/reader/synth.py; not timed). Then the whole of
`mtus ingest --reason` is timed: the knowledge base load, a fresh store with the guideline
graph, and every letter read, decided from its case facts and stored with its determinations,
whole or not at all (Store.save_letters_nquads). Reported: letters/s, total seconds, the
per-stage split (read, reason, store: seconds summed over letters; with worker processes,
read and reason run in parallel with the store, so the stages add up to more than the wall
time), and the outcome counts.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_reason import summary, write_report  # noqa: E402
from reasoner.engine.kb import KnowledgeBase  # noqa: E402
from reasoner.reader.synth import write_letters  # noqa: E402
from reasoner.store.embedded import Store  # noqa: E402
from reasoner.workflows.letters import ingest_letters, letter_files  # noqa: E402

TARGET_S = 60.0  # issue #5: 10,000 letters in at most 60 s (not asserted)


def timed_ingest(letters: Path, store_dir: Path, jobs: int | None) -> dict:
    t0 = time.perf_counter()
    kb = KnowledgeBase.load()
    store = Store.open(store_dir)
    store.ensure_guidelines(kb)
    setup_s = time.perf_counter() - t0
    results = ingest_letters(letter_files([letters]), kb, store, reason=True, jobs=jobs)
    store.close()
    total_s = time.perf_counter() - t0
    stages = {k: [r.seconds[k] for r in results if k in r.seconds]
              for k in ("read", "reason", "store")}
    outcomes = collections.Counter(i.outcome or "not decided"
                                   for r in results if r.report for i in r.report.items)
    recorded = collections.Counter(i.recorded_outcome
                                   for r in results if r.report for i in r.report.items)
    return {"letters": len(results), "errors": sum(not r.ok for r in results),
            "without_determinations": sum(1 for r in results
                                          if r.report and r.report.run is None),
            "total_s": total_s, "setup_s": setup_s, "letters_per_s": len(results) / total_s,
            "stages_s": {k: sum(v) for k, v in stages.items()},
            "stages_ms": {k: summary(v) for k, v in stages.items()},
            "outcomes": dict(outcomes), "recorded": dict(recorded)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None,
                    help="worker processes (default: as `mtus ingest`, one per CPU but one)")
    ap.add_argument("--dir", type=Path, default=None, help="work directory (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    work = Path(args.dir or tempfile.mkdtemp(prefix="mtus-letters-"))
    letters = work / "letters"
    if not letters.is_dir() or len(list(letters.glob("*.txt"))) != args.letters:
        shutil.rmtree(letters, ignore_errors=True)
        t0 = time.perf_counter()
        write_letters(letters, args.letters, args.seed)
        print(f"generated {args.letters} letters in {time.perf_counter() - t0:.1f} s", flush=True)
    shutil.rmtree(work / "store", ignore_errors=True)
    run = timed_ingest(letters, work / "store", args.jobs)
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in run["stages_s"].items())
    print(f"ingest --reason: {run['letters']} letters in {run['total_s']:.1f} s "
          f"({run['letters_per_s']:.0f} letters/s; target {TARGET_S:.0f} s for 10,000); "
          f"stages summed: {stages}; errors {run['errors']}, "
          f"stored without determinations {run['without_determinations']}")
    print("outcomes: " + ", ".join(f"{k} {n}" for k, n in sorted(run["outcomes"].items())))
    report = {"seed": args.seed, "jobs": args.jobs, "target_s": TARGET_S, **run}
    print(f"JSON: {write_report(report, args.json, 'letters')}")
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
