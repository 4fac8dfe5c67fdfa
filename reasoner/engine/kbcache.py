"""A cache of the compiled knowledge base, so a warm start skips parsing and compiling.

The file name is a hash of everything the compiled form depends on: the ontology files and the
case shapes (content and path), the reasoner's own source code (compiling is code too) and the
Python and pyoxigraph versions. Any change gives a new name, so a stale cache is never read; the
payload repeats the key and is checked again on load. Writes go to a temporary file renamed
into place, so concurrent starts (several uvicorn workers) never see a partial file.

The cache is a pickle under the knowledge base's build/ directory (`build/kb-cache/` in a
checkout or an MTUS_HOME copy), or, for the copy an installed wheel carries (site-packages,
maybe read-only), under the user's cache directory ($XDG_CACHE_HOME/mtus-kg/kb-cache, else
~/.cache/mtus-kg/kb-cache). It is written and read only by this process's own user: as
trustworthy as the code next to it, and never taken from input. A directory that cannot be
read or written just means no warm start. Set MTUS_KB_CACHE=0 to disable it,
MTUS_KB_CACHE_DIR to move it.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from reasoner.engine.home import PACKAGE

FORMAT = 3  # bump when the payload layout changes (3: the authoring findings)
_CODE = Path(__file__).resolve().parent.parent  # the reasoner package


def enabled() -> bool:
    return os.environ.get("MTUS_KB_CACHE", "1").strip().lower() not in ("0", "false", "no", "")


def directory(root: Path) -> Path:
    """Where the cache for the knowledge base under `root` goes."""
    env = os.environ.get("MTUS_KB_CACHE_DIR")
    if env:
        return Path(env)
    if _is_package_data(root):
        return user_cache_dir() / "kb-cache"
    return root / "build" / "kb-cache"


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/mtus-kg, else ~/.cache/mtus-kg (a relative XDG_CACHE_HOME is ignored,
    as the XDG spec says)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "mtus-kg"


def _is_package_data(root: Path) -> bool:
    try:
        return Path(root).resolve() == (PACKAGE / "data").resolve()
    except OSError:
        return False


def cache_key(inputs: dict[str, bytes]) -> str:
    """Hash of the named input files' content, the reasoner's code and the versions."""
    sha = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{ox.__version__}\0".encode())
    for name in sorted(inputs):
        sha.update(name.encode() + b"\0" + hashlib.sha256(inputs[name]).digest())
    for path in sorted(_CODE.rglob("*.py")):
        sha.update(str(path.relative_to(_CODE)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def load(root: Path, key: str) -> dict[str, Any] | None:
    """The cached parts for this key, or None (absent, unreadable or not for this key)."""
    try:
        path = directory(root) / f"kb-{key}.pickle"
        with path.open("rb") as f:
            payload = pickle.load(f)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError, AttributeError,
            ImportError, TypeError, ValueError):
        return None  # absent, unreadable (no home directory) or unusable: compile instead
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    parts: dict[str, Any] = payload["parts"]  # as save() wrote it, for this key
    return parts


def save(root: Path, key: str, parts: dict[str, Any]) -> Path | None:
    """Write the parts atomically and drop older cache files; None if it could not write."""
    try:
        data = _dumps({"key": key, "parts": parts})
    except (pickle.PicklingError, TypeError, AttributeError):
        return None  # something in the compiled form cannot be pickled: no cache, still works
    tmp = None
    try:
        folder = directory(root)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        target = folder / f"kb-{key}.pickle"
        os.replace(tmp, target)
    except (OSError, RuntimeError):  # RuntimeError: Path.home() with no home directory
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return None  # a read-only checkout still works, just without a warm start
    try:
        for old in folder.glob("kb-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # an old file someone else owns: harmless, it is never read for this key
    return target


def _dumps(obj: Any) -> bytes:
    # The compiled program holds read-only mapping views; pickle them as the dicts they show,
    # with a per-pickler table so nothing global changes.
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, types.MappingProxyType: _proxy}
    pickler.dump(obj)
    return buf.getvalue()


def _proxy(mp: types.MappingProxyType[Any, Any]) -> tuple[
        Callable[[dict[Any, Any]], types.MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    return _mapping_proxy, (dict(mp),)


def _mapping_proxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    # mappingproxy has no importable name, so unpickling goes through this function.
    return types.MappingProxyType(d)
