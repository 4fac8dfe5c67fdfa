"""The store on a SPARQL 1.1 server (e.g. `oxigraph serve`), over the SPARQL 1.1 Protocol.

Same graphs, same update text (`graphs`) and same read-only screening (`sparqlsyntax`) as
the embedded store, sent over HTTP: every write is one SPARQL Update (one transaction on the
server), every read one query. The server must answer queries over the union of its graphs as
the default graph (Oxigraph: `oxigraph serve --union-default-graph`; Fuseki:
`tdb2:unionDefaultGraph true`), as the embedded store does.

Standard library only (urllib). Environment proxies are ignored and redirects refused: the
store talks to the one endpoint it was configured with and nowhere else. Results are parsed
as they stream in and the connection is closed at the row limit or the deadline.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from reasoner.store import casescope
from reasoner.store.deadline import run_bounded, take
from reasoner.store.graphs import (
    DIGEST,
    Guidelines,
    case_graph,
    graphs_of,
    guideline_graph,
    replace_graphs_update,
)
from reasoner.store.protocol import Run
from reasoner.store.querypool import UNION, Dataset, Limits
from reasoner.store.sparql import (
    AskResult,
    GraphResult,
    QueryError,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
    result_text,
    syntax_error,
)
from reasoner.store.sparqlsyntax import PreparedQuery, prepare, relocate
from reasoner.vocab import GUIDELINE_GRAPH, PROV, RUN

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES,
                "text/turtle": ox.RdfFormat.TURTLE}
_MAX_ERROR_BYTES = 4096
GRAPH_BATCH = 200  # graphs read a query by graph_triples: answers of a few megabytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} refused",
                                     headers, fp)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class RemoteStore:
    """`GraphStore` over a SPARQL 1.1 query endpoint and update endpoint."""

    def __init__(self, query_url: str, update_url: str | None = None, *,
                 read_only: bool = False, timeout: float = 10.0, max_rows: int = 10_000,
                 max_concurrent: int = 4) -> None:
        for url in (query_url, update_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"a SPARQL endpoint must be an http(s) URL, not {url!r}")
        self.read_only = read_only or update_url is None
        self.timeout = timeout
        self.max_rows = max_rows
        # The server evaluates: a query slot here is a thread waiting on its answer.
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self.query_url = query_url
        self._writers = ThreadPoolExecutor(max_concurrent, thread_name_prefix="sparql-update")
        self.update_url = update_url

    @classmethod
    def oxigraph(cls, base: str, **options: Any) -> RemoteStore:
        """An `oxigraph serve` endpoint: queries at /query, updates at /update."""
        base = base.rstrip("/")
        return cls(base + "/query", base + "/update", **options)

    def close(self) -> None:
        # One connection per request: only the write threads to stop.
        self._writers.shutdown(wait=True)

    def status(self) -> dict:
        return {"backend": "sparql", "read_only": self.read_only,
                "guidelines_digest": self.guidelines_digest()}

    def guidelines_digest(self) -> str | None:
        g = f"<{GUIDELINE_GRAPH}>"
        found = self.query(f"SELECT ?d WHERE {{ GRAPH {g} {{ {g} <{DIGEST}> ?d }} }} LIMIT 1")
        rows = getattr(found, "rows", ())
        return rows[0][0].value if rows and isinstance(rows[0][0], ox.Literal) else None

    # writes
    def ensure_guidelines(self, kb: Guidelines) -> bool:
        if self.guidelines_digest() == kb.digest:
            return False
        self._replace_graphs(guideline_graph(kb))
        return True

    def save_case(self, case: str, triples: Sequence[ox.Triple], run: Run) -> None:
        graph = case_graph(case)
        casescope.check(graph, triples)
        self._replace_graphs({graph: triples}, dict([run]), case=graph)

    def save_case_later(self, case: str, triples: Sequence[ox.Triple], run: Run) -> Future[None]:
        """`save_case` on a thread of the store's own: each write is an HTTP request, which
        must not block the caller's event loop."""
        return self._writers.submit(self.save_case, case, triples, run)

    def save_letter(self, case: str, triples: Iterable[ox.Triple], run: Run | None = None) -> None:
        graph = case_graph(case)
        self._replace_graphs({graph: triples}, dict([run]) if run else None, case=graph)

    def _replace_graphs(self, replace, add=None, case=None) -> None:  # noqa: ANN001
        # No native insert over the protocol: every write is one SPARQL Update (DROP SILENT
        # of a graph that does not exist is a no-op), which the server applies atomically;
        # the case's earlier runs are dropped in it.
        self._write(replace_graphs_update(replace, add, drop=self._runs_of(case) if case else ()))

    def _runs_of(self, case: str) -> list[str]:
        found = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?run <{PROV}used> "
                           f"<{case}> }} FILTER(STRSTARTS(STR(?g), \"{RUN}\")) }}")
        return [row[0].value for row in getattr(found, "rows", ()) if row[0] is not None]

    def save_letter_nquads(self, case: str, data: bytes) -> None:
        graph = case_graph(case)  # no native insert over the protocol: always an update
        graphs = graphs_of(data)
        self._replace_graphs({graph: graphs.pop(graph, [])}, graphs, case=graph)

    def save_letters_nquads(self, letters) -> None:  # noqa: ANN001
        # Over the protocol there is no bulk path: one update (one transaction) per letter.
        for case, _, data in letters:
            self.save_letter_nquads(case, data)

    def _write(self, update: str) -> None:
        if self.read_only or self.update_url is None:
            raise StoreError("the store is open read-only")
        try:
            with self._post(self.update_url, update, "application/sparql-update", "*/*",
                            self.timeout):
                pass
        except (OSError, SyntaxError, StoreError) as exc:
            # One update request is one transaction on the server: a failure changed nothing.
            raise StoreError(f"the write failed and changed nothing: {exc}") from None

    # reads
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None, dataset: Dataset = UNION) -> QueryResult:
        limits = Limits(self.timeout if timeout is None else timeout,
                        max_rows or self.max_rows, 0)  # bytes: the server's own limits
        return self._run(prepare(sparql), dataset, limits)

    def query_text(self, sparql: str, fmt: str = "table") -> str:
        return result_text(self.query(sparql), fmt)

    def graph_triples(self, graphs: Sequence[str]) -> dict[str, list[ox.Triple]]:
        """By SELECT, GRAPH_BATCH graphs a query: the protocol has no bulk read."""
        out: dict[str, list[ox.Triple]] = {g: [] for g in graphs}
        for i in range(0, len(graphs), GRAPH_BATCH):
            names = " ".join(str(ox.NamedNode(g)) for g in graphs[i:i + GRAPH_BATCH])
            found = self.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {names} }} "
                               "GRAPH ?g { ?s ?p ?o } }", max_rows=10**8, timeout=600)
            if not isinstance(found, SelectResult) or found.truncated:
                raise StoreError("the server cut short the triples of the graphs read")
            for g, s, p, o in found.rows:
                out[g.value].append(ox.Triple(s, p, o))  # type: ignore[union-attr,arg-type]
        return out

    def _run(self, query: PreparedQuery, dataset: Dataset, limits: Limits) -> QueryResult:
        # The text sent is the prepared one (comments and escapes resolved), as for the
        # embedded store; the protocol's dataset parameters go with it in the URL.
        if dataset.default is None and dataset.named is None and query.has_dataset:
            # Servers that use the union of their graphs as the default graph may ignore
            # FROM (Oxigraph does); the protocol's parameters say the same and are honoured.
            dataset = Dataset(query.from_graphs, query.from_named)
        params = [*(("default-graph-uri", g) for g in dataset.default or ()),
                  *(("named-graph-uri", g) for g in dataset.named or ())]
        url = self.query_url + ("?" + urllib.parse.urlencode(params) if params else "")

        def evaluate(text: str, limit: int, deadline: float) -> QueryResult:
            try:
                return self._evaluate(url, text, limit, deadline)
            except QueryError as error:  # placed in the query as written
                raise relocate(error, query) from None

        return run_bounded(self._slots, evaluate, query.text, limits.timeout, limits.max_rows)

    def _evaluate(self, url: str, sparql: str, limit: int, deadline: float) -> QueryResult:
        remaining = max(0.05, deadline - time.monotonic())
        try:
            with self._post(url, sparql, "application/sparql-query", ACCEPT,
                            remaining) as response:
                media = response.headers.get_content_type()
                return _read(response, media, limit, deadline)
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except TimeoutError:
            raise QueryTimeout("the query ran out of time") from None
        except OSError as exc:
            raise StoreError(f"the query failed: {exc}") from None

    def _post(self, url: str, body: str, media: str, accept: str, timeout: float):
        request = urllib.request.Request(url, data=body.encode(), method="POST",
                                         headers={"Content-Type": media, "Accept": accept})
        try:
            return _OPENER.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            message = exc.read(_MAX_ERROR_BYTES).decode("utf-8", "replace").strip()
            exc.close()
            if exc.code == 400:  # the server's parser: keep its message (line and column)
                raise SyntaxError(message or exc.reason) from None
            raise StoreError(f"the SPARQL server answered {exc.code}: "
                             f"{message[:300] or exc.reason}") from None


def _read(response, media: str, limit: int, deadline: float) -> QueryResult:
    if media in _GRAPH_TYPES:
        quads = ox.parse(response, format=_GRAPH_TYPES[media])
        triples, truncated = take((q.triple for q in quads), limit, deadline)
        return GraphResult(tuple(triples), truncated)
    if media not in ("application/sparql-results+json", "application/json"):
        raise QueryError(f"the SPARQL server answered with unexpected media type {media}")
    answer = ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return AskResult(bool(answer))
    names = tuple(v.value for v in answer.variables)
    rows = (tuple(s[i] for i in range(len(names))) for s in answer)
    taken, truncated = take(rows, limit, deadline)
    return SelectResult(names, tuple(taken), truncated)
