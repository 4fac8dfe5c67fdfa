"""The compiled knowledge base cache: a warm start gives the same KB, and a stale or damaged
cache is never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reasoner.engine import kbcache
from reasoner.engine.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path, monkeypatch, kb) -> Path:
    """A copy of the ontology and shapes the session KB was built from, with its own cache."""
    for name in ("ontology", "shapes"):
        shutil.copytree(kb.root / name, tmp_path / name)
    monkeypatch.setenv("MTUS_KB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MTUS_KB_CACHE", raising=False)
    return tmp_path


def cache_files(root: Path) -> list[Path]:
    return sorted((root / "cache").glob("kb-*.pickle"))


def decide(kb: KnowledgeBase, data: bytes) -> list:
    return [(d.request.node, d.outcome, d.applied.recommendation.iri if d.applied else None)
            for d in kb.reason_document(data, "text/turtle").determinations]


def test_warm_start_gives_the_same_knowledge_base(root, seed_turtle):
    cold = KnowledgeBase.load(root)
    (written,) = cache_files(root)
    warm = KnowledgeBase.load(root)
    assert cache_files(root) == [written]
    assert warm.digest == cold.digest and warm.files == cold.files
    assert [str(t) for t in warm.triples] == [str(t) for t in cold.triples]
    assert warm.sources == cold.sources
    assert len(warm.program.recommendations) == len(cold.program.recommendations)
    assert decide(warm, seed_turtle) == decide(cold, seed_turtle)
    assert warm.checker.check(warm.parse(seed_turtle, "text/turtle")) == \
        cold.checker.check(cold.parse(seed_turtle, "text/turtle"))


def test_a_changed_ontology_file_is_never_served_from_the_old_cache(root):
    before = KnowledgeBase.load(root)
    (old,) = cache_files(root)
    mtus = root / "ontology" / "mtus.ttl"
    mtus.write_bytes(mtus.read_bytes() + b"\n<urn:x:new> <urn:x:p> <urn:x:o> .\n")
    after = KnowledgeBase.load(root)
    assert after.digest != before.digest
    assert len(after.triples) == len(before.triples) + 1
    assert cache_files(root) != [old] and len(cache_files(root)) == 1  # the old one is gone


def test_changed_case_shapes_change_the_key(root):
    KnowledgeBase.load(root)
    (old,) = cache_files(root)
    shapes = root / "shapes" / "case.ttl"
    shapes.write_bytes(shapes.read_bytes() + b"\n# a comment changes the content\n")
    KnowledgeBase.load(root)
    assert cache_files(root) != [old]


def test_a_damaged_or_foreign_cache_file_is_ignored(root):
    KnowledgeBase.load(root)
    (path,) = cache_files(root)
    path.write_bytes(b"not a pickle")
    assert KnowledgeBase.load(root).digest  # compiled again, and cached again
    assert cache_files(root) == [path] and path.read_bytes() != b"not a pickle"
    key = path.name[len("kb-"):-len(".pickle")]
    assert kbcache.load(root, key) is not None
    assert kbcache.load(root, "0" * 64) is None


def test_the_cache_can_be_turned_off(root, monkeypatch):
    monkeypatch.setenv("MTUS_KB_CACHE", "0")
    KnowledgeBase.load(root)
    assert cache_files(root) == []
    KnowledgeBase.load(root, cache=True)
    assert len(cache_files(root)) == 1
