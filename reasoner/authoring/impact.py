"""What an edit of the guideline graph changes: the determinations that flip between two
knowledge bases, the criteria that flipped them, and the edited criteria that several
recommendations share (an edit meant for one changes them all). No I/O: the workflow
(reasoner/workflows/impact.py) loads the two knowledge bases and the cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from reasoner.engine.casegraph import statements
from reasoner.engine.compile import Program, Recommendation
from reasoner.engine.criteria import Criterion
from reasoner.engine.decide import Determination, Node
from reasoner.vocab import GL, RDF_FIRST, RDF_REST, short


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
    before: str  # knowledge-base digests
    after: str
    decided: int = 0  # requested services decided under both
    flips: list[Flip] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # guideline IRIs whose triples changed
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cases that could not be decided
    seconds: float = 0.0

    def groups(self) -> dict[tuple[str, str], list[Flip]]:
        """Flips by (recommendation, service), in that order."""
        out: dict[tuple[str, str], list[Flip]] = defaultdict(list)
        for flip in sorted(self.flips, key=lambda f: (f.recommendation or "", f.service)):
            out[(f"{short(flip.recommendation)}" if flip.recommendation else "no recommendation",
                 flip.service)].append(flip)
        return dict(out)


def compare(case: str, before: Iterable[Determination], after: Iterable[Determination],
            edited: set[str]) -> Iterator[Flip]:
    """The flips of one case: requests whose outcome or applied recommendation changed."""
    old = {d.request.node: d for d in before}
    for d in after:
        b = old.get(d.request.node)
        if b is None or (_label(b) == _label(d)):
            continue
        rec = d.applied or b.applied
        yield Flip(case, d.request.node, _service(d),
                   rec.recommendation.iri if rec else None, _label(b), _label(d),
                   changed_criteria(b, d, edited))


def _label(d: Determination) -> str:
    rec = short(d.applied.recommendation.iri) if d.applied else "none"
    return f"{d.outcome.value} ({rec})"


def _service(d: Determination) -> str:
    """The service class requested (not the request's own words), so flips group."""
    req = d.request
    return d.context.terms.label(req.concept) if req.concept else (req.label or "?")


def changed_criteria(before: Determination, after: Determination, edited: set[str]) -> list[str]:
    """Criteria evaluated in both traces whose result differs (leaves first, edited ones
    marked), then those only one trace has."""
    old, new = _truths(before), _truths(after)
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


def _criteria(rec: Recommendation) -> set[str]:
    found: set[str] = set()
    stack: list[Criterion] = [c for c in (rec.criterion, rec.applicable_when) if c is not None]
    while stack:
        c = stack.pop()
        found.add(c.iri)
        stack.extend(getattr(c, "operands", ()))
    return found
