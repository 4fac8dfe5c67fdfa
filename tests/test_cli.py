"""The `mtus` command line as a user runs it: exit codes, the JSON contract, the README's
SPARQL query over the store, and the docs that must match the tests."""

import json
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
