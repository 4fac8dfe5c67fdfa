"""POST /v1/reason: a case document in, one determination per requested service out."""

import asyncio
from functools import partial

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.bodies import CASE_BODY
from api.deps import CaseBodyDep, StoringDep
from api.fastjson import json_response
from api.limits import run_heavy
from api.results import negotiate, not_acceptable, serialize_graph
from api.schemas import error_responses
from reasoner.engine.report import CaseReport
from reasoner.workflows.cases import start_reason_case

router = APIRouter(prefix="/v1", tags=["reasoning"])
# Bodies up to this size are decided on the event loop (a few ms at most); larger ones on the
# heavy-work threads. (64 KiB let a case of 50 requests and 760 findings take ~80 ms of loop
# time: 250 of them at once kept /health unanswered for 15 s.)
INLINE_BODY_BYTES = 16 << 10
JSON = "application/json"
# The report as JSON (the output contract), or as the RDF run graph the store keeps.
REPORT_TYPES = (JSON, "text/turtle", "application/ld+json", "application/n-triples",
                "application/rdf+xml")
_PLAIN = frozenset(("", "*/*", JSON, "application/json, */*"))


@router.post(
    "/reason", response_model=CaseReport, openapi_extra=CASE_BODY,
    summary="Decide a case against the MTUS guidelines",
    description="The body is a case as Turtle (`text/turtle`) or JSON-LD "
                "(`application/ld+json` or `application/json`, context "
                "`https://w3id.org/mtus-kg/context.jsonld`), chosen by Content-Type. "
                "Returns one determination per requested service with outcome, citation, "
                "criteria trace and missing documentation. Unless `store=false`, the case "
                "and its determinations are stored (the case graph is replaced) and `run` "
                "names the stored run graph. By Accept: the report as JSON (default), or as "
                "the RDF run graph (determinations, criterion results, facts used; PROV-O) "
                "in Turtle, JSON-LD, N-Triples or RDF/XML.",
    responses={200: {"content": {m: {} for m in REPORT_TYPES[1:]}},
               **error_responses(400, 401, 406, 413, 415, 422, 500, 503)})
async def reason(request: Request, body: CaseBodyDep, storing: StoringDep) -> Response:
    media = _media(request.headers.get("accept"))  # a 406 before any work
    # The knowledge base and the store straight from the app state rather than as KbDep and
    # StoreDep: FastAPI solves each dependency on every request, and this is the hot path.
    kb = request.app.state.kb
    store = request.app.state.store if storing else None
    if len(body.data) <= INLINE_BODY_BYTES:
        # A case this size decides in 1-3 ms: a hop to the thread pool would cost more CPU
        # than that under load (measured: 2.6 -> 4.2 ms of server CPU a request).
        started = start_reason_case(kb, body.data, body.media_type, "request body", store)
    else:  # a large document can take seconds: the loop keeps answering (/health) meanwhile
        started = await run_heavy(partial(
            start_reason_case, kb, body.data, body.media_type, "request body", store))
    if started.committed is not None:  # the store's writer commits; the loop only waits
        await asyncio.wrap_future(started.committed)
    if media != JSON:  # the run graph, the very triples stored (megabytes for a large case:
        # written off the loop)
        payload = await run_heavy(lambda: serialize_graph(started.graph(), media))
        return Response(payload, media_type=media, headers={"Vary": "Accept"})
    # Serialised here, once, by orjson (the report's dataclasses natively); CaseReport in
    # response_model only documents it.
    return json_response(started.report)


def _media(accept: str | None) -> str:
    if accept is None or accept in _PLAIN:  # what clients send by default: no parsing
        return JSON
    media = negotiate(accept, REPORT_TYPES)
    if media is None:
        raise not_acceptable(REPORT_TYPES)
    return media
