"""Bulk load of generated cases into the on-disk store, then the README's SPARQL queries on it.

    python bench/bench_bulk.py [--cases 100000] [--dir DIR] [--json OUT]

Generator: every guideline test case (minus its expectations) is reasoned once; its case graph
and its run graph (the PROV-O activity and determinations, exactly as `save_case` stores them)
become a template; so do generated IMR letters (reasoner/letters/synth.py) as `mtus ingest
--reason` stores them (facts, the reviewer's record and the run): one case in ten by default
(`--letter-share`), i.e. 10,000 letters among 100,000 cases. Case i copies template i mod K
with its own IRIs, blank nodes, run and determinations, so the store looks like one built by
reasoning N cases. The N-Quads files (two per CPU, each case whole in one) are written first
(not timed), then `Store.bulk_load` reads them, one per CPU at a time (timed): triples per
second.
A sample of cases is also stored the per-request way (`save_case`, one SPARQL Update each),
to show what bulk loading saves.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench.bench_reason import summary, write_report  # noqa: E402
from reasoner.authoring.casetests import discover, load_case_test  # noqa: E402
from reasoner.engine.kb import KnowledgeBase  # noqa: E402
from reasoner.engine.report import case_report, run_triples  # noqa: E402
from reasoner.reader.synth import write_letters  # noqa: E402
from reasoner.store.embedded import Store  # noqa: E402
from reasoner.store.graphs import case_graph  # noqa: E402
from reasoner.vocab import DET, RUN  # noqa: E402
from reasoner.workflows.cases import save_result  # noqa: E402
from reasoner.workflows.letters import prepare  # noqa: E402

BULK = "https://example.org/bulk/"
COUNT_QUERY = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
SELECT ?outcome (COUNT(*) AS ?n) WHERE { ?d mtus:outcome ?outcome } GROUP BY ?outcome"""
ONE_CASE_QUERY = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?request ?outcome ?citation WHERE {{
  ?run prov:used <{case}> . ?d prov:wasGeneratedBy ?run ; mtus:about ?request ;
     mtus:outcome ?outcome . OPTIONAL {{ ?d mtus:citation ?citation }} }}"""


def templates(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(base IRI of the case, N-Quads of its case and run graphs) per decidable test case."""
    out = []
    for path in discover(ROOT):
        test = load_case_test(path)
        try:
            result = kb.reason(list(test.triples), test.name)
        except Exception:  # incomplete or unstorable: not a template
            continue
        if result.case.startswith("_:"):
            continue
        graph = ox.NamedNode(case_graph(result.case))
        run_iri, run = run_triples(case_report(result, kb.digest), RUN + "TEMPLATE")
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in result.triples]
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(run_iri)) for t in run]
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode()
        out.append((result.case.rsplit("/", 1)[0] + "/", text))
    return out


def letter_templates(kb: KnowledgeBase, count: int, folder: Path) -> list[tuple[str, str]]:
    """(base IRI, N-Quads) of `count` generated IMR letters, written to `folder` and prepared
    by `mtus ingest --reason`'s own code (`prepare`): the letter's case graph (facts and the
    reviewer's record) and, when decided, its run graph. These give the letters queries
    (docs/letters-*.rq) their data."""
    out = []
    for path in write_letters(folder, count):
        prepared = prepare(path, kb, True)
        if prepared.case is None:
            continue  # unreadable: ingest would not store it either
        text = prepared.data.decode()
        run = prepared.outcome.report.run if prepared.outcome.report else None
        if run:  # generate() gives every copy its own run
            text = text.replace(run, RUN + "TEMPLATE")
        out.append((prepared.case.rsplit("/", 1)[0] + "/", text))
    return out


