"""Typed dependencies: what routers may use, taken from the app built by api.main.

They are `async def` though they never wait: FastAPI runs a plain `def` dependency in the
thread pool, a hop that cost more than the dependency itself on every request."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from api.catalog import Catalog
from api.errors import ApiError
from api.limits import RawBody, raw_body
from api.settings import Settings
from reasoner.engine.intake import FORMATS
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.protocol import GraphStore


async def get_kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


async def case_body(request: Request) -> RawBody:
    """A case document: refused with 415 unless intake reads its media type.

    It reads the body itself rather than depending on `raw_body`: every level of the
    dependency tree is solved on each request, and /v1/reason is the hot path."""
    body = await raw_body(request)
    if body.media_type not in FORMATS:
        raise ApiError(415, "unsupported-media-type",
                       f"Content-Type '{body.media_type or '(none)'}' is not accepted; use "
                       "text/turtle, application/ld+json or application/json",
                       accepted=sorted(FORMATS))
    return body


KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
CaseBodyDep = Annotated[RawBody, Depends(case_body)]
RawBodyDep = Annotated[RawBody, Depends(raw_body)]


async def storing(request: Request,
            store: Annotated[bool, Query(description="Store the case and its determinations "
                                                     "(false: reason only)")] = True,
            x_api_key: Annotated[str | None, Header()] = None) -> bool:
    """Whether the request writes to the store; a write needs the API key when one is set.
    (Settings straight from the app state, not SettingsDep: one dependency level less.)"""
    settings: Settings = request.app.state.settings
    if store and settings.api_key is not None:
        expected = settings.api_key.get_secret_value().encode()
        if x_api_key is None or not hmac.compare_digest(x_api_key.encode(), expected):
            raise ApiError(401, "unauthorized", "storing needs a valid X-API-Key header "
                           "(or pass store=false)")
    return store


StoringDep = Annotated[bool, Depends(storing)]
