"""`mtus impact`: what an edit of the guideline graph changes. The guideline test cases (and
the cases of a store, when one is given) are decided under the knowledge base before the edit
(a git revision of the checkout, or a directory holding ontology/ and shapes/) and after it
(the working files); every determination that changes is listed with the criteria that
changed it, and an edited criterion shared by several recommendations is a warning."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from reasoner.authoring import casetests
from reasoner.authoring.impact import ImpactReport, compare, edited_subjects, shared_edits
from reasoner.engine.kb import KnowledgeBase
from reasoner.errors import IncompleteCase, InputError, MtusError
from reasoner.store.protocol import GraphStore
from reasoner.store.sparql import GraphResult, SelectResult
from reasoner.vocab import short

_CASE_GRAPHS = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a "
                "<https://w3id.org/mtus-kg/ontology#Case> } } ORDER BY ?g")


def impact(before: str, root: Path | None = None,
           store: GraphStore | None = None) -> ImpactReport:
    started = time.perf_counter()
    # Neither side is strict: an edit in progress (a limit changed before its statement) must
    # still show its impact, and a revision may predate a rule. The findings are warnings.
    after_kb = KnowledgeBase.load(root, strict=False)
    with tempfile.TemporaryDirectory(prefix="mtus-impact-") as tmp:
        before_kb = KnowledgeBase.load(before_root(before, after_kb.root, Path(tmp)),
                                       cache=False, strict=False)
    edited = edited_subjects(before_kb.triples, after_kb.triples)
    report = ImpactReport(before_kb.digest, after_kb.digest,
                          edited=sorted(short(i) for i in edited),
                          warnings=shared_edits(after_kb.program, edited)
                          + [f"authoring: {f}" for f in after_kb.findings])
    cases: list[tuple[str, Sequence[ox.Triple]]] = [
        (t.name, list(t.triples)) for t in _test_cases(after_kb, report)]
    if store is not None:
        cases += stored_cases(store)
    for name, triples in cases:
        _decide_both(before_kb, after_kb, name, triples, edited, report)
    report.seconds = time.perf_counter() - started
    return report


def before_root(before: str, home: Path, tmp: Path) -> Path:
    """The knowledge base before the edit: a directory as it is, else a git revision of the
    checkout holding `home`, its ontology/ and shapes/ written into `tmp`."""
    path = Path(before)
    if (path / "ontology" / "mtus.ttl").is_file():
        return path
    if path.exists():
        raise InputError("not a knowledge base: no ontology/mtus.ttl under it", source=before)
    prefix = _git(home, "rev-parse", "--show-prefix").decode().strip()
    data = _git(home, "archive", "--format=tar", before, "--", f"{prefix}ontology",
                f"{prefix}shapes")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / prefix


def _git(home: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(home), *args], capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror}", source=args[-1]) from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        why = lines[-1] if lines else "git failed"
        raise InputError(f"neither a knowledge-base directory nor a git revision ({why})",
                         source=args[2] if len(args) > 2 else args[-1])
    return done.stdout


def _test_cases(kb: KnowledgeBase, report: ImpactReport) -> Iterable[casetests.CaseTest]:
    for path in casetests.discover(kb.root / "tests" / "cases"):
        try:
            yield casetests.load_case_test(path)
        except InputError as exc:
            report.errors.append(exc.describe())


def stored_cases(store: GraphStore) -> list[tuple[str, Sequence[ox.Triple]]]:
    """Each case graph of the store, by its graph name (the case IRI)."""
    names = store.query(_CASE_GRAPHS, max_rows=10**7)
    out: list[tuple[str, Sequence[ox.Triple]]] = []
    if not isinstance(names, SelectResult):
        return out
    for (graph,) in names.rows:
        if not isinstance(graph, ox.NamedNode):
            continue
        got = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> "
                          "{ ?s ?p ?o } }", max_rows=10**7)
        if isinstance(got, GraphResult):
            out.append((graph.value, got.triples))
    return out


def _decide_both(before: KnowledgeBase, after: KnowledgeBase, name: str,
                 triples: Sequence[ox.Triple], edited: set[str], report: ImpactReport) -> None:
    try:
        old = before.reason(triples, name).determinations
        new = after.reason(triples, name).determinations
    except IncompleteCase as exc:
        report.errors.append(str(exc).splitlines()[0])
        return
    except MtusError as exc:
        report.errors.append(f"{name}: {exc}")
        return
    report.decided += len(new)
    report.flips += compare(name, old, new, edited)
