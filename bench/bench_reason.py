"""Benchmark the reasoner on the seed case: in process, against the naive pipeline, over HTTP.

    python bench/bench_reason.py [--runs N] [--naive-runs N | --no-naive] [--http
        [--clients C --requests R] [--workers W]] [--json OUT]

Everything is measured in one run on one machine, and the figures to read are the ratios:
reasoner / bare pyoxigraph parse (the floor) and naive pipeline / reasoner (the headline).
Results are printed as a table and written as JSON (default bench/results/, gitignored).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from reasoner.engine.decide import decide  # noqa: E402
from reasoner.engine.facts import read_case  # noqa: E402
from reasoner.engine.kb import KnowledgeBase  # noqa: E402

SEED = ROOT / "examples" / "seed-case.ttl"
RESULTS = ROOT / "bench" / "results"
MEDIA_TYPE = "text/turtle"
LOOPBACK = "127.0.0.1"
REASON_PATH = "/v1/reason?store=false"
STORING_PATH = "/v1/reason"  # the default: the case and its run are stored
SEED_NAMESPACE = b"imr-352bc1bec7c49a86"  # renamed per request for distinct cases
MAX_RUNS = 100_000
MAX_CLIENTS = 64
MAX_WORKERS = 16
MAX_REQUESTS = 100_000
SERVER_START_TIMEOUT = 120.0  # seconds for uvicorn to load the KB and answer GET /health
HTTP_TIMEOUT = 30.0  # seconds per request


# -- statistics -----------------------------------------------------------------------------

def quantile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return float("nan")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summary(seconds: list[float]) -> dict:
    """Milliseconds: n, p50, p90, p99, mean, min, max."""
    ms = sorted(s * 1000.0 for s in seconds)
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50": quantile(ms, 0.50), "p90": quantile(ms, 0.90),
            "p99": quantile(ms, 0.99), "mean": sum(ms) / len(ms), "min": ms[0], "max": ms[-1]}


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


# -- 1. in process --------------------------------------------------------------------------

def bench_in_process(kb: KnowledgeBase, data: bytes, runs: int, warmup: int) -> dict:
    """Per iteration: the real path kb.reason_document() once as a whole, then the same work
    stage by stage (parse, completeness, facts + evaluation), then the bare pyoxigraph parse."""
    samples: dict[str, list[float]] = {k: [] for k in
                                       ("reason_document", "parse", "completeness",
                                        "facts_evaluation", "stages_sum", "pyoxigraph_parse")}
    clock = time.perf_counter
    for i in range(warmup + runs):
        t0 = clock()
        kb.reason_document(data, MEDIA_TYPE, "seed")
        t1 = clock()
        triples = kb.parse(data, MEDIA_TYPE, "seed")
        t2 = clock()
        problems = kb.validate(triples, "seed")
        t3 = clock()
        decide(kb.program, read_case(triples, "seed"))
        t4 = clock()
        list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        t5 = clock()
        if any(p.severity == "violation" for p in problems):
            raise SystemExit("the seed case has completeness violations; nothing to measure")
        if i < warmup:
            continue
        for key, value in (("reason_document", t1 - t0), ("parse", t2 - t1),
                           ("completeness", t3 - t2), ("facts_evaluation", t4 - t3),
                           ("stages_sum", t4 - t1), ("pyoxigraph_parse", t5 - t4)):
            samples[key].append(value)
    return {key: summary(values) for key, values in samples.items()}


def reasoner_outcomes(kb: KnowledgeBase, data: bytes) -> list[dict]:
    result = kb.reason_document(data, MEDIA_TYPE, "seed")
    out = []
    for d in result.determinations:
        leaves = {}
        if d.applied is not None:
            leaves = {leaf.criterion.iri: leaf.truth.value for leaf in d.applied.root.leaves()}
        out.append({"request": d.request.node, "outcome": d.outcome.value,
                    "recommendation": d.applied.recommendation.iri if d.applied else None,
                    "criteria": leaves})
    return sorted(out, key=lambda d: d["request"])


# -- 2. the naive pipeline ------------------------------------------------------------------

def naive_outcomes(result) -> list[dict]:
    return [{"request": d.request, "outcome": d.outcome, "recommendation": d.recommendation,
             "criteria": {k: v.value for k, v in d.leaves.items()}}
            for d in result.determinations]


def bench_naive(data: bytes, runs: int, expected: list[dict]) -> dict:
    from bench.naive import NaivePipeline

    t0 = time.perf_counter()
    pipeline = NaivePipeline(ROOT)
    startup = time.perf_counter() - t0
    stages: dict[str, list[float]] = {}
    outcome = None
    for _ in range(runs):
        result = pipeline.run(data)
        for key, value in result.timings.items():
            stages.setdefault(key, []).append(value)
        outcome = naive_outcomes(result)
        # Same outcome, same recommendation and same truth for every criterion as the reasoner.
        assert outcome == expected, (
            f"naive pipeline disagrees with the reasoner:\n naive:    {outcome}\n"
            f" reasoner: {expected}")
    return {"runs": runs, "startup_s": startup,
            "stages": {k: summary(v) for k, v in stages.items()},
            "expanded_triples": result.expanded_triples, "determinations": outcome,
            "agrees_with_reasoner": True}


# -- 3. over HTTP ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class Server:
    """uvicorn serving api.main:app on a loopback port, in a subprocess; always terminated."""

    def __init__(self, app: str = "api.main:app", workers: int = 1) -> None:
        self.app = app
        self.workers = workers
        self.port = free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.log_fd, self.log_path = tempfile.mkstemp(prefix="bench-uvicorn-", suffix=".log")
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", self.app, "--host", LOOPBACK,
                 "--port", str(self.port), "--log-level", "warning", "--no-access-log",
                 "--workers", str(self.workers)],
                cwd=ROOT, stdout=self.log_fd, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "MTUS_STORE_PATH": ":memory:"})  # never the real store
        finally:
            os.close(self.log_fd)  # the server holds its own copy
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.proc.returncode}:\n"
                                   + self.log_text())
            if self._healthy():
                return
            time.sleep(0.1)
        raise RuntimeError(f"GET /health did not answer 200 within {SERVER_START_TIMEOUT:.0f} s:\n"
                           + self.log_text())

    def _healthy(self) -> bool:
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2.0)
        try:
            connection.request("GET", "/health")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def cpu_seconds(self) -> float | None:
        """User + system CPU of uvicorn and its worker processes so far (Linux /proc; None
        elsewhere). Read around a measure, it says how much of the cores the server used."""
        if self.proc is None or not Path("/proc/self/stat").exists():
            return None
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # a process that ended meanwhile
            if stat.parent.name == str(self.proc.pid) or fields[1] == str(self.proc.pid):
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def log_text(self) -> str:
        return Path(self.log_path).read_text(errors="replace")[-4000:]

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        Path(self.log_path).unlink(missing_ok=True)


def raw_request(method: str, path: str, body: bytes = b"",
                content_type: str | None = None) -> bytes:
    """A complete HTTP/1.1 request, built once and written as is on every send."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}"]
    if content_type:
        head.append(f"Content-Type: {content_type}")
    if body or method == "POST":
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


