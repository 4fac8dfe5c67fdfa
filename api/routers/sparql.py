"""GET|POST /sparql: a read-only SPARQL 1.1 Protocol endpoint over all stored graphs.

The default graph is the union of the guideline, case and run graphs, unless the query names
its dataset (FROM, FROM NAMED) or the request does (`default-graph-uri`, `named-graph-uri`,
which override the query's, as the protocol says). Results stop at the configured row or byte
limit; a response cut there carries `X-SPARQL-MaxRows: <limit>` or `X-SPARQL-MaxBytes`.
"""

from functools import partial
from typing import Annotated
from urllib.parse import parse_qs

import anyio.to_thread
import pyoxigraph as ox
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api.bodies import SPARQL_BODY
from api.deps import RawBodyDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.limits import run_heavy
from api.results import GRAPH_TYPES, SOLUTION_TYPES, check_acceptable, render
from api.schemas import error_responses
from api.settings import Settings
from reasoner.store.protocol import GraphStore
from reasoner.store.querypool import UNION, Dataset
from reasoner.store.sparql import UpdateRefused
from reasoner.store.sparqlsyntax import LONG_QUERY_CHARS

router = APIRouter(tags=["sparql"])

_RESPONSES = {
    200: {"description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, by Accept",
          "content": {media: {} for media in [*SOLUTION_TYPES, *GRAPH_TYPES]}},
    **error_responses(400, 403, 406, 413, 415, 503),
}
_DESCRIPTION = (
    "SPARQL 1.1 Protocol, read-only. SELECT and ASK answer as "
    "application/sparql-results+json (default), application/sparql-results+xml, text/csv or "
    "text/tab-separated-values; CONSTRUCT and DESCRIBE as text/turtle (default), "
    "application/n-triples, application/rdf+xml or application/ld+json. Accept is read with "
    "its q-values; 406 lists the media types that can be produced. The default graph is the "
    "union of all graphs unless FROM / FROM NAMED or the default-graph-uri / named-graph-uri "
    "parameters name the dataset. Updates are "
    "refused (403), SERVICE is refused (400), a query over the time limit is stopped and "
    "answers 503, one over the memory limit answers 400 (query-limit), and results stop at "
    "the row or byte limit with an X-SPARQL-MaxRows or X-SPARQL-MaxBytes header.")


def _refuse_update() -> UpdateRefused:
    return UpdateRefused("the SPARQL endpoint is read-only: updates are refused")


def _answer(query: str | None, dataset: Dataset, accept: str | None, store: GraphStore,
            settings: Settings) -> Response:
    if not query or not query.strip():
        raise ApiError(400, "missing-query", "give the SPARQL query in the 'query' parameter")
    check_acceptable(accept)
    result = store.query(query, timeout=settings.sparql_timeout_seconds,
                         max_rows=settings.sparql_max_rows, dataset=dataset)
    media, payload = render(result, accept)
    if len(payload) > settings.sparql_max_bytes + settings.sparql_max_bytes // 8:
        # The byte limit counts the worker's JSON; another format may be several times larger
        # (XML escapes '&' as five characters), and a response is held in memory until the
        # client reads it: the limit holds for what is sent, in every format
        raise ApiError(400, "query-limit", f"the result is {len(payload):,} bytes as {media}, "
                       f"over the limit of {settings.sparql_max_bytes:,}; add a LIMIT or ask "
                       "for SPARQL JSON, which is cut at the limit",
                       limit=settings.sparql_max_bytes)
    headers = {"Vary": "Accept"}
    cut = getattr(result, "cut", None) or ("rows" if getattr(result, "truncated", False)
                                           else None)
    if cut == "rows":
        headers["X-SPARQL-MaxRows"] = str(settings.sparql_max_rows)
    elif cut == "bytes":
        headers["X-SPARQL-MaxBytes"] = str(settings.sparql_max_bytes)
    return Response(payload, media_type=media, headers=headers)


def _dataset(params: dict[str, list[str]]) -> Dataset:
    """The protocol's dataset parameters; absent, the query's own dataset or the union."""
    default, named = params.get("default-graph-uri"), params.get("named-graph-uri")
    if default is None and named is None:
        return UNION
    for iri in [*(default or ()), *(named or ())]:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ApiError(400, "bad-parameter", "a dataset parameter is not an IRI",
                           term=iri) from None
    return Dataset(tuple(default or ()), tuple(named or ()))


def _lists(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


@router.get("/sparql", summary="SPARQL query (GET)", description=_DESCRIPTION,
            responses=_RESPONSES, response_class=Response)
async def sparql_get(request: Request, store: StoreDep, settings: SettingsDep,
                     query: Annotated[str | None, Query(description="SPARQL 1.1 query")] = None,
                     accept: Annotated[str | None, Header()] = None) -> Response:
    params = _lists(request.query_params.multi_items())
    if "update" in params:
        raise _refuse_update()
    return await _off_loop(query, _dataset(params), accept, store, settings)


# Query text up to this size is screened and its result rendered on the shared thread pool
# (as /health is answered); longer text (a 200 kB query takes ~0.6 s of CPU to screen) waits
# for the "sparql" lane's few threads, so a flood of them cannot occupy the pool.
SHARED_POOL_QUERY_CHARS = LONG_QUERY_CHARS


async def _off_loop(query: str | None, dataset: Dataset, accept: str | None,
                    store: GraphStore, settings: Settings) -> Response:
    work = partial(_answer, query, dataset, accept, store, settings)
    if query is not None and len(query) > SHARED_POOL_QUERY_CHARS:
        return await run_heavy(work, lane="sparql")
    return await anyio.to_thread.run_sync(work)


@router.post("/sparql", summary="SPARQL query (POST)", description=_DESCRIPTION,
             responses=_RESPONSES, response_class=Response, openapi_extra=SPARQL_BODY)
async def sparql_post(request: Request, body: RawBodyDep, store: StoreDep,
                      settings: SettingsDep,
                      accept: Annotated[str | None, Header()] = None) -> Response:
    if body.media_type == "application/sparql-update":
        raise _refuse_update()
    text = _utf8(body.data)
    url_params = _lists(request.query_params.multi_items())
    if body.media_type == "application/sparql-query":
        return await _off_loop(text, _dataset(url_params), accept, store, settings)
    if body.media_type == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form or "update" in url_params:
            raise _refuse_update()
        # The protocol puts every parameter in the body here; URL ones are read too rather
        # than silently dropped.
        merged = {k: [*url_params.get(k, []), *form.get(k, [])] for k in {*form, *url_params}}
        return await _off_loop(form.get("query", [None])[0], _dataset(merged), accept, store,
                               settings)
    raise ApiError(415, "unsupported-media-type", "POST a query as application/sparql-query "
                   "or application/x-www-form-urlencoded", term=body.media_type or None)


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad-request", "the request body is not UTF-8") from None
