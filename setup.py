"""Packaging: everything is in pyproject.toml except this one step.

The wheel carries the knowledge base's files, the top-level `ontology/` and `shapes/`
directories, as package data under `reasoner/data/` (where `reasoner.engine.home` looks when
there is neither MTUS_HOME nor a source checkout). They stay where they are in the repository;
the build copies them. An editable install (`pip install -e .`) copies nothing: it runs from
the checkout, which `home()` finds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA = ("ontology", "shapes")  # top-level directories -> reasoner/data/<name>


def _data_files(name: str) -> list[Path]:
    """The files under a data directory, relative to the project, without hidden files and
    editor backups."""
    out = []
    for path in sorted((HERE / name).rglob("*")):
        rel = path.relative_to(HERE)
        if path.is_file() and not any(p.startswith(".") for p in rel.parts) \
                and not path.name.endswith("~"):
            out.append(rel)
    return out


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in DATA:
            target = Path(self.build_lib) / "reasoner" / "data" / name
            shutil.rmtree(target, ignore_errors=True)  # no stale files from an earlier build
            for rel in _data_files(name):
                dest = target / rel.relative_to(name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(HERE / rel, dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / "reasoner" / "data" / name
                            / rel.relative_to(name))
                        for name in DATA for rel in _data_files(name)]
        return outputs


setup(cmdclass={"build_py": BuildWithData})
