"""Bad input gets a clear error naming where, and input never makes us fetch anything."""

import json
import socket

import pytest

from reasoner.engine.intake import MAX_JSON_DEPTH, parse
from reasoner.errors import InputError


def test_malformed_turtle_names_line_and_column():
    data = (b"@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .\n<urn:a> mtus:x <urn:b> .\n"
            b"<urn:a> mtus:y <urn:b> <urn:c> .\n")
    with pytest.raises(InputError) as err:
        parse(data, "text/turtle", source="case.ttl")
    assert (err.value.source, err.value.line) == ("case.ttl", 3)
    assert err.value.column is not None
    assert "case.ttl:3:" in err.value.describe()


def test_malformed_json_names_line_and_column():
    with pytest.raises(InputError) as err:
        parse(b'{\n  "id": "urn:a",\n  "type": \n}', "application/ld+json")
    assert (err.value.line, err.value.column) == (4, 1)


def test_empty_and_binary_documents_are_refused():
    with pytest.raises(InputError, match="empty"):
        parse(b"  \n", "text/turtle")
    with pytest.raises(InputError):
        parse(b"\xff\xfe\x00\x01", "application/ld+json")


def test_unknown_media_type():
    with pytest.raises(InputError, match="unsupported media type"):
        parse(b"<a> <b> <c> .", "text/html")


def test_named_graphs_are_refused():
    doc = {"@context": {"@vocab": "urn:v#"}, "@id": "urn:g", "@graph": [{"@id": "urn:a", "p": 1}]}
    with pytest.raises(InputError, match="named graphs"):
        parse(json.dumps(doc).encode(), "application/ld+json")


def test_deep_json_is_refused():
    doc: dict = {"@id": "urn:a"}
    for _ in range(MAX_JSON_DEPTH + 5):
        doc = {"urn:p": doc}
    with pytest.raises(InputError, match="nested deeper"):
        parse(json.dumps(doc).encode(), "application/ld+json")


def test_remote_context_is_refused_without_a_connection():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    doc = {"@context": f"http://127.0.0.1:{port}/context.jsonld", "@id": "urn:a", "p": 1}
    try:
        with pytest.raises(InputError, match="remote JSON-LD contexts are not fetched") as err:
            parse(json.dumps(doc).encode(), "application/ld+json")
        assert err.value.term == f"http://127.0.0.1:{port}/context.jsonld"
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


def test_published_context_resolves_locally():
    doc = {"@context": "https://w3id.org/mtus-kg/context.jsonld", "id": "urn:c", "type": "Case",
           "request": [{"id": "urn:r", "requestDate": "2015-07-30"}]}
    triples = parse(json.dumps(doc).encode(), "application/ld+json")
    assert any(t.object.value == "2015-07-30" for t in triples)
