"""The FastAPI application: `uvicorn api.main:app`, or `create_app(...)` in tests.

The knowledge base is loaded and compiled once at start-up (unless one is passed in) and
the guideline graph in the store is brought up to date with it; requests only reason.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.catalog import Catalog
from api.limits import BodyLimit
from api.routers import context, guidelines, health, letters, reasoning, sparql, validation
from api.settings import Settings
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.embedded import GraphStore

DESCRIPTION = """Decides California workers' compensation treatment requests under the MTUS
guidelines, explains each determination, and serves everything it stored over SPARQL.

Errors always answer `{"error": {"code": ..., "message": ..., ...details}}`."""


def create_app(kb: KnowledgeBase | None = None, store: GraphStore | None = None,
               settings: Settings | None = None, freeze_gc: bool = False) -> FastAPI:
    """Build the app; what is not given (KB, store) is made at start-up from `settings`.

    `freeze_gc` (the served app): after start-up, move everything alive (the knowledge base,
    the imported modules) out of the garbage collector's reach, since it lives as long as
    the process. Otherwise every full collection walks it again (~100k objects, tens of ms)
    in the middle of some request. Off for apps built in tests, which come and go in one
    process."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = app.state
        opened_here = state.store is None
        if state.kb is None:
            state.kb = KnowledgeBase.load()
        if state.store is None:
            state.store = settings.open_store()
        try:
            state.store.ensure_guidelines(state.kb)
            state.catalog = Catalog.from_kb(state.kb)
            if freeze_gc:
                gc.collect()
                gc.freeze()
            yield
        finally:
            if opened_here:
                state.store.close()
                state.store = None

    app = FastAPI(title="mtus-kg", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.kb, app.state.store, app.state.settings = kb, store, settings
    app.state.catalog = None
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       body_timeout_seconds=settings.body_timeout_seconds)
    errors.install(app)
    for module in (reasoning, validation, letters, guidelines, sparql, health, context):
        app.include_router(module.router)
    return app


# Cheap to build: the knowledge base and the store are opened when the server starts.
app = create_app(freeze_gc=True)
