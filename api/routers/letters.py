"""POST /v1/letters: an IMR determination letter (plain text) in, its case graph stored.

The reviewer's recorded decision is stored beside the case facts but is not reasoned over;
the answer gives what the reasoner concludes from the case facts alone next to it.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from api.deps import KbDep, RawBodyDep, StoreDep, StoringDep
from api.errors import ApiError
from api.fastjson import json_response
from api.limits import run_heavy
from api.schemas import error_responses, raw_body_doc
from reasoner.scoring import LetterReport
from reasoner.workflows import letters

router = APIRouter(prefix="/v1", tags=["letters"])
TEXT_TYPES = ("text/plain", "")

LETTER_BODY = raw_body_doc({"text/plain": {
    "schema": {"type": "string"},
    "example": "CLINICAL CASE SUMMARY\n...\nIMR ISSUES, DECISIONS AND RATIONALES\n..."}})


@router.post(
    "/letters", openapi_extra=LETTER_BODY, response_model=LetterReport,
    summary="Read an IMR determination letter into a case graph and store it",
    description="The body is the letter's text (`text/plain`), in any of the three layouts "
                "(IMR final determination, 2013 notice, medical professional review). The "
                "case facts (with their spans in the letter) and the reviewer's record "
                "(`mtus:IMRDetermination`) are stored in the graph named by the case IRI, "
                "unless `store=false`, together with the reasoning run (its determinations, "
                "named by `run`) in one transaction. Each item carries the recorded outcome "
                "and the outcome the reasoner reaches from the case facts only.",
    responses=error_responses(400, 401, 413, 415, 503))
async def ingest_letter(body: RawBodyDep, kb: KbDep, store: StoreDep,
                        storing: StoringDep) -> Response:
    if body.media_type not in TEXT_TYPES:
        raise ApiError(415, "unsupported-media-type",
                       f"Content-Type '{body.media_type}' is not accepted; send the letter "
                       "as text/plain", accepted=["text/plain"])
    # the report written on the same thread: serialising a long letter's report on the event
    # loop (what FastAPI does for an async route's return value) stalled /health
    return await run_heavy(lambda: json_response(letters.ingest_letter(
        body.data, "request body", kb, store if storing else None)))
