"""What an edit of the guideline graph changes: the determinations that flip between two
knowledge bases, the criteria that flipped them, and the edited criteria that several
recommendations share (an edit meant for one changes them all). No I/O: the workflow
(reasoner/workflows/impact.py) loads the two knowledge bases and the cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from reasoner.engine.casegraph import statements
from reasoner.engine.compile import Program, Recommendation
from reasoner.engine.criteria import Criterion
from reasoner.engine.decide import Determination, Node, Outcome
from reasoner.vocab import GL, RDF_FIRST, RDF_REST, m, short


@dataclass(slots=True)
class Flip:
    """One requested service whose determination differs between before and after."""

    case: str  # the test case's name or the case IRI
    request: str
    service: str
    recommendation: str | None  # applied after the edit (else before)
    before: str  # outcome, with the recommendation when that changed
    after: str
    criteria: list[str]  # the criteria whose result changed, 'iri: before -> after'


@dataclass(slots=True)
class ImpactReport:
    before: str  # knowledge-base digests ('stored runs' when they are several)
    after: str
    decided: int = 0  # requested services decided under both
    flips: list[Flip] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # guideline IRIs whose triples changed
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cases that could not be decided
    seconds: float = 0.0
    runs: dict[str, int] = field(default_factory=dict)  # stored runs compared, by KB digest
    without_run: int = 0  # stored cases with no run to compare with

    @property
    def runs_elsewhere(self) -> int:
        """Stored runs made under another knowledge base than the working files'."""
        return sum(n for digest, n in self.runs.items() if digest != self.after)

    def groups(self) -> dict[tuple[str, str], list[Flip]]:
        """Flips by (recommendation, service), in that order."""
        out: dict[tuple[str, str], list[Flip]] = defaultdict(list)
        for flip in sorted(self.flips, key=lambda f: (f.recommendation or "", f.service)):
            out[(f"{short(flip.recommendation)}" if flip.recommendation else "no recommendation",
                 flip.service)].append(flip)
        return dict(out)


@dataclass(frozen=True, slots=True)
class Decided:
    """What one requested service came to, as the report compares it: decided now, or as a
    stored run recorded it."""

    outcome: str
    recommendation: str | None  # applied
    truths: Mapping[str, tuple[str, bool]]  # criterion IRI -> (truth, is a leaf)

    @property
    def label(self) -> str:
        """The outcome, with the recommendation (a change of either is a flip)."""
        return f"{self.outcome} ({short(self.recommendation) if self.recommendation else 'none'})"


# How a stored run (reasoner/engine/report.py, run_triples) writes outcomes and truths.
STORED_OUTCOMES = {m("".join(w.capitalize() for w in o.value.split("-"))): o.value
                   for o in Outcome}
STORED_TRUTHS = {m("Met"): "met", m("NotMet"): "not-met", m("NotDocumented"): "unknown"}


def stored(outcome: str, recommendation: str | None) -> Decided:
    """A determination as a stored run recorded it (its outcome class and recommendation);
    the criteria's results are added by `stored_truths` when needed."""
    return Decided(STORED_OUTCOMES.get(outcome, short(outcome)), recommendation, {})


def stored_truths(results: Iterable[tuple[str, str]],
                  combinators: set[str]) -> dict[str, tuple[str, bool]]:
    """(criterion, truth class) results as a run stores them, as Decided.truths: a criterion
    is a leaf unless it is a combinator."""
    return {c: (STORED_TRUTHS.get(t, short(t)), c not in combinators) for c, t in results}


def decided(d: Determination) -> Decided:
    return Decided(d.outcome.value, d.applied.recommendation.iri if d.applied else None,
                   _truths(d))


def compare(case: str, before: Mapping[str, Decided], after: Iterable[Determination],
            edited: set[str]) -> Iterator[Flip]:
    """The flips of one case: requests whose outcome or applied recommendation changed
    (`before` by request IRI; a request it lacks is not compared)."""
    for d in after:
        b = before.get(d.request.node)
        if b is None:
            continue
        a = decided(d)
        if a.label == b.label:
            continue
        yield Flip(case, d.request.node, _service(d), a.recommendation or b.recommendation,
                   b.label, a.label, changed_criteria(b.truths, a.truths, edited))


