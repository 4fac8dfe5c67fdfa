"""OpenAPI descriptions of the raw request bodies (the routes read these bodies themselves)."""

from api.schemas import raw_body_doc

CASE_EXAMPLE_TURTLE = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix : <https://example.org/case/1/> .
:case a mtus:Case ; mtus:request :req .
:req a mtus:TreatmentRequest ; mtus:concept term:LumbarFlexionExtensionRadiograph ;
    mtus:requestDate "2015-07-30"^^<http://www.w3.org/2001/XMLSchema#date> .
"""
CASE_EXAMPLE_JSONLD = {
    "@context": "https://w3id.org/mtus-kg/context.jsonld",
    "id": "https://example.org/case/1/case", "type": "Case",
    "request": [{"id": "https://example.org/case/1/req", "type": "TreatmentRequest",
                 "concept": "term:LumbarFlexionExtensionRadiograph",
                 "requestDate": "2015-07-30"}],
}
_JSONLD = {"schema": {"type": "object"}, "example": CASE_EXAMPLE_JSONLD}

CASE_BODY = raw_body_doc({
    "text/turtle": {"schema": {"type": "string"}, "example": CASE_EXAMPLE_TURTLE},
    "application/ld+json": _JSONLD,
    "application/json": _JSONLD,
})

SPARQL_BODY = raw_body_doc({
    "application/sparql-query": {"schema": {"type": "string"},
                                 "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["query"],
        "properties": {"query": {"type": "string", "description": "SPARQL 1.1 query"}}}},
})
