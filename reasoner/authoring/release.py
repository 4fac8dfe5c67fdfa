"""A release of the knowledge base for Protégé and owlready2: one merged ontology (they cannot
read the Turtle files through the catalog), with an rdfs:label on every term (the terminology
labels with skos:prefLabel), a version IRI, the licence, and OWL 2 datatypes only (OWL 2 has
no xsd:date). No I/O: the workflow writes it."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from reasoner.authoring.qc import owl_datatypes
from reasoner.vocab import OWL, OWL_IMPORTS, RDF_TYPE, RDFS_LABEL, SKOS_PREF

RELEASE = "https://w3id.org/mtus-kg/release"
DCTERMS = "http://purl.org/dc/terms/"
LICENSE = "https://www.apache.org/licenses/LICENSE-2.0"  # pyproject.toml: Apache-2.0


def release_triples(triples: Iterable[ox.Triple], version: str) -> list[ox.Triple]:
    """The merged ontology: the component ontologies' headers and imports give way to one
    header, and each term with a skos:prefLabel and no rdfs:label gets it as rdfs:label."""
    triples = list(triples)
    parts = {t.subject for t in triples
             if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(OWL + "Ontology")}
    labelled = {t.subject for t in triples if t.predicate.value == RDFS_LABEL}
    out = _header(version)  # first: the ontology a reader meets before the terms
    out += [owl_datatypes(t) for t in triples
           if t.subject not in parts and t.predicate.value != OWL_IMPORTS]
    out += [ox.Triple(t.subject, ox.NamedNode(RDFS_LABEL), t.object) for t in triples
            if t.predicate.value == SKOS_PREF and t.subject not in labelled]
    return out


def _header(version: str) -> list[ox.Triple]:
    onto = ox.NamedNode(RELEASE)
    def lit(text: str) -> ox.Literal:
        return ox.Literal(text)
    return [ox.Triple(onto, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Ontology")),
            ox.Triple(onto, ox.NamedNode(OWL + "versionIRI"),
                      ox.NamedNode(f"{RELEASE}/{version}")),
            ox.Triple(onto, ox.NamedNode(OWL + "versionInfo"), lit(version)),
            ox.Triple(onto, ox.NamedNode(RDFS_LABEL),
                      ox.Literal("mtus-kg: MTUS guideline knowledge base", language="en")),
            ox.Triple(onto, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(LICENSE))]
