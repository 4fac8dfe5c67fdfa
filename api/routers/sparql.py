"""GET|POST /sparql: a read-only SPARQL 1.1 Protocol endpoint over all stored graphs.

The default graph is the union of the guideline, case and run graphs. Results stop at the
configured row limit; a response cut there carries `X-SPARQL-MaxRows: <limit>`.
"""

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api.bodies import SPARQL_BODY
from api.deps import RawBodyDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.results import GRAPH_TYPES, SOLUTION_TYPES, check_acceptable, render
from api.schemas import error_responses
from api.settings import Settings
from reasoner.sparql import UpdateRefused
from reasoner.store import GraphStore

router = APIRouter(tags=["sparql"])

_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
_RESPONSES = {
    200: {"description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, by Accept",
          "content": {media: {} for media in [*SOLUTION_TYPES, *GRAPH_TYPES]}},
    **error_responses(400, 403, 406, 413, 415, 503),
}
_DESCRIPTION = (
    "SPARQL 1.1 Protocol, read-only. SELECT and ASK answer as "
    "application/sparql-results+json (default), application/sparql-results+xml, text/csv or "
    "text/tab-separated-values; CONSTRUCT and DESCRIBE as text/turtle (default) or "
    "application/n-triples. Updates are refused (403), SERVICE is refused (400), a query over "
    "the time limit answers 503, and results stop at the row limit with an "
    "X-SPARQL-MaxRows header.")


def _refuse_update() -> UpdateRefused:
    return UpdateRefused("the SPARQL endpoint is read-only: updates are refused")


def _answer(query: str | None, accept: str | None, store: GraphStore,
            settings: Settings) -> Response:
    if not query or not query.strip():
        raise ApiError(400, "missing-query", "give the SPARQL query in the 'query' parameter")
    check_acceptable(accept)
    result = store.query(query, timeout=settings.sparql_timeout_seconds,
                         max_rows=settings.sparql_max_rows)
    media, payload = render(result, accept)
    headers = {"Vary": "Accept"}
    if getattr(result, "truncated", False):
        headers["X-SPARQL-MaxRows"] = str(settings.sparql_max_rows)
    return Response(payload, media_type=media, headers=headers)


def _refuse_dataset(keys: set[str]) -> None:
    # Honouring these would need a per-request dataset; saying so beats ignoring them.
    for key in _DATASET_PARAMS:
        if key in keys:
            raise ApiError(400, "unsupported-parameter", f"'{key}' is not supported; use FROM, "
                           "FROM NAMED or GRAPH in the query", term=key)


@router.get("/sparql", summary="SPARQL query (GET)", description=_DESCRIPTION,
            responses=_RESPONSES, response_class=Response)
def sparql_get(request: Request, store: StoreDep, settings: SettingsDep,
               query: Annotated[str | None, Query(description="SPARQL 1.1 query")] = None,
               accept: Annotated[str | None, Header()] = None) -> Response:
    if "update" in request.query_params:
        raise _refuse_update()
    _refuse_dataset(set(request.query_params))
    return _answer(query, accept, store, settings)


@router.post("/sparql", summary="SPARQL query (POST)", description=_DESCRIPTION,
             responses=_RESPONSES, response_class=Response, openapi_extra=SPARQL_BODY)
def sparql_post(body: RawBodyDep, store: StoreDep, settings: SettingsDep,
                accept: Annotated[str | None, Header()] = None) -> Response:
    if body.media_type == "application/sparql-update":
        raise _refuse_update()
    text = _utf8(body.data)
    if body.media_type == "application/sparql-query":
        return _answer(text, accept, store, settings)
    if body.media_type == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise _refuse_update()
        _refuse_dataset(set(form))
        return _answer(form.get("query", [None])[0], accept, store, settings)
    raise ApiError(415, "unsupported-media-type", "POST a query as application/sparql-query "
                   "or application/x-www-form-urlencoded", term=body.media_type or None)


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad-request", "the request body is not UTF-8") from None
