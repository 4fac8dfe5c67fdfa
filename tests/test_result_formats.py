"""A result some format cannot write is offered in the client's next format, or refused with a
406 naming what can be produced; never a 500 or an ill-formed document."""

from __future__ import annotations

import xml.dom.minidom

import pyoxigraph as ox
import pytest

from api.errors import ApiError
from api.results import render
from reasoner.store.sparql import GraphResult, SelectResult

S, P = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
CONTROL = ox.Literal("bell \x07 and nul \x00")
TRIPLE_TERM = ox.Triple(S, P, ox.Literal("x"))


def test_a_triple_term_is_not_written_as_json_ld():
    graph = GraphResult((ox.Triple(S, P, TRIPLE_TERM),))
    with pytest.raises(ApiError) as refused:
        render(graph, "application/ld+json")
    assert refused.value.status == 406
    media, body = render(graph, "application/ld+json, text/turtle;q=0.5")
    assert media == "text/turtle" and b"example.org" in body


@pytest.mark.parametrize(("result", "xml_type", "fallback"), [
    (GraphResult((ox.Triple(S, P, CONTROL),)), "application/rdf+xml", "text/turtle"),
    (SelectResult(("o",), ((CONTROL,),)), "application/sparql-results+xml",
     "application/sparql-results+json"),
])
def test_a_control_character_is_not_written_as_xml(result, xml_type, fallback):
    with pytest.raises(ApiError) as refused:
        render(result, xml_type)
    assert refused.value.status == 406
    media, _ = render(result, f"{xml_type}, {fallback};q=0.1")
    assert media == fallback


def test_plain_results_are_still_xml():
    media, body = render(SelectResult(("o",), ((ox.Literal("fine"),),)),
                         "application/sparql-results+xml")
    assert media == "application/sparql-results+xml"
    xml.dom.minidom.parseString(body)
