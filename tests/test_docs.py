"""Documentation that cannot drift: every CLI command and every criterion kind is documented."""

from pathlib import Path

import pytest

from reasoner.cli import parser
from reasoner.engine.criteria import KINDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CRITERIA_DOC = (ROOT / "docs" / "criteria.md").read_text()
ONTOLOGY = (ROOT / "ontology" / "mtus.ttl").read_text()


def _commands() -> list[str]:
    sub = next(a for a in parser()._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_in_the_readme(command):
    assert f"mtus {command}" in README


@pytest.mark.parametrize("kind", [k.kind for k in KINDS])
def test_every_criterion_kind_is_documented_and_defined(kind):
    assert f"`mtus:{kind}`" in CRITERIA_DOC
    assert f"mtus:{kind} a owl:Class" in ONTOLOGY
