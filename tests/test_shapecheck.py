"""The compiled case checker gives exactly pySHACL's results, over many generated cases."""

import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from reasoner.engine.intake import parse
from reasoner.engine.shapecheck import CompiledShapes
from reasoner.errors import KnowledgeBaseError

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCES = [ROOT / "examples" / "seed-case.ttl"] + sorted((ROOT / "tests" / "cases").rglob("*.ttl"))
ODD_LITERALS = [
    ox.Literal("2015-13-45", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("07/30/2015"),
    ox.Literal("4.5", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("eleven", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("11", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-1", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("7.5E0", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("3"),
    ox.Literal("drei", language="de"),
]
ODD_NODES = [ox.NamedNode("https://w3id.org/mtus-kg/ontology#Present"),
             ox.NamedNode("https://w3id.org/mtus-kg/ontology#Bogus"), ox.BlankNode("b1")]


# Known gap, with its reason: for an ill-typed literal (e.g. "eleven"^^xsd:decimal,
# "2015-13-45"^^xsd:date) rdflib orders it below every number, so pySHACL passes
# sh:maxInclusive; SHACL says the comparison is undefined, which is a violation. The compiled
# checker follows the spec (test_ill_typed_numbers_fail_both_bounds); the differential test
# leaves out the (focus, path) pairs where an ill-typed literal meets a numeric bound.
BOUNDED = {"https://w3id.org/mtus-kg/ontology#" + p
           for p in ("age", "value", "valueHigh", "sessions", "levels", "reliefPercent",
                     "reliefWeeks")}


def _ill_typed_bounded(case: list[ox.Triple]) -> set[tuple[str, str]]:
    out = set()
    for t in case:
        if t.predicate.value in BOUNDED and isinstance(t.object, ox.Literal) \
                and not t.object.language and Literal(
                    t.object.value, datatype=URIRef(t.object.datatype.value)).ill_typed:
            out.add((t.subject.value, "mtus:" + t.predicate.value.rsplit("#", 1)[1]))
    return out


def _mutate(triples: list[ox.Triple], rng: random.Random) -> list[ox.Triple]:
    out = list(triples)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        t = out[i]
        move = rng.choice(["drop", "duplicate", "literal", "node"])
        if move == "drop":
            out.pop(i)
        elif move == "duplicate":
            out.append(_like(t, rng.choice(ODD_LITERALS + ODD_NODES)))
        elif move == "literal":
            out[i] = _like(t, rng.choice(ODD_LITERALS))
        else:
            out[i] = _like(t, rng.choice(ODD_NODES))
    return out


def _like(t, obj):  # noqa: ANN001, ANN202
    """The statement with a new object, of the same kind as the parsed ones (a quad in the
    default graph): a Triple beside an equal Quad would be two statements to a list and one to
    an RDF graph, which is not what the checkers are compared on."""
    if isinstance(t, ox.Quad):
        return ox.Quad(t.subject, t.predicate, obj, t.graph_name)
    return ox.Triple(t.subject, t.predicate, obj)


def _key(problems, skip: set) -> Counter:
    return Counter((p.focus, p.path, p.message, p.severity) for p in problems
                   if (p.focus, p.path) not in skip)


@pytest.mark.parametrize("seed", range(12))
def test_compiled_checker_equals_pyshacl(kb, seed):
    rng = random.Random(seed)
    checker = kb.checker
    # A fixed sample keeps the suite fast as tests/cases grows: 12 x 4 files x 12 mutations.
    for source in random.Random(1000 + seed).sample(SOURCES, min(4, len(SOURCES))):
        base = parse(source.read_bytes(), "text/turtle")
        for _ in range(12):
            case = _mutate(base, rng)
            skip = _ill_typed_bounded(case)
            assert _key(checker.compiled.check(case), skip) == _key(checker.shacl(case), skip), \
                source


def test_shipped_cases_have_no_violations(kb):
    for source in SOURCES:
        triples = [t for t in parse(source.read_bytes(), "text/turtle")
                   if "mtus-kg/test#" not in t.predicate.value + str(t.object)]
        compiled = kb.checker.compiled.check(triples)
        assert _key(compiled, set()) == _key(kb.checker.shacl(triples), set()), source
        assert [p for p in compiled if p.severity == "violation"] == [], source


def test_unsupported_shacl_is_refused_naming_the_shape(tmp_path):
    shapes = tmp_path / "case.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:closed true .\n")
    with pytest.raises(KnowledgeBaseError, match="sh:closed") as err:
        CompiledShapes.load(shapes)
    assert err.value.iri == "urn:s"


def test_ill_typed_numbers_fail_both_bounds(kb):
    case = parse(b"""@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
        <urn:c> a mtus:Case ; mtus:request <urn:r> ; mtus:worker <urn:w> .
        <urn:r> mtus:concept <https://w3id.org/mtus-kg/term/PhysicalTherapy> ;
            mtus:requestDate "2015-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .
        <urn:w> mtus:age "eleven"^^<http://www.w3.org/2001/XMLSchema#decimal> .""", "text/turtle")
    ages = [p for p in kb.checker.compiled.check(case) if p.path == "mtus:age"]
    assert len(ages) == 3  # datatype, minInclusive, maxInclusive
