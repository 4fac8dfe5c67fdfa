"""The fast paths of POST /v1/reason and of the server keep the contracts of the slow ones.

/v1/reason writes its JSON itself (api/fastjson.py) instead of through FastAPI's response
model; the body must be the bytes the model would have written. The bench's load client and
`mtus serve --workers` are checked here too. No timing assertions.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from api.fastjson import json_response
from reasoner.cli import main as mtus
from reasoner.engine.report import CaseReport

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").rglob("*.ttl"))[::40]


def model_bytes(report: dict) -> bytes:
    """What FastAPI sends for a dict under response_model=CaseReport: validate, dump JSON."""
    adapter = TypeAdapter(CaseReport)
    return adapter.dump_json(adapter.validate_python(report))


@pytest.mark.parametrize("case", [ROOT / "examples" / "seed-case.ttl", *CASES],
                         ids=lambda p: p.stem)
def test_reason_body_is_what_the_response_model_writes(client, case):
    response = client.post("/v1/reason?store=false", content=case.read_bytes(),
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == model_bytes(response.json())


def test_stored_reason_body_is_what_the_response_model_writes(client, seed_turtle):
    response = client.post("/v1/reason", content=seed_turtle,
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert response.json()["run"]
    assert response.content == model_bytes(response.json())


def test_json_response_writes_other_values_as_pydantic_does():
    import datetime as dt

    content = {"date": dt.date(2015, 7, 30), "tuple": (1, "é"), "none": None, "float": 0.5}
    assert json_response(content).body == TypeAdapter(dict).dump_json(content)


def test_serve_refuses_several_workers_on_the_embedded_store(monkeypatch, capsys):
    monkeypatch.delenv("MTUS_SPARQL_QUERY_URL", raising=False)
    monkeypatch.setenv("MTUS_STORE_PATH", "unused")  # cmd_serve sets it from --store
    assert mtus(["serve", "--workers", "2", "--store", ":memory:"]) == 2
    assert "MTUS_SPARQL_QUERY_URL" in capsys.readouterr().err
    assert mtus(["serve", "--workers", "0"]) == 2


def test_load_client_reads_keep_alive_answers():
    """The bench's raw-socket client against a tiny HTTP server: statuses and bodies."""
    from bench.bench_reason import Connection, raw_request

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            status = b"200 OK" if body == b"ok" else b"400 Bad Request"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body[::-1]), body[::-1]))

    async def run() -> list[tuple[int, bytes]]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        connection = await Connection.open(port)
        try:
            answers = [await connection.send(raw_request("POST", "/", b"ok", "text/plain"))
                       for _ in range(3)]
            answers.append(await connection.send(raw_request("POST", "/", b"no")))
            await connection.timed(raw_request("POST", "/", b"ok"))
            with pytest.raises(RuntimeError, match="answered 400"):
                await connection.timed(raw_request("POST", "/", b"bad"))
            return answers
        finally:
            await connection.close()
            server.close()

    assert asyncio.run(run()) == [(200, b"ko")] * 3 + [(400, b"on")]


def test_http_bench_writes_the_expected_json(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_reason.py"), "--runs", "5",
                           "--warmup", "1", "--no-naive", "--http", "--clients", "2",
                           "--requests", "20", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    http = json.loads(out.read_text())["http"]
    assert http["workers"] == 1 and http["sequential"]["n"] == 5
    load = http["load"]
    assert load["requests"] == 20 and load["clients"] == 2 and load["latency"]["n"] == 20
    assert load["client_cpu_ms_per_request"] >= 0
    assert http["outcomes_in_response"] == ["not-medically-necessary"]
