"""A real mtus-kg server in a subprocess, for tests/test_attacks.py.

`AttackServer.start()` runs `mtus serve` (uvicorn with `api.main:app`) on a free loopback port
over a temporary on-disk store, with small limits set through MTUS_* environment variables, and
waits until GET /health answers. `stop()` ends the whole process group (the server and any
query worker processes it started), also after a crash, and removes the store.

It also reads the server's resource use from /proc: resident memory and CPU time of the server
process and all its descendants.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Another checkout to serve (e.g. `git archive HEAD` unpacked somewhere), for comparing runs;
# it is put first on PYTHONPATH, ahead of the editable install's finder.
SERVED_ROOT = Path(os.environ.get("MTUS_ATTACK_ROOT") or ROOT).resolve()
# Soft cap on each server process's address space (the hard limit is left alone, so the server
# may lower it for its own workers): a vulnerable server that allocates without bound dies at
# this size instead of taking the machine down with it.
ADDRESS_SPACE_CAP = 6 << 30
TICKS = os.sysconf("SC_CLK_TCK")

# Small limits, so that refusals and time-outs come fast. Settings the server does not know
# (yet) are ignored by it (pydantic-settings, extra="ignore").
DEFAULT_ENV = {
    "MTUS_SPARQL_TIMEOUT_SECONDS": "2",
    "MTUS_SPARQL_MAX_ROWS": "1000",
    "MTUS_SPARQL_MAX_CONCURRENT": "4",
    "MTUS_SPARQL_MEMORY_MB": "1024",
    "MTUS_BODY_TIMEOUT_SECONDS": "5",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (via /proc/<pid>/task/*/children)."""
    seen: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError, ValueError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return seen


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (VmRSS), 0 if it is gone."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    # after "pid (comm) " the state is field 3 of stat(5): utime (14) and stime (15) are 11, 12
    return (int(fields[11]) + int(fields[12])) / TICKS


def _cap_address_space() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = ADDRESS_SPACE_CAP if hard == resource.RLIM_INFINITY else min(ADDRESS_SPACE_CAP, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class AttackServer:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="mtus-attack-")
        self.store = Path(self.tmp.name) / "store"
        self.log_path = Path(self.tmp.name) / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = {**DEFAULT_ENV, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self._log = None

    def command(self) -> list[str]:
        """`mtus serve`, as deployed; `python -m uvicorn api.main:app` if the script is
        missing (both take the store from MTUS_STORE_PATH / --store)."""
        mtus = Path(sys.executable).parent / "mtus"
        if mtus.exists():
            return [str(mtus), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                    "--store", str(self.store), "--no-access-log"]
        return [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                "--port", str(self.port), "--no-access-log"]

    # lifecycle
    def start(self, wait: float = 90.0) -> AttackServer:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MTUS_")}
        env.update(self.extra_env)
        env["MTUS_STORE_PATH"] = str(self.store)
        env["PYTHONUNBUFFERED"] = "1"
        if SERVED_ROOT != ROOT:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(SERVED_ROOT), *filter(None, [env.get("PYTHONPATH")])])
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.command(), cwd=SERVED_ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_cap_address_space)
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                log = self.log_tail()
                self.stop()
                raise RuntimeError(f"the server exited with {self.proc.returncode} at start:\n"
                                   + log)
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                log = self.log_tail()
                self.stop()
                raise RuntimeError("the server did not answer /health in time:\n" + log)
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server's process group at once (the memory watchdog's last resort)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=3)
            # whatever is left in the group we made (query workers), then the server itself
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            if self.proc.poll() is None:
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.tmp.cleanup()

    # state
    def exited(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_bytes()[-chars:].decode("utf-8", "replace")
        except OSError:
            return ""

    def pids(self) -> list[int]:
        return descendants(self.proc.pid) if self.proc is not None else []

    def rss_total(self) -> int:
        return sum(rss_bytes(p) for p in self.pids())

    def cpu_total(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())
