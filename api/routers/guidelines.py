"""GET /v1/guidelines[/id]: the encoded recommendations, their citations and criteria."""

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from api.deps import CatalogDep
from api.errors import ApiError
from api.results import negotiate, not_acceptable, serialize_graph
from api.schemas import GuidelineDetail, GuidelineList, error_responses

# JSON (the model below) by default; the recommendation's triples as Turtle or JSON-LD.
DETAIL_TYPES = ("application/json", "text/turtle", "application/ld+json")

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
                        "https://w3id.org/mtus-kg/guideline/, e.g. lbc2004-lumbar-xray. "
                        "By Accept: JSON (default), or the knowledge base's triples about the "
                        "recommendation, its criteria, section and edition as text/turtle or "
                        "application/ld+json.",
            responses={200: {"content": {"text/turtle": {}, "application/ld+json": {}}},
                       **error_responses(404, 406)})
async def get_guideline(guideline_id: str, catalog: CatalogDep, response: Response,
                        accept: Annotated[str | None, Header()] = None,
                        ) -> GuidelineDetail | Response:
    found = catalog.get(guideline_id)
    if found is None:
        raise ApiError(404, "not-found", f"no recommendation '{guideline_id}'",
                       term=guideline_id)
    media = negotiate(accept, DETAIL_TYPES)
    if media is None:
        raise not_acceptable(DETAIL_TYPES)
    if media == "application/json":
        response.headers["Vary"] = "Accept"
        return found
    return Response(serialize_graph(catalog.triples(found), media), media_type=media,
                    headers={"Vary": "Accept"})
