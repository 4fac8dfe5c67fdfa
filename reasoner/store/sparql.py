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
    truncated: bool = False  # a limit was reached; more rows may exist
    cut: str | None = None  # which limit: "rows" or "bytes"


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    triples: tuple[ox.Triple, ...]
    truncated: bool = False
    cut: str | None = None


QueryResult = SelectResult | AskResult | GraphResult
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_XSD_STRING = XSD + "string"


def term_text(term: Term) -> str:
    """A term in N-Triples syntax, which SPARQL reads with the same escapes."""
    if isinstance(term, ox.Triple):
        return f"<<( {term_text(term.subject)} {term_text(term.predicate)} " \
               f"{term_text(term.object)} )>>"
    return str(term)


def json_term(t: Term) -> dict:
    """A term as SPARQL 1.1 Query Results JSON writes it."""
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(t.subject),
                                            "predicate": json_term(t.predicate),
                                            "object": json_term(t.object)}}
    if not isinstance(t, ox.Literal):
        return {"type": "uri" if isinstance(t, ox.NamedNode) else "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
        if t.direction is not None:  # RDF 1.2 "x"@en--ltr: the results format's its:dir
            out["its:dir"] = str(t.direction)
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
            {v: json_term(t) for v, t in zip(result.variables, row, strict=True)
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


_POSITION = re.compile(r"at (\d+):(\d+)")


def syntax_error(exc: SyntaxError) -> QueryError:
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    error = QueryError(f"SPARQL syntax error: {text}")
    if found := _POSITION.search(text):
        error.line, error.column = int(found.group(1)), int(found.group(2))
    return error
