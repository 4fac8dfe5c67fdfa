"""The one place that maps errors to HTTP status codes and a stable JSON error body:

    {"error": {"code": "<stable code>", "message": "<plain words>", ...details}}

Details: source/line/column/term for unreadable input, problems for incomplete cases,
line/column for SPARQL syntax errors. Unexpected errors are logged, never sent as tracebacks.
"""

from __future__ import annotations

import logging
from typing import Any

import fastapi.routing
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError, MtusError
from reasoner.store.casescope import ForeignData
from reasoner.store.querypool import QueryLimit
from reasoner.store.sparql import QueryError, QueryTimeout, StoreError, UpdateRefused

# The routes of included routers with their full paths; a FastAPI without it keeps them flat.
_iter_route_contexts = getattr(fastapi.routing, "iter_route_contexts", iter)

log = logging.getLogger("mtus.api")

STATUS: dict[type[MtusError], int] = {
    InputError: 400,
    IncompleteCase: 422,
    ForeignData: 422,  # a posted case stating things about other data
    KnowledgeBaseError: 500,
    UpdateRefused: 403,
    QueryLimit: 400,  # the query exhausted its worker's memory or stack
    QueryError: 400,  # includes ServiceRefused
    QueryTimeout: 503,
    StoreError: 500,
}
_HTTP_CODES = {404: "not-found", 405: "method-not-allowed"}


class ApiError(Exception):
    """An HTTP-level refusal (size, media type, negotiation, auth) with its status and code."""

    def __init__(self, status: int, code: str, message: str, **details: object) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        super().__init__(message)


def error_body(code: str, message: str, **details: object) -> dict:
    return {"error": {"code": code, "message": message, **jsonable_encoder(details)}}


def error_response(status: int, code: str, message: str, details: dict | None = None,
                   headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, **(details or {})), status_code=status,
                        headers=headers)


def status_for(exc: MtusError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _describe(exc: MtusError) -> tuple[str, dict]:
    if isinstance(exc, InputError):
        return exc.message, {"source": exc.source, "line": exc.line, "column": exc.column,
                             "term": exc.term}
    if isinstance(exc, IncompleteCase):
        problems = [p.as_dict() for p in exc.problems]
        words = "; ".join(p["message"] for p in problems)
        return f"the case is not complete enough to decide: {words}", {"problems": problems}
    if isinstance(exc, KnowledgeBaseError):
        return exc.message, {"file": exc.file, "iri": exc.iri}
    if isinstance(exc, QueryError | ForeignData):
        return exc.message, exc.as_dict()
    return getattr(exc, "message", str(exc)), {}


async def _mtus_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MtusError)
    status = status_for(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    message, details = _describe(exc)
    return error_response(status, exc.code, message, details)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details,
                          headers=getattr(exc, "headers", None))


def served_routes(app: FastAPI) -> list[Any]:
    """The app's routes, those of included routers too, each with its full path."""
    return list(_iter_route_contexts(app.router.routes))


def _allowed(request: Request) -> list[str]:
    """Every method some route serves at the request's path. Starlette's 405 names only the
    methods of the first route that matched the path, and GET and POST /sparql are two."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "\x00"}  # matches no route's methods: PARTIAL or NONE
    for route in served_routes(request.app):
        if getattr(route, "methods", None) and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405 and (allowed := _allowed(request)):
        headers["Allow"] = ", ".join(allowed)
    return error_response(exc.status_code, code, str(exc.detail), headers=headers or None)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"location": list(e.get("loc", ())), "message": e.get("msg", "")}
              for e in exc.errors()]
    return error_response(422, "invalid-request", "the request parameters are not valid",
                          {"errors": errors})


async def _client_gone(request: Request, exc: Exception) -> JSONResponse:
    """A client that closed its connection mid-body: nobody reads the answer, and a traceback
    per such connection (8 kB of log for 150 bytes sent) let any client fill the log."""
    log.info("%s %s: the client disconnected before its body was read", request.method,
             request.url.path)
    return error_response(400, "client-disconnected", "the client closed the connection "
                          "before the request body was received")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path)
    return error_response(500, "internal", "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(MtusError, _mtus_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected)
