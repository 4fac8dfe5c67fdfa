"""Input that used to end in a 500, a silent loss of data or a position in a document the
user never wrote: each is a 400 naming source, line, column and term. Also the deadline on
reading a request body (api/limits.py), and a mutation test that intake raises nothing but
InputError whatever it is given."""

from __future__ import annotations

import asyncio
import json
import pickle
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import pytest
import uvicorn
from fastapi import Depends, FastAPI

from api import errors as api_errors
from api.limits import (
    HEADER_DEADLINE_PROTOCOL,
    BodyLimit,
    H11HeaderDeadline,
    HttpToolsHeaderDeadline,
    RawBody,
    raw_body,
)
from reasoner.engine.intake import local_context, parse
from reasoner.engine.jsonld import MAX_NUMBER_CHARS, JsonLdDocument
from reasoner.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SEED_TTL = (ROOT / "examples" / "seed-case.ttl").read_bytes()
SEED_JSONLD = (ROOT / "examples" / "seed-case.jsonld").read_bytes()
CTX = "https://w3id.org/mtus-kg/context.jsonld"
JSONLD = {"content-type": "application/ld+json"}


def refusal(text: str | bytes, media: str = "application/ld+json", **kwargs) -> InputError:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(InputError) as err:
        parse(data, media, source="case.jsonld", **kwargs)
    error = err.value
    assert error.source == "case.jsonld" and error.message
    json.dumps(error.as_dict()).encode()  # what the API sends must be writable as UTF-8
    return error


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column (in characters) of the nth occurrence of `needle`."""
    offset = -1
    for _ in range(nth):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def case(*lines: str) -> str:
    """A small JSON-LD case on the published context, one member per line."""
    return "\n".join(['{', f'  "@context": "{CTX}",', '  "id": "urn:case:1",',
                      '  "type": "Case",', *lines, '  "label": "end"', '}'])


# 1. Numbers Python reads but JSON or a double cannot hold -----------------------------------

@pytest.mark.parametrize("number,words", [
    ("1" * 5000, "number too long"),
    ("-" + "9" * (MAX_NUMBER_CHARS + 1), "number too long"),
    ("0." + "1" * 200, "number too long"),
    ("1e999999", "out of range"),
    ("-1.5E400", "out of range"),
    ("1e-999999", "out of range"),
    ("NaN", "not a JSON number"),
    ("Infinity", "not a JSON number"),
    ("-Infinity", "not a JSON number"),
])
def test_numbers_json_ld_cannot_take_are_refused_where_they_are(number, words):
    text = case('  "worker": {"id": "urn:w", "type": "InjuredWorker",',
                f'             "age": {number}}},')
    error = refusal(text)
    assert words in error.message
    assert (error.line, error.column) == at(text, number)
    assert error.term == "age"


def test_a_long_number_in_an_array_names_its_property():
    text = case(f'  "urn:x:scores": [1, 2,\n    {"7" * 4400}],')
    error = refusal(text)
    assert (error.line, error.term) == (at(text, "7777")[0], "urn:x:scores")


def test_numbers_that_fit_are_read_as_before():
    text = case('  "urn:x:a": -0, "urn:x:b": -0.0, "urn:x:c": 1.5e308, "urn:x:d": 0e-999999,',
                f'  "urn:x:e": {"1" * MAX_NUMBER_CHARS},')
    values = {t.predicate.value: t.object.value for t in parse(text.encode(),
                                                               "application/ld+json")}
    assert values["urn:x:a"] == values["urn:x:b"] == "0"
    assert values["urn:x:c"] == "1.5E308"
    assert values["urn:x:e"]  # a long integer becomes a double, as JSON-LD says


def test_a_number_too_long_through_the_api_is_a_400(client):
    doc = case('  "worker": {"id": "urn:w", "type": "InjuredWorker",',
               f'             "age": {"1" * 5000}}},')
    response = client.post("/v1/reason?store=false", content=doc.encode(), headers=JSONLD)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad-input" and "number too long" in error["message"]
    assert (error["line"], error["column"], error["term"]) == (*at(doc, "1111"), "age")


# 2. Positions are positions in the user's document ------------------------------------------

def test_a_document_without_the_published_context_reaches_the_parser_unchanged():
    data = b'{"@context": {"@vocab": "urn:v#"},\n "@id": "urn:a", "p": "x"}'
    assert JsonLdDocument.screen(data, "x", None).data is data


def test_the_published_context_is_substituted_in_place():
    text = case('  "worker": {"@context": "http://localhost:8000/v1/context.jsonld",',
                '             "id": "urn:w", "age": 44},')
    screened = JsonLdDocument.screen(text.encode(), "x", None).data.decode()
    # Every line keeps its number, and every byte off the context IRIs is the user's.
    assert screened.count("\n") == text.count("\n")
    for original, given in zip(text.splitlines(), screened.splitlines(), strict=True):
        if "context.jsonld" in original:
            before, _, after = original.partition('"http')
            assert given.startswith(before) and given.endswith(after.partition('"')[2])
        else:
            assert given == original
    assert json.loads(screened)["@context"] == local_context()


@pytest.mark.parametrize("line,words", [
    ('  "worker": {"@id": 5},', "@id value must be a string"),
    ('  "worker": {"id": "urn:w", "type": {"not": "a type"}},', "@type value must be a string"),
    ('  "urn:x:when": {"@value": "2015", "@id": "urn:x:y"},', "@value and @id are incompatible"),
    ('  "urn:x:n": {"@value": 3, "@language": "en"},', "@language"),
    ('  "urn:x:v": {"@value": {"a": 1}},', "@value value must be"),
    ('  "urn:x:d": {"@value": "x", "@type": "http://ex.org/a type"},', "IRI"),
])
@pytest.mark.parametrize("layout", ["pretty", "context-later"])
def test_json_ld_errors_are_reported_on_their_line(line, words, layout):
    # Several lines of padding, so that a position in the rewritten document (the context
    # substituted) would be a different line or column.
    text = case(*[f'  "urn:x:before{i}": "{i}",' for i in range(5)], line,
                *[f'  "urn:x:after{i}": "{i}",' for i in range(5)])
    if layout == "context-later":  # the context after the members, on the error's line
        text = text.replace(f'  "@context": "{CTX}",\n', "").replace(
            line, line + f' "@context": ["{CTX}", {{"x": "urn:x:"}}],')
    error = refusal(text)
    assert words in error.message
    assert error.line == at(text, line.strip()[:14])[0]
    assert error.column is not None


def test_a_json_ld_error_after_a_long_context_on_the_same_line_keeps_its_column():
    text = (f'{{"@context": "{CTX}", "id": "urn:a", "type": "Case", '
            '"urn:x:v": {"@value": 1, "@id": "urn:b"}}')
    error = refusal(text)
    assert (error.line, error.column) == at(text, '{"@value"')  # the value object


def test_parser_positions_are_mapped_back_through_the_substitution():
    """pyoxigraph gives byte columns in what it was given (the context substituted); the
    error names the character column in the user's text. Lone surrogates, the one JSON the
    parser refuses with a position after Python's reader took it, are caught before; so the
    mapping is driven with the parser's own kind of error."""
    text = f'{{"@context": "{CTX}", "label": "héllo", "urn:x:p": "x"}}\n  "urn:x:q": 1'
    document = JsonLdDocument(source="x", text=text, doc=json.loads(text.partition("\n")[0]),
                       data=b"", base_iri=None, contexts=[("@context",)])
    document._substitute_contexts()
    given = document.data
    for needle in ('"urn:x:p"', '"urn:x:q"'):
        offset = given.index(needle.encode())
        line = given.count(b"\n", 0, offset) + 1
        byte_column = offset - (given.rfind(b"\n", 0, offset) + 1) + 1
        exc = SyntaxError(f"Parser error at line {line} column {byte_column}: Unexpected x")
        exc.lineno, exc.offset = line, byte_column
        error = document.error(exc)
        assert (error.line, error.column) == at(text, needle)
        assert error.message == "Unexpected x"


