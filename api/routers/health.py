"""GET /health: is the knowledge base loaded and the store reachable?"""

from fastapi import APIRouter

from api.deps import KbDep, StoreDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Service health",
            description="The knowledge base digest and size, and the store's status.")
def health(kb: KbDep, store: StoreDep) -> Health:
    return Health.model_validate({
        "status": "ok",
        "knowledge_base": {"digest": kb.digest,
                           "recommendations": kb.program.recommendation_count},
        "store": store.status(),
    })
