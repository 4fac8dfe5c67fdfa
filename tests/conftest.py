"""Shared fixtures. The knowledge base is compiled once per test session, as in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from reasoner import KnowledgeBase
from reasoner.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="session")
def seed_turtle() -> bytes:
    return (ROOT / "examples" / "seed-case.ttl").read_bytes()


@pytest.fixture
def store() -> Store:
    return Store.memory()


@pytest.fixture
def make_client(kb, store):
    """Build a started app over `store`; keyword arguments override Settings fields."""
    clients: list[TestClient] = []

    def make(**settings) -> TestClient:
        app = create_app(kb=kb, store=store, settings=Settings(**settings))
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()