def test_a_position_inside_the_substituted_context_points_at_its_iri():
    text = f'{{"@context": "{CTX}", "urn:x:p": 1}}'
    document = JsonLdDocument(source="x", text=text, doc=json.loads(text), data=b"", base_iri=None,
                       contexts=[("@context",)])
    document._substitute_contexts()
    exc = SyntaxError("Parser error at line 1 column 40: x")
    exc.lineno, exc.offset = 1, 40
    assert (document.error(exc).line, document.error(exc).column) == at(text, f'"{CTX}"')


def test_malformed_json_keeps_the_reader_position_with_a_byte_order_mark():
    error = refusal(b"\xef\xbb\xbf{\n  \"id\": ,\n}")
    assert (error.line, error.column) == (2, 9)


# 3. Invalid IRIs are refused, not silently dropped ------------------------------------------

BAD_IRIS = ["http://exa mple.org/x y", "::::", "http://[bad", "rel/x", "", "@foo", "_:b 0",
            "urn:a\\u0000b", "1http://x"]


def _named_by_pyoxigraph(doc: dict) -> set[str]:
    """The IRIs of the subjects pyoxigraph alone makes of `doc` (published context inlined)."""
    if doc.get("@context") == CTX:
        doc = {**doc, "@context": local_context()}
    return {q.subject.value for q in ox.parse(json.dumps(doc).encode(),
                                              format=ox.RdfFormat.JSON_LD)
            if isinstance(q.subject, ox.NamedNode)}


