"""IRIs of the mtus-kg vocabularies, as plain strings (pyoxigraph NamedNode values)."""

MTUS = "https://w3id.org/mtus-kg/ontology#"
TERM = "https://w3id.org/mtus-kg/term/"
GL = "https://w3id.org/mtus-kg/guideline/"
DET = "https://w3id.org/mtus-kg/determination/"
RUN = "https://w3id.org/mtus-kg/run/"
CONTEXT_IRI = "https://w3id.org/mtus-kg/context.jsonld"
GUIDELINE_GRAPH = "https://w3id.org/mtus-kg/graph/guidelines"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
RDFS_LABEL = RDFS + "label"
RDFS_SUBCLASS = RDFS + "subClassOf"
OWL_CLASS = OWL + "Class"
OWL_EQUIVALENT = OWL + "equivalentClass"
OWL_IMPORTS = OWL + "imports"
SKOS_PREF = SKOS + "prefLabel"
SKOS_ALT = SKOS + "altLabel"
SKOS_NOTE = SKOS + "note"
SKOS_DEFINITION = SKOS + "definition"


def m(local: str) -> str:
    """An IRI in the core vocabulary."""
    return MTUS + local


def short(iri: str) -> str:
    """Compact an IRI with the project prefixes, for messages."""
    for prefix, ns in (("mtus:", MTUS), ("term:", TERM), ("gl:", GL)):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"
