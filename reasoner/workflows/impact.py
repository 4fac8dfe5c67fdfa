"""`mtus impact`: what an edit of the guideline graph changes. The guideline test cases (and
the cases of a store, when one is given) are decided under the knowledge base before the edit
(a git revision of the checkout, or a directory holding ontology/ and shapes/) and after it
(the working files); every determination that changes is listed with the criteria that
changed it, and an edited criterion shared by several recommendations is a warning.

With a store and no revision (`stored_impact`), "before" is what the stored runs recorded:
the stored cases are decided under the working files and compared with their runs, whatever
knowledge base made those (each run records its digest); no old knowledge base is rebuilt."""

from __future__ import annotations

import dataclasses
import io
import itertools
import subprocess
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from reasoner.authoring import casetests
from reasoner.authoring.impact import (
    Decided,
    ImpactReport,
    combinators,
    compare,
    decided,
    edited_subjects,
    shared_edits,
    stored,
    stored_truths,
)
from reasoner.engine.decide import Determination
from reasoner.engine.kb import KnowledgeBase
from reasoner.errors import IncompleteCase, InputError, MtusError
from reasoner.store.protocol import GraphStore
from reasoner.store.sparql import GraphResult, SelectResult
from reasoner.vocab import GUIDELINE_GRAPH, short

_CASE_GRAPHS = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a "
                "<https://w3id.org/mtus-kg/ontology#Case> } } ORDER BY ?g")
_PREFIXES = ("PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>\n"
             "PREFIX prov: <http://www.w3.org/ns/prov#>\n")
_RUNS = _PREFIXES + """SELECT ?case ?run ?digest ?ended WHERE { GRAPH ?run {
  ?run prov:used ?case ; mtus:knowledgeBaseDigest ?digest .
  OPTIONAL { ?run prov:endedAtTime ?ended } } }"""
# The OPTIONAL outside the GRAPH: inside it, Oxigraph evaluates it ten times slower.
_DETERMINATIONS = _PREFIXES + """SELECT ?run ?d ?request ?outcome ?rec WHERE {{
  VALUES ?run {{ {runs} }}
  GRAPH ?run {{ ?d prov:wasGeneratedBy ?run ; mtus:about ?request ; mtus:outcome ?outcome }}
  OPTIONAL {{ GRAPH ?run {{ ?d mtus:recommendation ?rec }} }} }}"""
_RESULTS = _PREFIXES + """SELECT ?d ?criterion ?truth WHERE {{ VALUES ?d {{ {nodes} }}
  GRAPH ?run {{ ?d mtus:criterionResult ?r . ?r mtus:sourceCriterion ?criterion ;
                mtus:truth ?truth }} }}"""
_GUIDELINES = ("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o "
               "FILTER(?s != <{g}>) }} }}")
_DIGEST = _PREFIXES + "SELECT ?d WHERE {{ GRAPH <{g}> {{ <{g}> mtus:knowledgeBaseDigest ?d }} }}"
BATCH = 500  # cases (or runs) read at a time: answers of a few megabytes
MANY = 10**7  # rows: the store's default row limit is for users' queries, not these


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
    cases: Iterable[tuple[str, Sequence[ox.Triple]]] = [
        (t.name, list(t.triples)) for t in _test_cases(after_kb, report)]
    if store is not None:
        cases = itertools.chain(cases, stored_cases(store))
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


def stored_cases(store: GraphStore) -> Iterator[tuple[str, Sequence[ox.Triple]]]:
    """Each case graph of the store, by its graph name (the case IRI), read BATCH at a time
    (ten thousand cases at once would be a few hundred megabytes of Python objects)."""
    graphs = [g.value for (g,) in _rows(store, _CASE_GRAPHS) if isinstance(g, ox.NamedNode)]
    for i in range(0, len(graphs), BATCH):
        yield from store.graph_triples(graphs[i:i + BATCH]).items()


def _rows(store: GraphStore, query: str) -> tuple[tuple, ...]:
    """A SELECT's rows, whole: an answer the store cut short would drop cases silently."""
    found = store.query(query, max_rows=MANY)
    if not isinstance(found, SelectResult):
        raise MtusError("the store did not answer a SELECT query with rows")
    if found.truncated:
        raise MtusError(f"the store cut its answer short ({found.cut} limit) while reading "
                        "the stored cases")
    return found.rows


def _decide_both(before: KnowledgeBase, after: KnowledgeBase, name: str,
                 triples: Sequence[ox.Triple], edited: set[str], report: ImpactReport) -> None:
    old = _determinations(before, name, triples, report)
    new = _determinations(after, name, triples, report) if old is not None else None
    if old is None or new is None:
        return
    report.decided += len(new)
    report.flips += compare(name, {d.request.node: decided(d) for d in old}, new, edited)


def _determinations(kb: KnowledgeBase, name: str, triples: Sequence[ox.Triple],
                    report: ImpactReport) -> list | None:
    try:
        return kb.reason(triples, name).determinations
    except IncompleteCase as exc:
        report.errors.append(str(exc).splitlines()[0])
    except MtusError as exc:
        report.errors.append(f"{name}: {exc}")
    return None