@pytest.mark.parametrize("bad", BAD_IRIS)
def test_an_invalid_node_id_is_refused_naming_it(bad):
    value = json.loads(f'"{bad}"')
    doc = {"@context": CTX, "id": "urn:case:1", "type": "Case",
           "worker": {"id": value, "type": "InjuredWorker", "age": 44}}
    # What used to happen: the worker vanished, or lost its IRI, without a word.
    assert _named_by_pyoxigraph(doc) == {"urn:case:1"}
    assert "urn:w" in _named_by_pyoxigraph({**doc, "worker": {**doc["worker"], "id": "urn:w"}})
    text = json.dumps(doc, indent=2)
    assert text.splitlines()[5].startswith('    "id": ')
    error = refusal(text)
    assert error.term == value.encode("utf-8", "backslashreplace").decode()
    assert (error.line, error.column) == (6, 11)  # the value of the worker's "id"


@pytest.mark.parametrize("member,bad", [
    ('"worker": "{bad}"', "http://exa mple.org/x y"),  # "@type": "@id" in the context
    ('"concept": "{bad}"', "term:Lumbar Spine"),  # a compact IRI: prefix expanded
    ('"sex": "{bad}"', "Ma le"),  # "@type": "@vocab"
    ('"worker": {{"type": ["InjuredWorker", "{bad}"]}}', "Ca se"),
    ('"urn:x:p": {{"@id": "{bad}"}}', "http://[bad"),
    ('"diagnosis": ["urn:d1", "{bad}"]', "::::"),
    ('"urn:x:d": {{"@value": "x", "@type": "{bad}"}}', "xsd:da te"),
    ('"urn:x:t": {{"@value": "x", "@language": "{bad}"}}', "e n"),
    ('"{bad}": 1', "sour ce"),  # a key that @vocab makes an invalid IRI
    ('"{bad}": 1', "_:p"),  # a blank node as property
])
def test_invalid_iris_in_any_iri_position_are_refused(member, bad):
    text = case("  " + member.format(bad=bad) + ",")
    error = refusal(text)
    assert error.term == bad
    assert error.line == at(text, member.format(bad=bad)[:8])[0]


def test_relative_iris_resolve_against_a_base():
    doc = {"@context": {"@base": "http://ex.org/a/", "@vocab": "http://ex.org/v#"},
           "@id": "b", "p": {"@id": "../c"}}
    triples = parse(json.dumps(doc).encode(), "application/ld+json")
    assert [(t.subject.value, t.object.value) for t in triples] == [
        ("http://ex.org/a/b", "http://ex.org/c")]
    error = refusal(json.dumps({**doc, "@id": "b c"}))
    assert error.term == "b c"
    assert parse(b'{"@id": "x", "urn:p": 1}', "application/ld+json",
                 base_iri="http://ex.org/")[0].subject.value == "http://ex.org/x"


