"""Benchmark the reasoner on the seed case: in process, against the naive pipeline, over HTTP.

    python bench/bench_reason.py [--runs N] [--naive-runs N | --no-naive] [--http
        [--clients C --requests R]] [--json OUT]

Everything is measured in one run on one machine, and the figures to read are the ratios:
reasoner / bare pyoxigraph parse (the floor) and naive pipeline / reasoner (the headline).
Results are printed as a table and written as JSON (default bench/results/, gitignored).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from reasoner.evaluate import decide  # noqa: E402
from reasoner.facts import read_case  # noqa: E402
from reasoner.kb import KnowledgeBase  # noqa: E402

SEED = ROOT / "examples" / "seed-case.ttl"
RESULTS = ROOT / "bench" / "results"
MEDIA_TYPE = "text/turtle"
LOOPBACK = "127.0.0.1"
REASON_PATH = "/v1/reason?store=false"
MAX_RUNS = 100_000
MAX_CLIENTS = 64
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

    def __init__(self, app: str = "api.main:app") -> None:
        self.app = app
        self.port = free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.log_fd, self.log_path = tempfile.mkstemp(prefix="bench-uvicorn-", suffix=".log")
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", self.app, "--host", LOOPBACK,
                 "--port", str(self.port), "--log-level", "warning", "--no-access-log"],
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
        import httpx

        assert self.proc is not None
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"uvicorn exited with {self.proc.returncode}:\n"
                                       + self.log_text())
                try:
                    if client.get(self.base + "/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"GET /health did not answer 200 within {SERVER_START_TIMEOUT:.0f} s:\n"
                           + self.log_text())

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


def _post(client, url: str, data: bytes) -> float:
    t0 = time.perf_counter()
    response = client.post(url, content=data, headers={"Content-Type": MEDIA_TYPE})
    elapsed = time.perf_counter() - t0
    if response.status_code != 200:
        raise RuntimeError(f"POST {url} answered {response.status_code}: {response.text[:500]}")
    return elapsed


def bench_http(data: bytes, runs: int, warmup: int, clients: int, requests: int,
               app: str = "api.main:app") -> dict:
    import httpx

    with Server(app) as server:
        url = server.base + REASON_PATH
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            first = client.post(url, content=data, headers={"Content-Type": MEDIA_TYPE})
            if first.status_code != 200:
                raise RuntimeError(f"POST {REASON_PATH} answered {first.status_code}: "
                                   f"{first.text[:500]}")
            outcome_seen = _outcomes_in(first.text)
            for _ in range(warmup):
                _post(client, url, data)
            sequential = [_post(client, url, data) for _ in range(runs)]
            health = []
            for _ in range(min(runs, 200)):
                t0 = time.perf_counter()
                client.get(server.base + "/health")
                health.append(time.perf_counter() - t0)
        load = _load(url, data, clients, requests) if requests else None
    return {"app": app, "endpoint": REASON_PATH, "sequential": summary(sequential),
            "health_floor": summary(health), "load": load, "outcomes_in_response": outcome_seen}


def _outcomes_in(text: str) -> list[str]:
    return sorted({o for o in ("medically-necessary", "not-medically-necessary",
                               "insufficient-documentation", "not-addressed")
                   if f'"{o}"' in text})


def _load(url: str, data: bytes, clients: int, requests: int) -> dict:
    """`clients` threads, each with its own httpx.Client, share `requests` POSTs."""
    import httpx

    shares = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def worker(i: int) -> None:
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            _post(client, url, data)  # connect before the clock starts
            barrier.wait()
            try:
                for _ in range(shares[i]):
                    latencies[i].append(_post(client, url, data))
            except Exception as exc:  # reported, not raised from the thread
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout=600)
    wall = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"{len(errors)} load client(s) failed: {errors[:3]}")
    done = sum(len(x) for x in latencies)
    return {"clients": clients, "requests": done, "wall_s": wall,
            "throughput_rps": done / wall if wall else None,
            "latency": summary([v for x in latencies for v in x])}


# -- report ---------------------------------------------------------------------------------

def write_report(report: dict, path: Path | None, prefix: str) -> Path:
    """Write the JSON report (default: bench/results/<prefix>-<time>.json) and return it."""
    out = path or RESULTS / f"{prefix}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return out


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
        print(f"HTTP load throughput: {http['load']['throughput_rps']:.0f} requests/s "
              f"({http['load']['requests']} requests, {http['load']['clients']} clients)")
    for key, value in report["ratios"].items():
        if value is not None:
            print(f"ratio {key}: {value:,.1f}x")


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
    ap.add_argument("--app", default="api.main:app",
                    help="ASGI app uvicorn serves for --http (default api.main:app)")
    ap.add_argument("--case", type=Path, default=SEED, help="case file (default: the seed)")
    ap.add_argument("--json", type=Path, default=None, help="JSON output path "
                    "(default bench/results/bench-<timestamp>.json)")
    args = ap.parse_args(argv)
    for name, value, top in (("--runs", args.runs, MAX_RUNS), ("--naive-runs", args.naive_runs, 50),
                             ("--clients", args.clients, MAX_CLIENTS),
                             ("--requests", args.requests, MAX_REQUESTS)):
        if not 0 <= value <= top or (name in ("--runs", "--clients") and value < 1):
            ap.error(f"{name} must be from {1 if name in ('--runs', '--clients') else 0} to {top}")
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
                          "clients": args.clients, "requests": args.requests}},
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
        print(f"HTTP: {warmup} warm-up + {args.runs} sequential, then {args.requests} requests "
              f"over {args.clients} clients ...", flush=True)
        report["http"] = bench_http(data, args.runs, warmup, args.clients, args.requests,
                                    args.app)
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
