"""`mtus check --watch`: what counts as a change of the knowledge base, and the wait for one
(reasoner/workflows/watch.py), without the endless loop around them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reasoner.cli import main
from reasoner.workflows.watch import changes, snapshot, wait_for_change


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("ontology/mtus.ttl", "ontology/guidelines/a.ttl", "shapes/case.ttl",
                 "tests/cases/a/one.ttl", "docs/readme.md", "build/kb-cache/x.pickle"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    return tmp_path


def touch(path: Path, text: str = "edited") -> None:
    """Write and move the modification time on, as a save a second later would."""
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_snapshot_holds_the_checked_folders_only(root):
    assert sorted(snapshot(root)) == ["ontology/guidelines/a.ttl", "ontology/mtus.ttl",
                                      "shapes/case.ttl", "tests/cases/a/one.ttl"]


def test_edits_additions_and_removals_are_changes(root):
    before = snapshot(root)
    touch(root / "ontology/guidelines/a.ttl")
    (root / "tests/cases/a/two.ttl").write_text("new")
    (root / "shapes/case.ttl").unlink()
    assert changes(before, snapshot(root)) == ["added tests/cases/a/two.ttl",
                                               "removed shapes/case.ttl",
                                               "changed ontology/guidelines/a.ttl"]


def test_files_outside_the_knowledge_base_are_not_changes(root):
    before = snapshot(root)
    touch(root / "docs/readme.md")
    touch(root / "build/kb-cache/x.pickle")
    (root / "ontology/.a.ttl.swp").write_text("editor")
    assert changes(before, snapshot(root)) == []


def test_a_rewrite_with_the_same_time_but_another_size_is_a_change(root):
    path = root / "ontology/mtus.ttl"
    before = snapshot(root)
    stat = path.stat()
    path.write_text("a longer text")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert changes(before, snapshot(root)) == ["changed ontology/mtus.ttl"]


def test_the_wait_returns_once_the_files_hold_still(root):
    """Polls: nothing, then a save in two writes, then quiet. The wait ends after the quiet
    poll, with both writes as one change."""
    target = root / "ontology/guidelines/a.ttl"
    plan = [lambda: None, lambda: touch(target, "half"), lambda: touch(target, "whole"),
            lambda: None]
    polls = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        plan[len(polls) - 1]()

    last = snapshot(root)
    now, changed = wait_for_change(root, last, interval=0.25, sleep=sleep)
    assert changed == ["changed ontology/guidelines/a.ttl"]
    assert polls == [0.25] * 4 and now == snapshot(root) and target.read_text() == "whole"


def test_watch_stops_on_ctrl_c_with_success(root, monkeypatch, capsys):
    """The loop itself: one check printed, then Ctrl-C while waiting ends it with exit 0."""
    import reasoner.workflows.check as check
    import reasoner.workflows.watch as watch

    monkeypatch.setenv("MTUS_HOME", str(root))
    monkeypatch.setattr(check, "check_knowledge_base",
                        lambda **kw: check.CheckReport(info=[f"checked with {kw}"]))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "wait_for_change", interrupted)
    assert main(["check", "--watch", "--guideline", "a"]) == 0
    out = capsys.readouterr()
    assert "'hermit': False" in out.out and "'guideline': 'a'" in out.out
    assert "mtus check: passed" in out.out and f"watching {root / 'ontology'}/" in out.out
    assert "stopped watching" in out.err
