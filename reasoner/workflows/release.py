"""`mtus release`: the knowledge base as one RDF/XML ontology in build/ that Protégé and
owlready2 open (authoring/release.py builds it)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from reasoner.authoring.release import release_triples
from reasoner.engine.kb import KnowledgeBase
from reasoner.vocab import GL, MTUS, OWL, RDF, RDFS, SKOS, TERM, XSD

PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "mtus": MTUS,
            "term": TERM, "gl": GL, "dcterms": "http://purl.org/dc/terms/"}


def build_release(version: str, out: Path | None = None,
                  root: Path | None = None) -> Path:
    kb = KnowledgeBase.load(root)
    folder = out or kb.root / "build"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mtus-kg.owl"
    # Prefixed element names (owl:Ontology, not <Ontology xmlns=...>): owlready2 takes a file
    # whose first element is a bare <Ontology xmlns=...> for OWL/XML and fails on it.
    data = ox.serialize(release_triples(kb.triples, version), format=ox.RdfFormat.RDF_XML,
                        prefixes=PREFIXES)
    path.write_bytes(data or b"")
    return path
