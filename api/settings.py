"""All service settings in one place, read once from MTUS_* environment variables."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.limits import (
    DEFAULT_CONNECTIONS_PER_CLIENT,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
)
from reasoner.store.embedded import DEFAULT_PATH, Store
from reasoner.store.protocol import GraphStore
from reasoner.store.remote import RemoteStore

MIN_API_KEY_CHARS = 16  # a shorter key is guessable

MEMORY = ":memory:"


class Settings(BaseSettings):
    """Invalid values fail at start-up (pydantic validation), not on the first request."""

    model_config = SettingsConfigDict(env_prefix="MTUS_", frozen=True, extra="ignore",
                                      populate_by_name=True)

    store_path: str = Field(
        default=str(DEFAULT_PATH), validation_alias="MTUS_STORE_PATH",
        description=f"Directory of the embedded Oxigraph store, or '{MEMORY}' for a "
                    "throwaway store (in a temporary directory, which query workers can "
                    "open; removed when the server stops).")
    sparql_query_url: str | None = Field(
        default=None, description="Keep the store on a SPARQL 1.1 server instead: its query "
        "endpoint (the server must use the union of its graphs as the default graph).")
    sparql_update_url: str | None = Field(
        default=None, description="The SPARQL 1.1 server's update endpoint; without it the "
        "remote store is read-only.")
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0,
                                description="Larger request bodies are refused with 413.")
    max_connections: int = Field(
        default=DEFAULT_MAX_CONNECTIONS, gt=0, description="Connections served at once (each "
        "may hold a body of up to max_body_bytes in memory); beyond it a request is answered "
        "503 at once.")
    max_connections_per_client: int = Field(
        default=DEFAULT_CONNECTIONS_PER_CLIENT, gt=0, description="Connections one client "
        "address may hold open at once; beyond it a new connection is answered 429 and "
        "closed, so that no single client (e.g. one holding half-sent requests) fills the "
        "max_connections budget of everyone.")
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A request body not received in full within this "
        "many seconds is answered 408 and its connection closed.")
    sparql_timeout_seconds: float = Field(default=10.0, gt=0)
    sparql_max_rows: int = Field(default=10_000, gt=0,
                                 description="Results stop at this many rows (or triples).")
    sparql_max_concurrent: int = Field(
        default=4, gt=0, description="SPARQL queries evaluated at the same time, each in its "
        "own worker process.")
    sparql_memory_mb: int = Field(
        default=1024, ge=256, description="Address-space cap of one SPARQL query worker, in "
        "MiB; a query that needs more is stopped (400 query-limit), never the server.")
    sparql_max_bytes: int = Field(
        default=32 << 20, gt=0, description="Results stop once they would exceed this many "
        "bytes (as SPARQL JSON or N-Triples), like the row limit.")
    store_sync: bool = Field(
        default=False, description="Sync each stored write to disk before answering it, so "
        "it survives a power cut, not only the server being killed (as without it); costs "
        "the disk's sync time on each write.")
    api_key: SecretStr | None = Field(
        default=None,
        description="When set, writes (POST /v1/reason storing its result) need this key in "
                    f"the X-API-Key header; at least {MIN_API_KEY_CHARS} characters.")

    @field_validator("api_key")
    @classmethod
    def _a_key_that_protects(cls, key: SecretStr | None) -> SecretStr | None:
        # An empty key set by mistake (MTUS_API_KEY=) was matched by an empty X-API-Key
        # header: the server looked protected and was not. A short key is guessable.
        if key is not None and len(key.get_secret_value().strip()) < MIN_API_KEY_CHARS:
            raise ValueError(f"MTUS_API_KEY must be at least {MIN_API_KEY_CHARS} characters "
                             "(unset it to run without a key)")
        return key

    def open_store(self) -> GraphStore:
        limits: dict[str, Any] = {"timeout": self.sparql_timeout_seconds,
                                  "max_rows": self.sparql_max_rows,
                                  "max_concurrent": self.sparql_max_concurrent}
        if self.sparql_query_url:
            return RemoteStore(self.sparql_query_url, self.sparql_update_url, **limits)
        limits.update(memory_mb=self.sparql_memory_mb, max_bytes=self.sparql_max_bytes,
                      sync=self.store_sync)
        if self.store_path == MEMORY:
            return Store.memory(**limits)
        return Store.open(self.store_path, read_only=False, **limits)
