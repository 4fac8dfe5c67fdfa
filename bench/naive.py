"""The naive pipeline the reasoner is measured against: the textbook way to do the same work.

Per request: rdflib parses the case; pySHACL validates it against shapes/case.ttl with the whole
ontology as `ont_graph` and `inference='owlrl'` (the case graph is expanded in place, so the
expansion is done once and reused); then the applicable recommendation is selected and each of
its criteria is evaluated as an rdflib SPARQL ASK/SELECT over the expanded graph, subclass tests
written as `rdfs:subClassOf*` paths. The ontology and the shapes are parsed once, at start-up,
as the reasoner's knowledge base is.

The SPARQL covers the criterion kinds the seed's recommendations use (FindingPresent,
DiagnosisOf, RequestPurpose and the AllOf / AnyOf / Not / AtLeast combinators) with the
reasoner's three-valued reading; other kinds raise NotImplementedError rather than guess.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from reasoner.engine.criteria.base import Truth
from reasoner.engine.kb import ontology_files
from reasoner.vocab import MTUS, TERM

PREFIXES = f"""
PREFIX mtus: <{MTUS}>
PREFIX term: <{TERM}>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

Q_REQUESTS = PREFIXES + """
SELECT ?case ?req ?concept ?date WHERE {
  ?case a mtus:Case ; mtus:request ?req .
  OPTIONAL { ?req mtus:concept ?concept }
  OPTIONAL { ?req mtus:requestDate ?date }
}"""

# Recommendations in force on the request date whose service class covers the requested one.
Q_APPLICABLE = PREFIXES + """
SELECT DISTINCT ?rec ?cls ?polarity ?criterion ?when ?kind1 ?kind2 WHERE {
  ?rec a mtus:Recommendation ; mtus:appliesTo ?cls ; mtus:polarity ?polarity ;
       mtus:section ?section .
  ?section mtus:edition ?ed .
  ?ed mtus:inForceFrom ?from .
  OPTIONAL { ?ed mtus:inForceUntil ?until }
  FILTER (?from <= ?date && (!BOUND(?until) || ?date <= ?until))
  ?concept rdfs:subClassOf* ?cls .
  OPTIONAL { ?rec mtus:criterion ?criterion }
  OPTIONAL { ?rec mtus:applicableWhen ?when }
  OPTIONAL { ?ed mtus:sourceKind ?kind1 }
  OPTIONAL { ?ed mtus:guideline ?gl . ?gl mtus:sourceKind ?kind2 }
}"""

# Depth of a class in the terminology: how many term classes it is a subclass of (itself too).
Q_DEPTH = PREFIXES + """
SELECT (COUNT(DISTINCT ?sup) AS ?depth) WHERE {
  ?cls rdfs:subClassOf* ?sup .
  FILTER (STRSTARTS(STR(?sup), STR(term:)))
}"""

Q_KINDS = PREFIXES + """
SELECT ?kind WHERE { ?node a ?kind . ?kind rdfs:subClassOf* mtus:Criterion . }"""

Q_OPERANDS = PREFIXES + """
SELECT ?op WHERE { ?node mtus:operands ?list . ?list rdf:rest*/rdf:first ?op . }"""

Q_COUNT = PREFIXES + """
SELECT ?count WHERE { ?node mtus:count ?count . }"""

# FindingPresent: met by a present finding or a diagnosis of the class (or a subclass).
ASK_FINDING_PRESENT = PREFIXES + """
ASK {
  ?node mtus:ofClass ?cls .
  ?case mtus:finding|mtus:diagnosis ?f .
  ?f mtus:concept ?c .
  ?c rdfs:subClassOf* ?cls .
  FILTER NOT EXISTS { ?f mtus:status mtus:Absent }
}"""

# ... not met when the class itself or a broader class is documented absent.
ASK_FINDING_ABSENT = PREFIXES + """
ASK {
  ?node mtus:ofClass ?cls .
  ?case mtus:finding ?f .
  ?f mtus:status mtus:Absent ; mtus:concept ?c .
  ?cls rdfs:subClassOf* ?c .
}"""