def _mix(cases: list, share: float, letters) -> list:
    """Test-case templates with generated-letter templates spread evenly among them, one in
    round(1 / share) (none when share is 0)."""
    if share <= 0:
        return cases
    every = max(1, round(1 / share))
    made = letters(max(1, round(len(cases) / (every - 1))) if every > 1 else len(cases))
    out, rest = [], iter(cases)
    for i in range(len(cases) + len(made)):
        if i % every == 0 and i // every < len(made):
            out.append(made[i // every])
        else:
            out.append(next(rest, None))
    return [t for t in out if t is not None]


def generate(paths: list[Path], cases: int, tmpl: list[tuple[str, str]]) -> int:
    """Write `cases` generated cases as N-Quads, dealt to the files in blocks of ten (each case
    whole in one file: a blank node label is scoped to its file); returns the number of quads."""
    quads = 0
    files = [path.open("w", encoding="utf-8") for path in paths]
    try:
        for i in range(cases):
            base, text = tmpl[i % len(tmpl)]
            doc = (text.replace(base, f"{BULK}{i}/").replace(RUN + "TEMPLATE", f"{RUN}bulk-{i}")
                   .replace(DET, f"{DET}bulk-{i}-").replace(" _:", f" _:c{i}x")
                   .replace("\n_:", f"\n_:c{i}x"))
            if doc.startswith("_:"):
                doc = f"_:c{i}x" + doc[2:]
            files[i // 10 % len(files)].write(doc)  # blocks of ten: letters spread evenly
            quads += doc.count("\n")
    finally:
        for f in files:
            f.close()
    return quads


def readme_queries() -> dict[str, str]:
    """The SPARQL files the README shows (docs/*.rq), by file name."""
    return {path.stem: path.read_text(encoding="utf-8")
            for path in sorted((ROOT / "docs").glob("*.rq"))}


def timed_queries(store: Store, runs: int = 5) -> dict:
    queries = {**readme_queries(), "outcome_counts": COUNT_QUERY,
               "one_case": ONE_CASE_QUERY.format(case=f"{BULK}7/case")}
    out = {}
    for name, text in queries.items():
        samples, rows = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            result = store.query(text, timeout=60)
            samples.append(time.perf_counter() - t0)
            rows = len(result.rows)
        out[name] = {"rows": rows, **summary(samples)}
    return out


def per_request_rate(kb: KnowledgeBase, path: Path, sample: int) -> dict:
    """Cases stored through save_case (one SPARQL Update each), for comparison."""
    seed = (ROOT / "examples" / "seed-case.ttl").read_text(encoding="utf-8")
    base = "https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/"
    store = Store.open(path)
    results = [kb.reason_document(seed.replace(base, f"{BULK}single-{i}/").encode(),
                                  "text/turtle") for i in range(sample)]
    t0 = time.perf_counter()
    for r in results:
        save_result(kb, r, store)
    elapsed = time.perf_counter() - t0
    triples = store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    store.close()
    return {"cases": sample, "seconds": elapsed, "cases_per_s": sample / elapsed,
            "triples_per_s": int(triples.value) / elapsed}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=None, help="work directory (default: a temp dir)")
    ap.add_argument("--files", type=int, default=2 * (os.cpu_count() or 1),
                    help="N-Quads files, loaded one per CPU at a time (default: two per CPU; "
                         "a loader is faster on a few million quads than on many)")
    ap.add_argument("--lenient", action="store_true",
                    help="skip Oxigraph's IRI checks while loading (the files are our own)")
    ap.add_argument("--letter-share", type=float, default=0.1,
                    help="share of cases copied from generated letters (the rest: test cases)")
    ap.add_argument("--sample", type=int, default=500, help="cases stored via save_case")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    work = Path(args.dir or tempfile.mkdtemp(prefix="mtus-bulk-"))
    work.mkdir(parents=True, exist_ok=True)
    kb = KnowledgeBase.load()
    tmpl = _mix(templates(kb), args.letter_share,
                lambda n: letter_templates(kb, n, work / "letters"))
    nq = [work / f"cases-{n}.nq" for n in range(args.files)]
    t0 = time.perf_counter()
    quads = generate(nq, args.cases, tmpl)
    gen_s = time.perf_counter() - t0
    mib = sum(p.stat().st_size for p in nq) >> 20
    print(f"generated {args.cases} cases, {quads} quads ({mib} MiB in {len(nq)} files) "
          f"from {len(tmpl)} templates in {gen_s:.1f} s", flush=True)
    shutil.rmtree(work / "store", ignore_errors=True)
    store = Store.open(work / "store")
    store.ensure_guidelines(kb)
    t0 = time.perf_counter()
    store.bulk_load(*nq, lenient=args.lenient)
    load_s = time.perf_counter() - t0
    print(f"bulk load: {load_s:.1f} s, {quads / load_s:,.0f} triples/s", flush=True)
    t0 = time.perf_counter()
    store.optimize()  # merge the loaders' files before querying (see Store.optimize)
    optimize_s = time.perf_counter() - t0
    print(f"optimize: {optimize_s:.1f} s; load and optimize: "
          f"{quads / (load_s + optimize_s):,.0f} triples/s", flush=True)
    seed = (ROOT / "examples" / "seed-case.ttl").read_bytes()
    save_result(kb, kb.reason_document(seed, "text/turtle"), store)  # what the README asks for
    queries = timed_queries(store)
    for name, q in queries.items():
        print(f"query {name}: p50 {q['p50']:.1f} ms, max {q['max']:.1f} ms, {q['rows']} rows")
    store.close()
    shutil.rmtree(work / "single", ignore_errors=True)
    single = per_request_rate(kb, work / "single", args.sample)
    print(f"save_case (one update per case): {single['cases_per_s']:.0f} cases/s, "
          f"{single['triples_per_s']:,.0f} triples/s")
    report = {"cases": args.cases, "quads": quads, "templates": len(tmpl),
              "files": len(nq), "lenient": args.lenient,
              "generate_s": gen_s, "bulk_load_s": load_s, "optimize_s": optimize_s,
              "triples_per_s": quads / load_s,
              "queries_ms": queries, "save_case": single}
    print(f"JSON: {write_report(report, args.json, 'bulk')}")
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
