"""The engine: a case document in, a typed report out, with no I/O but reading the ontology.

intake (+ jsonld) parse -> completeness (+ shapecheck) -> facts -> decide (criteria, compiled
by compile from the guideline graphs; terminology closes the class hierarchy) -> report.
kb loads and caches (kbcache) the compiled knowledge base found by home.
"""
