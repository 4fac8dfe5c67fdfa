"""The `mtus` command line as a user runs it: exit codes, the JSON contract, the README's
SPARQL query over the store, and the docs that must match the tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-case.ttl"
QUERY_FILE = ROOT / "docs" / "seed-determination.rq"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_reason_json_prints_the_contract_and_exits_0(capsys, tmp_path):
    code, out, _ = run(capsys, "reason", str(SEED), "--json", "--store", str(tmp_path / "s"))
    assert code == 0
    (d,) = json.loads(out)["determinations"]
    assert {"request", "service", "outcome", "imr_equivalent", "citation", "criteria",
            "missing"} <= set(d)
    assert (d["outcome"], d["imr_equivalent"]) == ("not-medically-necessary", "upheld")
    assert {"guideline", "section", "pages", "edition"} <= set(d["citation"])
    assert all({"criterion", "statement", "result", "evidence"} <= set(c) for c in d["criteria"])


def test_reason_summary_names_the_decisive_criterion(capsys):
    code, out, _ = run(capsys, "reason", str(SEED), "--no-store")
    assert code == 0
    assert "not-medically-necessary (IMR: upheld)" in out
    assert "MTUS ACOEM Low Back Complaints 2004, Section(s): Special Studies" in out
    assert "documented absent" in out


def test_incomplete_case_exits_2_naming_the_missing_fact(capsys, tmp_path):
    case = tmp_path / "case.ttl"
    case.write_text(SEED.read_text().replace('    mtus:requestDate "2015-07-30"^^xsd:date ;\n', ""))
    code, _, err = run(capsys, "reason", str(case), "--no-store")
    assert code == 2
    assert "request date" in err


def test_malformed_input_exits_2_with_line_and_column(capsys, tmp_path):
    case = tmp_path / "case.jsonld"
    case.write_text('{\n  "@context": "https://w3id.org/mtus-kg/context.jsonld",\n  "id": \n}')
    code, _, err = run(capsys, "reason", str(case), "--no-store")
    assert code == 2
    assert f"{case}:4:1" in err


def test_missing_file_and_unknown_type_exit_2(capsys, tmp_path):
    assert run(capsys, "reason", str(tmp_path / "nope.ttl"))[0] == 2
    (tmp_path / "case.xml").write_text("<x/>")
    assert run(capsys, "validate", str(tmp_path / "case.xml"))[0] == 2


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_validate(capsys, engine):
    code, out, _ = run(capsys, "validate", str(SEED), "--engine", engine)
    assert code == 0 and "complete enough to decide" in out


def test_readme_query_returns_the_seed_determination(capsys, tmp_path):
    store = str(tmp_path / "store")
    assert run(capsys, "reason", str(SEED), "--store", store)[0] == 0
    code, out, _ = run(capsys, "query", str(QUERY_FILE), "--store", store, "--format", "csv")
    assert code == 0
    assert "req-dynamic-xray" in out and "NotMedicallyNecessary" in out
    assert "MTUS ACOEM Low Back Complaints 2004, Section(s): Special Studies, page 303" in out


def test_readme_shows_the_query_the_tests_run():
    from test_sparql import README_QUERY

    assert README_QUERY.strip() in (ROOT / "README.md").read_text()
    assert QUERY_FILE.read_text().strip() == README_QUERY.strip()


def test_console_script_runs_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "reasoner.cli", "reason", str(SEED),
                           "--no-store"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_relative_store_path_is_the_users_not_the_query_workers(tmp_path):
    """Query workers run in the package's directory: a relative --store must still name the
    store beside the user (it once read `<repo>/<path>`, another store, or failed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "reasoner.cli"]
    stored = subprocess.run([*cli, "reason", str(SEED), "--store", "here/store"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env)
    assert stored.returncode == 0, stored.stderr
    done = subprocess.run([*cli, "query", "--store", "here/store", "--format", "csv",
                           "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 0, done.stdout


def test_an_ill_formed_date_gets_no_traceback(tmp_path):
    case = tmp_path / "bad-date.ttl"
    case.write_text(SEED.read_text().replace('"2015-07-30"^^xsd:date', '"2015-212"^^xsd:date'))
    done = subprocess.run([sys.executable, "-m", "reasoner.cli", "reason", str(case),
                           "--no-store"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr


# --- rough edges: what a user types that used to end in a traceback or an unclear message ---


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> str:
    """A store holding the guidelines and the seed case's determination."""
    store = str(tmp_path_factory.mktemp("cli") / "store")
    assert main(["reason", str(SEED), "--store", store]) == 0
    return store


def test_query_text_longer_than_a_file_name_runs_as_sparql(capsys, seed_store):
    text = (ROOT / "docs" / "letters-cited-sections.rq").read_text()
    assert len(text) > 255  # Path(text).is_file() raised OSError: File name too long
    code, out, err = run(capsys, "query", text, "--store", seed_store)
    assert (code, err) == (0, "")
    assert "guideline" in out.splitlines()[0]


@pytest.mark.parametrize("arg", ["@{}", "{}", "-"])
def test_query_reads_a_file_by_name_at_name_or_stdin(capsys, monkeypatch, seed_store, arg):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(QUERY_FILE.read_text()))
    code, out, err = run(capsys, "query", arg.format(QUERY_FILE), "--store", seed_store,
                         "--format", "csv")
    assert (code, err) == (0, "")
    assert "req-dynamic-xray" in out and out.endswith("\r\n")  # no blank line after the CSV


@pytest.mark.parametrize("arg", ["nope.rq", "docs/nope.sparql", "docs/no-such-query",
                                 "@nope", "my query.rq"])
def test_query_file_that_is_not_there_is_no_such_file_not_a_syntax_error(capsys, seed_store,
                                                                         arg):
    code, _, err = run(capsys, "query", arg, "--store", seed_store)
    assert code == 2
    assert "no such file" in err and "syntax" not in err.lower()


def test_query_on_a_store_that_is_not_there_is_bad_input_and_creates_nothing(capsys, tmp_path):
    code, _, err = run(capsys, "query", str(QUERY_FILE), "--store", str(tmp_path / "typo"))
    assert code == 2 and "no store here" in err
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("command", ["reason", "validate"])
def test_case_file_that_is_a_directory_says_so_and_what_to_pass(capsys, command):
    code, _, err = run(capsys, command, str(ROOT / "examples"))
    assert code == 2
    assert "is a directory" in err and ".ttl" in err and "no such file" not in err


def test_output_into_a_closed_pipe_ends_quietly_with_141(seed_store):
    """`mtus query ... | head`: the reader is gone when mtus writes; no BrokenPipe traceback
    (it was "Exception ignored ... BrokenPipeError", exit 120), exit 141."""
    proc = subprocess.Popen([sys.executable, "-m", "reasoner.cli", "query",
                             "SELECT * { ?s ?p ?o }", "--store", seed_store, "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    # Closed before the child has started up: its first write fails. (A reader that leaves in
    # the middle of one large write gives the writer a short count, which Python's text layer
    # drops without an error: that ends 0, and is not what this test is about.)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""


def test_broken_pipe_in_any_command_is_141(capsys, monkeypatch):
    from reasoner import cli

    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_prune", closed)
    code, _, err = run(capsys, "prune")
    assert (code, err) == (141, "")


def test_version(capsys, monkeypatch):
    import importlib.metadata
    import tomllib

    from reasoner import cli

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"mtus {importlib.metadata.version('mtus-kg')}\n"

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert cli._version() == pyproject["project"]["version"]


def _refuse_uvicorn(monkeypatch) -> list:
    import uvicorn

    calls: list = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(a))
    return calls


def test_serve_on_a_busy_port_says_so_and_exits_3(capsys, monkeypatch, tmp_path):
    import socket

    monkeypatch.setenv("MTUS_STORE_PATH", str(tmp_path / "env-store"))  # serve sets it
    calls = _refuse_uvicorn(monkeypatch)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "serve", "--port", str(port), "--store", str(tmp_path / "s"))
    assert code == 3
    assert f"port {port} is in use" in err and "--port" in err
    assert calls == []  # checked before uvicorn loads the app and takes the store's lock


def test_serve_that_uvicorn_cannot_start_exits_3_with_a_message(capsys, monkeypatch, tmp_path):
    import socket

    import uvicorn

    monkeypatch.setenv("MTUS_STORE_PATH", str(tmp_path / "env-store"))

    def startup_failure(*args, **kwargs):
        raise SystemExit(3)  # what uvicorn does when the app's start-up fails

    monkeypatch.setattr(uvicorn, "run", startup_failure)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code, _, err = run(capsys, "serve", "--port", str(port), "--store", str(tmp_path / "s"))
    assert code == 3 and "did not start" in err


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_serve_port_out_of_range_is_a_usage_error(capsys, monkeypatch, tmp_path, port):
    monkeypatch.setenv("MTUS_STORE_PATH", str(tmp_path / "env-store"))
    calls = _refuse_uvicorn(monkeypatch)
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port, "--store", str(tmp_path / "s")])
    assert exit_.value.code == 2
    assert calls == []
    assert "--port" in capsys.readouterr().err


def test_unexpected_exception_is_one_line_and_exit_1(capsys, monkeypatch):
    from reasoner import cli

    def bug(args):
        raise RuntimeError("kaput\nsecond line")

    monkeypatch.setattr(cli, "cmd_prune", bug)
    monkeypatch.delenv("MTUS_DEBUG", raising=False)
    code, _, err = run(capsys, "prune")
    assert code == 1
    assert err.splitlines() == [
        "internal error: RuntimeError: kaput second line (MTUS_DEBUG=1 shows the traceback)"]

    monkeypatch.setenv("MTUS_DEBUG", "1")
    code, _, err = run(capsys, "prune")
    assert code == 1
    assert "Traceback" in err and "kaput" in err


def test_interrupt_is_130_without_a_traceback(capsys, monkeypatch):
    from reasoner import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_prune", interrupted)
    try:
        code, _, err = run(capsys, "prune")
    except KeyboardInterrupt:  # escaping main would also end this test session
        pytest.fail("KeyboardInterrupt escaped main()")
    assert (code, err) == (130, "interrupted\n")


def _words(text: str) -> str:
    return " ".join(text.split())


def test_exit_codes_are_documented_in_the_module_help_and_readme(capsys):
    from reasoner import cli

    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = _words(capsys.readouterr().out)
    readme = _words((ROOT / "README.md").read_text())
    doc = _words(cli.__doc__ or "")
    assert set(cli.EXIT_CODES) == {cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_BAD_INPUT,
                                   cli.EXIT_CANNOT_SERVE, cli.EXIT_INTERRUPTED,
                                   cli.EXIT_BROKEN_PIPE}
    for code, meaning in cli.EXIT_CODES.items():
        assert f"{code} {_words(meaning)}" in doc, code
        assert f"{code} {_words(meaning)}" in help_text, code
        assert f"| `{code}` | {_words(meaning)} |" in readme, code


def test_read_prints_a_progress_reports_case_graph_that_reason_decides(tmp_path, capsys):
    report = (Path(__file__).resolve().parent / "reader" / "corpus" / "progress-reports"
              / "001-pr2-lumbar-norco-ppi-pt.txt")
    assert main(["read", str(report)]) == 0
    graph = tmp_path / "case.ttl"
    graph.write_text(capsys.readouterr().out)
    assert main(["reason", str(graph), "--no-store", "--json"]) == 0
    decided = json.loads(capsys.readouterr().out)["determinations"]
    assert "https://w3id.org/mtus-kg/term/Omeprazole" in {d["service_concept"] for d in decided}
    assert main(["read", str(report), "--reason"]) == 0
    # naproxen (in the medication table) with a prior GI bleed: the PPI is supported
    assert "Omeprazole 20 mg daily #30: medically-necessary" in capsys.readouterr().out


def test_read_a_missing_file_or_a_directory_is_bad_input(tmp_path, capsys):
    assert main(["read", str(tmp_path / "none.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["read", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_an_endless_input_is_refused_not_read_until_memory_runs_out(tmp_path, capsys):
    endless = tmp_path / "endless.ttl"
    endless.symlink_to("/dev/zero")
    assert main(["reason", str(endless), "--no-store"]) == 2
    assert "larger than 64 MiB" in capsys.readouterr().err
