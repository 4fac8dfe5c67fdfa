"""SPARQL results on the wire: content negotiation over the W3C result and RDF formats."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from api.errors import ApiError
from reasoner.store.sparql import GraphResult, QueryResult, SelectResult, serialize_results
from reasoner.vocab import GL, MTUS, PROV, RDF, RDFS, SKOS, TERM, XSD

PREFIXES = {"mtus": MTUS, "term": TERM, "gl": GL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
            "prov": PROV, "skos": SKOS}
# In order of preference: the first is the default when Accept allows anything.
SOLUTION_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
# RDF/XML and JSON-LD too: SPARQLWrapper and rdflib's SPARQLStore ask for application/rdf+xml.
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML,
               "application/ld+json": ox.RdfFormat.JSON_LD}
RDF_XML = "application/rdf+xml"
_RDF_TYPE = RDF + "type"


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching the offer (exact > type/* > */*)."""
    best, specificity = 0.0, -1
    for media, q in ranges:
        rank = 2 if media == offer else 1 if media == offer.split("/")[0] + "/*" else \
            0 if media == "*/*" else -1
        if rank > specificity:
            best, specificity = q, rank
    return best


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (ties go to the order of `offers`); None means 406."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    q, _, offer = max((_quality(o, ranges), -i, o) for i, o in enumerate(offers))
    return offer if q > 0 else None


def not_acceptable(offers: Sequence[str]) -> ApiError:
    return ApiError(406, "not-acceptable", "none of the media types in Accept can be produced "
                    "for this result", available=list(offers))


def check_acceptable(accept: str | None) -> None:
    """Fail before running a query whose every possible result the client refuses."""
    offers = [*SOLUTION_TYPES, *GRAPH_TYPES]
    if negotiate(accept, offers) is None:
        raise not_acceptable(offers)


def _xml_name_end(iri: str) -> bool:
    """Whether the IRI ends in an XML name (a letter or '_', then letters, digits, '_', '-',
    '.'), which RDF/XML needs to write it as an element. Scanned from the end, in linear time."""
    i = len(iri)
    while i and (iri[i - 1].isalnum() or iri[i - 1] in "_-."):
        i -= 1
    return any(c.isalpha() or c == "_" for c in iri[i:])


def rdf_xml_can_write(triples: Iterable[ox.Triple]) -> bool:
    """Whether RDF/XML can write the graph: it writes each predicate (and a node's rdf:type
    class) as an element name, and pyoxigraph writes an ill-formed `<oxprefix:>` element for
    an IRI that does not end in an XML name (e.g. <http://example.org/1>)."""
    seen: set[str] = set()
    for t in triples:
        names = (t.predicate, t.object) if t.predicate.value == _RDF_TYPE else (t.predicate,)
        for node in names:
            if isinstance(node, ox.NamedNode) and node.value not in seen:
                if not _xml_name_end(node.value):
                    return False
                seen.add(node.value)
    return True


def serialize_graph(triples: Iterable[ox.Triple], media: str) -> bytes:
    return ox.serialize(triples, format=GRAPH_TYPES[media], prefixes=PREFIXES) or b""


# Characters XML 1.0 cannot hold (a stored literal may: N-Triples and JSON escape them); an XML
# result holding one is ill-formed and fails the client's parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_TYPES = {RDF_XML, "application/sparql-results+xml"}


def _terms(result: QueryResult) -> Iterable[object]:
    if isinstance(result, GraphResult):
        for t in result.triples:
            yield from (t.subject, t.predicate, t.object)
    elif isinstance(result, SelectResult):
        for row in result.rows:
            yield from row


def _xml_can_write(result: QueryResult) -> bool:
    return not any(_NOT_XML.search(getattr(term, "value", "") or "") for term in _terms(result))


def _writable(result: QueryResult, media: str) -> bool:
    if media in _XML_TYPES and not _xml_can_write(result):
        return False
    return media != RDF_XML or rdf_xml_can_write(result.triples)  # type: ignore[union-attr]


def render(result: QueryResult, accept: str | None) -> tuple[str, bytes]:
    """(media type, body) for a query result, negotiated against Accept. A format that cannot
    write this result (RDF/XML a predicate that is no XML name, XML a control character,
    JSON-LD a triple term) gives way to the client's next choice, if it has one."""
    graph = isinstance(result, GraphResult)
    offers = list(GRAPH_TYPES if graph else SOLUTION_TYPES)
    while (media := negotiate(accept, offers)) is not None:
        if _writable(result, media):
            try:
                if isinstance(result, GraphResult):
                    return media, serialize_graph(result.triples, media)
                return media, serialize_results(result, SOLUTION_TYPES[media])
            except (OSError, ValueError):  # e.g. "JSON-LD does not support RDF 1.2 yet"
                pass
            except RecursionError:
                # triple terms nested deeper than the writer's stack (the worker wrote them
                # on a shallower one): the query's result, not the server, is at fault
                raise ApiError(400, "query-limit", "the query's result is nested too deeply "
                               "to write in any format") from None
        offers.remove(media)
    raise not_acceptable(offers or list(GRAPH_TYPES if graph else SOLUTION_TYPES))
