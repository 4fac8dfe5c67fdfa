"""kill -9 in the middle of a batch of stored cases: the store then opens with every
completed case intact and no partial one (each case is one atomic SPARQL Update)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reasoner.engine.intake import parse
from reasoner.store.embedded import Store
from reasoner.vocab import RUN, m

ROOT = Path(__file__).resolve().parent.parent
SEED_BASE = "https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/"
BATCH = 5000  # far more than get stored before the kill

WRITER = f"""
import sys
from pathlib import Path
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.embedded import Store
from reasoner.workflows.cases import save_result
kb = KnowledgeBase.load()
store = Store.open(sys.argv[1])
store.ensure_guidelines(kb)
seed = Path(sys.argv[2]).read_text()
for i in range({BATCH}):
    doc = seed.replace({SEED_BASE!r}, f"https://example.org/crash/{{i}}/").encode()
    result = kb.reason_document(doc, "text/turtle")
    save_result(kb, result, store)
    print(result.case, flush=True)  # only after save_result has returned
"""


def kill_9_after(script: str, args: list[str], *, reported: int, pause: float,
                 within: float) -> list[str]:
    """Run the writer script, kill -9 it `pause` s after it has reported `reported` stored
    items (one line each, printed once stored), and return every line it reported."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + within
        while len(done) < reported and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            done.append(line.strip())
        assert len(done) >= reported, proc.stderr.read() if proc.stderr else ""
        time.sleep(pause)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return done + [line.strip() for line in proc.stdout.read().splitlines() if line.strip()]


def case_iri(i: int) -> str:
    return f"https://example.org/crash/{i}/case"


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_9_mid_batch_leaves_no_partial_case(tmp_path, seed_turtle):
    path = tmp_path / "store"
    seed_file = tmp_path / "seed.ttl"
    seed_file.write_bytes(seed_turtle)
    expected = len(parse(seed_turtle, "text/turtle"))
    # the pause lands somewhere inside the next reasoning or write
    done = kill_9_after(WRITER, [str(path), str(seed_file)], reported=40, pause=0.013,
                        within=120)

    store = Store.open(path)
    counts = {g.value: int(n.value) for g, n in store.query(
        "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows}
    cases = {g: n for g, n in counts.items() if g.startswith("https://example.org/crash/")}
    runs = [g for g in counts if g.startswith(RUN)]
    assert set(done) <= set(cases), "a case reported stored is missing"
    assert set(cases) <= set(done) | {case_iri(len(done))}, "a case appeared out of order"
    assert all(n == expected for n in cases.values()), f"a partial case graph: {cases}"
    assert len(runs) == len(cases), "a case without its run, or a run without its case"
    per_run = store.query("SELECT ?g (COUNT(?d) AS ?n) "
                          f"{{ GRAPH ?g {{ ?d a <{m('Determination')}> }} }} GROUP BY ?g").rows
    assert len(per_run) == len(runs) and all(int(n.value) >= 1 for _, n in per_run)
    store.close()


LETTER_WRITER = """
import sys
from pathlib import Path
import reasoner.workflows.letters as ingest
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.embedded import Store
ingest.STORE_BATCH = 20  # many batches before the kill
kb = KnowledgeBase.load()
store = Store.open(sys.argv[1])
store.ensure_guidelines(kb)
files = ingest.letter_files([sys.argv[2]])
# progress is called once a letter's batch has been stored
ingest.ingest_letters(files, kb, store, lambda n, total, source: print(source, flush=True),
              reason=True, jobs=0)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_9_mid_letter_batch_leaves_no_partial_letter(tmp_path, kb):
    """The batch path (bulk load behind an intent log): after kill -9 the store opens with
    every letter reported stored whole, and any other letter whole or absent."""
    from reasoner.reader.synth import write_letters
    from reasoner.store.embedded import PENDING_GRAPH
    from reasoner.workflows.letters import prepare

    letters = tmp_path / "letters"
    write_letters(letters, 600, seed=3)
    # the pause lands inside a later batch: reading, reasoning or the bulk load
    done = kill_9_after(LETTER_WRITER, [str(tmp_path / "store"), str(letters)], reported=60,
                        pause=0.05, within=180)

    expected = {}  # case graph -> quads of the letter's case graph and run graph
    for path in sorted(letters.iterdir()):
        prepared = prepare(path, kb, True)
        expected[prepared.graphs[0]] = (str(path), prepared.data.count(b"\n"))
    store = Store.open(tmp_path / "store")
    counts = {g.value: int(n.value) for g, n in store.query(
        "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows}
    runs = {c.value: int(n.value) for c, n in store.query(
        f"SELECT ?c (COUNT(*) AS ?n) {{ GRAPH ?r {{ ?r <http://www.w3.org/ns/prov#used> ?c }} "
        f"GRAPH ?r {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?r), '{RUN}')) }} GROUP BY ?c").rows}
    assert PENDING_GRAPH not in counts, "the intent log of the cut-off batch is still there"
    stored = {graph for graph in expected if graph in counts}
    assert {expected[g][0] for g in stored} >= set(done), "a letter reported stored is missing"
    for graph in stored:
        assert counts[graph] + runs.get(graph, 0) == expected[graph][1], f"partial: {graph}"
    assert len(stored) < len(expected), "the kill came after the whole batch"
    store.close()
