"""Why HermiT finds the knowledge base inconsistent: a black-box search for a minimal set of
asserted axioms that is still inconsistent, so `mtus check` names them (file, line, IRI)
instead of only saying so.

HermiT gives no explanation, so the search re-runs it on subsets, dividing and conquering
(QuickXPlain): first the individuals whose assertions are needed (against all the terms'
axioms), then the terms' axioms those reach, then the single statements of both. Each step
leaves a smaller set that is still inconsistent, so when the run budget is spent the axioms
kept so far are a true, if not minimal, answer. Each run is a new JVM (about a second), so the
search asks for as few as it can: about 30 for an individual typed with two disjoint classes
in the full knowledge base.

Declarations (`a owl:Class`, `a owl:DatatypeProperty`, ...) have no logical content and are in
every run: an axiom must not change meaning because its terms' declarations were dropped.
Annotations (labels, notes, definitions) cannot make an ontology inconsistent and are left
out, which makes each run smaller; the first run checks that the rest is still inconsistent.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from reasoner.authoring.qc import owl_datatypes
from reasoner.engine import intake, lint
from reasoner.engine.casegraph import Statement, statements
from reasoner.vocab import OWL, OWL_IMPORTS, RDF_FIRST, RDF_REST, RDF_TYPE, RDFS, SKOS, short

# Typing a term as one of these declares it: no logical content of its own.
_DECLARATIONS = {OWL + k for k in ("Class", "ObjectProperty", "DatatypeProperty",
                                   "AnnotationProperty", "NamedIndividual", "Ontology")} \
    | {RDFS + "Datatype"}
_ANNOTATIONS = {RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy",
                OWL + "versionInfo", OWL + "versionIRI"}

Oracle = Callable[[Sequence[Statement]], bool]  # True: HermiT finds these inconsistent
SHOWN = 20  # axioms listed one by one; more are counted by file


@dataclass(frozen=True)
class Axiom:
    """One asserted statement, with the blank nodes under its object (a restriction, a list)."""

    file: str
    subject: str  # the named subject, or the blank node the statement hangs from
    predicate: str
    triples: tuple[Statement, ...]
    line: int | None
    text: str  # the statement written out, as Turtle would

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {short(self.subject)}: {self.text}"


@dataclass(frozen=True)
class Justification:
    axioms: list[Axiom]
    runs: int  # HermiT runs the search took
    complete: bool  # False: the budget ran out; the axioms are inconsistent, maybe not minimal
    failed: int = 0  # runs where HermiT failed, counted as consistent (the set may be larger)

    def messages(self) -> list[str]:
        if not self.complete:
            how = (f"the search stopped after its {self.runs} HermiT runs (--hermit-runs), so "
                   "some of them may not be needed")
        elif self.failed:
            how = (f"{self.runs} HermiT runs, {self.failed} of which failed and were counted "
                   "as consistent, so some of them may not be needed")
        else:
            how = f"without any one of them it is consistent; {self.runs} HermiT runs"
        shown, rest = self.axioms[:SHOWN], self.axioms[SHOWN:]
        out = [f"HermiT: the ontology is inconsistent: these {len(self.axioms)} asserted "
               f"axioms together are ({how}):"]
        out += [f"HermiT: {a} [inconsistent]" for a in shown]
        if rest:  # a search cut short early keeps thousands: say where, not each
            files = Counter(a.file for a in rest)
            out.append(f"HermiT: and {len(rest)} more, in " + ", ".join(
                f"{name} ({n})" for name, n in files.most_common()))
        return out


class _Spent(Exception):
    """The run budget is used up."""


class HermitFailed(Exception):
    """HermiT did not answer (a Java error, a time-out)."""


# Splitting the files into axioms ---------------------------------------------------------

def axioms_of(name: str, data: bytes) -> tuple[list[Statement], list[Axiom]]:
    """(declarations, axioms) of one ontology file; annotations and imports left out."""
    parsed = [owl_datatypes(t) for t in intake.parse(data, "text/turtle", source=name)
              if t.predicate.value != OWL_IMPORTS]
    src = lint.Source(name, data, parsed)
    triples = list(statements(parsed))
    below: dict[str, list[Statement]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            below.setdefault(t.subject.value, []).append(t)
    referenced = {t.object.value for t in triples if isinstance(t.object, ox.BlankNode)}
    declarations, axioms = [], []
    for t in triples:
        if _is_declaration(t):
            declarations.append(t)
        elif isinstance(t.subject, ox.NamedNode) and not _is_annotation(t):
            axioms.append(_axiom(src, t, below))
    for node, hanging in below.items():  # a blank node no statement points to: an axiom
        if node not in referenced:      # of its own (owl:AllDisjointClasses, ...)
            typed = [t for t in hanging if t.predicate.value == RDF_TYPE] or hanging
            axioms.append(_axiom(src, typed[0], below, whole=hanging))
    return declarations, axioms


def _is_declaration(t: Statement) -> bool:
    return (t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
            and t.object.value in _DECLARATIONS)


def _is_annotation(t: Statement) -> bool:
    p = t.predicate.value
    return p in _ANNOTATIONS or p.startswith(SKOS)


def _axiom(src: lint.Source, t: Statement, below: Mapping[str, list[Statement]],
           whole: list[Statement] | None = None) -> Axiom:
    closure = _closure(whole or [t], below)
    subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else f"_:{t.subject.value}"
    return Axiom(src.name, subject, t.predicate.value, tuple(closure), _line(src, t),
                 _text(t, below) if whole is None else _node_text(t.subject.value, below))


def _closure(start: list[Statement], below: Mapping[str, list[Statement]]) -> list[Statement]:
    out, seen, todo = list(start), set(), [t.object for t in start]
    while todo:
        node = todo.pop()
        if isinstance(node, ox.BlankNode) and node.value not in seen:
            seen.add(node.value)
            out += below.get(node.value, [])
            todo += [t.object for t in below.get(node.value, [])]
    return list(dict.fromkeys(out))


def _line(src: lint.Source, t: Statement) -> int | None:
    if not isinstance(t.subject, ox.NamedNode):  # [] a owl:AllDisjointClasses: its class
        return src.line_of(t.object.value) if t.predicate.value == RDF_TYPE else None
    start = src.line_of(t.subject.value, subject=True) or src.line_of(t.subject.value)
    if start is None:
        return None
    # `a` is how Turtle writes rdf:type: look for the class instead.
    mark = t.object.value if t.predicate.value == RDF_TYPE else t.predicate.value
    return src.line_of(mark, after=start - 1) or start


def _text(t: Statement, below: Mapping[str, list[Statement]]) -> str:
    subject = _term(t.subject, below)
    verb = "a" if t.predicate.value == RDF_TYPE else lint.qname(t.predicate.value)
    return f"{subject} {verb} {_term(t.object, below)}"


def _term(term: object, below: Mapping[str, list[Statement]], depth: int = 0) -> str:
    if isinstance(term, ox.NamedNode):
        return lint.qname(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        dt = term.datatype.value
        return f'"{term.value}"' + ("" if dt.endswith("#string") else f"^^{lint.short_dt(dt)}")
    if isinstance(term, ox.BlankNode):
        return _node_text(term.value, below, depth)
    return str(term)


def _node_text(node: str, below: Mapping[str, list[Statement]], depth: int = 0) -> str:
    """A blank node written out: an RDF list as ( ... ), else [ p o ; ... ]."""
    items = _list_items(node, below)
    if items is not None:
        return "( " + " ".join(_term(i, below, depth + 1) for i in items) + " )"
    if depth > 3:
        return "[ ... ]"
    parts = [f"{'a' if t.predicate.value == RDF_TYPE else lint.qname(t.predicate.value)} "
             f"{_term(t.object, below, depth + 1)}" for t in below.get(node, [])]
    return "[ " + " ; ".join(parts) + " ]"


def _list_items(node: str, below: Mapping[str, list[Statement]]) -> list[object] | None:
    items: list[object] = []
    seen: set[str] = set()
    while node not in seen:
        seen.add(node)
        cells = {t.predicate.value: t.object for t in below.get(node, [])}
        if RDF_FIRST not in cells or RDF_REST not in cells:
            return None
        items.append(cells[RDF_FIRST])
        rest = cells[RDF_REST]
        if not isinstance(rest, ox.BlankNode):
            return items
        node = rest.value
    return None


# The search ------------------------------------------------------------------------------

_SYMMETRIC = {OWL + k for k in ("disjointWith", "equivalentClass", "equivalentProperty",
                                "inverseOf", "propertyDisjointWith", "sameAs", "differentFrom")}


class _Search:
    def __init__(self, background: list[Statement], oracle: Oracle, max_runs: int) -> None:
        self.background = background
        self.oracle = oracle
        self.max_runs = max_runs
        self.runs = 0
        self.failed = 0
        self.kept: list[Axiom] = []  # inconsistent: the answer so far

    def inconsistent(self, axioms: Iterable[Axiom]) -> bool:
        if self.runs >= self.max_runs:
            raise _Spent
        self.runs += 1
        try:
            return self.oracle(self.background + [t for a in axioms for t in a.triples])
        except HermitFailed:
            if self.runs == 1:  # the whole set: nothing to narrow down
                raise
            self.failed += 1  # a subset HermiT cannot read: keep what it would have dropped
            return False

    def quickxplain(self, fixed: list[Axiom], groups: list[list[Axiom]]) -> list[list[Axiom]]:
        """Junker's QuickXPlain: a minimal set of groups that with `fixed` is inconsistent
        (all of them with `fixed` must be). Divide and conquer: when the first half with
        `fixed` is inconsistent the second is not needed, else the second half holds a part
        of the answer, which is then searched for alongside the first."""
        def search(base: list[Axiom], added: bool, part: list[list[Axiom]]) -> list[list[Axiom]]:
            if added and self.inconsistent(base):
                return []
            if len(part) == 1:
                return part
            half = len(part) // 2
            first, second = part[:half], part[half:]
            need2 = search(base + _flat(first), True, second)
            need1 = search(base + _flat(need2), bool(need2), first)
            return need1 + need2

        return search(fixed, False, groups) if groups else []


def _flat(groups: list[list[Axiom]]) -> list[Axiom]:
    return [a for g in groups for a in g]


def _by_subject(axioms: list[Axiom]) -> list[list[Axiom]]:
    out: dict[tuple[str, str], list[Axiom]] = {}
    for a in axioms:
        out.setdefault((a.file, a.subject), []).append(a)
    return list(out.values())


def _relevant(tbox: list[Axiom], seeds: list[Axiom]) -> list[Axiom]:
    """The terms' axioms an inconsistency of `seeds` can rest on: those describing a term the
    seeds name, then the terms those name, and so on (a class's parents, a property's range),
    plus the symmetric ones (owl:disjointWith) naming such a term. A guess, checked by a run."""
    names = _signature(seeds)
    kept: list[Axiom] = []
    rest = list(tbox)
    while True:
        found = [a for a in rest if a.subject in names or (
            a.predicate in _SYMMETRIC and a.triples[0].object.value in names)
            or (a.subject.startswith("_:") and _signature([a]) & names)]
        if not found:
            return kept
        kept += found
        names |= _signature(found)
        taken = {id(a) for a in found}
        rest = [a for a in rest if id(a) not in taken]


def _signature(axioms: Iterable[Axiom]) -> set[str]:
    return {term.value for a in axioms for t in a.triples for term in (t.subject, t.object)
            if isinstance(term, ox.NamedNode)}


def justify(files: Mapping[str, bytes], oracle: Oracle, max_runs: int) -> Justification | None:
    """A minimal inconsistent set of the files' axioms (None when HermiT finds them
    consistent without the annotations, or the budget allows no run).

    An inconsistency needs something to exist, so it rests on some individuals' assertions:
    those are found first (against all the terms' axioms), then the terms' axioms they reach,
    then the single axioms of both. Each step leaves a smaller inconsistent set, the answer
    so far when the budget runs out."""
    background: list[Statement] = []
    axioms: list[Axiom] = []
    for name, data in files.items():
        declared, found = axioms_of(name, data)
        background += declared
        axioms += found
    terms = {t.subject.value for t in background if t.object.value != OWL + "Ontology"
             and t.object.value != OWL + "NamedIndividual"}
    is_tbox = [a.subject in terms or a.subject.startswith("_:") for a in axioms]
    tbox = [a for a, t in zip(axioms, is_tbox, strict=True) if t]
    abox = [a for a, t in zip(axioms, is_tbox, strict=True) if not t]
    search = _Search(background, oracle, max_runs)
    try:
        if not search.inconsistent(axioms):
            return None
        search.kept = axioms
        _narrow(search, tbox, abox)
    except _Spent:
        if search.runs == 0:
            return None
        return Justification(search.kept, search.runs, False, search.failed)
    return Justification(search.kept, search.runs, True, search.failed)


def _narrow(search: _Search, tbox: list[Axiom], abox: list[Axiom]) -> None:
    individuals = _flat(search.quickxplain(tbox, _by_subject(abox)))
    search.kept = individuals + tbox
    reached = _relevant(tbox, individuals)
    if len(reached) < len(tbox) and search.inconsistent(individuals + reached):
        search.kept = individuals + reached
    else:
        reached = tbox
    terms = _flat(search.quickxplain(individuals, _by_subject(reached)))
    search.kept = individuals + terms
    search.kept = _flat(search.quickxplain([], [[a] for a in search.kept]))


# HermiT ----------------------------------------------------------------------------------

def hermit_oracle(work: Path, timeout: float = 600.0) -> Oracle:
    """HermiT as owlready2 ships it, asked for consistency only (-k): the search needs no
    classification, which sync_reasoner_hermit always does and which doubles each run.
    Tiered compilation stopped at C1 makes a JVM that lives a second start faster."""
    import owlready2  # only `mtus check` with HermiT needs it

    jars = Path(owlready2.__file__).parent / "hermit"
    classpath = os.pathsep.join([str(jars), str(jars / "HermiT.jar")])
    path = work / "subset.nt"

    def inconsistent(triples: Sequence[Statement]) -> bool:
        path.write_bytes(ox.serialize(cast("list[ox.Triple]", triples),
                                      format=ox.RdfFormat.N_TRIPLES) or b"")
        command = [owlready2.JAVA_EXE, "-XX:TieredStopAtLevel=1",
                   f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M", "-cp", classpath,
                   "org.semanticweb.HermiT.cli.CommandLine", "-k", path.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HermitFailed(str(exc)) from None
        said = done.stdout + done.stderr
        if done.returncode == 0 and b"is satisfiable" in said:
            return False
        if b"Inconsistent ontology" in said:
            return True
        lines = said.decode(errors="replace").strip().splitlines()
        raise HermitFailed(lines[0] if lines else f"exit {done.returncode}")

    return inconsistent


def explain_inconsistency(root: Path, files: Sequence[str], max_runs: int) -> list[str]:
    """The messages `mtus check` prints for an inconsistent knowledge base."""
    if max_runs <= 0:
        return ["HermiT: the ontology is inconsistent (pass --hermit-runs N to name the "
                "axioms involved)"]
    contents = {name: (root / name).read_bytes() for name in files}
    with tempfile.TemporaryDirectory(prefix="mtus-justify-") as tmp:
        try:
            found = justify(contents, hermit_oracle(Path(tmp)), max_runs)
        except HermitFailed as exc:
            return [f"HermiT: the ontology is inconsistent (the search for the axioms "
                    f"involved stopped: HermiT failed on a subset: {exc})"]
    if found is None:
        return ["HermiT: the ontology is inconsistent, but not without its annotations and "
                "imports: the axioms involved could not be narrowed down"]
    return found.messages()