VALID = {
    "prefix": {"@context": {"ex": "http://ex.org/", "@vocab": "http://v/"},
               "@id": "ex:a", "p": {"@id": "ex:b"}, "@type": "ex:T"},
    "undefined prefix": {"@id": "foo:bar", "urn:p": {"@id": "mailto:x@y.org"}},
    "aliases": {"@context": {"ident": "@id", "kind": "@type", "@vocab": "http://v/"},
                "ident": "urn:a", "kind": "K", "p": 1},
    "property-scoped": {"@context": {"@vocab": "http://v/", "p": {"@id": "http://v/p",
                        "@context": {"q": {"@id": "http://q/", "@type": "@id"}}}},
                        "@id": "urn:a", "p": {"@id": "urn:b", "q": "urn:c"}},
    "type-scoped": {"@context": {"@vocab": "http://v/", "T": {"@id": "http://v/T",
                    "@context": {"pre": "http://pre/"}}}, "@type": "T", "@id": "pre:x",
                    "p": "x"},
    "graph": {"@context": CTX, "@graph": [{"id": "urn:a", "type": "Case"},
                                          {"id": "urn:b", "label": "x"}]},
    "list": {"@context": {"@vocab": "http://v/", "l": {"@container": "@list",
                                                       "@type": "@id"}},
             "@id": "urn:a", "l": ["urn:x", "urn:y"]},
    "set": {"@context": CTX, "id": "urn:a", "diagnosis": {"@set": ["term:X", "urn:y"]}},
    "reverse": {"@context": {"@vocab": "http://v/"}, "@id": "urn:a",
                "@reverse": {"knows": {"@id": "urn:b"}}},
    "nest": {"@context": {"@vocab": "http://v/", "meta": "@nest"}, "@id": "urn:a",
             "meta": {"p": "x"}},
    "included": {"@context": {"@vocab": "http://v/"}, "@id": "urn:a",
                 "@included": [{"@id": "urn:b", "p": 1}]},
    "language map": {"@context": {"@vocab": "http://v/", "n": {"@container": "@language"}},
                     "@id": "urn:a", "n": {"en": "x", "fr": "y"}},
    "index map": {"@context": {"@vocab": "http://v/", "n": {"@container": "@index"}},
                  "@id": "urn:a", "n": {"any key at all": {"@id": "urn:b"}}},
    "id map": {"@context": {"@vocab": "http://v/", "n": {"@container": "@id"}},
               "@id": "urn:a", "n": {"urn:b": {"p": 1}}},
    "json literal": {"@context": {"@vocab": "http://v/", "j": {"@type": "@json"}},
                     "@id": "urn:a", "j": {"not a term": [1, {"@id": "not an IRI"}]}},
    "null term": {"@context": {"@vocab": "http://v/", "ignored": None}, "@id": "urn:a",
                  "ignored": {"@id": "not read"}, "x": 1},
    "null context": {"@context": [CTX, None, {"@vocab": "http://v/"}], "@id": "urn:a", "x": 1},
    "blank nodes": {"@id": "_:b0", "urn:p": {"@id": "_:b1"}},
    "no ids": {"@context": CTX, "type": "Case", "worker": {"type": "InjuredWorker"}},
    "service context": {"@context": "http://localhost:8000/v1/context.jsonld", "id": "urn:a",
                        "label": "x"},
    "nested contexts": {"@context": [CTX, {"ex": "http://ex/"}], "id": "ex:a",
                        "worker": {"@context": CTX, "id": "urn:w", "age": 3}},
    "value objects": {"@context": CTX, "id": "urn:a",
                      "label": {"@value": "x", "@language": "en-US"},
                      "urn:d": {"@value": "2020-01-01", "@type": "xsd:date"}},
    "IRIs": {"@id": "http://ex.org/%20x?y=1#z", "http://ex.org/é": "ü",
             "urn:p": {"@id": "http://ex.org/é"}},
    "surrogate pair": {"@id": "urn:a", "urn:p": "\U0001F600"},
}