ASK_DIAGNOSIS_OF = PREFIXES + """
ASK {
  ?node mtus:ofClass ?cls .
  ?case mtus:diagnosis ?d . ?d mtus:concept ?c .
  ?c rdfs:subClassOf* ?cls .
}"""

ASK_ANY_DIAGNOSIS = PREFIXES + """
ASK { ?case mtus:diagnosis ?d . }"""

# RequestPurpose: closed world; the request states an accepted purpose (or a narrower one).
ASK_PURPOSE = PREFIXES + """
ASK {
  ?node mtus:acceptedPurpose ?accepted .
  ?req mtus:purpose ?p .
  ?p rdfs:subClassOf* ?accepted .
}"""

_BY_TRUTH = {Truth.MET: "medically-necessary",
             Truth.NOT_MET: "not-medically-necessary",
             Truth.UNKNOWN: "insufficient-documentation"}
_SEVERITY = {Truth.NOT_MET: 0, Truth.UNKNOWN: 1, Truth.MET: 2}


def m(local: str) -> URIRef:
    return URIRef(MTUS + local)


@dataclass
class NaiveDetermination:
    request: str
    outcome: str
    recommendation: str | None
    leaves: dict[str, Truth] = field(default_factory=dict)  # criterion IRI -> truth


@dataclass
class NaiveResult:
    conforms: bool
    violations: int
    determinations: list[NaiveDetermination]
    timings: dict[str, float]  # seconds: parse, shacl_owlrl, kb_mixin, sparql, total
    expanded_triples: int  # case graph after pySHACL's ontology mix-in and OWL-RL expansion


class NaivePipeline:
    def __init__(self, root: Path) -> None:
        self.ontology = Graph()
        for path in ontology_files(root):
            self.ontology.parse(path, format="turtle")
        self.shapes = Graph().parse(root / "shapes" / "case.ttl", format="turtle")

    def run(self, data: bytes) -> NaiveResult:
        t0 = time.perf_counter()
        graph = Graph().parse(data=data, format="turtle")
        t1 = time.perf_counter()
        conforms, report, _ = pyshacl.validate(graph, shacl_graph=self.shapes,
                                               ont_graph=self.ontology, inference="owlrl",
                                               inplace=True, advanced=False)
        violations = sum(1 for _ in report.subjects(SH.resultSeverity, SH.Violation))
        t2 = time.perf_counter()
        expanded = len(graph)
        # pySHACL copies only the ontology's class and property axioms into the data graph;
        # the criteria also read the guideline nodes, so the whole KB is added for the queries.
        for triple in self.ontology:
            graph.add(triple)
        t3 = time.perf_counter()
        determinations = [] if violations else _decide(graph)
        t4 = time.perf_counter()
        return NaiveResult(conforms=bool(conforms), violations=violations,
                           determinations=determinations,
                           timings={"parse": t1 - t0, "shacl_owlrl": t2 - t1,
                                    "kb_mixin": t3 - t2, "sparql": t4 - t3, "total": t4 - t0},
                           expanded_triples=expanded)


def _decide(g: Graph) -> list[NaiveDetermination]:
    out = []
    for row in g.query(Q_REQUESTS):
        case, req, concept, date = row
        out.append(_decide_request(g, case, req, concept, date))
    return sorted(out, key=lambda d: d.request)


