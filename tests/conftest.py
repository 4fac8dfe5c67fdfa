"""Shared fixtures. The knowledge base is compiled once per test session, as in production."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from reasoner import KnowledgeBase
from reasoner.store.embedded import Store
from reasoner.store.remote import RemoteStore
from reasoner.store.sparql import StoreError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests share helpers with the bench/ scripts
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="session")
def seed_turtle() -> bytes:
    return (ROOT / "examples" / "seed-case.ttl").read_bytes()


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[str]:
    """`oxigraph serve` (in memory, union default graph) on a free loopback port."""
    venv_bin = str(Path(sys.executable).parent)
    binary = shutil.which("oxigraph") or shutil.which("oxigraph", path=venv_bin)
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                RemoteStore.oxigraph(base).query("ASK {}")
                break
            except StoreError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# The store and SPARQL tests run on both backends; elsewhere the store is only a means.
BOTH_BACKENDS = {"test_store", "test_sparql"}


def pytest_generate_tests(metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "store" in metafunc.fixturenames and module in BOTH_BACKENDS:
        metafunc.parametrize("store", ["embedded", "remote"], indirect=True)


@pytest.fixture
def store(request) -> Iterator[Store]:
    """The embedded in-memory store, or (parametrised) a clean dataset on a SPARQL server."""
    if getattr(request, "param", "embedded") == "embedded":
        store = Store.memory()
    else:
        store = RemoteStore.oxigraph(request.getfixturevalue("oxigraph_server"))
        store._write("DROP ALL")  # a clean dataset per test; not reachable through query()
    yield store
    store.close()  # its query workers and temporary directory


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
