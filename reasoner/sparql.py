"""SPARQL over the store: read-only screening, result types and result formats.

Shared by the embedded store and any remote SPARQL 1.1 backend; nothing here touches storage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pyoxigraph as ox

from reasoner.errors import MtusError
from reasoner.vocab import XSD, short


class StoreError(MtusError):
    """The store failed: could not open, or a write failed (and changed nothing)."""

    code = "store"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class QueryTimeout(StoreError):
    code = "query-timeout"


class QueryError(StoreError):
    """A SPARQL request that is not run; syntax errors carry the parser's line and column."""

    code = "bad-query"
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column}


class UpdateRefused(QueryError):
    code = "read-only"


class ServiceRefused(QueryError):
    code = "service-refused"


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class SelectResult:
    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]
    truncated: bool = False  # the row limit was reached; more rows may exist


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    triples: tuple[ox.Triple, ...]
    truncated: bool = False


QueryResult = SelectResult | AskResult | GraphResult
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_XSD_STRING = XSD + "string"


def _json_term(t: Term) -> dict:
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    if not isinstance(t, ox.Literal):
        return {"type": "uri" if isinstance(t, ox.NamedNode) else "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != _XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


def serialize_results(result: SelectResult | AskResult, fmt: ox.QueryResultsFormat) -> bytes:
    """SPARQL results in a W3C format. Rows already cut at the limit are written as JSON and
    re-read by pyoxigraph for the other formats: it only serialises results it parsed or ran."""
    if isinstance(result, AskResult):
        doc: dict = {"head": {}, "boolean": result.value}
    else:
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True)
             if t is not None}
            for row in result.rows]}}
    data = json.dumps(doc, ensure_ascii=False).encode()
    if fmt == ox.QueryResultsFormat.JSON:
        return data
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt) or b""


def result_text(result: QueryResult, fmt: str = "table") -> str:
    """A result for a terminal: an aligned table, or json/xml/csv/tsv; graphs as Turtle."""
    if isinstance(result, GraphResult):
        return (ox.serialize(result.triples, format=ox.RdfFormat.TURTLE) or b"").decode()
    if fmt != "table":
        return serialize_results(result, RESULT_FORMATS[fmt]).decode()
    if isinstance(result, AskResult):
        return str(result.value).lower()
    cells = [list(result.variables)] + [[_cell(t) for t in row] for row in result.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(result.variables))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if result.truncated:
        lines.append(f"(stopped at the row limit, {len(result.rows)} rows)")
    return "\n".join(lines)


def _cell(t: Term | None) -> str:
    if t is None or isinstance(t, ox.Triple | ox.BlankNode):
        return "" if t is None else str(t)
    return short(t.value) if isinstance(t, ox.NamedNode) else t.value


# Read-only screening -------------------------------------------------------------------------
# Oxigraph has no parse-only API and evaluates SERVICE by making HTTP requests, so the check
# must happen before the query reaches it. The text is lexed the way SPARQL lexes it: comments,
# IRIs, strings and escaped characters of prefixed names are blanked, so a keyword inside them is
# ignored, and what remains can only hold SERVICE as the keyword (flagging a rare false positive
# such as `ex:self-service` is preferred over missing one). Oxigraph does not apply \\uXXXX
# escapes outside strings (checked), so neither do we: doing so would mis-lex "\\u0022".
_OPAQUE = re.compile(r'''
      \\.                                    # escaped character in a prefixed name: ex:a\#
    | \#[^\n\r]*                             # comment
    | <[^<>"{}|^`\\\x00-\x20]*>              # IRI
    | """(?:[^"\\]|\\.|"(?!""))*"""          # long strings
    | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
    | "(?:[^"\\\n\r]|\\.)*"                  # short strings
    | '(?:[^'\\\n\r]|\\.)*'
''', re.VERBOSE)
_KEYWORD = r"(?<![A-Za-z_?$:])({})(?![\w:])"
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.IGNORECASE)
_FORM = re.compile(_KEYWORD.format("SELECT|CONSTRUCT|DESCRIBE|ASK|INSERT|DELETE|LOAD|CLEAR|DROP"
                                   "|CREATE|ADD|MOVE|COPY|WITH"), re.IGNORECASE)
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_POSITION = re.compile(r"at (\d+):(\d+)")


# Oxigraph's SPARQL parser recurses per nesting level and overflows the native stack (the
# whole process dies with SIGSEGV) at a few thousand levels of { or (; found by the hostile
# input tests. Real queries nest a handful of levels.
MAX_NESTING = 128
_BRACKET = re.compile(r"[(){}\[\]]")
_OPENING = frozenset("({[")


def screen_query(sparql: str) -> None:
    """Refuse SPARQL updates, any query that mentions SERVICE and queries nested deeper than
    MAX_NESTING, before parsing."""
    code = _OPAQUE.sub(" ", sparql)
    depth = 0
    for bracket in _BRACKET.findall(code):
        depth = depth + 1 if bracket in _OPENING else depth - 1
        if depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets deeper than {MAX_NESTING} levels")
    form = _FORM.search(code)
    if form and form.group(1).upper() not in _QUERY_FORMS:
        raise UpdateRefused("the SPARQL endpoint is read-only: updates "
                            f"({form.group(1).upper()}) are refused")
    if _SERVICE.search(code):
        raise ServiceRefused("SERVICE is refused: the endpoint makes no outbound requests")


def syntax_error(exc: SyntaxError) -> QueryError:
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    error = QueryError(f"SPARQL syntax error: {text}")
    if found := _POSITION.search(text):
        error.line, error.column = int(found.group(1)), int(found.group(2))
    return error
