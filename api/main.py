"""The FastAPI application: `uvicorn api.main:app`, or `create_app(...)` in tests.

The knowledge base is loaded and compiled once at start-up (unless one is passed in) and
the guideline graph in the store is brought up to date with it; requests only reason.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRouter
from starlette.staticfiles import StaticFiles

from api import errors
from api.catalog import Catalog
from api.limits import BodyLimit
from api.routers import context, guidelines, health, letters, reasoning, sparql, validation
from api.schemas import use_error_bodies
from api.settings import Settings
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.protocol import GraphStore

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
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # served offline below
    app.state.kb, app.state.store, app.state.settings = kb, store, settings
    app.state.catalog = None
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       body_timeout_seconds=settings.body_timeout_seconds)
    errors.install(app)
    for module in (reasoning, validation, letters, guidelines, sparql, health, context):
        app.include_router(module.router)
    _add_docs(app)
    _answer_head(app)
    _document_error_bodies(app)
    return app


def _document_error_bodies(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = use_error_bodies(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


# Swagger UI and ReDoc from the files the fastapi-offline package ships, never from a CDN.
DOCS_ASSETS = "/docs-assets"


def _add_docs(app: FastAPI) -> None:
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")),
              name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url, title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None})  # no badge from validator.swagger.io

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url, title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png", with_google_fonts=False)


def _answer_head(app: FastAPI) -> None:
    """HEAD wherever GET is served (FastAPI's routes, unlike Starlette's, do not add it): a
    twin of each GET route, kept out of the OpenAPI document; the server sends no body."""
    head = APIRouter()
    for route in errors.served_routes(app):
        methods = route.methods or set()
        if "GET" in methods and "HEAD" not in methods and isinstance(route.path, str):
            head.add_api_route(
                route.path, route.endpoint, methods=["HEAD"], include_in_schema=False,
                response_model=route.response_model, response_class=route.response_class,
                status_code=route.status_code, dependencies=route.dependencies,
                name=f"{route.name}-head")
    app.include_router(head)


# Cheap to build: the knowledge base and the store are opened when the server starts.
app = create_app(freeze_gc=True)
