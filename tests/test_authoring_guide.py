"""docs/authoring.md's worked example, executed: its Turtle blocks applied to a copy of the
knowledge base load under the strict rules, and `mtus check --guideline` passes with the new
recommendation tested met, not met and not documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from reasoner import KnowledgeBase
from reasoner.workflows.check import check_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "authoring.md").read_text()
BLOCK = re.compile(r"```turtle\n# (append to|new file) (\S+)\n(.*?)```", re.DOTALL)


def test_the_guide_has_the_example_blocks():
    kinds = [m.group(1) for m in BLOCK.finditer(GUIDE)]
    assert kinds.count("append to") == 2 and kinds.count("new file") == 3


def test_the_worked_example_passes_check(tmp_path):
    for folder in ("ontology", "shapes", "tests/cases/cpmtg-2009"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for found in BLOCK.finditer(GUIDE):
        action, path, text = found.groups()
        target = tmp_path / path
        if action == "append to":
            target.write_text(target.read_text() + "\n" + text)
        else:
            target.write_text(text)
    kb = KnowledgeBase.load(tmp_path, cache=False)  # strict: no authoring rule broken
    assert any(r.iri.endswith("cpmtg2009-biofeedback") for r in kb.program.recommendations)
    report = check_knowledge_base(hermit=False, root=tmp_path, guideline="cpmtg-2009")
    assert report.ok, report.failures
    row = next(line for line in report.info if line.startswith("gl:cpmtg2009-biofeedback "))
    assert row.split()[2] == "3"