@pytest.mark.parametrize("name", VALID)
def test_valid_json_ld_reads_as_pyoxigraph_reads_it(name):
    doc = VALID[name]
    resolved = json.loads(json.dumps(doc).replace(
        json.dumps("http://localhost:8000/v1/context.jsonld"), json.dumps(CTX)).replace(
        json.dumps(CTX), json.dumps(local_context())))
    expected = {str(q) for q in ox.parse(json.dumps(resolved).encode(),
                                         format=ox.RdfFormat.JSON_LD)}
    assert expected, "the example should say something"
    got = {str(t) for t in parse(json.dumps(doc, indent=1, ensure_ascii=False).encode(),
                                 "application/ld+json")}
    strip = re.compile(r"_:\w+")  # blank node labels the parser makes up
    assert {strip.sub("_:", t) for t in got} == {strip.sub("_:", t) for t in expected}


@pytest.mark.parametrize("iri", ["http://exa mple.org/x", "http://[bad", "::::", "rel/x"])
def test_turtle_refuses_invalid_iris_on_their_line(iri):
    text = f'<urn:a> <urn:p> "x" .\n<urn:a> <urn:q> <{iri}> .\n'
    error = refusal(text, "text/turtle")
    assert error.line == 2 and error.column is not None


def test_an_invalid_iri_through_the_api_is_a_400_naming_it(client):
    doc = case('  "worker": {"id": "http://exa mple.org/w", "type": "InjuredWorker"},')
    response = client.post("/v1/validate", content=doc.encode(), headers=JSONLD)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["term"], error["line"]) == ("http://exa mple.org/w", 5)


def test_a_repeated_key_is_refused_at_its_repeat():
    text = '{\n  "@id": "urn:a",\n  "urn:p": 1,\n  "urn:p": 2\n}'
    error = refusal(text)
    assert (error.line, error.term) == (4, "urn:p")
    # A second @context could otherwise hide a remote one from the screen.
    text = f'{{"@context": "{CTX}",\n "@context": "http://evil.example/ctx", "@id": "urn:a"}}'
    assert refusal(text).line == 2


def test_lone_surrogates_are_refused_and_the_error_is_writable(client):
    text = '{\n  "@id": "urn:a",\n  "urn:p": "x\\ud800"\n}'
    error = refusal(text)
    assert (error.line, error.term) == (3, "urn:p")
    key = '{\n  "@id": "urn:a",\n  "urn:\\udc00": 1\n}'
    assert refusal(key).line == 3
    response = client.post("/v1/validate", content=key.encode(), headers=JSONLD)
    assert response.status_code == 400 and response.json()["error"]["line"] == 3


@pytest.mark.parametrize("data", [
    '{"@id": "urn:a", "urn:p": 1}'.encode("utf-16"),
    '{"@id": "urn:a", "urn:p": "caf\xe9"}'.encode("latin-1"),
    b'{"@id": "urn:a", "urn:p": "\x00"}',
    b"\xef\xbb\xbf",
])
def test_json_that_is_not_utf8_or_has_raw_control_characters_is_refused(data):
    refusal(data)


def test_a_byte_order_mark_is_not_data():
    for data, media in ((SEED_TTL, "text/turtle"), (SEED_JSONLD, "application/ld+json")):
        assert len(parse(b"\xef\xbb\xbf" + data, media)) == len(parse(data, media))


# 4. The deadline for a request body -----------------------------------------------------------

def tiny_app(timeout: float) -> FastAPI:
    """The project's error handlers and body access behind BodyLimit, without the KB."""
    app = FastAPI()
    app.add_middleware(BodyLimit, max_bytes=4096, body_timeout_seconds=timeout)
    api_errors.install(app)

    @app.post("/echo")
    async def echo(body: Annotated[RawBody, Depends(raw_body)]) -> dict:
        return {"bytes": len(body.data)}

    return app


class QuickHttpTools(HttpToolsHeaderDeadline):
    header_timeout_seconds = 1.0


class QuickH11(H11HeaderDeadline):
    header_timeout_seconds = 1.0


