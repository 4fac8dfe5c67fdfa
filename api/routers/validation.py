"""POST /v1/validate: is a case complete enough to decide? Problems, not a determination."""

from fastapi import APIRouter
from starlette.responses import Response

from api.bodies import CASE_BODY
from api.deps import CaseBodyDep, KbDep
from api.fastjson import json_response
from api.limits import run_heavy
from api.schemas import error_responses
from reasoner.workflows.cases import ValidationReport, validate_case

router = APIRouter(prefix="/v1", tags=["validation"])


@router.post(
    "/validate", response_model=ValidationReport, openapi_extra=CASE_BODY,
    summary="Check a case's completeness without deciding it",
    description="Same bodies as /v1/reason. Answers 200 whether or not the case conforms; "
                "`problems` lists violations (which would stop /v1/reason with 422) and "
                "warnings. A document that cannot be read is a 400.",
    responses=error_responses(400, 413, 415, 503))
async def validate(body: CaseBodyDep, kb: KbDep) -> Response:
    # On the threads of heavy work (api/limits.run_heavy): a large body never holds the event
    # loop, and many at once wait their turn instead of taking every thread /health needs.
    return await run_heavy(lambda: json_response(validate_case(
        kb, body.data, body.media_type, "request body")))
