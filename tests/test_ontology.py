"""The ontology files: imports resolve offline through the catalog, authoring QC passes and
catches what it should, HermiT agrees with the run-time ancestor map."""

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from reasoner import KnowledgeBase
from reasoner.authoring.qc import authoring_problems, duplicate_declarations, hermit_problems
from reasoner.engine.kb import ontology_files

ROOT = Path(__file__).resolve().parent.parent
OWL = "http://www.w3.org/2002/07/owl#"


def _catalog() -> dict[str, Path]:
    tree = ET.parse(ROOT / "ontology" / "catalog-v001.xml")
    ns = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
    return {e.get("name"): ROOT / "ontology" / e.get("uri") for e in tree.iter(ns + "uri")}


def _ontology_iris(path: Path) -> tuple[set[str], set[str]]:
    triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
    declared = {t.subject.value for t in triples
                if t.predicate.value.endswith("#type") and t.object.value == OWL + "Ontology"}
    imports = {t.object.value for t in triples if t.predicate.value == OWL + "imports"}
    return declared, imports


def test_every_ontology_file_is_in_the_catalog_and_imports_resolve_locally():
    catalog = _catalog()
    assert all(p.exists() for p in catalog.values())
    for path in ontology_files(ROOT):
        declared, imports = _ontology_iris(path)
        assert declared and all(catalog.get(i) == path for i in declared), path
        assert all(i in catalog for i in imports), (path, imports - set(catalog))


def test_authoring_shapes_pass_on_the_shipped_files(kb):
    assert authoring_problems(kb) == []


def test_a_term_is_declared_in_one_file_only(kb, root_copy):
    tmp_path = root_copy
    assert duplicate_declarations(kb) == []
    (tmp_path / "ontology" / "terminology" / "zz.ttl").write_text(
        "@prefix term: <https://w3id.org/mtus-kg/term/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "term:zz a owl:Ontology .\n"
        "term:Opioid a owl:Class .\n")
    (problem,) = duplicate_declarations(KnowledgeBase.load(tmp_path))
    assert "term:Opioid" in problem and "terminology/zz.ttl" in problem


@pytest.fixture
def root_copy(tmp_path: Path) -> Path:
    """A copy of the ontology and shapes that a test may break."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    return tmp_path


def test_authoring_shapes_name_file_iri_and_rule(root_copy):
    tmp_path = root_copy
    (tmp_path / "ontology" / "terminology" / "zz.ttl").write_text(
        "@prefix term: <https://w3id.org/mtus-kg/term/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "term:zz a owl:Ontology .\n"
        "term:Undefined a owl:Class .\n")
    problems = authoring_problems(KnowledgeBase.load(tmp_path))
    assert any("terminology/zz.ttl" in p and "term/Undefined" in p and "skos:definition" in p
               and "term-without-label-or-definition" in p for p in problems), problems


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_agrees_with_the_ancestor_map(kb, tmp_path):
    assert hermit_problems(kb, tmp_path) == []


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_reports_an_unasserted_subsumption(root_copy):
    tmp_path = root_copy
    (tmp_path / "ontology" / "terminology" / "zz.ttl").write_text(
        "@prefix term: <https://w3id.org/mtus-kg/term/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "term:zz a owl:Ontology ; owl:imports term:drugs .\n"
        "term:Hidden a owl:Class ; owl:intersectionOf ( term:Opioid term:Drug ) .\n")
    problems = hermit_problems(KnowledgeBase.load(tmp_path), tmp_path / "build")
    assert any("term:Hidden is a term:Opioid" in p for p in problems), problems


def test_every_opioid_has_a_conversion_factor_or_says_why_not(kb):
    """A morphine-equivalent total that includes an opioid without a factor is unknown, so a
    missing factor silently turns every dose limit on that drug into "not documented"
    (Hysingla, Vicoprofen and levorphanol had none)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS
    drugs = Graph().parse(ROOT / "ontology" / "terminology" / "drugs.ttl")
    terms = kb.terms
    opioid = "https://w3id.org/mtus-kg/term/Opioid"
    silent = [c for c, ancestors in terms.ancestors.items()
              if opioid in ancestors and c != opioid and terms.factor(c) is None
              and not any("conversionFactor on purpose" in note  # (or an ancestor says)
                          for said in (c, *terms.ancestors[c])
                          for note in drugs.objects(URIRef(said), SKOS.note))]
    assert silent == []