@pytest.fixture(params=[QuickHttpTools, QuickH11])
def server(request) -> Iterator[int]:
    """tiny_app(1 s) served by uvicorn on a free loopback port, with either HTTP parser
    (each decides on its own whether to close a connection) and a 1 s deadline for request
    heads; yields the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(tiny_app(1.0), host="127.0.0.1", port=port, lifespan="off",
                            log_level="warning", http=request.param)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def exchange(port: int, head: bytes, chunks: list[bytes], pause: float = 0.0) -> bytes:
    """Send `head`, then each chunk `pause` seconds apart; return all the server sends until
    it closes the connection (the test fails if it does not within 10 s)."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(10)
        conn.sendall(head)
        for chunk in chunks:
            time.sleep(pause)
            conn.sendall(chunk)
        received = b""
        while True:
            try:
                data = conn.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                return received
            received += data
        return received


def test_a_body_shorter_than_its_content_length_is_408_and_closed(server):
    started = time.monotonic()
    answer = exchange(server, b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/turtle"
                              b"\r\nContent-Length: 1000\r\n\r\n", [b"0123456789"])
    elapsed = time.monotonic() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer
    assert b"connection: close" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == "request-timeout" and error["message"]
    assert 0.9 <= elapsed < 5


def test_a_trickled_chunked_body_is_408(server):
    started = time.monotonic()
    answer = exchange(server, b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked"
                              b"\r\n\r\n", [b"1\r\na\r\n"] * 3, pause=0.25)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["code"] == "request-timeout"
    assert time.monotonic() - started < 5


def test_a_prompt_body_is_served_and_the_connection_kept(server):
    with socket.create_connection(("127.0.0.1", server)) as conn:
        conn.settimeout(10)
        for _ in range(2):  # two requests on one connection: no close after a normal one
            conn.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            answer = conn.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"bytes":3}')


class Recorder:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def __call__(self, message: dict) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return self.messages[0]["status"]

    @property
    def headers(self) -> dict:
        return dict(self.messages[0]["headers"])

    @property
    def body(self) -> dict:
        return json.loads(b"".join(m.get("body", b"") for m in self.messages[1:]))


def http_scope() -> dict:
    return {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}


def test_the_deadline_covers_the_whole_body_not_each_chunk():
    """At ASGI level: every chunk comes quickly, but together they take longer than the
    deadline. A bare ASGI app (no error handlers): the middleware answers itself."""
    chunks = iter([b"a"] * 50)

    async def receive() -> dict:
        await asyncio.sleep(0.01)
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def app(scope, receive, send) -> None:
        while (await receive()).get("more_body"):
            pass

    send = Recorder()
    started = time.monotonic()
    asyncio.run(BodyLimit(app, max_bytes=1000, body_timeout_seconds=0.2)(
        http_scope(), receive, send))
    assert 0.2 <= time.monotonic() - started < 1
    assert send.status == 408 and send.headers[b"connection"] == b"close"
    assert send.body["error"]["code"] == "request-timeout"


def test_no_deadline_once_the_body_is_in():
    """After the last chunk an app may wait on receive() for the disconnect (streaming
    responses do): that wait is not a slow body."""
    messages = iter([{"type": "http.request", "body": b"x", "more_body": False}])

    async def receive() -> dict:
        message = next(messages, None)
        if message is None:
            await asyncio.sleep(0.3)
            return {"type": "http.disconnect"}
        return message

    async def app(scope, receive, send) -> None:
        assert (await receive())["body"] == b"x"
        assert (await receive())["type"] == "http.disconnect"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    send = Recorder()
    asyncio.run(BodyLimit(app, max_bytes=10, body_timeout_seconds=0.1)(
        http_scope(), receive, send))
    assert send.status == 200 and b"connection" not in send.headers


def test_the_body_timeout_must_be_positive():
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError):
            BodyLimit(tiny_app(1.0), max_bytes=10, body_timeout_seconds=bad)


# 5. Whatever the bytes, intake raises InputError or reads them -------------------------------

TOKENS = [b"{", b"}", b"[", b"]", b'"', b":", b",", b"\\", b"\\u", b"\\ud800", b"\x00",
          b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xe2\x80\xae", b"NaN", b"1e999999",
          b"1" * 4400, b'"@id"', b'"@type"', b'"@context"', b'"@value"', b'"@graph"',
          b'"@list"', b'"@reverse"', b'"_:b"', b'"http://x y"', b'"term:A B"', b"@prefix",
          b"<", b">", b"<http://[bad>", b" a ", b";", b".", b"(", b")", b"^^", b"@en",
          b'"""', b"#", b"\n", b"\r\n", b"\t", b"true", b"null", b"-0", b"'", "é".encode(),
          "\U0001F600".encode(), b"\x7f", b"[" * 70, b"{\"a\":" * 70, b"( " * 300]

