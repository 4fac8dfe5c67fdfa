"""`mtus impact` on the full guideline test corpus and on a store of generated cases.

    python bench/bench_impact.py [--cases 10000] [--dir DIR] [--json OUT]

Three commands are timed as an author runs them (wall-clock, a fresh process each, the
compiled knowledge base already cached):

1. `mtus impact DIR`: every guideline test case decided under a copy of the knowledge base
   and under the working files (a directory, not a git revision, so the figure does not
   depend on the checkout's history);
2. `mtus impact --store STORE`: the stored cases decided under the working files and compared
   with their stored runs;
3. `mtus impact DIR --store STORE`: the test cases and the stored cases, each decided under
   both knowledge bases.

The commands run on a snapshot of the knowledge base (ontology/, shapes/, tests/cases/) taken
at the start through MTUS_HOME, so edits made to the checkout meanwhile do not move the
figures. The store is built first (not timed) as bench/bench_bulk.py builds one: every
guideline test case and one generated IMR letter in ten (`mtus ingest --reason`'s own code)
are reasoned once, under a copy of the snapshot with the CPMTG 2009 physical medicine limit
raised from 10 to 12 visits, and copied `--cases` times with their own IRIs and runs, then
bulk-loaded. So the stored runs carry another digest than the working files, and the cases
the limit decides flip.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_bulk import _mix, generate, letter_templates, templates  # noqa: E402
from bench.bench_reason import write_report  # noqa: E402
from reasoner.engine.home import home as kb_home  # noqa: E402
from reasoner.engine.kb import KnowledgeBase  # noqa: E402
from reasoner.store.embedded import Store  # noqa: E402

CPMTG = "ontology/guidelines/cpmtg-2009.ttl"
EDIT = ("mtus:maxQuantity 10 ;", "mtus:maxQuantity 12 ;")


def copy_of(home: Path, to: Path, folders: tuple[str, ...]) -> Path:
    shutil.rmtree(to, ignore_errors=True)
    for folder in folders:
        shutil.copytree(home / folder, to / folder)
    return to


def edited_copy(home: Path, work: Path) -> Path:
    """A copy of the knowledge base with the physical medicine limit raised to 12."""
    copy = copy_of(home, work / "kb", ("ontology", "shapes"))
    path = copy / CPMTG
    text = path.read_text()
    assert EDIT[0] in text, "the edit no longer applies: update bench/bench_impact.py"
    path.write_text(text.replace(*EDIT, 1))
    return copy


def build_store(work: Path, before: Path, cases: int, letter_share: float) -> dict:
    """`cases` stored cases and their runs, decided under the knowledge base `before`."""
    t0 = time.perf_counter()
    kb = KnowledgeBase.load(before, cache=False, strict=False)
    tmpl = _mix(templates(kb), letter_share, lambda n: letter_templates(kb, n, work / "letters"))
    files = [work / f"cases-{n}.nq" for n in range(2 * (os.cpu_count() or 1))]
    quads = generate(files, cases, tmpl)
    shutil.rmtree(work / "store", ignore_errors=True)
    store = Store.open(work / "store")
    store.ensure_guidelines(kb)
    store.bulk_load(*files)
    store.optimize()
    store.close()
    for f in files:
        f.unlink()
    return {"cases": cases, "quads": quads, "templates": len(tmpl), "digest": kb.digest,
            "build_s": time.perf_counter() - t0}


def timed(home: Path, *args: str) -> dict:
    """One `mtus` command in a fresh process on the knowledge base under `home`: wall seconds
    and its JSON report."""
    command = [sys.executable, "-m", "reasoner.cli", *args, "--json"]
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "MTUS_HOME": str(home)})
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    report = json.loads(done.stdout)
    return {"command": "mtus " + " ".join(args), "wall_s": wall,
            "report_s": report["seconds"], "decided": report["decided"],
            "changed": len(report["flips"]), "errors": len(report["errors"]),
            "runs": report["runs"], "without_run": report["without_run"]}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="stored cases (default 10,000)")
    ap.add_argument("--letter-share", type=float, default=0.1,
                    help="share of stored cases copied from generated letters")
    ap.add_argument("--dir", type=Path, default=None, help="work directory (default: temp)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    work = Path(args.dir or tempfile.mkdtemp(prefix="mtus-impact-"))
    work.mkdir(parents=True, exist_ok=True)
    home = copy_of(kb_home(), work / "now", ("ontology", "shapes", "tests/cases"))
    before = edited_copy(home, work)
    KnowledgeBase.load(home, strict=False)  # compiled and cached, as an author's loop has it
    built = build_store(work, before, args.cases, args.letter_share)
    print(f"stored {built['cases']} cases ({built['quads']} quads) decided under "
          f"{built['digest']} in {built['build_s']:.1f} s", flush=True)
    store = str(work / "store")
    results = [timed(home, "impact", str(before)), timed(home, "impact", "--store", store),
               timed(home, "impact", str(before), "--store", store)]
    for r in results:
        print(f"{r['command']}: {r['wall_s']:.1f} s wall ({r['report_s']:.1f} s in the report), "
              f"{r['decided']} requested services decided, {r['changed']} changed, "
              f"{r['errors']} not decided", flush=True)
    report = {"store": built, "commands": results}
    print(f"JSON: {write_report(report, args.json, 'impact')}")
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