def _decide_request(g: Graph, case, req, concept, date) -> NaiveDetermination:
    if concept is None or date is None:
        return NaiveDetermination(str(req), "not-addressed", None)
    rows = list(g.query(Q_APPLICABLE, initBindings={"concept": concept, "date": date}))
    recs: dict[URIRef, dict] = {}
    for rec, cls, polarity, criterion, when, kind1, kind2 in rows:
        entry = recs.setdefault(rec, {"classes": set(), "polarity": polarity,
                                      "criterion": criterion, "when": when,
                                      "mtus": (kind1 or kind2) == m("MTUSSource")})
        entry["classes"].add(cls)
    env = {"case": case, "req": req}
    leaves: dict[str, Truth] = {}
    for rec in list(recs):
        when = recs[rec]["when"]
        if when is not None and _evaluate(g, when, env, {}) != Truth.MET:
            del recs[rec]
    if any(r["mtus"] for r in recs.values()):
        recs = {k: r for k, r in recs.items() if r["mtus"]}
    depth = {k: max(_depth(g, c) for c in r["classes"]) for k, r in recs.items()}
    deepest = max(depth.values(), default=0)
    recs = {k: r for k, r in recs.items() if depth[k] == deepest}
    if not recs:
        return NaiveDetermination(str(req), "not-addressed", None)
    results = []
    for rec, r in recs.items():
        rec_leaves: dict[str, Truth] = {}
        if r["polarity"] == m("NotRecommended") or r["criterion"] is None:
            truth = Truth.NOT_MET
        else:
            truth = _evaluate(g, r["criterion"], env, rec_leaves)
        results.append((_SEVERITY[truth], str(rec), truth, rec_leaves))
    results.sort(key=lambda x: (x[0], x[1]))
    _, rec, truth, leaves = results[0]
    return NaiveDetermination(str(req), _BY_TRUTH[truth], rec, leaves)


def _depth(g: Graph, cls) -> int:
    return int(next(iter(g.query(Q_DEPTH, initBindings={"cls": cls})))[0])


def _ask(g: Graph, query: str, **bindings) -> bool:
    return bool(g.query(query, initBindings=bindings).askAnswer)


def _evaluate(g: Graph, node, env: dict, leaves: dict[str, Truth]) -> Truth:
    kinds = {str(r[0])[len(MTUS):] for r in g.query(Q_KINDS, initBindings={"node": node})
             if str(r[0]).startswith(MTUS)}
    kinds -= {"Criterion", "Combinator"}
    if len(kinds) != 1:
        raise ValueError(f"criterion {node} has kinds {sorted(kinds)}")
    kind = kinds.pop()
    if kind in ("AllOf", "AnyOf", "Not", "AtLeast"):
        ops = [r[0] for r in g.query(Q_OPERANDS, initBindings={"node": node})]
        truths = [_evaluate(g, op, env, leaves) for op in ops]
        if kind == "AllOf":
            result = Truth.MET
            for t in truths:
                result = result & t
            return result
        if kind == "AnyOf":
            result = Truth.NOT_MET
            for t in truths:
                result = result | t
            return result
        if kind == "Not":
            return ~truths[0]
        count = int(next(iter(g.query(Q_COUNT, initBindings={"node": node})))[0])
        met, unknown = truths.count(Truth.MET), truths.count(Truth.UNKNOWN)
        return (Truth.MET if met >= count else Truth.NOT_MET if met + unknown < count
                else Truth.UNKNOWN)
    case, req = env["case"], env["req"]
    if kind == "FindingPresent":
        if _ask(g, ASK_FINDING_PRESENT, node=node, case=case):
            truth = Truth.MET
        elif _ask(g, ASK_FINDING_ABSENT, node=node, case=case):
            truth = Truth.NOT_MET
        else:
            truth = Truth.UNKNOWN
    elif kind == "DiagnosisOf":
        if _ask(g, ASK_DIAGNOSIS_OF, node=node, case=case):
            truth = Truth.MET
        elif _ask(g, ASK_ANY_DIAGNOSIS, case=case):
            truth = Truth.NOT_MET
        else:
            truth = Truth.UNKNOWN
    elif kind == "RequestPurpose":
        truth = Truth.MET if _ask(g, ASK_PURPOSE, node=node, req=req) else Truth.NOT_MET
    else:
        raise NotImplementedError(f"the naive pipeline has no SPARQL for mtus:{kind}")
    leaves[str(node)] = truth
    return truth


__all__ = ["NaivePipeline", "NaiveResult", "NaiveDetermination"]