JSON_VALUES = [5, -0.0, None, True, "", "::::", "_:", "_:b 0", "@id", "term:Bad X",
               "http://exa mple/", {"@id": 5}, {"@value": 1, "@id": "urn:x"},
               {"@value": "x", "@language": "e n"}, {"@context": "http://remote.example/"},
               {"@context": {"@import": "urn:x"}}, {"@context": None}, {"@list": [1]},
               {"@set": [{"@id": "urn:z"}]}, {"@graph": [{"@id": "urn:g"}]},
               {"@reverse": {"urn:p": "x"}}, {"@type": 5}, {"@type": ["Case", 7]},
               [[[[["deep"]]]]], {"@id": "urn:n", "@type": "@json"}, "\ud800"]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out) + 1)
        action = rng.randrange(5)
        if action == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif action == 1:
            del out[at:at + rng.randint(1, 40)]
        elif action == 2:
            out[at:at] = rng.choice(TOKENS)
        elif action == 3:
            start = rng.randrange(len(out) + 1)
            out[at:at] = out[start:start + rng.randint(1, 200)]
        else:
            out = out[:at]
    return bytes(out)


KEYS = ["@id", "@type", "@context", "@value", "@language", "@list", "@set", "@graph",
        "@reverse", "@index", "@nest", "@included", "@json", "@none", "@base", "@vocab",
        "@container", "id", "type", "concept", "a b", "_:p", "", "term:", "@"]


def mutate_json(rng: random.Random, doc: object) -> object:
    """Replace one value or key somewhere in the document (JSON-LD shapes, not just bytes)."""
    if isinstance(doc, dict) and doc and rng.random() < 0.8:
        key = rng.choice(list(doc))
        if rng.random() < 0.2:  # the same value under another key
            return {**{k: v for k, v in doc.items() if k != key}, rng.choice(KEYS): doc[key]}
        return {**doc, key: mutate_json(rng, doc[key])}
    if isinstance(doc, list) and doc and rng.random() < 0.8:
        index = rng.randrange(len(doc))
        return doc[:index] + [mutate_json(rng, doc[index])] + doc[index + 1:]
    return rng.choice(JSON_VALUES)


def generated_inputs() -> Iterator[tuple[bytes, str]]:
    rng = random.Random(20261203)
    seed_doc = json.loads(SEED_JSONLD)
    for _ in range(200):
        yield mutate_bytes(rng, SEED_TTL), "text/turtle"
        yield mutate_bytes(rng, SEED_JSONLD), "application/ld+json"
    for _ in range(200):
        doc = seed_doc
        for _ in range(rng.randint(1, 3)):
            doc = mutate_json(rng, doc)
        text = json.dumps(doc, indent=rng.choice([None, 2]), ensure_ascii=rng.random() < 0.5)
        yield text.encode("utf-8", "surrogatepass"), "application/ld+json"
    for _ in range(40):
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        yield noise, rng.choice(["text/turtle", "application/ld+json",
                                 "application/n-triples"])
    for media, data in (("text/turtle", SEED_TTL), ("application/ld+json", SEED_JSONLD)):
        yield data.decode().encode("utf-16"), media
        yield data.decode().encode("utf-32"), media
        yield data.replace(b"\n", b"\x00\n"), media
        yield b"[" * 100_000, media
        yield b'{"a":' * 50_000, media
        yield "\u202e\u200b\ufeff".encode() + data, media
    for scalar in (b'"\\ud800"', b"5", b"null", b"[]", b"{}", b'"x"', b"-"):
        yield scalar, "application/ld+json"


def test_intake_raises_only_input_errors_whatever_the_input():
    outcomes = {"read": 0, "refused": 0}
    for data, media in generated_inputs():
        try:
            parse(data, media, source="fuzz")
            outcomes["read"] += 1
        except InputError as error:
            assert error.message and error.source == "fuzz"
            json.dumps(error.as_dict()).encode()
            outcomes["refused"] += 1
        # anything else propagates and fails the test, with the input in the traceback
    assert outcomes["read"] > 20 and outcomes["refused"] > 200, outcomes


