"""Shared fixtures. The knowledge base is compiled once per test session, as in production."""

import pytest

from reasoner import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()