class Connection:
    """One keep-alive HTTP/1.1 connection over asyncio streams: the load generator's client.

    It writes prebuilt request bytes and reads the status line, the headers up to
    Content-Length and the body, and nothing more: a few tens of microseconds of CPU per
    request, where an HTTP client library costs about a millisecond, which on a shared
    machine is taken from the server under test."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection(LOOPBACK, port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """(status, body) of one request; raises on anything but a Content-Length body."""
        self.writer.write(request)
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), HTTP_TIMEOUT)
        status_line, *headers = head.decode("latin-1").split("\r\n")
        length = None
        for header in headers:
            name, _, value = header.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"response without Content-Length: {status_line}")
        body = await asyncio.wait_for(self.reader.readexactly(length), HTTP_TIMEOUT)
        return int(status_line.split()[1]), body

    async def timed(self, request: bytes) -> float:
        """Seconds for one request that must answer 200."""
        t0 = time.perf_counter()
        status, body = await self.send(request)
        elapsed = time.perf_counter() - t0
        if status != 200:
            raise RuntimeError(f"answered {status}: {body[:500]!r}")
        return elapsed

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


def bench_http(data: bytes, runs: int, warmup: int, clients: int, requests: int,
               app: str = "api.main:app", workers: int = 1) -> dict:
    with Server(app, workers) as server:
        report = asyncio.run(_measure_http(server, data, runs, warmup, clients, requests))
    return {"app": app, "endpoint": REASON_PATH, "workers": workers, **report}


async def _measure_http(server: Server, data: bytes, runs: int, warmup: int, clients: int,
                        requests: int) -> dict:
    reason = raw_request("POST", REASON_PATH, data, MEDIA_TYPE)
    health = raw_request("GET", "/health")
    connection = await Connection.open(server.port)
    try:
        status, first = await connection.send(reason)
        if status != 200:
            raise RuntimeError(f"POST {REASON_PATH} answered {status}: {first[:500]!r}")
        for _ in range(warmup):
            await connection.timed(reason)
        sequential = [await connection.timed(reason) for _ in range(runs)]
        floor = [await connection.timed(health) for _ in range(min(runs, 200))]
    finally:
        await connection.close()
    load = await _load(server, [reason], clients, requests) if requests else None
    # The path a user's default call takes: storing on, each request a distinct case (a new
    # case graph and run), compared with store=false in the same run.
    storing = [raw_request("POST", STORING_PATH, distinct_case(data, i), MEDIA_TYPE)
               for i in range(requests + clients)]
    stored = await _load(server, storing, clients, requests) if requests else None
    ratio_p50 = ratio(stored["latency"].get("p50"), load["latency"].get("p50")) \
        if stored and load else None
    seen = await _read_after_write(server, requests + clients - 1) \
        if requests and SEED_NAMESPACE in data else None
    return {"sequential": summary(sequential), "health_floor": summary(floor), "load": load,
            "load_storing": stored, "storing_p50_over_store_false": ratio_p50,
            "read_after_storing_ms": seen,
            "outcomes_in_response": _outcomes_in(first.decode())}


async def _read_after_write(server: Server, last: int) -> float:
    """Milliseconds for GET /sparql to find the last case stored by the load, asked as soon
    as the load is answered: the store answers a write once it is journaled and applies it in
    the background, and a query waits for every write answered before it."""
    case = distinct_case(SEED_NAMESPACE, last).decode()
    query = f"ASK {{ GRAPH <https://w3id.org/mtus-kg/case/{case}/case> {{ ?s ?p ?o }} }}"
    request = raw_request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
    connection = await Connection.open(server.port)
    try:
        t0 = time.perf_counter()
        status, body = await connection.send(request)
        elapsed = time.perf_counter() - t0
    finally:
        await connection.close()
    if status != 200 or b"true" not in body:
        raise RuntimeError(f"the last stored case is not in the store: {status} {body[:300]!r}")
    return elapsed * 1000.0


def distinct_case(data: bytes, i: int) -> bytes:
    """The seed case under another case IRI (its own namespace), as a new case would be."""
    return data.replace(SEED_NAMESPACE, f"imr-bench-{i:07d}".encode())


def _outcomes_in(text: str) -> list[str]:
    return sorted({o for o in ("medically-necessary", "not-medically-necessary",
                               "insufficient-documentation", "not-addressed")
                   if f'"{o}"' in text})


async def _load(server: Server, requests_in_turn: list[bytes], clients: int,
                requests: int) -> dict:
    """`clients` keep-alive connections in this one thread share `requests` POSTs: each sends
    its next request as soon as the previous answer is in (closed loop, no pacing). The
    requests are taken from `requests_in_turn` in order, cycling."""
    connections = [await Connection.open(server.port) for _ in range(clients)]
    latencies: list[float] = []
    remaining = requests
    turn = iter(requests_in_turn * (1 + (requests + clients) // len(requests_in_turn)))

    async def client(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            latencies.append(await connection.timed(next(turn)))

    try:
        for connection in connections:  # every connection accepted before the clock starts
            await connection.timed(next(turn))
        cpu0, client0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        await asyncio.gather(*(client(c) for c in connections))
        wall = time.perf_counter() - t0
        client_cpu, cpu1 = time.process_time() - client0, server.cpu_seconds()
    finally:
        for connection in connections:
            await connection.close()
    done = len(latencies)
    server_cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return {"clients": clients, "requests": done, "wall_s": wall,
            "throughput_rps": done / wall if wall else None,
            "latency": summary(latencies),
            "server_cpu_ms_per_request": 1000.0 * server_cpu / done if server_cpu else None,
            "client_cpu_ms_per_request": 1000.0 * client_cpu / done}


# -- report ---------------------------------------------------------------------------------

def write_report(report: dict, path: Path | None, prefix: str) -> Path:
    """Write the JSON report (default: bench/results/<prefix>-<time>.json) and return it,
    with its UTC timestamp first and the machine-speed probe (see machine_probe_s) added."""
    out = path or RESULTS / f"{prefix}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **report,
              "machine_probe_s": machine_probe_s()}
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return out


def machine_probe_s(loops: int = 2_000_000) -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast this machine runs Python
    right now. The same code's absolute times moved by 1.5-1.9x between sessions of one day
    on these shared 2-core machines; ratios in one run do not, and absolute figures from two
    reports compare only after scaling by this probe."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(loops):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, timeout=10,
                             capture_output=True, text=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def print_table(report: dict) -> None:
    rows: list[tuple[str, dict]] = []
    ip = report["in_process"]
    for key, label in (("reason_document", "in-process kb.reason_document (total)"),
                       ("parse", "  stage: parse (intake, pyoxigraph)"),
                       ("completeness", "  stage: completeness (case shapes + checks)"),
                       ("facts_evaluation", "  stage: facts + evaluation"),
                       ("pyoxigraph_parse", "floor: bare pyoxigraph.parse")):
        rows.append((label, ip[key]))
    naive = report.get("naive")
    if naive:
        for key in ("parse", "shacl_owlrl", "kb_mixin", "sparql", "total"):
            rows.append((f"naive: {key}" if key != "total" else "naive pipeline (total)",
                         naive["stages"][key]))
    http = report.get("http")
    if http:
        rows.append((f"HTTP POST {http['endpoint']} sequential", http["sequential"]))
        rows.append(("HTTP GET /health (floor)", http["health_floor"]))
        if http.get("load"):
            load = http["load"]
            rows.append((f"HTTP load, {load['clients']} clients", load["latency"]))
    print(f"\n{'measure':<46}{'n':>7}{'p50 ms':>11}{'p90 ms':>11}{'p99 ms':>11}")
    print("-" * 86)
    for label, s in rows:
        if not s.get("n"):
            continue
        print(f"{label:<46}{s['n']:>7}{s['p50']:>11.3f}{s['p90']:>11.3f}{s['p99']:>11.3f}")
    print("-" * 86)
    if http and http.get("load"):
        print_load(http["load"], http["workers"])
        if http.get("load_storing"):
            stored = http["load_storing"]
            print(f"HTTP load, storing each distinct case (the default path): "
                  f"p50 {stored['latency']['p50']:.2f} ms, p99 {stored['latency']['p99']:.2f} ms, "
                  f"{stored['throughput_rps']:.0f} requests/s; p50 "
                  f"{http['storing_p50_over_store_false']:.2f}x store=false"
                  + (f"; a query right after it saw the last case in "
                     f"{http['read_after_storing_ms']:.0f} ms"
                     if http.get("read_after_storing_ms") is not None else ""))
    for key, value in report["ratios"].items():
        if value is not None:
            print(f"ratio {key}: {value:,.1f}x")


def print_load(load: dict, workers: int) -> None:
    print(f"HTTP load throughput: {load['throughput_rps']:.0f} requests/s "
          f"({load['requests']} requests, {load['clients']} clients, {workers} worker(s))")
    server, client = load["server_cpu_ms_per_request"], load["client_cpu_ms_per_request"]
    print("HTTP load CPU per request: "
          + (f"server {server:.2f} ms, " if server is not None else "")
          + f"load client {client:.2f} ms (on the same {os.cpu_count()} CPUs)")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=200, help="measured runs per in-process and "
                    "sequential-HTTP measure (default 200)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up runs (default runs/10, "
                    "at least 5)")
    ap.add_argument("--naive-runs", type=int, default=3, help="naive pipeline runs (default 3)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive pipeline")
    ap.add_argument("--http", action="store_true", help="also measure api.main:app over HTTP")
    ap.add_argument("--clients", type=int, default=4, help="HTTP load mode clients (default 4)")
    ap.add_argument("--requests", type=int, default=1000,
                    help="HTTP load mode total requests (default 1000; 0 skips load mode)")
    ap.add_argument("--workers", type=int, default=1,
                    help="uvicorn worker processes for --http (default 1)")
    ap.add_argument("--app", default="api.main:app",
                    help="ASGI app uvicorn serves for --http (default api.main:app)")
    ap.add_argument("--case", type=Path, default=SEED, help="case file (default: the seed)")
    ap.add_argument("--json", type=Path, default=None, help="JSON output path "
                    "(default bench/results/bench-<timestamp>.json)")
    args = ap.parse_args(argv)
    for name, value, top in (("--runs", args.runs, MAX_RUNS), ("--naive-runs", args.naive_runs, 50),
                             ("--clients", args.clients, MAX_CLIENTS),
                             ("--workers", args.workers, MAX_WORKERS),
                             ("--requests", args.requests, MAX_REQUESTS)):
        least = 1 if name in ("--runs", "--clients", "--workers") else 0
        if not least <= value <= top:
            ap.error(f"{name} must be from {least} to {top}")
    warmup = args.warmup if args.warmup is not None else max(5, args.runs // 10)
    data = args.case.read_bytes()

    t0 = time.perf_counter()
    kb = KnowledgeBase.load()
    kb_load = time.perf_counter() - t0
    expected = reasoner_outcomes(kb, data)

    gc.collect()
    report: dict = {
        "meta": {"timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                 "commit": git_commit(), "python": platform.python_version(),
                 "platform": platform.platform(), "cpus": os.cpu_count(),
                 "pyoxigraph": getattr(ox, "__version__", None), "case": str(args.case),
                 "case_bytes": len(data), "kb_digest": kb.digest, "kb_triples": len(kb.triples),
                 "args": {"runs": args.runs, "warmup": warmup, "naive_runs": args.naive_runs,
                          "naive": not args.no_naive, "http": args.http,
                          "clients": args.clients, "requests": args.requests,
                          "workers": args.workers}},
        "kb_load_s": kb_load,
        "determinations": expected,
    }
    print(f"KB loaded in {kb_load * 1000:.0f} ms ({len(kb.triples)} triples); "
          f"seed: {', '.join(d['outcome'] for d in expected)}")
    print(f"in process: {warmup} warm-up + {args.runs} runs ...", flush=True)
    report["in_process"] = bench_in_process(kb, data, args.runs, warmup)

    if not args.no_naive and args.naive_runs:
        print(f"naive pipeline: {args.naive_runs} runs (seconds each) ...", flush=True)
        report["naive"] = bench_naive(data, args.naive_runs, expected)
    else:
        report["naive"] = None

    if args.http:
        print(f"HTTP ({args.workers} worker(s)): {warmup} warm-up + {args.runs} sequential, "
              f"then {args.requests} requests over {args.clients} clients ...", flush=True)
        report["http"] = bench_http(data, args.runs, warmup, args.clients, args.requests,
                                    args.app, args.workers)
        wanted = sorted({d["outcome"] for d in expected})
        seen = report["http"]["outcomes_in_response"]
        assert seen == wanted, f"HTTP answered outcomes {seen}, the reasoner {wanted}"
    else:
        report["http"] = None

    ours = report["in_process"]["reason_document"]["p50"]
    naive_p50 = report["naive"]["stages"]["total"]["p50"] if report["naive"] else None
    http_p50 = report["http"]["sequential"]["p50"] if report["http"] else None
    report["ratios"] = {
        "naive_over_reasoner_p50": ratio(naive_p50, ours),
        "reasoner_over_pyoxigraph_parse_p50": ratio(
            ours, report["in_process"]["pyoxigraph_parse"]["p50"]),
        "http_over_in_process_p50": ratio(http_p50, ours),
    }
    report["targets_ms"] = {"in_process_p50": 2.0, "http_p50": 10.0}

    print_table(report)
    print(f"\nJSON: {write_report(report, args.json, 'bench')}")
    return report


if __name__ == "__main__":
    main()