def test_trickled_headers_are_408_and_closed(server):
    """A head sent a byte at a time never reaches the app: the protocol's own deadline."""
    started = time.monotonic()
    answer = exchange(server, b"POST /echo HTTP/1.1\r\nHost: t\r\nX-Slow: ",
                      [b"a"] * 3, pause=0.25)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["code"] == "request-timeout"
    assert 0.9 <= time.monotonic() - started < 5


def test_a_connection_that_sends_nothing_is_closed(server):
    started = time.monotonic()
    assert exchange(server, b"", []).startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 5


def test_the_protocol_to_serve_with_is_httptools_and_can_go_to_worker_processes():
    assert HEADER_DEADLINE_PROTOCOL is HttpToolsHeaderDeadline  # uvicorn[standard]
    assert pickle.loads(pickle.dumps(HEADER_DEADLINE_PROTOCOL)) is HEADER_DEADLINE_PROTOCOL


def test_an_idle_keep_alive_connection_is_not_a_slow_head(server):
    """Between requests the connection is idle, not slow: uvicorn's keep-alive timeout (5 s)
    applies there, not the 1 s deadline for a head."""
    with socket.create_connection(("127.0.0.1", server)) as conn:
        conn.settimeout(10)
        for request in range(2):
            time.sleep(1.5 if request else 0)
            conn.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx")
            assert conn.recv(65536).startswith(b"HTTP/1.1 200")


# What pyoxigraph's JSON-LD parser spends time on is bounded --------------------------------

def test_many_contexts_or_terms_are_refused_before_the_parser_spends_minutes_on_them():
    many = {"@context": {"@vocab": "urn:v#"}, "@graph": [
        {"@context": {f"a{i}": "urn:a"}, "@id": f"urn:n{i}", "p": i} for i in range(200)]}
    text = json.dumps(many, indent=1)
    error = refusal(text)
    assert "contexts" in error.message and error.line is not None
    big = {"@context": {f"t{i}": f"urn:t{i}" for i in range(2000)}, "@id": "urn:a", "t1": 1}
    assert "term definitions" in refusal(json.dumps(big)).message


def test_a_scoped_context_counts_at_each_use():
    scoped = {f"s{i}": f"urn:s{i}" for i in range(900)}
    doc = {"@context": {"@vocab": "urn:v#", "p": {"@id": "urn:p", "@context": scoped}},
           "@graph": [{"@id": f"urn:n{i}", "p": {"@id": f"urn:m{i}"}} for i in range(100)]}
    started = time.monotonic()
    error = refusal(json.dumps(doc, indent=1))  # the parser alone: about half a second
    assert "applied" in error.message and error.term == "p"
    assert time.monotonic() - started < 0.5


def test_a_long_chain_of_prefixes_is_read_without_recursing_through_it():
    chain = {f"t{i}": f"t{i + 1}:x/" for i in range(990)} | {"t990": "urn:end/"}
    triples = parse(json.dumps({"@context": chain, "@id": "t0:a", "t0:p": 1}).encode(),
                    "application/ld+json")
    assert len(triples) == 1


# Triple terms (RDF 1.2) ------------------------------------------------------------------------

@pytest.mark.parametrize("body,media", [
    (b"<urn:c> <https://w3id.org/mtus-kg/ontology#diagnosis> <<( <urn:a> <urn:b> <urn:d> )>> .",
     "text/turtle"),
    (b"<urn:c> <urn:p> <urn:o> {| <urn:q> <urn:r> |} .", "text/turtle"),
    (b"<urn:c> <urn:p> <<( <urn:a> <urn:b> <urn:d> )>> .\n", "application/n-triples"),
])
def test_triple_terms_are_refused_as_bad_input_not_a_500(client, body, media):
    for route in ("/v1/reason?store=false", "/v1/validate"):
        response = client.post(route, content=body, headers={"content-type": media})
        assert response.status_code == 400, (route, response.text)
        assert response.json()["error"]["code"] == "bad-input"
