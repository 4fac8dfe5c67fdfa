"""Case shapes compiled into direct checks: the same results as pySHACL, without its per-call
cost (pySHACL rebuilds its shapes graph on every call: ~20 ms per case here, this ~0.1 ms).

Only the SHACL subset that shapes/case.ttl uses is compiled; any other SHACL term in a shape
fails the load, naming the shape, so the compiled checker can never silently diverge.
Equality with pySHACL is asserted by a differential test over many generated cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from reasoner.casegraph import index_of
from reasoner.errors import KnowledgeBaseError, Problem
from reasoner.vocab import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, RDFS_SUBCLASS, SH, short

NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
NODE_KEYS = {"targetClass", "targetObjectsOf", "property", "nodeKind", "message"}
PROPERTY_KEYS = {"path", "minCount", "maxCount", "datatype", "nodeKind", "in", "minInclusive",
                 "maxInclusive", "or", "message", "severity"}
VALUE_KEYS = {"datatype", "nodeKind", "in"}
SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


@dataclass(frozen=True)
class ValueRule:
    """Constraints checked on each value; `alternatives` is sh:or over rules like this one."""

    datatype: str | None = None
    node_kind: str | None = None
    allowed: frozenset | None = None
    min_inclusive: float | None = None
    max_inclusive: float | None = None
    alternatives: tuple[ValueRule, ...] = ()

    def failures(self, value) -> int:
        """Number of constraint components the value violates (pySHACL reports each).
        Plain ifs: this runs for every value of every checked property, per request."""
        count = 0
        if self.datatype is not None and not _has_datatype(value, self.datatype):
            count += 1
        if self.node_kind is not None and not _has_kind(value, self.node_kind):
            count += 1
        if self.allowed is not None and _key(value) not in self.allowed:
            count += 1
        if self.min_inclusive is not None and not _compare(value, self.min_inclusive, 1):
            count += 1
        if self.max_inclusive is not None and not _compare(value, self.max_inclusive, -1):
            count += 1
        if self.alternatives and all(a.failures(value) for a in self.alternatives):
            count += 1
        return count


@dataclass(frozen=True)
class PropertyRule:
    path: str
    min_count: int | None
    max_count: int | None
    values: ValueRule
    message: str
    severity: str
    shape: str | None

    checks_values: bool = field(init=False)

    def __post_init__(self) -> None:
        # Decided once at load: most properties only count values.
        object.__setattr__(self, "checks_values", self.values != ValueRule())


@dataclass(frozen=True)
class NodeRule:
    name: str
    target_classes: tuple[str, ...]
    target_objects_of: tuple[str, ...]
    node_kind: str | None
    message: str
    properties: tuple[PropertyRule, ...]


class CompiledShapes:
    def __init__(self, rules: tuple[NodeRule, ...]) -> None:
        self.rules = rules

    @classmethod
    def load(cls, path: Path) -> CompiledShapes:
        triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
        return cls(_Compiler(triples, str(path)).compile())

    def check(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        graph = _DataGraph(triples)
        problems: list[Problem] = []
        for rule in self.rules:
            focuses = graph.targets(rule)
            for focus in sorted(focuses, key=_key) if len(focuses) > 1 else focuses:
                problems += _check_node(rule, focus, graph)
        return problems


def _check_node(rule: NodeRule, focus, graph: _DataGraph) -> list[Problem]:
    out = []
    if rule.node_kind and not _has_kind(focus, rule.node_kind):
        out.append(Problem(focus_name(focus), None, rule.message, "violation", None))
    props = graph.properties(focus)
    for prop in rule.properties:
        values = props.get(prop.path, ())
        count = (prop.min_count is not None and len(values) < prop.min_count) \
            + (prop.max_count is not None and len(values) > prop.max_count)
        if prop.checks_values:
            for value in values:
                count += prop.values.failures(value)
        if count:
            out += [Problem(focus_name(focus), short(prop.path), prop.message, prop.severity,
                            prop.shape)] * count
    return out


class _DataGraph:
    """The shapes' view of the case's shared index (built once per case, see casegraph)."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.index = index_of(triples)

    def properties(self, node) -> dict[str, list]:
        return self.index.properties(node)

    def targets(self, rule: NodeRule) -> set:
        index = self.index
        found = {o for p in rule.target_objects_of for _, o in index.pairs(p)}
        if rule.target_classes:
            typed = index.typed()
            for cls in self._subclasses(rule.target_classes):
                found.update(typed.get(cls, ()))
        return found

    def _subclasses(self, roots: tuple[str, ...]) -> set[str]:
        # SHACL class targets include rdfs:subClassOf* in the data graph.
        seen, stack = set(roots), list(roots)
        subclass_of = self.index.pairs(RDFS_SUBCLASS)
        while stack and subclass_of:
            cls = stack.pop()
            for sub, sup in subclass_of:
                if sup.value == cls and sub.value not in seen:
                    seen.add(sub.value)
                    stack.append(sub.value)
        return seen


