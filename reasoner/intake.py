"""Intake: bytes in a declared format -> RDF triples, with errors that name line and column.

Parsing uses pyoxigraph (20x faster than rdflib on small cases). JSON-LD is screened first:
a remote @context is refused before the parser sees it, so input can never make us fetch
anything; our own published context is substituted from the local file.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from reasoner.casegraph import CaseGraph
from reasoner.errors import InputError
from reasoner.vocab import CONTEXT_IRI

MAX_JSON_DEPTH = 64

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
# Paths under which the service publishes the context; any host, since it is never fetched.
_LOCAL_CONTEXT = re.compile(r"^https?://[^/]+/v1/context\.jsonld$")
_POSITION = re.compile(r"line (\d+) column (\d+)")


def context_path() -> Path:
    return Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"


@lru_cache(maxsize=1)
def local_context() -> dict:
    return json.loads(context_path().read_text(encoding="utf-8"))["@context"]


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
    if not data or data.isspace():  # no copy, unlike strip()
        raise InputError("the document is empty", source=source)
    if fmt == ox.RdfFormat.JSON_LD:
        data = _screen_json_ld(data, source)
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise _syntax_error(exc, source) from None
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


def _screen_json_ld(data: bytes, source: str) -> bytes:
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", source=source,
                         line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError:
        raise InputError("the document is not UTF-8 text", source=source) from None
    except RecursionError:  # the decoder recurses per level: refuse before that is a 500
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
                         source=source) from None
    return json.dumps(_resolve_contexts(doc, source, 0)).encode()


def _resolve_contexts(node, source: str, depth: int):
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=source)
    if isinstance(node, list):
        return [_resolve_contexts(item, source, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _context_value(value, source, depth + 1)
        else:
            out[key] = _resolve_contexts(value, source, depth + 1)
    return out


def _context_value(value, source: str, depth: int):
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=source)
    if isinstance(value, list):
        return [_context_value(v, source, depth + 1) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_IRI or _LOCAL_CONTEXT.match(value):
            return local_context()
        raise InputError("remote JSON-LD contexts are not fetched; use the published context "
                         f"'{CONTEXT_IRI}' or an inline context", source=source, term=value)
    if isinstance(value, dict):
        if "@import" in value:
            raise InputError("@import in a JSON-LD context is not fetched", source=source,
                             term=str(value["@import"]))
        # A term definition may carry its own (scoped) context: screened the same way.
        return {term: {**d, "@context": _context_value(d["@context"], source, depth + 2)}
                if isinstance(d, dict) and "@context" in d else d
                for term, d in value.items()}
    return value
