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
    # Off the event loop, in one hop to the thread pool: a small case decides in ~1 ms, but a
    # large document can take seconds, and the loop must keep answering (/health) meanwhile.
    # The store write waits there too, for the group commit that holds it.
    report = await run_in_threadpool(_decide, kb, store, body.data, body.media_type, storing)
    # Serialised here, once: CaseReport would pass the dict through unchanged (extra keys
    # allowed, no coercion), so validating it on every request only costs time.
    return json_response(report)


def _decide(kb, store, data: bytes, media_type: str, storing: bool) -> dict:  # noqa: ANN001
    result = kb.reason_document(data, media_type, source="request body")
    report = case_json(result, kb)
    report["run"] = store.save_case(result, kb) if storing else None
    return report
