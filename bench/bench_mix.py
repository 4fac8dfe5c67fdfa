"""In-process cost over a realistic mix of cases: every guideline test case in tests/cases,
without its t:Expectation triples (what a user would submit), as Turtle.

    python bench/bench_mix.py [--rounds N] [--json OUT]

Each round decides every case once through the real path (`kb.reason_document`), then parses
it bare with pyoxigraph (the floor); cases are interleaved so drift hits all alike. Incomplete
cases count too: answering 422 with the missing facts is the real path for them.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench.bench_reason import summary, write_report  # noqa: E402
from reasoner.authoring.casetests import discover, load_case_test  # noqa: E402
from reasoner.engine.kb import KnowledgeBase  # noqa: E402
from reasoner.errors import IncompleteCase  # noqa: E402

TURTLE = "text/turtle"


def mix_documents(root: Path = ROOT) -> dict[str, bytes]:
    """name -> Turtle bytes of each test case minus its expectations."""
    docs = {}
    for path in discover(root):
        test = load_case_test(path)
        docs[test.name] = ox.serialize(list(test.triples), format=ox.RdfFormat.TURTLE)
    return docs


def letter_documents(kb: KnowledgeBase, count: int) -> dict[str, bytes]:
    """name -> Turtle of the case facts of generated IMR letters (reasoner/letters/synth.py),
    as `mtus ingest` reads them: full case summaries with provenance (source text and spans),
    what a claims system would send, rather than the minimal one-criterion test cases."""
    from reasoner.reader import synth
    from reasoner.reader.letter import read_letter
    docs = {}
    for i in range(count):
        read = read_letter(synth.letter(i).encode(), f"synth-{i:05d}.txt", kb.terms)
        docs[f"synth-{i:05d}"] = ox.serialize(read.graph.facts, format=ox.RdfFormat.TURTLE)
    return docs


def reason_once(kb: KnowledgeBase, data: bytes, name: str) -> str:
    try:
        kb.reason_document(data, TURTLE, name)
        return "decided"
    except IncompleteCase:
        return "incomplete"


def run(kb: KnowledgeBase, docs: dict[str, bytes], rounds: int, warmup: int) -> dict:
    clock = time.perf_counter
    reason: dict[str, list[float]] = {n: [] for n in docs}
    floor: dict[str, list[float]] = {n: [] for n in docs}
    kinds = {n: reason_once(kb, d, n) for n, d in docs.items()}
    for i in range(warmup + rounds):
        for name, data in docs.items():
            t0 = clock()
            reason_once(kb, data, name)
            t1 = clock()
            list(ox.parse(data, format=ox.RdfFormat.TURTLE))
            t2 = clock()
            if i >= warmup:
                reason[name].append(t1 - t0)
                floor[name].append(t2 - t1)
    per_case = {n: {"kind": kinds[n], "triples": _count(docs[n]),
                    "reason_document": summary(reason[n]), "pyoxigraph_parse": summary(floor[n])}
                for n in docs}
    for stats in per_case.values():
        stats["ratio_p50"] = stats["reason_document"]["p50"] / stats["pyoxigraph_parse"]["p50"]
    all_reason = summary([v for x in reason.values() for v in x])
    all_floor = summary([v for x in floor.values() for v in x])
    ratios = sorted(s["ratio_p50"] for s in per_case.values())
    return {"cases": len(docs), "rounds": rounds, "warmup": warmup,
            "decided": sum(k == "decided" for k in kinds.values()),
            "incomplete": sum(k == "incomplete" for k in kinds.values()),
            "reason_document": all_reason, "pyoxigraph_parse": all_floor,
            "ratio_p50_all": all_reason["p50"] / all_floor["p50"],
            "ratio_p50_per_case_median": ratios[len(ratios) // 2],
            "ratio_p50_per_case_max": ratios[-1],
            "slowest_case_p50": max((s["reason_document"]["p50"], n)
                                    for n, s in per_case.items()),
            "per_case": per_case}


def _count(data: bytes) -> int:
    return sum(1 for _ in ox.parse(data, format=ox.RdfFormat.TURTLE))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=100, help="measured rounds (default 100)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--source", choices=["tests", "letters"], default="tests",
                    help="tests: the guideline test cases (default); letters: the case facts "
                         "of generated IMR letters")
    ap.add_argument("--letters", type=int, default=300, help="letters for --source letters")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    kb = KnowledgeBase.load()
    docs = mix_documents() if args.source == "tests" else letter_documents(kb, args.letters)
    gc.collect()
    report = run(kb, docs, args.rounds, args.warmup)
    r, f = report["reason_document"], report["pyoxigraph_parse"]
    report["source"] = args.source
    print(f"{report['cases']} {args.source} cases ({report['decided']} decided, "
          f"{report['incomplete']} incomplete), {args.rounds} rounds")
    print(f"reason_document  p50 {r['p50']:.3f} ms  p90 {r['p90']:.3f}  p99 {r['p99']:.3f}")
    print(f"bare parse       p50 {f['p50']:.3f} ms  p90 {f['p90']:.3f}  p99 {f['p99']:.3f}")
    print(f"ratio reasoner/parse p50: all {report['ratio_p50_all']:.1f}x, per-case median "
          f"{report['ratio_p50_per_case_median']:.1f}x, "
          f"max {report['ratio_p50_per_case_max']:.1f}x")
    print(f"slowest case p50: {report['slowest_case_p50'][0]:.3f} ms "
          f"({report['slowest_case_p50'][1]})")
    print(f"JSON: {write_report(report, args.json, 'mix')}")
    return report


if __name__ == "__main__":
    main()
