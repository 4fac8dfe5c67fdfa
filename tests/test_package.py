"""The installable package: the wheel carries the knowledge base's files (the top-level
`ontology/` and `shapes/`, as `reasoner/data/`), and installed into a fresh virtual environment,
run from a directory outside the repository, `mtus` decides the seed case.

Building the wheel takes a few seconds (pip fetches setuptools into an isolated build
environment). The install into a fresh venv takes the dependencies from PyPI or pip's cache
(15-60 s); MTUS_SKIP_WHEEL_INSTALL=1 skips it and keeps the check of the wheel's contents.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reasoner.engine import home as home_module
from reasoner.engine import kbcache
from reasoner.engine.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-case.ttl"
# Not part of the distribution; copied around only to be left out of the build's source tree.
NOT_SOURCE = (".git", ".venv", "venv", "build", "dist", "var", "*.egg-info", "__pycache__",
              ".*_cache", ".hypothesis", "tests", "bench")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """`pip wheel .` of a copy of the checkout: the checkout's own build/ (its kb-cache, and
    the stale build/lib an in-tree build leaves) stays out of it, and out of the wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(tmp / "dist"), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (tmp / "dist").glob("mtus_kg-*.whl")
    return built


def _files(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_wheel_carries_the_knowledge_base_and_the_code(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for must in ("ontology/mtus.ttl", "ontology/context.jsonld",
                     "ontology/catalog-v001.xml", "shapes/case.ttl", "shapes/authoring.ttl"):
            assert f"reasoner/data/{must}" in names, must
        guidelines = {n for n in names if n.startswith("reasoner/data/ontology/guidelines/")}
        assert len(guidelines) >= 10
        # Every file under ontology/ and shapes/, as it is in the repository.
        for path in _files("ontology", "shapes"):
            rel = path.relative_to(ROOT).as_posix()
            assert z.read(f"reasoner/data/{rel}") == path.read_bytes(), rel
        # Every module of the two packages (packages.find picks up new subpackages).
        for path in _files("reasoner", "api"):
            if path.suffix == ".py":
                assert path.relative_to(ROOT).as_posix() in names
        entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "mtus = reasoner.cli:main" in z.read(entry).decode()
    # Nothing else at the top: no build/, tests/ or ontology/ outside the package.
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"reasoner", "api"}


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would point the installed copy at the checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MTUS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, **extra}


@pytest.mark.skipif(os.environ.get("MTUS_SKIP_WHEEL_INSTALL") == "1",
                    reason="MTUS_SKIP_WHEEL_INSTALL=1")
def test_installed_wheel_runs_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_ = venv / "bin"
    done = subprocess.run([str(bin_ / "python"), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=600, env=_clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    work = tmp_path / "work"  # the current directory: not the repository, no ontology/ in it
    work.mkdir()
    cache = tmp_path / "xdg-cache"
    env = _clean_env(XDG_CACHE_HOME=str(cache))

    def mtus(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_ / "mtus"), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(bin_ / "python"), "-c",
                            "from reasoner.engine.home import home; print(home())"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    data = Path(where.stdout.strip())
    assert data.name == "data" and data.is_relative_to(venv.resolve()), where.stdout + where.stderr

    version = mtus("--version")
    assert version.returncode == 0 and version.stdout.startswith("mtus "), version.stderr

    done = mtus("reason", str(SEED), "--no-store")
    assert done.returncode == 0, done.stderr
    assert "Dynamic x-rays of lumbar spine: not-medically-necessary (IMR: upheld)" in done.stdout
    assert "MTUS ACOEM Low Back Complaints 2004, Section(s): Special Studies" in done.stdout
    # The compiled-KB cache went to the user's cache directory, not into site-packages.
    assert list((cache / "mtus-kg" / "kb-cache").glob("kb-*.pickle"))
    assert not (data / "build").exists()

    done = mtus("reason", str(SEED), "--store", str(tmp_path / "store"))
    assert done.returncode == 0, done.stderr
    assert "stored as run" in done.stdout
    done = mtus("query", str(ROOT / "docs" / "seed-determination.rq"),
                "--store", str(tmp_path / "store"), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "NotMedicallyNecessary" in done.stdout


# --- where the knowledge base and its compiled cache are, without building anything ---------


def test_home_is_mtus_home_else_the_checkout_else_the_package_data(monkeypatch, tmp_path):
    monkeypatch.delenv("MTUS_HOME", raising=False)
    assert home_module.home() == ROOT  # this checkout
    monkeypatch.setenv("MTUS_HOME", str(tmp_path))
    assert home_module.home() == tmp_path
    monkeypatch.delenv("MTUS_HOME")
    installed = tmp_path / "site-packages" / "reasoner"
    monkeypatch.setattr(home_module, "PACKAGE", installed)
    assert home_module.home() == installed / "data"


def test_cache_of_the_package_data_goes_to_the_user_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("MTUS_KB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    package_data = kbcache.PACKAGE / "data"
    assert kbcache.directory(package_data) == tmp_path / "xdg" / "mtus-kg" / "kb-cache"
    assert kbcache.directory(ROOT) == ROOT / "build" / "kb-cache"  # a checkout: its build/
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # not absolute: ignored (XDG spec)
    assert kbcache.directory(package_data) == Path.home() / ".cache" / "mtus-kg" / "kb-cache"
    monkeypatch.setenv("MTUS_KB_CACHE_DIR", str(tmp_path / "mine"))
    assert kbcache.directory(package_data) == tmp_path / "mine"


def test_a_cache_dir_that_cannot_be_written_never_fails_a_load(monkeypatch, tmp_path, kb,
                                                              seed_turtle):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MTUS_KB_CACHE_DIR", str(blocker / "kb-cache"))  # mkdir fails, even as root
    loaded = KnowledgeBase.load(kb.root, cache=True)
    assert loaded.digest == kb.digest
    (d,) = loaded.reason_document(seed_turtle, "text/turtle").determinations
    assert d.outcome == kb.reason_document(seed_turtle, "text/turtle").determinations[0].outcome
