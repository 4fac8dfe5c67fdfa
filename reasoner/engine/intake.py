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

# The `as` imports re-export: the depth limit and the published context are public here too.
from reasoner.engine.jsonld import MAX_JSON_DEPTH as MAX_JSON_DEPTH
from reasoner.engine.jsonld import JsonLdDocument
from reasoner.engine.jsonld import context_path as context_path
from reasoner.engine.jsonld import local_context as local_context
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
# Occurrences of a byte checked one by one before a plain search (see _contains).
_FEW = 16
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
    document: JsonLdDocument | None = None
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
    if fmt != ox.RdfFormat.JSON_LD and _may_hold_triple_terms(data, fmt):
        _refuse_triple_terms(quads, source)
    # An RDF graph is a set: a repeated triple counts once. CaseGraph carries the one index
    # that completeness and fact reading share. The parser's quads (all in the default graph)
    # are kept as the statements: they read like triples (subject, predicate, object), and
    # making a Triple of each cost ~11 us of a ~300 us request on a small case.
    return CaseGraph(dict.fromkeys(quads))


def _may_hold_triple_terms(data: bytes, fmt: ox.RdfFormat) -> bool:
    """Whether the document has the syntax of an RDF 1.2 triple term (or those bytes in a
    string): in N-Triples `<<( )>>`; in Turtle that, a reified triple `<< >>`, an annotation
    `{| |}` or a reifier `~`. (JSON-LD has none, and its screen refuses an object as @id.)"""
    if fmt == ox.RdfFormat.N_TRIPLES:
        return _contains(data, b"<<(", 2)  # '(' is rare in N-Triples, '<' is everywhere
    return b"~" in data or b"{" in data or _contains(data, b"<<", 0)


def _contains(data: bytes, needle: bytes, rare: int) -> bool:
    """`needle in data`, found from the occurrences of its byte at `rare` while they are few.
    A one-byte search runs at memory speed, a longer one at ~1 us a kB (parsing takes ~30),
    so that one is left for a document where the byte is common."""
    byte = needle[rare:rare + 1]
    at = data.find(byte)
    for _ in range(_FEW):
        if at < 0:
            return False
        if at >= rare and data.startswith(needle, at - rare):
            return True
        at = data.find(byte, at + 1)
    return needle in data


def _refuse_triple_terms(quads: list[ox.Quad], source: str) -> None:
    """A case graph holds no triple terms (casegraph.Term): the facts are plain triples, and
    every stage reads a term's value, which a triple term has none of. RDF 1.2 allows them
    only as objects."""
    for q in quads:
        if type(q.object) is ox.Triple:
            raise InputError("triple terms (RDF 1.2) are not accepted in a case document",
                             source=source, term=str(q.object))


def _syntax_error(exc: SyntaxError, source: str) -> InputError:
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    text = str(exc.msg if hasattr(exc, "msg") else exc)
    found = _POSITION.search(text)
    if line is None and found:
        line, column = int(found.group(1)), int(found.group(2))
    return InputError(text, source=source, line=line, column=column)
