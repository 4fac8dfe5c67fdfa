"""Soak: a steady request rate against uvicorn for minutes, watching the server's memory.

    python bench/soak.py [--seconds 300] [--rate 100] [--clients 4]

The mix is bench/concurrency.py's (reason, validate, guidelines, SPARQL; reasoning without
storing, so the store does not grow by design). Requests are paced to `--rate` per second
over `--clients` threads. The server's resident memory (VmRSS) is sampled every
`--sample` seconds; growth is measured from the end of the warm-up (`--warmup` seconds) to the
end. Passes when growth < 10% and no request failed. Not for CI: it runs for minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_mix import mix_documents  # noqa: E402
from bench.bench_reason import Server, summary  # noqa: E402
from bench.concurrency import mixed_requests, send  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main(argv: list[str] | None = None) -> int:
    import httpx

    from reasoner.engine.kb import KnowledgeBase

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--rate", type=float, default=100)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--warmup", type=float, default=30)
    ap.add_argument("--sample", type=float, default=5)
    args = ap.parse_args(argv)
    kb = KnowledgeBase.load()
    ids = sorted(r.iri.rsplit("/", 1)[-1] for r in kb.program.recommendations)
    requests = [r for r in mixed_requests(5000, mix_documents(), ids)
                if ("store", "true") not in r.params]
    latencies: list[float] = []
    errors: list[str] = []
    samples: list[tuple[float, int]] = []
    with Server() as server:
        assert server.proc is not None
        start = time.monotonic()
        stop = start + args.seconds
        interval = args.clients / args.rate  # each client's share of the pace

        def client(k: int) -> None:
            with httpx.Client(base_url=server.base, timeout=30) as c:
                due, i = start + k * interval / args.clients, k
                while due < stop:
                    time.sleep(max(0.0, due - time.monotonic()))
                    t0 = time.perf_counter()
                    try:
                        status, _ = send(c, requests[i % len(requests)])
                        if status >= 500:
                            errors.append(f"{status}")
                    except Exception as exc:  # counted, the soak goes on
                        errors.append(repr(exc))
                    latencies.append(time.perf_counter() - t0)
                    due, i = due + interval, i + args.clients

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        while time.monotonic() < stop:
            samples.append((time.monotonic() - start, rss_kib(server.proc.pid)))
            time.sleep(args.sample)
        for t in threads:
            t.join(timeout=60)
        samples.append((time.monotonic() - start, rss_kib(server.proc.pid)))
    base = next((kib for t, kib in samples if t >= args.warmup), samples[0][1])
    end = samples[-1][1]
    growth = (end - base) / base
    report = {"seconds": args.seconds, "rate_target": args.rate, "requests": len(latencies),
              "rate_achieved": len(latencies) / args.seconds, "errors": len(errors),
              "latency_ms": summary(latencies), "rss_kib_after_warmup": base,
              "rss_kib_end": end, "rss_kib_max": max(k for _, k in samples),
              "growth": growth, "passed": growth < 0.10 and not errors}
    print(json.dumps(report, indent=2))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
