"""The benchmark runs and reports what it promises; the naive pipeline agrees with the reasoner.

No timing assertions: figures depend on the machine, and bench/README.md says how to read them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-case.ttl"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_reason import naive_outcomes, reasoner_outcomes  # noqa: E402
from bench.naive import NaivePipeline  # noqa: E402

STAGES = ("reason_document", "parse", "completeness", "facts_evaluation", "stages_sum",
          "pyoxigraph_parse")
PERCENTILES = ("n", "p50", "p90", "p99", "mean", "min", "max")


def test_in_process_bench_writes_the_expected_json(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_reason.py"), "--runs", "3",
                           "--warmup", "1", "--no-naive", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "kb.reason_document" in done.stdout
    report = json.loads(out.read_text())
    assert set(report) >= {"meta", "kb_load_s", "determinations", "in_process", "naive", "http",
                           "ratios", "targets_ms"}
    assert report["naive"] is None and report["http"] is None
    for stage in STAGES:
        assert set(report["in_process"][stage]) == set(PERCENTILES), stage
        assert report["in_process"][stage]["n"] == 3
    assert set(report["ratios"]) == {"naive_over_reasoner_p50",
                                     "reasoner_over_pyoxigraph_parse_p50",
                                     "http_over_in_process_p50"}
    assert report["ratios"]["reasoner_over_pyoxigraph_parse_p50"] > 0
    assert [d["outcome"] for d in report["determinations"]] == ["not-medically-necessary"]


@pytest.fixture(scope="module")
def naive() -> NaivePipeline:
    return NaivePipeline(ROOT)


RED_FLAG_ABSENT = b"mtus:concept term:RedFlagSpinalPathology ; mtus:status mtus:Absent"
VARIANTS = {
    "seed": (b"", b""),
    # a present subclass of the red-flag class meets the criterion
    "red-flag-present": (RED_FLAG_ABSENT, b"mtus:concept term:CaudaEquinaSigns ; mtus:status "
                                          b"mtus:Present"),
    # one narrower red flag documented absent does not make all red flags absent
    "narrower-absence": (RED_FLAG_ABSENT, b"mtus:concept term:SuspectedFracture ; mtus:status "
                                          b"mtus:Absent"),
    # a narrower accepted purpose meets the request-purpose criterion
    "management-purpose": (b"mtus:purpose term:SymptomEvaluation",
                           b"mtus:purpose term:InstabilityEvaluation"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_naive_pipeline_agrees_with_the_reasoner(kb, naive, variant):
    old, new = VARIANTS[variant]
    data = SEED.read_bytes()
    if old:
        assert old in data
        data = data.replace(old, new)
    result = naive.run(data)
    assert result.conforms and result.violations == 0
    assert naive_outcomes(result) == reasoner_outcomes(kb, data)
    if variant == "seed":
        assert [d.outcome for d in result.determinations] == ["not-medically-necessary"]


def test_bench_bulk_smoke(tmp_path):
    """The bulk benchmark end to end on a few cases: every README query answers on the store
    it builds (the seed query with the seed's row). No timing asserted."""
    from bench import bench_bulk
    report = bench_bulk.main(["--cases", "30", "--sample", "3", "--files", "2",
                              "--dir", str(tmp_path / "work"), "--json", str(tmp_path / "b.json")])
    assert report["quads"] > 30 * 50 and report["files"] == 2
    queries = report["queries_ms"]
    assert set(bench_bulk.readme_queries()) <= set(queries)
    assert queries["seed-determination"]["rows"] == 1
    assert queries["outcomes-by-section"]["rows"] >= 3
    assert queries["letters-cited-sections"]["rows"] >= 1  # letter cases are among the 30


def test_bench_mix_over_generated_letters_smoke(tmp_path):
    from bench import bench_mix
    report = bench_mix.main(["--source", "letters", "--letters", "5", "--rounds", "1",
                             "--warmup", "0", "--json", str(tmp_path / "m.json")])
    assert report["cases"] == 5 and report["decided"] + report["incomplete"] == 5
    assert report["source"] == "letters" and report["ratio_p50_all"] > 1


def test_impact_bench_times_the_three_commands(tmp_path):
    """A handful of stored cases (the 10,000 of docs/authoring.md take minutes)."""
    out = tmp_path / "impact.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_impact.py"), "--cases",
                           "6", "--letter-share", "0", "--dir", str(tmp_path / "work"),
                           "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    corpus, stored, both = report["commands"]
    assert report["store"]["cases"] == 6
    assert corpus["command"].startswith("mtus impact ") and "--store" not in corpus["command"]
    assert corpus["decided"] > 400 and corpus["changed"] >= 1  # the raised limit flips some
    assert stored["runs"] == {report["store"]["digest"]: 6} and stored["decided"] >= 6
    assert both["decided"] == corpus["decided"] + stored["decided"]
    assert all(c["wall_s"] >= c["report_s"] > 0 for c in report["commands"])
