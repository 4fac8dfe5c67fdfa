"""GET /v1/context.jsonld: the JSON-LD context cases use (served from the local file)."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from reasoner.engine.intake import context_path

router = APIRouter(prefix="/v1", tags=["context"])


@router.get("/context.jsonld", response_class=FileResponse,
            summary="The JSON-LD context for case documents",
            description="Case documents may name it as https://w3id.org/mtus-kg/context.jsonld "
                        "or by this URL; either way it is read locally, never fetched.",
            responses={200: {"content": {"application/ld+json": {}}}})
def context() -> FileResponse:
    return FileResponse(context_path(), media_type="application/ld+json")
