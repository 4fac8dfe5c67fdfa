"""POST /v1/validate: is a case complete enough to decide? Problems, not a determination."""

from fastapi import APIRouter

from api.bodies import CASE_BODY
from api.deps import CaseBodyDep, KbDep
from api.schemas import error_responses
from reasoner.workflows.cases import ValidationReport, validate_case

router = APIRouter(prefix="/v1", tags=["validation"])


@router.post(
    "/validate", response_model=ValidationReport, openapi_extra=CASE_BODY,
    summary="Check a case's completeness without deciding it",
    description="Same bodies as /v1/reason. Answers 200 whether or not the case conforms; "
                "`problems` lists violations (which would stop /v1/reason with 422) and "
                "warnings. A document that cannot be read is a 400.",
    responses=error_responses(400, 413, 415))
def validate(body: CaseBodyDep, kb: KbDep) -> ValidationReport:
    # A plain def: FastAPI runs it in the thread pool, so a large body never holds the
    # event loop (and /health) while it is parsed and checked.
    return validate_case(kb, body.data, body.media_type, "request body")
