"""The letter corpus (tests/letters/): layouts, edge cases, no leakage, per-file errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reasoner import cli
from reasoner.engine.facts import read_case
from reasoner.reader.letter import read_letter
from reasoner.scoring import LetterItem, metrics
from reasoner.store.sparql import StoreError
from reasoner.vocab import TERM, m
from reasoner.workflows.letters import ingest_letters as ingest
from reasoner.workflows.letters import letter_files
from reasoner.workflows.letters import score_letter as evaluate_letter
from reasoner.workflows.letters import score_letters as evaluate

CORPUS = Path(__file__).resolve().parent / "letters"
LETTERS = letter_files([CORPUS])
INVALID = sorted((CORPUS / "invalid").iterdir())


@pytest.fixture(scope="module")
def read(kb):
    return {p.name: read_letter(p.read_bytes(), p.name, kb.terms) for p in LETTERS}


def test_corpus_covers_the_three_layouts(read):
    layouts = {r.letter.layout for r in read.values()}
    assert layouts == {"imr-final-determination", "notice-2013", "medical-professional-review"}
    assert all(i.outcome in ("upheld", "overturned") for r in read.values()
               for i in r.letter.items)


def test_several_items_in_one_letter(read):
    letter = read["001_multi_item_opioid_pt.txt"]
    facts = read_case(letter.graph.facts)
    requests = {r.concept: r for r in facts.requests}
    pt = requests[TERM + "PhysicalTherapy"]
    assert (pt.quantity, pt.unit) == (12, m("Visit"))
    norco = requests[TERM + "HydrocodoneAcetaminophen"]
    assert (norco.quantity, norco.unit, norco.dose_mg) == (120, m("Tablet"), 10)
    prior_pt = next(c for c in facts.courses if c.concept == TERM + "PhysicalTherapy")
    assert (prior_pt.sessions, prior_pt.response) == (24, m("NoImprovement"))
    spasm = next(f for f in facts.findings if f.concept == TERM + "MuscleSpasm")
    assert spasm.present is False  # "there is no muscle spasm"


def test_modified_request_is_judged_as_written(read):
    letter = read["003_modified_request_mri.txt"]
    actions = {t.object.value for t in letter.graph.facts if t.predicate.value == m("action")}
    assert actions == {m("Modified")}
    facts = read_case(letter.graph.facts)
    assert any(f.concept == TERM + "RedFlagSpinalPathology" and not f.present
               for f in facts.findings)


def test_non_mtus_citation_is_recorded(kb, read):
    items = evaluate_letter(read["004_odg_non_mtus.txt"], kb)
    ambien = next(i for i in items if i.name.startswith("Ambien"))
    assert "Official Disability Guidelines" in ambien.letter_citation
    if ambien.predicted is None:  # zolpidem not (yet) in the terminology or no ODG rule
        assert ambien.reason
    else:
        assert ambien.category == "drug"


def test_ocr_noise_is_cleaned(read):
    letter = read["007_ocr_noise_page_breaks.txt"]
    text = letter.letter.summary_text
    assert "Page 2 of 3" not in text and "Final Determination Letter" not in text
    assert "treatment includes" in text and "3-19-15" in text
    facts = read_case(letter.graph.facts)
    assert facts.age == 58 and facts.injury_date.isoformat() == "2013-08-16"
    assert {p.value for p in facts.pain_scores} == {9, 5}


def _predicted(kb, text: str, name: str) -> list:
    letter = read_letter(text.encode(), name, kb.terms)
    return [(i.name, i.outcome, i.citation) for i in evaluate_letter(letter, kb)]


_FLIPS = [(r"\bUpheld\b", "Overturned"), (r"\bOverturned\b", "Upheld"),
          (r"is\s+not\s+medically", "is medically"), (r"are\s+not\s+medically", "are medically")]


def _flipped(text: str) -> str:
    marks = {"Upheld": "\0O", "Overturned": "\0U"}
    text = re.sub(r"\b(Upheld|Overturned)\b", lambda x: marks[x.group(1)], text)
    text = text.replace("\0O", "Overturned").replace("\0U", "Upheld")
    text = re.sub(r"(is|are)\s+medically\s+necessary", r"\1 NOT_ medically necessary", text)
    text = re.sub(r"(is|are)\s+not\s+NOT_\s+medically", r"\1 medically", text)
    text = re.sub(r"(is|are)\s+not\s+medically", r"\1 medically", text)
    return text.replace("NOT_", "not")


def _without_rationale(text: str) -> str:
    heads = (r"Decision rationale:|Expert Reviewer.s Rationale for the Decision:|"
             r"RATIONALE FOR WHY[^\n]*")
    ends = r"(?=\n\s*\n[^\n]*:\s*(?:Upheld|Overturned)\s*\n|\n\s*\d+\)\s*Regarding|" \
           r"\n\s*MEDICAL REVIEWER|\Z)"
    return re.sub(f"({heads})(.*?){ends}", r"\1\n", text, flags=re.S)


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.name)
def test_no_leakage(kb, path):
    text = path.read_text()
    flipped, bare = _flipped(text), _without_rationale(text)
    assert flipped != text and bare != text
    original = read_letter(text.encode(), path.name, kb.terms)
    assert [i.outcome for i in read_letter(flipped.encode(), path.name, kb.terms).letter.items] != \
        [i.outcome for i in original.letter.items]
    expected = _predicted(kb, text, path.name)
    assert _predicted(kb, flipped, path.name) == expected
    assert _predicted(kb, bare, path.name) == expected


def test_unreadable_files_fail_alone_and_store_nothing(kb, store):
    results = ingest(INVALID + LETTERS[:2], kb, store)
    errors = {Path(r.source).name: r.error for r in results if not r.ok}
    assert set(errors) == {"empty.txt", "binary.txt", "unknown_layout.txt"}
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"]
    assert "unknown letter layout" in errors["unknown_layout.txt"]
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a "
                         "<https://w3id.org/mtus-kg/ontology#Case> } }")
    assert len(graphs.rows) == 2


def test_a_failed_write_is_a_file_error_and_the_others_are_stored(kb, store, monkeypatch):
    """The batch write fails as a whole; it is retried letter by letter, so the error names
    the one letter that cannot be written and the others are stored."""
    calls = []
    real = store.save_letters_nquads
    bad = None

    def write(letters) -> None:
        nonlocal bad
        calls.append([case for case, _, _ in letters])
        bad = bad or letters[1][0]  # the second letter of the first (batch) call
        if any(case == bad for case, _, _ in letters):
            raise StoreError("disk full")
        real(letters)

    monkeypatch.setattr(store, "save_letters_nquads", write)
    results = ingest(LETTERS[:3], kb, store)
    assert len(calls[0]) == 3 and all(len(c) == 1 for c in calls[1:])  # batch, then each
    assert [r.ok for r in results] == [True, False, True]
    assert "disk full" in results[1].error
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a "
                         "<https://w3id.org/mtus-kg/ontology#Case> } }")
    assert len(graphs.rows) == 2


def test_eval_report(kb):
    report = evaluate(LETTERS, kb)
    overall = report.overall
    assert overall.items == 12 and overall.confusion["upheld"]["upheld"] >= 1
    assert set(report.by_category) >= {"drug", "physical medicine", "diagnostic service"}
    assert all(d.reason for d in report.disagreements)


@pytest.mark.parametrize(("recorded", "predicted", "right"), [
    ("certified", "overturned", True), ("certified", "upheld", False),
    ("non-certified", "upheld", True), ("non-certified", "overturned", False),
    ("modified", "upheld", True), ("modified", "overturned", False),
    ("upheld", "upheld", True), ("overturned", "upheld", False)])
def test_a_reviews_action_is_scored_as_imrs_outcome(recorded, predicted, right):
    """A utilization review's certified request is care found necessary, as IMR's overturned;
    non-certified or modified, the request as written was not certified, as IMR's upheld. A UR
    letter's items are scored so, not all wrong for their words."""
    item = LetterItem("ur.txt", "MRI", "MRI", "diagnostic service", recorded, predicted,
                      None, None, None, None, "")
    assert item.correct is right
    positive = "overturned" if recorded in ("certified", "overturned") else "upheld"
    found = metrics([item])
    assert found.correct == int(right) and found.confusion[positive][predicted] == 1