class _Compiler:
    def __init__(self, triples: list[ox.Triple], source: str) -> None:
        self.props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.props[_key(t.subject)][t.predicate.value].append(t.object)
        self.source = source

    def compile(self) -> tuple[NodeRule, ...]:
        shapes = sorted(s for s, p in self.props.items()
                        if any(_key(o) == SH + "NodeShape" for o in p.get(RDF_TYPE, [])))
        return tuple(self._node(s) for s in shapes)

    def _keys(self, node: str, allowed: set[str]) -> dict[str, list]:
        params = {p[len(SH):]: v for p, v in self.props[node].items() if p.startswith(SH)}
        unknown = set(params) - allowed
        if unknown:
            names = ", ".join("sh:" + u for u in sorted(unknown))
            raise KnowledgeBaseError(f"SHACL term(s) {names} not supported by the compiled "
                                     "case checker",
                                     file=self.source, iri=node)
        return params

    def _node(self, node: str) -> NodeRule:
        p = self._keys(node, NODE_KEYS)
        return NodeRule(
            name=short(node), target_classes=tuple(_key(o) for o in p.get("targetClass", [])),
            target_objects_of=tuple(_key(o) for o in p.get("targetObjectsOf", [])),
            node_kind=_key(p["nodeKind"][0]) if "nodeKind" in p else None,
            message=self._message(node, p) if "nodeKind" in p else "",
            properties=tuple(self._property(_key(o), node) for o in p.get("property", [])))

    def _property(self, node: str, parent: str) -> PropertyRule:
        p = self._keys(node, PROPERTY_KEYS)
        if len(p.get("path", [])) != 1 or not isinstance(p["path"][0], ox.NamedNode):
            raise KnowledgeBaseError("only a single IRI sh:path is supported", file=self.source,
                                     iri=parent)
        severity = _key(p["severity"][0]) if "severity" in p else SH + "Violation"
        return PropertyRule(
            path=p["path"][0].value, min_count=_int(p, "minCount"), max_count=_int(p, "maxCount"),
            values=self._values(node, p), message=self._message(parent, p),
            severity=SEVERITY[severity], shape=None)

    def _values(self, node: str, p: dict[str, list]) -> ValueRule:
        return ValueRule(
            datatype=_key(p["datatype"][0]) if "datatype" in p else None,
            node_kind=_key(p["nodeKind"][0]) if "nodeKind" in p else None,
            allowed=frozenset(self._list(p["in"][0])) if "in" in p else None,
            min_inclusive=float(p["minInclusive"][0].value) if "minInclusive" in p else None,
            max_inclusive=float(p["maxInclusive"][0].value) if "maxInclusive" in p else None,
            alternatives=tuple(self._values(alt, self._keys(alt, VALUE_KEYS))
                               for alt in self._list(p["or"][0])) if "or" in p else ())

    def _list(self, head) -> list[str]:
        items, node = [], _key(head)
        while node != RDF_NIL:
            items.append(_key(self.props[node][RDF_FIRST][0]))
            node = _key(self.props[node][RDF_REST][0])
        return items

    def _message(self, node: str, p: dict[str, list]) -> str:
        if "message" not in p:
            raise KnowledgeBaseError("every case shape needs an sh:message in plain words",
                                     file=self.source, iri=node)
        return p["message"][0].value


def _int(p: dict[str, list], key: str) -> int | None:
    return int(p[key][0].value) if key in p else None


def focus_name(term) -> str:
    """How a focus node is named in a Problem (the same as the pySHACL path names it; rdflib
    normalises a literal's lexical form, e.g. "7.5E0"^^xsd:double becomes 7.5)."""
    if isinstance(term, ox.Literal):
        return str(Literal(term.value, lang=term.language, datatype=None if term.language
                           else URIRef(term.datatype.value)))
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _key(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return f'"{term.value}"^^{term.datatype.value}'
    return term.value


@lru_cache(maxsize=4096)
def _number(lexical: str, datatype: str) -> float | None:
    """The value of a well-formed literal as rdflib judges it (which is what pySHACL checks);
    None when ill-typed. Cached: cases repeat the same few lexical forms."""
    lit = Literal(lexical, datatype=URIRef(datatype))
    if lit.ill_typed:
        return None
    return float(lit.toPython()) if datatype in NUMERIC else 0.0


def _well_formed(value: ox.Literal) -> bool:
    return value.language is not None or _number(value.value, value.datatype.value) is not None


def _has_datatype(value, datatype: str) -> bool:
    return (isinstance(value, ox.Literal) and value.datatype.value == datatype
            and _well_formed(value))


def _has_kind(value, kind: str) -> bool:
    if kind == SH + "IRI":
        return isinstance(value, ox.NamedNode)
    if kind == SH + "Literal":
        return isinstance(value, ox.Literal)
    if kind == SH + "BlankNode":
        return isinstance(value, ox.BlankNode)
    raise KnowledgeBaseError(f"sh:nodeKind {short(kind)} not supported by the compiled checker")


def _compare(value, bound: float, sign: int) -> bool:
    if not isinstance(value, ox.Literal) or value.datatype.value not in NUMERIC:
        return False
    number = _number(value.value, value.datatype.value)
    return number is not None and (number - bound) * sign >= 0
