"""`mtus coverage`: the commonly disputed services with a recommendation in force, by date.

The floors are the weighted coverage reached so far (share of IMR volume, weighted by the
category shares in reasoner/authoring/coverage.py); an edit that loses coverage fails here.
Raise a floor when content is added, never lower one without saying why in the commit."""

import datetime as dt
import json

import pytest

from reasoner.authoring.coverage import DISPUTED, by_year, coverage
from reasoner.cli import main

# Every listed service was covered until the long tail of a second independent probe joined
# the list (2026-12-05): hydroxyzine, buspirone, dry needling, shockwave therapy outside the
# shoulder, neuropsychological testing, weight-loss programs (no encoded position), genicular
# RFA from 2018 and naltrexone before 2017-12 are listed as the gaps they are.
FLOORS = {year: 0.993 for year in range(2014, 2027)}


def test_coverage_of_commonly_disputed_services_does_not_drop(kb):
    got = by_year(kb.program, 2014, 2026)
    dropped = {year: f"{got[year]:.3f} < {floor}" for year, floor in FLOORS.items()
               if got[year] < floor}
    assert not dropped


def test_every_listed_service_is_in_the_terminology(kb):
    unknown = [s for _, _, _, services in DISPUTED for s, _ in services
               if not kb.program.terminology.known(
                   "https://w3id.org/mtus-kg/term/" + s)]
    assert not unknown


def test_a_service_is_covered_only_by_recommendations_in_force(kb):
    before = coverage(kb.program, dt.date(2009, 7, 17))  # the day before the CPMTG 2009
    after = coverage(kb.program, dt.date(2009, 7, 18))
    tens = {s.label: s for c in after.categories for s in c.services}["TENS unit"]
    assert tens.covered and "Chronic Pain Medical Treatment Guidelines (2009)" in tens.cited[0]
    assert not {s.label: s for c in before.categories for s in c.services}["TENS unit"].covered
    assert after.weighted > before.weighted


@pytest.mark.parametrize("argv", [["coverage", "--date", "2015-03-01", "--json"]])
def test_cli_prints_json(argv, capsys):
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["date"] == "2015-03-01" and 0 < out["weighted"] <= 1
    assert {c["name"] for c in out["categories"]} >= {"drugs", "rehabilitation"}


def test_cli_refuses_a_bad_date(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["coverage", "--date", "2015-13-01"])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err
