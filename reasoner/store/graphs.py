"""How cases, runs and the guidelines are laid out as named graphs, and the write forms both
back-ends share: SPARQL Update text, N-Quads, and the checks on a case graph's name.

Named graphs: GUIDELINE_GRAPH holds the knowledge-base triples and their digest (DIGEST); each
case lives in the graph named by its case IRI (replaced whole when the case is stored again);
each run (one PROV-O activity and its determinations) in the graph named by its run IRI, and a
new run of a case supersedes (drops) the case's earlier runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

import pyoxigraph as ox

from reasoner.errors import InputError
from reasoner.store.casescope import RESERVED
from reasoner.store.sparql import term_text
from reasoner.vocab import GUIDELINE_GRAPH, m

DIGEST = m("knowledgeBaseDigest")
T = TypeVar("T", ox.NamedNode | ox.BlankNode | ox.Triple,
            ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple)


class Guidelines(Protocol):
    """What the store needs of a knowledge base: its digest and its triples."""

    @property
    def digest(self) -> str: ...
    @property
    def triples(self) -> Sequence[ox.Triple]: ...


def guideline_graph(kb: Guidelines) -> dict[str, list[ox.Triple]]:
    """The guideline graph: the knowledge base's triples stamped with its digest."""
    g = ox.NamedNode(GUIDELINE_GRAPH)
    return {GUIDELINE_GRAPH: [*kb.triples, ox.Triple(g, ox.NamedNode(DIGEST),
                                                     ox.Literal(kb.digest))]}


def replace_graphs_update(replace: Mapping[str, Iterable[ox.Triple]],
                          add: Mapping[str, Iterable[ox.Triple]] | None = None,
                          drop: Iterable[str] = ()) -> str:
    """One SPARQL Update: drop the `replace` graphs (and the `drop` ones), then insert the
    `replace` and `add` graphs.

    A blank node label used in two graphs is one node: INSERT DATA scopes labels to the request.
    """
    graphs = {**replace, **(add or {})}
    drops = "".join(f"DROP SILENT GRAPH {ox.NamedNode(g)} ;\n" for g in [*replace, *drop])
    blocks = "\n".join(
        f"GRAPH {ox.NamedNode(g)} {{\n"
        + "".join(f"{term_text(t.subject)} {term_text(t.predicate)} {term_text(t.object)} .\n"
                  for t in triples) + "}"
        for g, triples in graphs.items())
    return f"{drops}INSERT DATA {{\n{blocks}\n}}"


def drop_and_insert(drops: Iterable[str], quads: Iterable[ox.Quad]) -> str:
    """One SPARQL Update: drop the graphs `drops`, then insert `quads` (blank nodes already
    relabelled apart by `quads_of`, so their labels can share one INSERT DATA)."""
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        name = q.graph_name
        assert isinstance(name, ox.NamedNode), name  # written by quads_of: always named
        graphs.setdefault(name.value, []).append(q)
    triples = {g: [q.triple for q in qs] for g, qs in graphs.items()}
    return replace_graphs_update({}, triples, drop=dict.fromkeys(drops))


def quads_of(graphs: Mapping[str, Iterable[ox.Triple]]) -> list[ox.Quad]:
    """The graphs as quads. Each blank node label becomes a new node, shared by all of them:
    what INSERT DATA does with labels, so both write paths store the same data."""
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name, triples in graphs.items() for t in triples]
    if not any(isinstance(q.subject, ox.BlankNode | ox.Triple)
               or isinstance(q.object, ox.BlankNode | ox.Triple) for q in quads):
        return quads  # the usual case: nothing to relabel
    fresh: dict[str, ox.BlankNode] = {}

    def term(t: T) -> T:
        if isinstance(t, ox.BlankNode):
            return fresh.setdefault(t.value, ox.BlankNode())  # type: ignore[return-value]
        if isinstance(t, ox.Triple):
            relabelled = ox.Triple(term(t.subject), t.predicate, term(t.object))
            return relabelled  # type: ignore[return-value]
        return t

    return [ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in quads]


def nquads(graphs: Mapping[str, Iterable[ox.Triple]]) -> bytes:
    """The graphs as N-Quads, blank nodes relabelled as `quads_of` does: how a letter prepared
    in a worker process reaches the writer (cheaper than pickling terms)."""
    parts = []
    for name, triples in graphs.items():
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        if b"_:" in data or b"<<" in data:  # blank nodes or triple terms: the careful way
            return ox.serialize(quads_of(graphs), format=ox.RdfFormat.N_QUADS) or b""
        # N-Triples escapes line breaks inside literals, so ' .\n' only ends a statement.
        parts.append(data.replace(b" .\n", f" <{name}> .\n".encode()))
    return b"".join(parts)


def graphs_of(data: bytes) -> dict[str, list[ox.Triple]]:
    """N-Quads back to triples by graph name."""
    graphs: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(getattr(q.graph_name, "value", ""), []).append(q.triple)
    return graphs


def case_graph(case: str) -> str:
    """The graph name of a case: its IRI, which must not collide with our own graphs."""
    if case.startswith("_:"):
        raise InputError("the mtus:Case is a blank node, so it cannot name its graph in the "
                         "store: give it an IRI (\"@id\" in JSON-LD), or do not store it",
                         term=case)
    # (a case named in one would mint ontology, terminology, guideline or run IRIs)
    if case.startswith(RESERVED):
        raise InputError("the case IRI is in a namespace reserved for the store's own data "
                         "(ontology, terminology, guidelines, runs, graphs) or a shared "
                         "vocabulary (RDF, OWL, XSD...): name the case under an IRI of its own",
                         term=case)
    return case


