"""`mtus impact --store DIR` with no revision: the stored cases decided under the working
files and compared with the determinations their runs stored, whatever knowledge base made
those (each run records its digest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from reasoner import KnowledgeBase
from reasoner.authoring.casetests import load_case_test
from reasoner.cli import main
from reasoner.store.embedded import Store
from reasoner.workflows.cases import reason_case
from reasoner.workflows.impact import stored_impact

ROOT = Path(__file__).resolve().parent.parent
CPMTG = "ontology/guidelines/cpmtg-2009.ttl"
CASES = ["physical-medicine-11-visits", "physical-medicine-10-visits",
         "physical-medicine-first-course"]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A copy of the knowledge base: the checkout may change while the tests run."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / "base" / folder)
    return tmp_path / "base"


@pytest.fixture
def kb(base: Path) -> KnowledgeBase:
    return KnowledgeBase.load(base, cache=False)


@pytest.fixture
def raised(base: Path, tmp_path: Path) -> Path:
    """The same with the physical medicine limit raised from 10 to 12."""
    shutil.copytree(base, tmp_path / "raised")
    path = tmp_path / "raised" / CPMTG
    text = path.read_text()
    assert "mtus:maxQuantity 10 ;" in text
    path.write_text(text.replace("mtus:maxQuantity 10 ;", "mtus:maxQuantity 12 ;", 1))
    return tmp_path / "raised"


def fill(store: Store, kb: KnowledgeBase) -> None:
    """Three CPMTG 2009 physical medicine cases stored with their runs, as `mtus reason` does,
    and one case stored without a run (a letter that could not be decided)."""
    store.ensure_guidelines(kb)
    for name in CASES:
        test = load_case_test(ROOT / "tests" / "cases" / "cpmtg-2009" / f"{name}.ttl")
        data = ox.serialize(list(test.triples), format=ox.RdfFormat.TURTLE) or b""
        reason_case(kb, data, "text/turtle", name, store)
    store.save_letter("https://example.org/letter/1/case", [ox.Triple(
        ox.NamedNode("https://example.org/letter/1/case"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("https://w3id.org/mtus-kg/ontology#Case"))])


def test_runs_of_the_same_knowledge_base_change_nothing(kb, base):
    store = Store.memory()
    try:
        fill(store, kb)
        report = stored_impact(store, base)
    finally:
        store.close()
    assert report.before == report.after == kb.digest
    assert report.runs == {kb.digest: 3} and report.runs_elsewhere == 0
    assert report.decided == 3 and report.flips == [] and report.without_run == 1
    assert report.errors == [] and report.edited == []


def test_runs_of_another_knowledge_base_flip_where_the_edit_reaches(kb, raised):
    """The store was filled under the working files; the edit raises the limit to 12, so the
    11-visit case, not met when stored, is met now; the edited criterion is named from the
    store's guideline graph, without rebuilding the old knowledge base."""
    store = Store.memory()
    try:
        fill(store, kb)
        report = stored_impact(store, raised)
    finally:
        store.close()
    assert report.before == kb.digest != report.after
    assert report.runs == {kb.digest: 3} and report.runs_elsewhere == 3
    assert report.decided == 3 and len(report.flips) == 1
    flip = report.flips[0]
    assert flip.case.endswith("physical-medicine-11-visits/case")
    assert flip.before.startswith("not-medically-necessary (gl:cpmtg2009-physical-medicine-")
    assert flip.after.startswith("medically-necessary (gl:cpmtg2009-physical-medicine-")
    assert flip.criteria[0] == "gl:cpmtg2009-physical-medicine-max-10 (edited): not-met -> met"
    assert report.edited == ["gl:cpmtg2009-physical-medicine-max-10"]
    assert list(report.groups()) == [("gl:cpmtg2009-physical-medicine-visits", flip.service)]


def test_the_command_reports_the_stored_runs_and_their_digests(kb, raised, tmp_path,
                                                               monkeypatch, capsys):
    store = Store.open(tmp_path / "store")
    try:
        fill(store, kb)
    finally:
        store.close()
    monkeypatch.setenv("MTUS_HOME", str(raised))
    assert main(["impact", "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"knowledge base {kb.digest} -> ")
    assert "3 requested services decided under both, 1 changed" in out
    assert f"stored runs: 3, 3 made under another knowledge base than the working files' " \
           f"({KnowledgeBase.load(raised, strict=False).digest}); by digest: {kb.digest} 3" in out
    assert "1 stored case(s) have no run: not compared" in out
    assert "gl:cpmtg2009-physical-medicine-visits / " in out


def test_impact_needs_a_revision_or_a_store(capsys):
    assert main(["impact"]) == 2
    assert "give the knowledge base before the edit (REV_OR_DIR), or --store DIR" \
        in capsys.readouterr().err
