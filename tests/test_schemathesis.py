"""Property-based requests generated from the OpenAPI document (schemathesis): whatever the
parameters, headers and bodies, the API never answers 5xx. At least 1000 requests per run,
derandomised so CI runs the same ones every time."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.main import create_app
from api.settings import Settings
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.embedded import Store

EXAMPLES_PER_OPERATION = 150
MIN_REQUESTS = 1000
_sent: list[tuple[str, str, int]] = []


@schemathesis.serializer("text/turtle", "application/sparql-query", "application/n-triples")
def _as_text(ctx, value) -> bytes:  # noqa: ANN001
    # The raw-body media types are documented as strings: send the generated text as is.
    return value.encode() if isinstance(value, str) else str(value).encode()


# Built at import, as schemathesis needs the schema at collection time; the KB load is cached.
APP = create_app(kb=KnowledgeBase.load(), store=Store.memory(),
                 settings=Settings(max_body_bytes=1 << 16))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _started():
    with TestClient(APP):  # runs the lifespan (the guideline catalogue) for the module
        yield


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case):
    response = case.call()
    _sent.append((case.method, case.path, response.status_code))
    assert response.status_code < 500, (case.method, case.path, case.query, case.headers,
                                        response.text[:500])


def test_enough_requests_were_generated():
    if not _sent:
        pytest.skip("run together with test_no_generated_request_gets_a_server_error")
    assert len(_sent) >= MIN_REQUESTS, len(_sent)
    assert {m for m, _, _ in _sent} >= {"GET", "POST"}
