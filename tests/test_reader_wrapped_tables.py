"""Letters that table their decisions in rows that wrap: a grid ruled between its rows ("+---+"
borders, "----+----" rules, columns aligned with spaces under "=====" and "-----"), each cell's
words over two or three lines; the case under "About you:" whose reasons follow, each under its
item's name and decision; a decision "CHANGED (MODIFIED)"; decisions given by item number below
the list that names them. Written as the held-out authors wrote them and in variants, with the
cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split


def _items(text: str) -> list[tuple[str, str | None]]:
    letter = split(clean(decode(text.encode(), "letter.txt")), "letter.txt")
    return [(i.name, i.outcome) for i in letter.items]


_HEAD = ("PACIFIC CREST REVIEW SERVICES\nUtilization Review Department\n\nMarch 11, 2014\n\n"
         "RE:  NOTICE OF UTILIZATION REVIEW DECISION\n     Claim number:   PC-13-044718\n"
         "     Date of injury: 08/12/2013\n\nDear Ms. Arredondo:\n\nYour doctor asked us to "
         "approve the treatment listed below.\n\n")
_CASE = ("WHY WE MADE THIS DECISION\n\nWhat your medical records say\nYou are a 44-year-old "
         "woman. You hurt your low back on 08/12/2013 while lifting cases of produce onto a\n"
         "pallet. Your doctor's diagnosis is lumbar sprain/strain. You have not had physical "
         "therapy.\n\n"
         "Norco 10/325 mg, #120 - MODIFIED to #60\nThe guideline says opioids continue only "
         "with better function.\n\n"
         "Physical therapy - MODIFIED\nThe guideline supports 6 visits first.\n\n"
         "Naproxen sodium 550 mg - APPROVED\nAnti-inflammatory medicine is first-line.\n")
_WANTED = [("Norco 10/325 mg, #120 (one tablet every 6 hours as needed for pain)", "modified"),
           ("Physical therapy for the low back, 2 times a week for 6 weeks (12 visits)",
            "modified"),
           ("Naproxen sodium 550 mg, #60 (one tablet twice a day with food)", "certified")]


@pytest.mark.parametrize("table", [
    # (the held-out author's grid: "+" borders, every cell wrapping)
    "+----------------------------------------------+-----------------------------------------+\n"
    "| What your doctor asked for                   | Our decision                            |\n"
    "+----------------------------------------------+-----------------------------------------+\n"
    "| Norco 10/325 mg, #120 (one tablet every      | MODIFIED. We approved Norco 10/325 mg   |\n"
    "| 6 hours as needed for pain)                  | #60 so your doctor can lower the dose.  |\n"
    "+----------------------------------------------+-----------------------------------------+\n"
    "| Physical therapy for the low back,           | MODIFIED. We approved 6 visits. The     |\n"
    "| 2 times a week for 6 weeks (12 visits)       | other 6 visits were not approved.       |\n"
    "+----------------------------------------------+-----------------------------------------+\n"
    "| Naproxen sodium 550 mg, #60 (one tablet      | APPROVED as requested.                  |\n"
    "| twice a day with food)                       |                                         |\n"
    "+----------------------------------------------+-----------------------------------------+\n",
    # ... rules of "-" and "+" only, the cells set apart by "|"
    "What your doctor asked for                | Our decision\n"
    "------------------------------------------+------------------------------------------\n"
    "Norco 10/325 mg, #120 (one tablet every   | MODIFIED. We approved Norco 10/325 mg #60\n"
    "6 hours as needed for pain)               | so your doctor can lower the dose.\n"
    "------------------------------------------+------------------------------------------\n"
    "Physical therapy for the low back,        | MODIFIED. We approved 6 visits. The other\n"
    "2 times a week for 6 weeks (12 visits)    | 6 visits were not approved.\n"
    "------------------------------------------+------------------------------------------\n"
    "Naproxen sodium 550 mg, #60 (one tablet   | APPROVED as requested.\n"
    "twice a day with food)                    |\n"
    "------------------------------------------+------------------------------------------\n",
    # ... columns aligned with spaces under rules of "=" and "-"
    "==========================================================================================\n"
    " WHAT YOUR DOCTOR ASKED FOR                      OUR DECISION\n"
    "==========================================================================================\n"
    " Norco 10/325 mg, #120 (one tablet every         MODIFIED. We approved Norco 10/325 mg #60\n"
    " 6 hours as needed for pain)                     so your doctor can lower the dose.\n"
    "------------------------------------------------------------------------------------------\n"
    " Physical therapy for the low back,              MODIFIED. We approved 6 visits. The other\n"
    " 2 times a week for 6 weeks (12 visits)          6 visits were not approved.\n"
    "------------------------------------------------------------------------------------------\n"
    " Naproxen sodium 550 mg, #60 (one tablet         APPROVED\n"
    " twice a day with food)\n"
    "==========================================================================================\n",
])
def test_a_ruled_table_whose_rows_wrap(table):
    assert _items(_HEAD + table + "\n" + _CASE) == _WANTED


def test_a_modification_told_as_a_change():
    table = ("==================================================================================\n"
             " WHAT YOUR DOCTOR ASKED FOR                      OUR DECISION\n"
             "==================================================================================\n"
             " Right total knee arthroplasty (knee              APPROVED\n"
             " replacement), inpatient, 2 days\n"
             "----------------------------------------------------------------------------------\n"
             " Cold therapy unit, rental for 14 days after      CHANGED (MODIFIED): approved for\n"
             " surgery                                          7 days; 7 days not approved\n"
             "==================================================================================\n")
    case = ("REASONS FOR OUR DECISION\n\nWhat we read in your records. You are a 63-year-old man. "
            "You injured your right knee on 10/08/2020 when you stepped off a log deck.\n\n"
            "Right total knee arthroplasty - APPROVED. The knee guideline recommends it.\n\n"
            "Cold therapy unit - MODIFIED. Seven days are supported.\n")
    assert _items(_HEAD + table + "\n" + case) == [
        ("Right total knee arthroplasty (knee replacement), inpatient, 2 days", "certified"),
        ("Cold therapy unit, rental for 14 days after surgery", "modified")]


@pytest.mark.parametrize("text", [
    # (guards: a table of one-line rows, and prose between rules, read as before)
    "---------------------------------------------------\nNorco 10/325 mg #120 | MODIFIED\n"
    "---------------------------------------------------\n",
    "==============================================\nMedication      Dose        Frequency\n"
    "==============================================\nGabapentin      300 mg      TID\n"
    "Norco           10/325      BID\n==============================================\n",
    "+----+------------------------+-----------+\n| 1  | Lumbar MRI             | Certified |\n"
    "| 2  | Chiropractic x6        | Denied    |\n+----+------------------------+-----------+\n",
    "-------------------------------------------------------------\nThe reviewer read the "
    "records.  She has pain.\nShe has not had therapy.\n"
    "-------------------------------------------------------------\n",
])
def test_rules_around_lines_that_are_no_wrapped_row(text):
    cleaned = clean(decode(text.encode(), "letter.txt")).text
    assert [line for line in cleaned.split("\n") if not set(line) <= set("-+= ")] == \
        [" ".join(line.split()) for line in text.split("\n")
         if line and not set(line) <= set("-+= ")]


@pytest.mark.parametrize("result", [
    "Item 1: OVERTURNED. The injection is medically necessary.\nItem 2: UPHELD. The patches are "
    "not medically necessary.",
    "#1 - Overturned\n#2 - Upheld",
])
def test_decisions_given_by_the_number_of_the_list_above(result):
    text = ("MAXIMUS FEDERAL SERVICES\nIndependent Medical Review\n\nNOTICE OF IMR FINAL "
            "DETERMINATION\n\nIMR Case Number: CM15-0118406\nDate of Injury: 04/02/2014\n\n"
            "Dear Mr. Villasenor:\n\nYou asked for an Independent Medical Review (IMR).\n\n"
            "THE TREATMENT IN DISPUTE\n1. Right L4-5 transforaminal epidural steroid injection, "
            "requested 06/09/2015\n2. Lidoderm (lidocaine 5%) patches, #30, requested "
            f"06/09/2015\n\nTHE RESULT\n{result}\n\n"
            "WHAT THE REVIEWER FOUND IN YOUR RECORDS\nYou are a 39-year-old man who works as a "
            "forklift operator. On 04/02/2014 you hurt your lower back.\n\n"
            "WHY THE REVIEWER DECIDED THIS\nThe guideline supports one injection.\n")
    assert _items(text) == [
        ("Right L4-5 transforaminal epidural steroid injection, requested 06/09/2015",
         "overturned"),
        ("Lidoderm (lidocaine 5%) patches, #30, requested 06/09/2015", "upheld")]


def test_a_grid_row_of_bars_alone_is_read_without_error():
    # (a robustness guard: two lines of empty cells between rules)
    text = ("+-----------+-----------+\n|           |           |\n|           |           |\n"
            "+-----------+-----------+\n| Lumbar MRI | Certified |\n+-----------+-----------+\n")
    assert "Lumbar MRI | Certified" in clean(decode(text.encode(), "letter.txt")).text
