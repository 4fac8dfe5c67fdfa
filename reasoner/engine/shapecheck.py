"""Case shapes compiled into direct checks: the same results as pySHACL, without its per-call
cost (pySHACL rebuilds its shapes graph on every call: ~20 ms per case here, this ~0.1 ms).

Only the SHACL subset that shapes/case.ttl uses is compiled; any other SHACL term in a shape
fails the load, naming the shape, so the compiled checker can never silently diverge.
Equality with pySHACL is asserted by a differential test over many generated cases.
"""

from __future__ import annotations

import enum
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final, TypeAlias

import pyoxigraph as ox
from rdflib import Literal, URIRef

from reasoner.engine.casegraph import Term, index_of, statements
from reasoner.errors import KnowledgeBaseError, Problem
from reasoner.vocab import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, RDFS_SUBCLASS, SH, XSD, short

NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
NODE_KEYS = {"targetClass", "targetObjectsOf", "property", "nodeKind", "message"}
PROPERTY_KEYS = {"path", "minCount", "maxCount", "datatype", "nodeKind", "in", "minInclusive",
                 "maxInclusive", "or", "message", "severity"}
VALUE_KEYS = {"datatype", "nodeKind", "in"}
_XSD_STRING = XSD + "string"
SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


@dataclass(frozen=True)
class ValueRule:
    """Constraints checked on each value; `alternatives` is sh:or over rules like this one."""

    datatype: str | None = None
    node_kind: str | None = None
    allowed: frozenset[Term] | None = None  # sh:in members, as terms
    min_inclusive: float | None = None
    max_inclusive: float | None = None
    alternatives: tuple[ValueRule, ...] = ()


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
    """The rules, and the plan that runs them: per property its bounds and one value test
    specialised at load (see _value_test). The plan holds functions, so only the rules are
    pickled (kbcache) and the plan is rebuilt on load."""

    def __init__(self, rules: tuple[NodeRule, ...]) -> None:
        self.rules = rules
        self._plan = tuple(
            (rule, _KIND_FAILS[_checked_kind(rule.node_kind)] if rule.node_kind else None,
             tuple(_property_plan(p) for p in rule.properties))
            for rule in rules)

    def __getstate__(self) -> dict[str, tuple[NodeRule, ...]]:
        return {"rules": self.rules}

    def __setstate__(self, state: dict[str, tuple[NodeRule, ...]]) -> None:
        CompiledShapes.__init__(self, state["rules"])

    @classmethod
    def load(cls, path: Path) -> CompiledShapes:
        triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
        return cls(_Compiler(triples, str(path)).compile())

    def check(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        graph = _DataGraph(triples)
        problems: list[Problem] = []
        for rule, kind_fails, plan in self._plan:
            focuses = graph.targets(rule)
            if not focuses:
                continue
            for focus in sorted(focuses, key=_key) if len(focuses) > 1 else focuses:
                if kind_fails is not None and kind_fails(focus):
                    problems.append(Problem(focus_name(focus), None, rule.message, "violation",
                                            None))
                problems += _check_node(plan, graph.properties(focus), focus)
        return problems


# (path, least, most, value test or None, rule): see _property_plan.
_PropertyPlan: TypeAlias = tuple[str, int, float, Callable[[Term], int] | None, PropertyRule]


def _property_plan(prop: PropertyRule) -> _PropertyPlan:
    """(path, least, most, value test or None, rule): absent bounds become ones that always
    hold, so the check is two comparisons."""
    return (prop.path, prop.min_count or 0,
            prop.max_count if prop.max_count is not None else float("inf"),
            _value_test(prop.values) if prop.checks_values else None, prop)


def _check_node(plan: tuple[_PropertyPlan, ...], props: Mapping[str, list[Term]],
                focus: Term) -> list[Problem]:
    out: list[Problem] = []
    for path, least, most, test, prop in plan:
        values = props.get(path)
        count: int
        if values is None:  # most properties a shape allows are absent from a given node
            count = least > 0
        else:
            count = (len(values) < least) + (len(values) > most)
            if test is not None:
                for value in values:
                    count += test(value)
        if count:
            out += [Problem(focus_name(focus), short(prop.path), prop.message, prop.severity,
                            prop.shape)] * count
    return out


def _value_test(rule: ValueRule) -> Callable[[Term], int]:
    """One function giving the number of the rule's constraint components a value violates
    (pySHACL reports each), built from only the components the rule has: this runs for every
    value of every checked property, per request, and most rules have one component."""
    tests: list[Callable[[Term], bool]] = []
    if rule.datatype is not None:
        tests.append(_datatype_test(rule.datatype))
    if rule.node_kind is not None:
        tests.append(_KIND_FAILS[_checked_kind(rule.node_kind)])
    if rule.allowed is not None:
        allowed = rule.allowed  # terms: RDF term equality, as pySHACL's sh:in
        tests.append(lambda v: v not in allowed)
    if rule.min_inclusive is not None:
        tests.append(partial(_fails_bound, rule.min_inclusive, 1))
    if rule.max_inclusive is not None:
        tests.append(partial(_fails_bound, rule.max_inclusive, -1))
    if rule.alternatives:
        alternatives = tuple(_value_test(a) for a in rule.alternatives)
        tests.append(lambda v: all(a(v) for a in alternatives))
    if len(tests) == 1:
        return tests[0]  # a bool is the count 0 or 1
    return lambda v: sum(t(v) for t in tests)


class _DataGraph:
    """The shapes' view of the case's shared index (built once per case, see casegraph)."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.index = index_of(triples)

    def properties(self, node: Term) -> Mapping[str, list[Term]]:
        return self.index.properties(node)

    def targets(self, rule: NodeRule) -> set[Term]:
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
        self.props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for t in statements(triples):
            self.props[_key(t.subject)][t.predicate.value].append(t.object)
        self.source = source

    def compile(self) -> tuple[NodeRule, ...]:
        shapes = sorted(s for s, p in self.props.items()
                        if any(_key(o) == SH + "NodeShape" for o in p.get(RDF_TYPE, [])))
        return tuple(self._node(s) for s in shapes)

    def _keys(self, node: str, allowed: set[str]) -> dict[str, list[Term]]:
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

    def _values(self, node: str, p: dict[str, list[Term]]) -> ValueRule:
        return ValueRule(
            datatype=_key(p["datatype"][0]) if "datatype" in p else None,
            node_kind=_key(p["nodeKind"][0]) if "nodeKind" in p else None,
            allowed=frozenset(self._members(p["in"][0])) if "in" in p else None,
            min_inclusive=float(p["minInclusive"][0].value) if "minInclusive" in p else None,
            max_inclusive=float(p["maxInclusive"][0].value) if "maxInclusive" in p else None,
            alternatives=tuple(self._values(alt, self._keys(alt, VALUE_KEYS))
                               for alt in self._list(p["or"][0])) if "or" in p else ())

    def _list(self, head: Term) -> list[str]:
        return [_key(item) for item in self._members(head)]

    def _members(self, head: Term) -> list[Term]:
        """The terms of an RDF list."""
        items: list[Term] = []
        node = _key(head)
        while node != RDF_NIL:
            items.append(self.props[node][RDF_FIRST][0])
            node = _key(self.props[node][RDF_REST][0])
        return items

    def _message(self, node: str, p: dict[str, list[Term]]) -> str:
        if "message" not in p:
            raise KnowledgeBaseError("every case shape needs an sh:message in plain words",
                                     file=self.source, iri=node)
        return p["message"][0].value


def _int(p: dict[str, list[Term]], key: str) -> int | None:
    return int(p[key][0].value) if key in p else None


def focus_name(term: Term) -> str:
    """How a focus node is named in a Problem (the same as the pySHACL path names it; rdflib
    normalises a literal's lexical form, e.g. "7.5E0"^^xsd:double becomes 7.5)."""
    if isinstance(term, ox.Literal):
        return str(Literal(term.value, lang=term.language, datatype=None if term.language
                           else URIRef(term.datatype.value)))
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _key(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return f'"{term.value}"^^{term.datatype.value}'
    return term.value


class _Miss(enum.Enum):
    """Not judged yet (a None in the memo is a judgement: ill-typed)."""

    MISS = 0


_MISS: Final = _Miss.MISS
_JUDGED_LIMIT = 4096  # lexical forms remembered per datatype; forgotten all at once past it
_JUDGED: dict[str, dict[str, float | None]] = {}


def _judged(datatype: str) -> dict[str, float | None]:
    """Lexical form -> value of the literals of one datatype judged so far (see _number)."""
    return _JUDGED.setdefault(datatype, {})


def _not_a_conversion_failure(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


# rdflib logs every lexical form it cannot convert with a traceback: that would put tracebacks
# on a user's screen and one per bad value in a server's log, for input this module reports
# as a clear error (the literal is ill-typed) anyway.
logging.getLogger("rdflib.term").addFilter(_not_a_conversion_failure)


def _number(lexical: str, datatype: str) -> float | None:
    """The value of a well-formed literal as rdflib judges it (which is what pySHACL checks);
    None when ill-typed, 0.0 for a well-formed non-number. Remembered per datatype: cases
    repeat the same few lexical forms, and a dict keyed by the lexical form alone is cheaper
    than an lru_cache keyed by (form, datatype)."""
    judged = _judged(datatype)
    value = judged.get(lexical, _MISS)
    if value is _MISS:
        lit = Literal(lexical, datatype=URIRef(datatype))
        value = None if lit.ill_typed else (
            _as_float(lit.toPython()) if datatype in NUMERIC else 0.0)
        if len(judged) >= _JUDGED_LIMIT:
            judged.clear()
        judged[lexical] = value
    return value


def _as_float(value: object) -> float:
    """An integer past a float's range (10^309) is an infinity, which every bound refuses with
    the shape's message, instead of an OverflowError (a 500)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return -math.inf if value < 0 else math.inf  # type: ignore[operator]


def _datatype_test(datatype: str) -> Callable[[Term], bool]:
    """True when a value is not a well-formed literal of the datatype. The datatype is
    compared as a term (no string made per value); any lexical form is a valid xsd:string."""
    wanted = ox.NamedNode(datatype)
    if datatype == _XSD_STRING:
        return lambda v: not isinstance(v, ox.Literal) or v.datatype != wanted
    judged = _judged(datatype)

    def lacks(v: Term) -> bool:
        if not isinstance(v, ox.Literal) or v.datatype != wanted:
            return True
        if v.language is not None:
            return False
        value = judged.get(v.value, _MISS)
        return (_number(v.value, datatype) if value is _MISS else value) is None
    return lacks


def _checked_kind(kind: str) -> str:
    if kind not in _KIND_FAILS:
        raise KnowledgeBaseError(f"sh:nodeKind {short(kind)} not supported by the compiled "
                                 "checker")
    return kind


_KIND_FAILS: dict[str, Callable[[Term], bool]] = {
    SH + "IRI": lambda v: not isinstance(v, ox.NamedNode),
    SH + "Literal": lambda v: not isinstance(v, ox.Literal),
    SH + "BlankNode": lambda v: not isinstance(v, ox.BlankNode),
}


def _fails_bound(bound: float, sign: int, value: Term) -> bool:
    if not isinstance(value, ox.Literal) or value.datatype.value not in NUMERIC:
        return True
    number = _number(value.value, value.datatype.value)
    return number is None or (number - bound) * sign < 0
