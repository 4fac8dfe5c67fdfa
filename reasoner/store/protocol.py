"""The one interface the workflows use to keep cases, runs and guidelines: `GraphStore`.

Two implementations, side by side and sharing no base class: `embedded.Store` (Oxigraph in
this process, queries in isolated worker processes) and `remote.RemoteStore` (any SPARQL 1.1
server over the protocol). What they share is data layout and update text (`graphs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from reasoner.store.graphs import Guidelines
from reasoner.store.querypool import UNION, Dataset
from reasoner.store.sparql import QueryResult

Run = tuple[str, Sequence[ox.Triple]]  # a run graph: its IRI and its triples


@runtime_checkable
class GraphStore(Protocol):
    read_only: bool

    def ensure_guidelines(self, kb: Guidelines) -> bool:
        """Rewrite the guideline graph unless it already holds this knowledge base."""
    def save_case(self, case: str, triples: Sequence[ox.Triple], run: Run) -> None:
        """Replace the case graph and add its run (superseding earlier runs), atomically; a
        case may only describe itself (`casescope`), else ForeignData and nothing written."""
    def save_case_later(self, case: str, triples: Sequence[ox.Triple], run: Run) -> Future[None]:
        """`save_case` without waiting: a future done once the write is committed."""
    def save_letter(self, case: str, triples: Iterable[ox.Triple], run: Run | None = None) -> None:
        """A case read from a letter (facts and the reviewer's record) and its run, at once."""
    def save_letters_nquads(self, letters: Sequence[tuple[str, Sequence[str], bytes]]) -> None:
        """Letters already serialised (`graphs.nquads`), each whole or not at all."""
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None, dataset: Dataset = UNION) -> QueryResult:
        """A read-only query under the store's time, row and byte limits."""
    def graph_triples(self, graphs: Sequence[str]) -> dict[str, list[ox.Triple]]:
        """The triples of whole named graphs, for the workflows' own bulk reads (`mtus impact
        --store` reads every case): not a user's query, so not under its limits."""
    def query_text(self, sparql: str, fmt: str = "table") -> str: ...
    def status(self) -> dict[str, Any]: ...
    def close(self) -> None: ...