# Against the stored runs -------------------------------------------------------------------

def stored_impact(store: GraphStore, root: Path | None = None) -> ImpactReport:
    """The stored cases decided under the working files and compared with their stored runs:
    every determination that changed, and how many runs another knowledge base made."""
    started = time.perf_counter()
    kb = KnowledgeBase.load(root, strict=False)
    runs = stored_runs(store)
    digests = Counter(run.digest for run in runs.values())
    edited = _stored_edits(store, kb, digests)
    report = ImpactReport(_before_label(digests), kb.digest, runs=dict(digests.most_common()),
                          edited=sorted(short(i) for i in edited),
                          warnings=shared_edits(kb.program, edited)
                          + [f"authoring: {f}" for f in kb.findings])
    changed: list[tuple[str, StoredRun, list[Determination]]] = []
    for name, triples in stored_cases(store):
        run = runs.get(name)
        if run is None:
            report.without_run += 1
            continue
        now = _determinations(kb, name, triples, report)
        if now is not None:
            report.decided += sum(1 for d in now if d.request.node in run.decisions)
            if any(_flipped(run, d) for d in now):
                changed.append((name, run, now))
    _read_truths(store, [(run, d.request.node) for _, run, now in changed for d in now
                         if _flipped(run, d)], combinators(kb.program))
    for name, run, now in changed:
        flips = list(compare(name, run.decisions, now, edited))
        report.flips += flips
        if run.digest == kb.digest:
            report.warnings.append(f"{name}: {len(flips)} determination(s) changed under the "
                                   "digest they were stored with: the reasoner's code changed "
                                   "them, not the knowledge base")
    report.seconds = time.perf_counter() - started
    return report


def _flipped(run: StoredRun, d: Determination) -> bool:
    before = run.decisions.get(d.request.node)
    return before is not None and before.label != decided(d).label


@dataclass
class StoredRun:
    iri: str
    digest: str  # of the knowledge base that made it
    ended: str  # xsd:dateTime, for picking the latest of several
    decisions: dict[str, Decided] = field(default_factory=dict)  # by request IRI
    nodes: dict[str, str] = field(default_factory=dict)  # request IRI -> determination IRI


def stored_runs(store: GraphStore) -> dict[str, StoredRun]:
    """The latest run of each stored case, with the outcomes it recorded (the criteria's
    results are read only for those that changed: `_read_truths`)."""
    latest: dict[str, StoredRun] = {}
    for case, run, digest, ended in _rows(store, _RUNS):
        got = StoredRun(run.value, digest.value, ended.value if ended else "")
        if case.value not in latest or got.ended > latest[case.value].ended:
            latest[case.value] = got
    by_iri = {r.iri: r for r in latest.values()}
    iris = sorted(by_iri)
    for i in range(0, len(iris), BATCH):
        names = " ".join(f"<{r}>" for r in iris[i:i + BATCH])
        for run, node, request, outcome, rec in _rows(store, _DETERMINATIONS.format(runs=names)):
            got = by_iri[run.value]
            got.nodes[request.value] = node.value
            got.decisions[request.value] = stored(outcome.value, rec.value if rec else None)
    return latest


def _read_truths(store: GraphStore, wanted: list[tuple[StoredRun, str]],
                 combinator_iris: set[str]) -> None:
    """The criteria's results the runs stored for these (run, request) determinations."""
    nodes = {run.nodes[request]: (run, request) for run, request in wanted}
    results: dict[str, list[tuple[str, str]]] = {n: [] for n in nodes}
    iris = sorted(nodes)
    for i in range(0, len(iris), BATCH):
        names = " ".join(f"<{n}>" for n in iris[i:i + BATCH])
        for node, criterion, truth in _rows(store, _RESULTS.format(nodes=names)):
            results[node.value].append((criterion.value, truth.value))
    for node, (run, request) in nodes.items():
        run.decisions[request] = dataclasses.replace(
            run.decisions[request], truths=stored_truths(results[node], combinator_iris))


def _stored_edits(store: GraphStore, kb: KnowledgeBase, digests: Counter[str]) -> set[str]:
    """The guideline subjects edited since the runs were made, when the store's guideline
    graph is the knowledge base most of them were made under (it holds the last one stored)."""
    if not digests:
        return set()
    answer = _rows(store, _DIGEST.format(g=GUIDELINE_GRAPH))
    held = answer[0][0].value if answer else None
    if held != digests.most_common(1)[0][0] or held == kb.digest:
        return set()
    graph = store.query(_GUIDELINES.format(g=GUIDELINE_GRAPH), max_rows=MANY)
    return edited_subjects(graph.triples, kb.triples) if isinstance(graph, GraphResult) else set()


def _before_label(digests: Counter[str]) -> str:
    if len(digests) == 1:
        return next(iter(digests))
    return f"stored runs ({len(digests)} knowledge bases)"