def test_cli_ingest_and_eval(tmp_path, capsys):
    store = tmp_path / "store"
    assert cli.main(["ingest", str(CORPUS), "--store", str(store)]) == 0
    assert cli.main(["ingest", str(CORPUS / "invalid"), "--store", str(store)]) == 2
    capsys.readouterr()
    assert cli.main(["eval", str(CORPUS), "--out", str(tmp_path / "eval")]) == 0
    out = capsys.readouterr()
    assert "accuracy" in out.out and "[" in out.err  # the progress bar goes to stderr
    report = json.loads((tmp_path / "eval" / "eval.json").read_text())
    assert report["overall"]["items"] >= 12
    assert (tmp_path / "eval" / "eval.csv").read_text().startswith("source,name,")


@pytest.mark.parametrize("separator", [" | ", "|", "   |   "])
def test_a_table_of_disputed_items(kb, separator):
    """A determination whose disputed items are the rows of a table (number, treatment,
    outcome): each row is an item, with its outcome; what follows the table is not."""
    rows = [("1", "Lidoderm 5% patch #30", "UPHELD"), ("2", "Duloxetine 30mg #30", "OVERTURNED")]
    table = "\n".join(separator.join(r) for r in rows)
    text = ("Independent Medical Review - Final Determination\n\nSummary of the determination\n\n"
            f"#{separator}Treatment in dispute{separator}Determination\n{table}\n\n"
            "Final Determination: OVERTURN IN PART.\n\nCLINICAL CASE SUMMARY\n\nThis 53-year-old "
            "woman injured her low back on 04/12/2019. The RFA of 02/08/2022 asked for both.\n")
    letter = read_letter(text.encode(), "table.txt", kb.terms).letter
    assert letter.layout == "medical-professional-review"
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("Lidoderm 5% patch #30", "upheld"), ("Duloxetine 30mg #30", "overturned")]
