"""POST /v1/reason: a case document in, one determination per requested service out."""

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.bodies import CASE_BODY
from api.deps import CaseBodyDep, StoringDep
from api.fastjson import json_response
from api.schemas import CaseReport, error_responses
from reasoner.report import case_json

router = APIRouter(prefix="/v1", tags=["reasoning"])


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
    # Deciding is ~1-2 ms of pure CPU under the GIL: run inline, as a hop to the thread pool
    # costs about as much and buys no parallelism. The store write may wait on a disk or a
    # remote server, so it goes to the thread pool.
    result = kb.reason_document(body.data, body.media_type, source="request body")
    report = case_json(result, kb)
    report["run"] = await run_in_threadpool(store.save_case, result, kb) if storing else None
    # Serialised here, once: CaseReport would pass the dict through unchanged (extra keys
    # allowed, no coercion), so validating it on every request only costs time.
    return json_response(report)
