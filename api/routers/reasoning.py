"""POST /v1/reason: a case document in, one determination per requested service out."""

import asyncio

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.bodies import CASE_BODY
from api.deps import CaseBodyDep, StoringDep
from api.fastjson import json_response
from api.schemas import CaseReport, error_responses
from reasoner.engine.report import case_json

router = APIRouter(prefix="/v1", tags=["reasoning"])
# Bodies up to this size are decided on the event loop (a few ms at most); larger ones in the
# thread pool.
INLINE_BODY_BYTES = 64 << 10


@router.post(
    "/reason", response_model=CaseReport, openapi_extra=CASE_BODY,
    summary="Decide a case against the MTUS guidelines",
    description="The body is a case as Turtle (`text/turtle`) or JSON-LD "
                "(`application/ld+json` or `application/json`, context "
                "`https://w3id.org/mtus-kg/context.jsonld`), chosen by Content-Type. "
                "Returns one determination per requested service with outcome, citation, "
                "criteria trace and missing documentation. Unless `store=false`, the case "
                "and its determinations are stored (the case graph is replaced) and `run` "
                "names the stored run graph.",
    responses=error_responses(400, 401, 413, 415, 422, 500))
async def reason(request: Request, body: CaseBodyDep, storing: StoringDep) -> Response:
    # The knowledge base and the store straight from the app state rather than as KbDep and
    # StoreDep: FastAPI solves each dependency on every request, and this is the hot path.
    kb, store = request.app.state.kb, request.app.state.store
    if len(body.data) <= INLINE_BODY_BYTES:
        # A case this size decides in 1-3 ms: a hop to the thread pool would cost more CPU
        # than that under load (measured: 2.6 -> 4.2 ms of server CPU a request).
        result = kb.reason_document(body.data, body.media_type, source="request body")
    else:  # a large document can take seconds: the loop keeps answering (/health) meanwhile
        result = await run_in_threadpool(kb.reason_document, body.data, body.media_type,
                                         "request body")
    report = case_json(result, kb)
    report["run"] = await _store(store, result, kb) if storing else None
    # Serialised here, once: CaseReport would pass the dict through unchanged (extra keys
    # allowed, no coercion), so validating it on every request only costs time.
    return json_response(report)


async def _store(store, result, kb) -> str:  # noqa: ANN001
    """The embedded store's group commit answers through a future the loop awaits; a store
    whose writes block (a SPARQL server) is written from the thread pool."""
    later = getattr(store, "save_case_later", None)
    if later is None:
        return await run_in_threadpool(store.save_case, result, kb)
    run, committed = later(result, kb)
    await asyncio.wrap_future(committed)
    return run
