"""`mtus release`: one RDF/XML ontology that owlready2 (as Protégé) loads and HermiT
classifies, with labels on every term, a version IRI and the licence pyproject names."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import owlready2
import pytest

from reasoner.authoring.release import LICENSE, RELEASE
from reasoner.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    assert main(["release", "--out", str(out)]) == 0
    return out / "mtus-kg.owl"


def _load(path: Path) -> tuple[owlready2.World, owlready2.Ontology]:
    world = owlready2.World()
    return world, world.get_ontology(path.resolve().as_uri()).load()


def test_owlready2_loads_the_release_with_labels_version_and_licence(release):
    world, onto = _load(release)
    opioid = world["https://w3id.org/mtus-kg/term/Opioid"]
    assert opioid is not None and opioid.label and "opioid" in str(opioid.label[0]).lower()
    text = release.read_text()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f'rdf:resource="{RELEASE}/{version}"' in text or f"{RELEASE}/{version}" in text
    assert LICENSE in text and "XMLSchema#date\"" not in text


def test_the_licence_file_matches_pyproject():
    license_field = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert license_field == "Apache-2.0"
    assert (ROOT / "LICENSE").read_text().startswith("Apache License\nVersion 2.0")


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_classifies_the_release(release):
    world, onto = _load(release)
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert not list(world.inconsistent_classes())
