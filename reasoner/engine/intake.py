"""Intake: bytes in a declared format -> RDF triples, with errors that name line and column.

Parsing uses pyoxigraph (20x faster than rdflib on small cases). JSON-LD is screened first
(`reasoner.engine.jsonld`): remote contexts refused, the published context resolved locally, what
JSON-LD would silently drop refused, and errors placed in the document as the user wrote it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pyoxigraph as ox

from reasoner.engine.casegraph import CaseGraph
from reasoner.engine.jsonld import (  # noqa: F401 - context_path, local_context: public here too
    MAX_JSON_DEPTH,
    JsonLdDocument,
    context_path,
    local_context,
)
from reasoner.errors import InputError

FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
}
# Turtle and N-Triples have no syntax for a named graph, so only these need the check.
_MAY_NAME_GRAPHS = {ox.RdfFormat.JSON_LD}
SUFFIXES = {".ttl": "text/turtle", ".nt": "application/n-triples",
            ".jsonld": "application/ld+json", ".json": "application/ld+json"}
_POSITION = re.compile(r"line (\d+) column (\d+)")


def media_type_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unknown file type '{suffix}': use .ttl, .nt, .jsonld or .json",
                         source=str(path))
    return SUFFIXES[suffix]


def parse(data: bytes, media_type: str, *, source: str = "<input>",
          base_iri: str | None = None) -> CaseGraph:
    """Parse one RDF document into its distinct triples (a tuple, in document order).
    Named graphs are refused: a case is one graph."""
    fmt = FORMATS.get(media_type.split(";")[0].strip().lower())
    if fmt is None:
        raise InputError(f"unsupported media type '{media_type}'; use one of "
                         + ", ".join(sorted(FORMATS)), source=source)
    if data.startswith(codecs.BOM_UTF8):
        # Both formats are UTF-8, and a byte order mark is not data. Editors do not show it,
        # so positions are counted after it too.
        data = data[len(codecs.BOM_UTF8):]
    if not data or data.isspace():  # no copy, unlike strip()
        raise InputError("the document is empty", source=source)
    document = None
    if fmt == ox.RdfFormat.JSON_LD:
        document = JsonLdDocument.screen(data, source, base_iri)
        data = document.data
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise (document.error(exc) if document else _syntax_error(exc, source)) from None
    except ValueError as exc:
        raise InputError(str(exc), source=source) from None
    for q in quads if fmt in _MAY_NAME_GRAPHS else ():
        if type(q.graph_name) is not ox.DefaultGraph:
            raise InputError("named graphs are not accepted in a case document",
                             source=source, term=str(q.graph_name))
    # An RDF graph is a set: a repeated triple counts once. CaseGraph carries the one index
    # that completeness and fact reading share. The parser's quads (all in the default graph)
    # are kept as the statements: they read like triples (subject, predicate, object), and
    # making a Triple of each cost ~11 us of a ~300 us request on a small case.
    return CaseGraph(dict.fromkeys(quads))


def _syntax_error(exc: SyntaxError, source: str) -> InputError:
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    text = str(exc.msg if hasattr(exc, "msg") else exc)
    found = _POSITION.search(text)
    if line is None and found:
        line, column = int(found.group(1)), int(found.group(2))
    return InputError(text, source=source, line=line, column=column)
