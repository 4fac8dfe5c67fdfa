"""GET /v1/guidelines[/id]: the encoded recommendations, their citations and criteria."""

from fastapi import APIRouter

from api.deps import CatalogDep
from api.errors import ApiError
from api.schemas import GuidelineDetail, GuidelineList, error_responses

router = APIRouter(prefix="/v1/guidelines", tags=["guidelines"])


@router.get("", response_model=GuidelineList, summary="List the encoded recommendations",
            description="Each with what it applies to, polarity, verification tag "
                        "(V verified, K working knowledge, K? uncertain), citation, the "
                        "edition's in-force dates and whether the source is MTUS.")
async def list_guidelines(catalog: CatalogDep) -> GuidelineList:
    summaries = catalog.summaries()
    return GuidelineList(count=len(summaries), guidelines=summaries)


@router.get("/{guideline_id}", response_model=GuidelineDetail,
            summary="One recommendation with its criteria tree",
            description="`guideline_id` is the local name after "
                        "https://w3id.org/mtus-kg/guideline/, e.g. lbc2004-lumbar-xray.",
            responses=error_responses(404))
async def get_guideline(guideline_id: str, catalog: CatalogDep) -> GuidelineDetail:
    found = catalog.get(guideline_id)
    if found is None:
        raise ApiError(404, "not-found", f"no recommendation '{guideline_id}'",
                       term=guideline_id)
    return found