def _service(d: Determination) -> str:
    """The service class requested (not the request's own words), so flips group."""
    req = d.request
    return d.context.terms.label(req.concept) if req.concept else (req.label or "?")


def changed_criteria(old: Mapping[str, tuple[str, bool]], new: Mapping[str, tuple[str, bool]],
                     edited: set[str]) -> list[str]:
    """Criteria evaluated in both traces whose result differs (leaves first, edited ones
    marked), then those only one trace has."""
    both = [(iri, old[iri], new[iri]) for iri in new if iri in old and old[iri][0] != new[iri][0]]
    both.sort(key=lambda c: (not c[2][1], c[0] not in edited))  # leaves first, edited first
    out = [f"{short(iri)}{' (edited)' if iri in edited else ''}: {b[0]} -> {a[0]}"
           for iri, b, a in both]
    out += [f"{short(i)}: only before" for i in old if i not in new]
    out += [f"{short(i)}: only after" for i in new if i not in old]
    return out


def _truths(d: Determination) -> dict[str, tuple[str, bool]]:
    """Criterion IRI -> (truth, is a leaf) over the applied recommendation's trace."""
    out: dict[str, tuple[str, bool]] = {}
    stack: list[Node] = [d.applied.root] if d.applied else []
    while stack:
        node = stack.pop()
        out[node.criterion.iri] = (node.truth.value, not node.children)
        stack.extend(node.children)
    return out


# Edits -----------------------------------------------------------------------------------

def edited_subjects(before: Iterable[ox.Triple], after: Iterable[ox.Triple]) -> set[str]:
    """Guideline IRIs whose description (their own triples, RDF lists read as lists, since
    blank-node labels differ from one parse to the next) was added, removed or changed."""
    old, new = _descriptions(before), _descriptions(after)
    return {s for s in old.keys() | new.keys() if old.get(s) != new.get(s)}


def _descriptions(triples: Iterable[ox.Triple]) -> dict[str, frozenset[tuple[str, str]]]:
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    named: list[tuple[str, str, ox.NamedNode | ox.BlankNode | ox.Literal]] = []
    for t in statements(triples):
        s, o = t.subject, t.object
        if isinstance(s, ox.BlankNode):
            cells[s.value][t.predicate.value] = o.value if not isinstance(o, ox.Literal) else str(o)
        elif s.value.startswith(GL):
            named.append((s.value, t.predicate.value, o))
    by: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for subject, p, o in named:
        value = _list_text(o.value, cells) if isinstance(o, ox.BlankNode) else str(o)
        by[subject].add((p, value))
    return {s: frozenset(v) for s, v in by.items()}


def _list_text(node: str, cells: dict[str, dict[str, str]]) -> str:
    items, seen = [], set()
    while node in cells and node not in seen:
        seen.add(node)
        items.append(cells[node].get(RDF_FIRST, "?"))
        node = cells[node].get(RDF_REST, "")
    return "(" + " ".join(items) + ")"


def shared_edits(program: Program, edited: set[str]) -> list[str]:
    """An edited criterion used by more than one recommendation: the edit reaches them all."""
    users: dict[str, set[str]] = defaultdict(set)
    for rec in program.recommendations:
        for iri in _criteria(rec):
            users[iri].add(rec.iri)
    return [f"{short(iri)} is edited and shared by {len(recs)} recommendations: "
            + ", ".join(short(r) for r in sorted(recs))
            for iri, recs in sorted(users.items()) if iri in edited and len(recs) > 1]


def combinators(program: Program) -> set[str]:
    """The IRIs of the program's combinator criteria (AllOf, AnyOf, ...): not leaves."""
    stack: list[Criterion] = [c for r in program.recommendations
                              for c in (r.criterion, r.applicable_when) if c is not None]
    out: set[str] = set()
    while stack:
        c = stack.pop()
        if c.is_combinator and c.iri not in out:
            out.add(c.iri)
            stack.extend(getattr(c, "operands", ()))
    return out


def _criteria(rec: Recommendation) -> set[str]:
    found: set[str] = set()
    stack: list[Criterion] = [c for c in (rec.criterion, rec.applicable_when) if c is not None]
    while stack:
        c = stack.pop()
        found.add(c.iri)
        stack.extend(getattr(c, "operands", ()))
    return found
