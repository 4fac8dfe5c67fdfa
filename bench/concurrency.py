"""Mixed concurrent requests give the same answers as serial ones (shared by the test and the
bench script): reason (storing and not), validate, guidelines and SPARQL, in a fixed mix.

    python bench/concurrency.py [--clients 8] [--requests 1000]   # over HTTP, real uvicorn

The answers compared leave out only what differs by design between two runs: the run IRI a
stored reasoning gets.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GUIDELINE_QUERY = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
SELECT ?r ?t WHERE { GRAPH <https://w3id.org/mtus-kg/graph/guidelines> {
  ?r a mtus:Recommendation . OPTIONAL { ?r mtus:statement ?t } } } ORDER BY ?r LIMIT 50"""


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    media: str | None = None
    body: bytes | None = None
    params: tuple[tuple[str, str], ...] = ()


def mixed_requests(count: int, docs: dict[str, bytes], guideline_ids: list[str],
                   seed: int = 5) -> list[Req]:
    """A fixed, shuffled mix: 40% reason (a quarter of them storing), 25% validate,
    20% guidelines, 15% SPARQL."""
    rng = random.Random(seed)
    names = sorted(docs)
    out = []
    for _ in range(count):
        roll, doc = rng.random(), docs[rng.choice(names)]
        if roll < 0.40:
            store = "true" if rng.random() < 0.25 else "false"
            out.append(Req("POST", "/v1/reason", "text/turtle", doc, (("store", store),)))
        elif roll < 0.65:
            out.append(Req("POST", "/v1/validate", "text/turtle", doc))
        elif roll < 0.75:
            out.append(Req("GET", "/v1/guidelines"))
        elif roll < 0.85:
            out.append(Req("GET", "/v1/guidelines/" + rng.choice(guideline_ids)))
        else:
            out.append(Req("GET", "/sparql", params=(("query", GUIDELINE_QUERY),)))
    return out


def send(client, req: Req) -> tuple[int, object]:
    """Status and the comparable answer, with any httpx-like client (httpx or TestClient)."""
    headers = {"content-type": req.media} if req.media else {}
    response = client.request(req.method, req.path, content=req.body, headers=headers,
                              params=dict(req.params))
    if response.headers.get("content-type", "").startswith("application/json"):
        answer = response.json()
        if isinstance(answer, dict):
            answer.pop("run", None)  # a new run IRI per stored reasoning, by design
        return response.status_code, answer
    return response.status_code, response.text


def run_concurrently(make_client: Callable, requests: list[Req], clients: int) -> dict:
    """Each of `clients` threads sends every `clients`-th request; answers by index."""
    answers: dict[int, tuple[int, object]] = {}
    errors: list[str] = []
    barrier = threading.Barrier(clients)

    def worker(k: int) -> None:
        client = make_client()
        try:
            barrier.wait(timeout=60)
            for i in range(k, len(requests), clients):
                answers[i] = send(client, requests[i])
        except Exception as exc:  # reported by the caller, not lost in the thread
            errors.append(f"client {k}: {exc!r}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    return {"answers": answers, "errors": errors}


def compare(serial: list[tuple[int, object]], concurrent: dict[int, tuple[int, object]],
            requests: list[Req]) -> list[str]:
    """Differences between the serial and concurrent answers (empty when identical)."""
    problems = []
    for i, expected in enumerate(serial):
        got = concurrent.get(i)
        if got != expected:
            problems.append(f"#{i} {requests[i].method} {requests[i].path}: serial "
                            f"{str(expected)[:200]} != concurrent {str(got)[:200]}")
        elif expected[0] >= 500:
            problems.append(f"#{i} {requests[i].path} answered {expected[0]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    import httpx

    from bench.bench_mix import mix_documents
    from bench.bench_reason import Server
    from reasoner.engine.kb import KnowledgeBase

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=1000, help="per client (default 1000)")
    args = ap.parse_args(argv)
    kb = KnowledgeBase.load()
    ids = sorted(r.iri.rsplit("/", 1)[-1] for r in kb.program.recommendations)
    requests = mixed_requests(args.clients * args.requests, mix_documents(), ids)
    with Server() as server:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            t0 = time.perf_counter()
            serial = [send(client, r) for r in requests]
            serial_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = run_concurrently(lambda: httpx.Client(base_url=server.base, timeout=60),
                                  requests, args.clients)
        concurrent_s = time.perf_counter() - t0
    problems = result["errors"] + compare(serial, result["answers"], requests)
    statuses: dict[int, int] = {}
    for status, _ in serial:
        statuses[status] = statuses.get(status, 0) + 1
    print(json.dumps({"clients": args.clients, "requests": len(requests),
                      "serial_s": round(serial_s, 2), "concurrent_s": round(concurrent_s, 2),
                      "statuses": statuses, "differences": len(problems)}))
    for p in problems[:10]:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
