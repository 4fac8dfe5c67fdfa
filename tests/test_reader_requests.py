"""How a progress report asks for its services, beyond a plan list: a request section headed
as a question, an RFA table aligned with spaces (cleaning collapses the spaces that align it,
so it is read in the document as it came), and a service named only by its CPT/HCPCS code or
by the words of its name in another order."""

from __future__ import annotations

import pytest

from reasoner.reader.clean import clean, decode
from reasoner.reader.items import parse_item
from reasoner.reader.layout import split
from reasoner.reader.letter import read_letter
from reasoner.reader.lexicon import lexicon_for

T = "https://w3id.org/mtus-kg/term/"
HISTORY = ("PR-2 of 03/21/2017. Mr. A, 49, drywall installer, neck pain into the right arm since "
           "08/30/2016. Eight sessions of physical therapy did not help.\n")


def _items(text: str) -> list[str]:
    return [i.name for i in split(clean(decode(text.encode(), "report.txt")), "report.txt").items]


def test_a_request_section_headed_as_a_question():
    text = (f"PR-2 - RESPONSE TO THE ADJUSTER'S QUESTIONS\n\n{HISTORY}\n"
            "Q3. What did the examination show?\nSpurling's positive on the right.\n"
            "Q4. What treatment do you request?\n"
            "1. Physical therapy, 2 times a week for 3 weeks.\n"
            "2. Lidoderm 5% patch, #30.\n"
            "Q5. What is the work status?\nModified duty.\n")
    assert _items(text) == ["Physical therapy, 2 times a week for 3 weeks",
                            "Lidoderm 5% patch, #30"]


RFA = """REQUEST FOR AUTHORIZATION    DWC Form RFA
Requested Treatment (see instructions; attach additional pages if necessary)
 Diagnosis (Required)   ICD-Code (Required)  Service/Good Requested   CPT/HCPCS  Other Info.
 Cervical radiculopathy M54.12               MRI cervical spine       72141      without contrast
 Cervical radiculopathy M54.12               EMG bilateral upper      95886 x2   bilateral UE,
                                             extremities                         with NCS
 Cervical radiculopathy M54.12              Cervical home traction   E0840      purchase
Requesting Physician Signature: P. Nakashima, M.D.       Date: 03/21/2017
"""


def test_an_rfa_table_aligned_with_spaces():
    # the last row drifts a character left of the header, as hand-aligned rows do
    assert _items(f"Cover note\n\n{HISTORY}\n{RFA}") == [
        "MRI cervical spine 72141 without contrast",
        "EMG bilateral upper 95886 x2 bilateral UE, extremities with NCS",
        "Cervical home traction E0840 purchase"]


def test_an_order_list_is_not_taken_for_a_table_header():
    text = (f"PROGRESS NOTE\n\n{HISTORY}\nORDERS\n"
            "[Referral]  Physical therapy evaluation and treatment   Status: Pending\n"
            "            prefers to continue his home program\n"
            "[Imaging]   MRI lumbar spine without contrast           Status: Pending\n")
    names = _items(text)
    assert not any(n.startswith("prefers") for n in names)
    assert any("MRI lumbar spine" in n for n in names)


PLAN = ("\nPR-2 PLAN\n1. Botox as above.\n2. Continue naproxen 500 mg twice a day.\n"
        "3. Amitriptyline will be considered if the blocks do not help.\n"
        "4. Tramadol is not to be restarted.\n")


def test_an_rfa_table_ruled_with_tabs_and_headed_by_its_columns_alone():
    # (the form asks for what its table lists: the plan of the attached report tells the same
    # services again, with what it continues, stops or only considers)
    text = ("REQUEST FOR AUTHORIZATION (DWC FORM RFA)\nDate of request:\t09/09/2025\n\n"
            "Requested Treatment\tDiagnosis\tICD-10\tCPT/HCPCS\tOther information\n"
            "Botox 155 units, chronic migraine\tChronic migraine\tG43.709\t64615\t1 treatment\n"
            "Greater occipital nerve block, bilateral\tMigraine\tG43.709\t64405 x2\t1 session\n"
            "Vestibular rehabilitation\tDizziness\tR42\t97112\t2x/week x 4 weeks\n"
            "Eszopiclone 2 mg tablet\tInsomnia\tG47.00\t--\t1 at bedtime, #30\n\n"
            f"Signature:\tN. Obi, M.D.\n{HISTORY}{PLAN}")
    names = _items(text)
    assert [n.split(" |")[0] for n in names] == [
        "Botox 155 units, chronic migraine", "Greater occipital nerve block, bilateral",
        "Vestibular rehabilitation", "Eszopiclone 2 mg tablet"]
    assert "#30" in names[-1] and "2x/week x 4 weeks" in names[2]


def test_an_rfa_written_as_labelled_fields_one_a_line():
    text = ("DWC FORM RFA\nREQUESTED TREATMENT\nDate of request: 10/16/2018\n\nLine 1\n"
            "Diagnosis: Adjustment disorder\nICD-10: F43.23\n"
            "Service/Good Requested: Cognitive behavioral therapy, individual\n"
            "CPT/HCPCS: 90837\nOther Information: 6 sessions, once weekly\n\nLine 2\n"
            "Diagnosis: Insomnia\nICD-10: G47.01\n"
            "Service/Good Requested (2): Zolpidem 10 mg tablet\n"
            "CPT/HCPCS: n/a     Other Information: 1 at bedtime, #30\n\n"
            f"{HISTORY}{PLAN}")
    assert _items(text) == ["Cognitive behavioral therapy, individual | 6 sessions, once weekly",
                            "Zolpidem 10 mg tablet | 1 at bedtime, #30"]


def test_an_rfa_whose_rows_are_labelled_cells():
    text = ("DWC FORM RFA\nDate of request: 02/11/2020\nRequested Treatment:\n"
            "1) Dx: Impingement, left shoulder | ICD-10: M75.42 | Service: Left shoulder "
            "arthroscopy with subacromial decompression | CPT: 29826 | Other: outpatient\n"
            "2) Dx: Impingement, left shoulder | ICD-10: M75.42 | Service: Cold therapy unit, "
            "post-operative | CPT: E0218 | Other: 7-day rental\n"
            f"Physician signature on file.\n{HISTORY}{PLAN}")
    assert _items(text) == [
        "Left shoulder arthroscopy with subacromial decompression | outpatient",
        "Cold therapy unit, post-operative | 7-day rental"]


def test_a_row_of_an_aligned_table_wrapped_onto_the_next_line_goes_on():
    text = ("REQUEST FOR AUTHORIZATION\nRequested Treatment (attach pages if necessary)\n\n"
            "Diagnosis (Required)      ICD-Code    Service/Good Requested (Required)       "
            "CPT/HCPCS     Other Information\n"
            "Acute flare of chronic    M54.5       Cyclobenzaprine 7.5 mg tablets"
            "                        1 at bedtime x 21 days,\n"
            "low back pain                                                        "
            "                       #21\n"
            "Chronic low back pain     M54.5       Interferential stimulator, home unit    "
            "E1399         30-day rental trial\n\nRequesting Physician Signature: B. O, MD\n"
            f"{HISTORY}")
    assert _items(text) == ["Cyclobenzaprine 7.5 mg tablets 1 at bedtime x 21 days, #21",
                            "Interferential stimulator, home unit E1399 30-day rental trial"]


@pytest.mark.parametrize("name,service", [
    # a service asked for before another is not the other ("prior to", "before")
    ("Psychological evaluation prior to SCS trial | 90791, 96130 | x1", "PsychologicalEvaluation"),
    ("MRI of the lumbar spine before the epidural injection", "LumbarMRI"),
    ("Cervical home traction E0840 purchase", "CervicalTractionUnit"),  # words in another order
    # a kind's name that differs only by a level number does not name the kind: the levels'
    # region decides later (lumbar or cervical)
    ("Diagnostic medial branch blocks, bilateral C3-4 and C4-5", "MedialBranchBlock"),
    ("Dynamic views 72114 of the low back", "LumbarFlexionExtensionRadiograph"),  # CPT only
    # heat as notes name it
    ("Moist heat pad for home use, electric (E0215), apply 20 min 2-3x/day", "HotColdPack"),
    ("Heat pad for the low back", "HotColdPack"),
])
def test_a_service_named_otherwise(kb, name, service):
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == T + service


def test_a_code_in_an_address_or_a_date_is_no_service(kb):
    assert parse_item("Follow-up 03/21/2017", lexicon_for(kb.terms))["concept"] != \
        T + "LumbarRadiograph"


def test_a_dictated_plan_numbered_in_words():
    text = ("PROGRESS REPORT\nDictated 02/02/2021.\n\n"
            "She is a 51 year old cook with right knee pain since a fall on 11/03/2020 and "
            "therapy has not helped, so the plan is as follows. Number one, an MRI of the right "
            "knee without contrast. Number two, a knee brace, hinged, to purchase. Number "
            "three, ibuprofen 600 mg three times a day, #90. I will see her in a month.\n")
    assert _items(text) == ["an MRI of the right knee without contrast",
                            "a knee brace, hinged, to purchase",
                            "ibuprofen 600 mg three times a day, #90"]


def test_one_numbered_word_is_no_list():
    text = ("PROGRESS REPORT\n\nPlan: I am requesting a lumbar MRI. Claim number one "
            "thousand was filed.\n")
    assert _items(text) == ["lumbar MRI"]


@pytest.mark.parametrize("name,quantity,per_week", [
    ("Cognitive behavioral therapy, 4 additional sessions", 4, None),
    ("Physical therapy, six more visits", 6, None),
    ("PT 2 visits a week for 4 weeks", 8, 2),
    ("Acupuncture 2 visits per week", None, None),  # how often, not how many
    ("Chiropractic 2x/wk x 3 wks", 6, 2),
    # the count and its unit around the service's name
    ("12 additional post-operative physical therapy visits for the right shoulder", 12, None),
    ("twelve more physical therapy sessions for the knee", 12, None),
    ("6 chiropractic treatments", 6, None),
    ("2 physical therapy visits per week for 4 weeks", 8, 2),
    ("3 acupuncture treatments a week for 2 weeks", 6, 3),
    ("2 physical therapy visits per week", None, None),  # how often, not how many
    ("Physical therapy for 3 weeks, visits as needed", None, None),
])
def test_how_many_visits_an_item_asks_for(kb, name, quantity, per_week):
    props = parse_item(name, lexicon_for(kb.terms))
    assert props.get("quantity") == quantity
    assert props.get("frequency_per_week") == per_week


def test_a_label_heading_a_list_is_not_a_course(kb):
    from reasoner.reader.letter import read_letter
    text = ("PROGRESS REPORT\n\nDOS: 03/04/2015\n\nPsychological treatment:\n"
            "- Completed 4 sessions of CBT (January to February 2015).\n\nPLAN:\n"
            "1. CBT, 4 additional sessions.\n")
    priors = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
              if f.kind == "prior"]
    assert [(f.concept.rsplit("/", 1)[-1], f.props.get("sessions")) for f in priors] == [
        ("CognitiveBehavioralTherapy", 4)]


def _requests(kb, text: str) -> list[tuple[str, float | None]]:
    from reasoner.reader.letter import read_letter
    return [(f.concept.rsplit("/", 1)[-1], f.props.get("dose_mg")) for f in read_letter(
        text.encode(), "r.txt", kb.terms).extracted.facts if f.kind == "request"]


PLAN_TAIL = "\nA:\nChronic neck pain.\n\nP:\n"


@pytest.mark.parametrize(("plan", "expected"), [
    # one drug at two strengths: two requests; the RFA form naming one again: the same request
    ("1. Tramadol ER 100 mg #30, 1 qAM. Refill.\n2. Tramadol 50 mg #30, 1 BID prn.\n",
     [("Tramadol", 100.0), ("Tramadol", 50.0)]),
    ("1. Naproxen 550 mg #60.\n2. Physical therapy 2x4.\nRFA: naproxen #60\n",
     [("Naproxen", 550.0), ("PhysicalTherapy", None)]),
    ("1. Gabapentin 300 mg #90.\n2. Gabapentin 300 mg TID #90 (RFA)\n", [("Gabapentin", 300.0)]),
])
def test_a_drug_named_again_at_another_strength_is_another_request(kb, plan, expected):
    assert _requests(kb, HISTORY + PLAN_TAIL + plan) == expected


@pytest.mark.parametrize(("line", "asked"), [
    ("RFA: follow-up visit (99214) in 4 wks for med mgmt.", True),
    ("Request authorization: follow-up office visit in 6 weeks.", True),
    ("Follow-up in 4 weeks.", False),  # a plan line scheduling the next visit asks for nothing
    ("RFA: follow-up if no improvement.", False),
])
def test_a_visit_on_a_line_labelled_as_a_request(kb, line, asked):
    found = [c for c, _ in _requests(kb, HISTORY + PLAN_TAIL + "1. Naproxen 550 mg #60.\n"
                                     f"2. {line}\n")]
    assert ("FollowUpOfficeVisit" in found) is asked, found


@pytest.mark.parametrize("line", ["HEP reviewed; continue.", "MRI results discussed with her.",
                                  "Naloxone was declined."])
def test_a_plan_line_telling_what_was_done_orders_nothing(kb, line):
    assert _requests(kb, HISTORY + PLAN_TAIL + f"1. Naproxen 550 mg #60.\n2. {line}\n") == [
        ("Naproxen", 550.0)]


def test_an_export_with_section_codes_and_numbered_fields():
    text = (f"ENCOUNTER EXPORT\n\n{HISTORY}\n[S09] PLAN / RFA\nRFA.DATE: 08/13/2019\n"
            "RFA.ITEM1: Tramadol 50 mg, 1 tab q6h prn, #60\n"
            "RFA.ITEM2: Naproxen 500 mg, 1 tab BID, #60\n")
    assert _items(text) == ["Tramadol 50 mg, 1 tab q6h prn, #60", "Naproxen 500 mg, 1 tab BID, #60"]


def test_a_course_continued_for_more_visits_is_asked_for():
    text = (f"PT NOTE\n\n{HISTORY}\nPLAN / REQUEST TO PTP FOR RFA\n"
            "1. Continue physical therapy, right shoulder, 2x/week for 4 weeks (8 additional "
            "visits).\n2. Interferential stimulator, 30-day home rental trial.\n"
            "3. Continue home exercises.\n")
    assert _items(text) == [
        "Continue physical therapy, right shoulder, 2x/week for 4 weeks (8 additional visits)",
        "Interferential stimulator, 30-day home rental trial"]


def test_a_plan_heading_in_capitals_with_a_bracketed_date_and_a_colon():
    text = (f"PR-2\n\n{HISTORY}\n"
            "TREATMENT PLAN / REQUEST FOR AUTHORIZATION (Date of request: 06/15/2015):\n"
            "1. Physical therapy 2x4 lumbar\n2. Naproxen 550 mg #60\n")
    assert _items(text) == ["Physical therapy 2x4 lumbar", "Naproxen 550 mg #60"]


def test_a_plan_heading_in_capitals_with_a_dated_note():
    text = (f"ENCOUNTER SUMMARY\n\n{HISTORY}\n"
            "PLAN / REQUEST FOR AUTHORIZATION (submitted 03/23/2021)\n"
            "1. Cognitive behavioral therapy, 6 sessions.\n"
            "2. Random urine drug test (next visit).\n")
    assert _items(text) == ["Cognitive behavioral therapy, 6 sessions",
                            "Random urine drug test (next visit)"]


def test_a_level_list_and_its_bracketed_nerves_are_one_request(kb):
    text = (f"PROGRESS REPORT\n\n{HISTORY}\nPlan: I would like to proceed with diagnostic "
            "bilateral L4-5 and L5-S1 medial branch blocks (L3, L4 and L5 medial branches and the "
            "L5 dorsal ramus), and am requesting authorization for that today. I am renewing "
            "naproxen 500 mg twice a day, #60, and omeprazole 20 mg daily, #30, as before.\n")
    asked = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
             if f.kind == "request"]
    assert [(f.concept.removeprefix(T), f.props.get("levels")) for f in asked] == [
        ("LumbarMedialBranchBlock", 2), ("Naproxen", None), ("Omeprazole", None)]


def _report(requests: str) -> str:
    return (f"PROGRESS REPORT\n\n{HISTORY}BMI 36. Low back pain.\n\nDIAGNOSES:\n1. Lumbar "
            f"sprain/strain\n\nREQUEST FOR AUTHORIZATION:\n{requests}\nWORK STATUS: Modified.\n")


def test_a_service_named_with_a_finding_is_no_finding(kb):
    """"Weight loss program" names a service: the words are no unexplained weight loss (a
    red flag that would approve the MRI asked beside it)."""
    read = read_letter(_report("1. Weight loss program, 12 weeks\n2. Smoking cessation program"
                               "\n3. Lumbar MRI\n").encode(), "r.txt", kb.terms)
    facts = read.extracted.facts
    assert [f.concept.removeprefix(T) for f in facts if f.kind == "request"] == [
        "WeightLossProgram", "SmokingCessationProgram", "LumbarMRI"]
    assert not [f for f in facts if f.kind == "finding" and f.concept in (
        T + "SuspectedTumor", T + "TobaccoUse")]


@pytest.mark.parametrize(("line", "service"), [
    ("1. IF unit purchase", "InterferentialStimulator"),  # "IF": interferential, no condition
    ("1. Follow-up visit in 4 weeks", "FollowUpOfficeVisit"),  # a list headed as the request
])
def test_a_request_list_line_that_reads_like_an_instruction(kb, line, service):
    read = read_letter(_report(line).encode(), "r.txt", kb.terms)
    assert [f.concept.removeprefix(T) for f in read.extracted.facts if f.kind == "request"] == [
        service]


def test_a_procedure_requested_in_a_sentence_and_more_also_requested():
    text = (f"SURGICAL REQUEST\n\n{HISTORY}\n"
            "PROCEDURE REQUESTED\n"
            "Right shoulder arthroscopy with subacromial decompression (acromioplasty) and\n"
            "debridement of a partial-thickness rotator cuff tear. Outpatient.\n\n"
            "ALSO REQUESTED\n"
            "2. Post-operative physical therapy, 2x/week for 12 weeks (24 visits).\n"
            "3. Cold therapy unit, 7-day rental.\n")
    assert _items(text) == [
        "Right shoulder arthroscopy with subacromial decompression (acromioplasty) and "
        "debridement of a partial-thickness rotator cuff tear", "Outpatient",
        "Post-operative physical therapy, 2x/week for 12 weeks (24 visits)",
        "Cold therapy unit, 7-day rental"]


@pytest.mark.parametrize(("name", "service"), [
    ("Urine drug screen (POC), today -- baseline before starting tramadol", "UrineDrugScreen"),
    ("PT 2x/wk x 4 wks (8 visits), lumbar -- continue progression, transition to HEP",
     "PhysicalTherapy"),
    ("Acupuncture x6; she declined further chiropractic", "Acupuncture"),
])
def test_what_follows_a_dash_is_the_reason_not_the_service(kb, name, service):
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == T + service


@pytest.mark.parametrize(("name", "service"), [
    # a reason after a comma
    ("Psychiatric consultation (one visit), as depressive symptoms remain on sertraline 50 mg",
     "PsychiatricConsultation"),
    ("Norco 10/325 #90, as needed for pain", "HydrocodoneAcetaminophen"),
    # a consultant's specialty named by what it does, and what the consultant is asked about
    ("Orthopedic surgery consultation", "SpecialistConsultation"),
    ("Referral to hand surgery", "SpecialistConsultation"),
    ("Referral to hand surgery and authorization for right carpal tunnel release",
     "CarpalTunnelReleaseSurgery"),
    ("Referral to a knee/arthroplasty specialist for a second opinion on surgical options "
     "(arthroscopy versus total knee arthroplasty)", "SpecialistConsultation"),
    # the drug replaced, and what brackets add about the drug, are not asked for
    ("Celecoxib 200 mg once daily, #30, to replace meloxicam (with the PPI, given his risk)",
     "Celecoxib"),
    ("Voltaren (diclofenac sodium) 1% gel 100 g", "DiclofenacTopical"),
    # a time, not a second service
    ("One neurology follow-up visit after the EMG to review results", "FollowUpOfficeVisit"),
    ("Postoperative physical therapy following rotator cuff repair x12",
     "PostsurgicalPhysicalTherapy"),
])
def test_what_a_consultation_or_visit_names_beside_it(kb, name, service):
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == T + service


def test_a_visit_in_an_rfa_table_is_asked_for():
    table = ("Requested Treatment\n"
             "| Diagnosis | ICD-Code | Service/Good Requested | CPT/HCPCS | Other Information |\n"
             "|---|---|---|---|---|\n"
             "| Lumbar radiculopathy | M54.16 | Duloxetine 30 mg capsule, 1 daily | -- | #30 |\n"
             "| Lumbar radiculopathy | M54.16 | Follow-up office visit, PM&R | 99214 | 1 visit |\n")
    names = _items(f"RFA\n\n{HISTORY}\n{table}")
    assert any(n.startswith("Follow-up office visit") for n in names), names


@pytest.mark.parametrize(("name", "service", "ingredients"), [
    ("Right subacromial corticosteroid injection (Kenalog 40 mg with lidocaine), next visit",
     "SubacromialInjection", None),
    ("Voltaren (diclofenac sodium) 1% gel", "DiclofenacTopical", None),
    # a compound named as such before its bracketed ingredients: each ingredient is read
    ("Compound cream (flurbiprofen 20%, baclofen 2%, lidocaine 5%) 180 g",
     "CompoundedTopicalAnalgesic", ["FlurbiprofenTopical", "Baclofen", "LidocaineNonPatch"]),
])
def test_what_is_bracketed_after_a_service(kb, name, service, ingredients):
    props = parse_item(name, lexicon_for(kb.terms))
    assert props["concept"] == T + service
    assert [i.removeprefix(T) for i in props.get("ingredients") or []] == (ingredients or [])


@pytest.mark.parametrize("line, concept", [
    ("Gralise 600 mg tabs, 1800 mg qhs, #90", "Gabapentin"),
    ("Hysingla ER 30 mg once daily #30", "HydrocodoneER"),
    ("Vicoprofen 7.5/200 mg 1 tab q6h prn #60", "HydrocodoneIbuprofen"),
    ("Xtampza ER 9 mg 1 cap q12h #60", "Oxycodone"),
    ("Restoril 15 mg qhs #30", "Temazepam"),
    ("Savella 50 mg BID #60", "Milnacipran"),
    ("Tegretol 200 mg BID #60", "Carbamazepine"),
    ("Fenoprofen calcium 400 mg #60", "Fenoprofen"),
    ("Zipsor 25 mg liquid-filled caps QID #120", "Diclofenac"),
    ("Amitiza 24 mcg BID #60", "Lubiprostone"),
    ("Daypro 600 mg, 2 tabs daily, #60", "Oxaprozin"),
    ("Dexilant 60 mg #30", "Dexlansoprazole"),
    ("Lexapro 10 mg daily #30", "Escitalopram"),
    ("Sonata 10 mg #30", "Zaleplon"),
    ("Levorphanol 2 mg 1 tab q6-8h #90", "Levorphanol"),
    ("EMG/NCS B UE", "UpperExtremityElectrodiagnostics"),
    ("NCV/EMG B LE", "LowerExtremityEMGNCV"),
])
def test_brand_names_and_abbreviations_physicians_write(kb, line, concept):
    data = ("PR-2\nDate of exam: 06/15/2019\nDate of injury: 06/15/2017\nDiagnosis: lumbar "
            f"radiculopathy.\nRequest for authorization: 1. {line}\n").encode()
    read = read_letter(data, "r.txt", kb.terms)
    assert [f.concept for f in read.extracted.facts if f.kind == "request"] == [T + concept]


@pytest.mark.parametrize(("plan", "expected"), [
    # a problem with its request on a bullet under it: the problem asks for nothing
    ("1. Cervical radiculopathy, right C7, concordant with MRI. The MRI shows a C6-7 "
     "protrusion.\n- Request: right C6-7 interlaminar cervical epidural steroid injection.\n"
     "2. Neuropathic right arm pain. Gabapentin was stopped in May because of dizziness.\n"
     "- Request: pregabalin 75 mg #60.\n",
     [("CervicalInterlaminarEpiduralSteroidInjection", None), ("Pregabalin", 75.0)]),
    # a conditional plan ("Should ..., consider ...") orders nothing
    ("1. Naproxen 550 mg #60.\n2. Should the pain persist, consider a spine surgery "
     "consultation.\n3. In case of a flare, consider trigger point injections.\n",
     [("Naproxen", 550.0)]),
    # what is told after an order is no part of it ("She takes no opioid", "was stopped")
    ('1. Urine drug screen, "routine screen for the chart." She takes no opioid and none is '
     "planned.\n2. Pregabalin 75 mg #60. She has never taken pregabalin.\n",
     [("UrineDrugScreen", None), ("Pregabalin", 75.0)]),
    # the RFA naming a service again in fewer words is the same request
    ("1. Right C6-7 interlaminar cervical epidural steroid injection, one injection.\n"
     "RFA: right C6-7 interlaminar CESI x1\n",
     [("CervicalInterlaminarEpiduralSteroidInjection", None)]),
])
def test_a_plan_of_problems_conditions_and_told_facts(kb, plan, expected):
    assert _requests(kb, HISTORY + PLAN_TAIL + plan) == expected


@pytest.mark.parametrize(("name", "service"), [
    # the region the request names, not the case's ("a knee case asks for a hip x-ray")
    ("X-ray of the left hip, 2 views", "HipRadiograph"),
    ("MRI of the right hip", "HipMRI"),
    ("MRI left ankle without contrast", "AnkleFootMRI"),
    ("CT scan of the right ankle", "AnkleFootCT"),
    ("Custom orthotics, bilateral", "FootOrthotic"),
    ("NCV/EMG BUE", "UpperExtremityElectrodiagnostics"),
])
def test_a_request_naming_a_region_other_than_the_cases(kb, name, service):
    text = ("PR-2\nDate of exam: 06/15/2025\nDate of injury: 06/10/2023\n"
            f"Diagnosis: left knee osteoarthritis.\nRequest for authorization:\n1. {name}\n")
    assert [c for c, _ in _requests(kb, text)] == [service]


def _requested(kb, line: str, complaint: str) -> list[str]:
    from reasoner.reader.letter import read_letter
    data = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\nDate of exam: 06/15/2021\n"
            f"Date of injury: 06/10/2019\nSubjective: {complaint} pain.\nDiagnosis: {complaint} "
            f"strain.\nRequest for authorization:\n1. {line}\n").encode()
    read = read_letter(data, "r.txt", kb.terms)
    return [f.concept.rsplit("/", 1)[-1] for f in read.extracted.facts if f.kind == "request"]


@pytest.mark.parametrize(("line", "complaint", "service"), [
    # the spinal levels named tell the region before the case does
    ("Intra-articular facet injection C5-6", "neck", "CervicalFacetJointInjection"),
    ("Medial branch block C4-5 C5-6", "low back", "CervicalMedialBranchBlock"),
    ("Thoracic epidural steroid injection T8-9", "neck", "EpiduralSteroidInjection"),
    ("Lumbar TFESI L4-5 L5-S1", "neck", "TransforaminalEpiduralSteroidInjection"),
    ("TENS unit supplies (electrodes, batteries) x 3 months", "low back", "TENSSupplies"),
    ("TENS unit, 30-day rental", "low back", "TENSUnit"),
])
def test_the_levels_named_tell_the_region(kb, line, complaint, service):
    assert _requested(kb, line, complaint) == [service]


@pytest.mark.parametrize("name,quantity", [
    # a number of injections asked for is asked for as written
    ("Left L4-5 transforaminal ESI, series of three", 3),
    ("Viscosupplementation right knee (Euflexxa), series of 3 injections", 3),
    ("a series of two epidural injections", 2),
    ("three trigger point injections", 3),
    # levels are no count of injections
    ("Bilateral L4-5 and L5-S1 medial branch blocks", 1),
    ("two-level lumbar ESI", 1),
])
def test_a_series_of_injections_is_asked_for_whole(kb, name, quantity):
    assert parse_item(name, lexicon_for(kb.terms))["quantity"] == quantity


@pytest.mark.parametrize("history, sessions", [
    # a spinal level's number is no count of injections
    ("Diagnostic bilateral L4-5 and L5-S1 medial branch blocks on 01/15/2019 gave 80% relief.",
     None),
    ("She had two epidural injections in 2018.", 2),
])
def test_a_level_is_no_count_of_procedures(kb, history, sessions):
    text = f"PROGRESS REPORT\n\nDOS: 03/04/2020\n\n{history}\n\nPLAN:\n1. Acupuncture x6.\n"
    courses = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
               if f.kind == "prior"]
    assert [c.props.get("sessions") for c in courses] == [sessions]


def test_a_drug_request_takes_how_long_from_its_sentence(kb):
    # (the plan's line names the drug; the sentence asking for it tells how often and how long)
    text = ("PROGRESS REPORT\n\nDate of visit: 04/11/2017\n\nRight knee osteoarthritis. "
            "I am requesting Voltaren 1% gel 100 g to apply to the right knee four times a day "
            "for 4 weeks, and physical therapy 2x4.\n\nPLAN:\n1. Voltaren 1% gel 100g\n"
            "2. Physical therapy 2x4\n")
    [gel] = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
             if f.kind == "request" and f.concept == T + "DiclofenacTopical"]
    assert (gel.props.get("doses_per_day"), gel.props.get("duration_days")) == (4, 28)


def test_a_report_title_below_the_letterhead_opens_no_plan():
    text = ("HARBOR OCCUPATIONAL HEALTH\n4417 Estuary Boulevard, Oakland, CA 94607\n\n"
            "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2) AND REQUEST FOR AUTHORIZATION\n\n"
            "Date of injury: 08/04/2025      Occupation: order picker, distribution center\n"
            "Date of visit: 01/13/2026       Visit type: follow-up, established patient\n\n"
            "CHIEF COMPLAINT\nNeck pain with left arm numbness.\n\n"
            "PLAN / REQUEST FOR AUTHORIZATION\n1. MRI cervical spine without contrast.\n"
            "2. Acupuncture 2x3 for the cervical spine.\n")
    assert _items(text) == ["MRI cervical spine without contrast",
                            "Acupuncture 2x3 for the cervical spine"]


@pytest.mark.parametrize("name,drug", [
    ("Narco 5/325 mg #30, one every 6 hours as needed", "HydrocodoneAcetaminophen"),
    ("Tramadoll 50 mg #60", "Tramadol"),
    ("Naproxin 550 mg #60", "Naproxen"),
])
def test_a_drug_named_with_one_slip_before_its_strength(kb, name, drug):
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == T + drug


@pytest.mark.parametrize("name", ["Lunch 5 mg", "Follow-up 4 weeks", "Surgery 12 days"])
def test_no_drug_is_guessed_from_a_word_far_from_every_name(kb, name):
    concept = parse_item(name, lexicon_for(kb.terms))["concept"]
    assert concept is None or not lexicon_for(kb.terms).terms.is_a(concept, T + "Drug")


def test_an_aligned_header_whose_label_has_slashes_and_a_wrapped_diagnosis():
    # ("Frequency / Duration / Quantity" is one label of three words; a diagnosis that wraps
    # onto the next line leaves the service column empty there)
    text = ("REQUEST FOR AUTHORIZATION - DWC FORM RFA\n\n REQUESTED TREATMENT\n"
            "   Diagnosis                              ICD-10    Service/Good Requested"
            "                          CPT/HCPCS   Frequency / Duration / Quantity\n"
            "   Carpal tunnel syndrome, right upper    G56.01    Right open carpal tunnel release"
            "                64721       one procedure\n"
            "   limb\n"
            "   Carpal tunnel syndrome, right upper    G56.01    Replacement right wrist night "
            "splint            L3908       purchase, quantity 1\n"
            "   limb\n\n"
            " Requesting Physician Signature: H. J. Obiora, MD      Date: 05/20/2025\n\n"
            f"{HISTORY}")
    assert _items(text) == ["Right open carpal tunnel release 64721 one procedure",
                            "Replacement right wrist night splint L3908 purchase, quantity 1"]


APPEAL = """Re: Request for reconsideration / appeal of UR non-certification
    Claim #: HWC-2019-04-7731        DOI: 04/11/2019

I ask for reconsideration of each, and I set out below the reviewer's stated reasons and the
facts in the record that answer them.

{first}
   {decision}
   Reviewer's reason: "There is no documentation of a psychological evaluation."

   She was cleared by the pain psychologist on 12/04/2025.

2. Lidoderm 5% patch, #30, one patch 12 hours on / 12 hours off
   UR determination 12/30/2025: non-certified.
   Reviewer's reason: "Failure of first-line agents is not documented."
"""


@pytest.mark.parametrize(("first", "decision"), [
    ("1. Spinal cord stimulator trial, percutaneous, 2 leads", "UR determination 12/30/2025: "
                                                               "non-certified."),
    ("ITEM 1: Spinal cord stimulator trial, percutaneous, 2 leads", "UR decision: Non-certified "
                                                                    "on 12/30/2025."),
    ("1) Spinal cord stimulator trial, percutaneous, 2 leads", "The UR decision of 12/30/2025 "
                                                               "modified it to a consultation."),
])
def test_an_appeal_asks_for_each_item_it_appeals(first, decision):
    items = _items(APPEAL.format(first=first, decision=decision))
    assert [i.split(",")[0] for i in items] == ["Spinal cord stimulator trial", "Lidoderm 5% patch"]


@pytest.mark.parametrize(("sentence", "asked"), [
    ("Please authorize gabapentin 300 mg, one capsule three times daily, #90.",
     ["gabapentin 300 mg, one capsule three times daily, #90"]),
    ("Kindly approve a TENS unit for home use.", ["TENS unit for home use"]),
    # one request, not two: "trial of" inside what the cue before asks for
    ("I am requesting authorization for an initial trial of acupuncture, 6 sessions.",
     ["initial trial of acupuncture, 6 sessions"]),
    # said in the passive, what is asked for is the subject
    ("Gabapentin 300 mg #90 is requested for another month.", ["Gabapentin 300 mg #90"]),
    ("A urine drug screen will be collected at the next visit and is requested today.",
     ["urine drug screen"]),
    ("Physical therapy is not requested at this time. Naproxen 500 mg #60 is requested.",
     ["Naproxen 500 mg #60"]),
    # a lead-in phrase before the subject; a wish for the worker asks for nothing
    ("For the left wrist, a prefabricated neutral wrist splint for night use is requested.",
     ["prefabricated neutral wrist splint for night use"]),
    ("I would like her to finish the post-operative program and ask for 4 more hand therapy "
     "visits for the right hand.", ["4 more hand therapy visits for the right hand"]),
])
def test_what_a_plan_sentence_asks_for(sentence, asked):
    assert _items(f"PROGRESS REPORT\n\n{HISTORY}\nTREATMENT PLAN:\n{sentence}\n") == asked


@pytest.mark.parametrize(("asked", "plan"), [
    ("an anterior cervical discectomy and fusion at C5-6 and C6-7, a cervical collar for use "
     "after surgery, and pre-operative medical clearance",
     "1. Anterior cervical discectomy and fusion, C5-6 and C6-7\n2. Cervical collar\n"),
    ("a lumbar fusion at L4-5 and an LSO brace for post-operative use",
     "1. Lumbar fusion L4-5\n2. LSO brace\n"),
])
def test_an_operation_is_not_itself_for_use_after_surgery(kb, asked, plan):
    """A purpose said of the brace or collar asked beside an operation is not the
    operation's: read as the operation's, it hid the operation the other items go with."""
    text = (f"PROGRESS REPORT\n\nDOS: 10/08/2024\n\nThe patient has neck and back pain. I am "
            f"requesting {asked}.\n\nPLAN:\n{plan}")
    requests = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
                if f.kind == "request"]
    postoperative = {f.concept.removeprefix(T): T + "PostoperativeUse" in (
        f.props.get("purposes") or []) for f in requests}
    [operation] = [c for c in postoperative if kb.terms.is_a(T + c, T + "Surgery")]
    [device] = [c for c in postoperative if c in ("CervicalCollar", "LumbarSupport")]
    assert not postoperative[operation] and postoperative[device]


@pytest.mark.parametrize("asks", [
    "On this record I ask that authorization be provided for:",
    "Future medical care should include the following:",
])
def test_an_evaluators_future_medical_care_asked_for_in_a_long_sentence(asks):
    """An AME's or QME's supplemental report: its answer asks, at the end of a long line, for
    the care listed below it; the treating surgeon's recommendation told in the history is
    not what it asks (the list's second item had been lost to it)."""
    text = ("SUPPLEMENTAL REPORT OF THE AGREED MEDICAL EVALUATOR\n\nThe parties asked whether "
            "my opinion on future medical care has changed. I reviewed the records on "
            "06/11/2021.\n\nAt his visit of 06/01/2021 Dr. Marr recommended a left total knee "
            "arthroplasty.\n\nANSWER\n\nYes. The left knee has progressed to end-stage disease "
            "and she has failed therapy, an anti-inflammatory and an injection. " + asks +
            "\n\n(a) left total knee arthroplasty; and\n(b) a medial unloader brace for the "
            "left knee.\n\nThe remainder of my prior report stands.\n")
    assert _items(text) == ["left total knee arthroplasty", "a medial unloader brace for the "
                            "left knee"]


def test_a_cream_continued_by_the_tube_is_asked_for():
    """"to continue" carries on what the worker has; with a quantity it asks for more: a
    tube's grams are one ("compounded cream, 120 g, to continue")."""
    text = (f"PROGRESS REPORT\n\n{HISTORY}\nPLAN:\n1. Flurbiprofen 20% compounded cream, 120 g, "
            "to continue.\n2. Naproxen 550 mg, to continue.\n")
    assert _items(text) == ["Flurbiprofen 20% compounded cream, 120 g, to continue"]


@pytest.mark.parametrize(("name", "expected"), [
    # counts in words, compounds too, as dictation spells them
    ("cold therapy unit rental for twenty one days for the right knee", {"duration_days": 21}),
    ("cold therapy unit rental for twenty-one days", {"duration_days": 21}),
    ("physical therapy twenty four visits", {"quantity": 24.0}),
    ("TENS unit, nine month supply", {"duration_days": 270}),
    ("Flexeril seven point five milligrams number sixty", {"dose_mg": 7.5, "quantity": 60.0}),
    ("the Norco ten three twenty five one by mouth four times a day number one hundred twenty",
     {"dose_mg": 10.0, "doses_per_day": 4.0, "quantity": 120.0}),
    ("oxycodone ten milligrams one every six hours as needed number one hundred and twenty",
     {"dose_mg": 10.0, "doses_per_day": 4.0, "quantity": 120.0}),
    # written as usual, read as before; a label's "number" is no count
    ("Item number one: physical therapy, 12 visits", {"quantity": 12.0}),
    ("Norco 10/325 one tablet twice a day #60",
     {"dose_mg": 10.0, "doses_per_day": 2.0, "quantity": 60.0}),
])
def test_counts_doses_and_periods_said_in_words(kb, name, expected):
    props = parse_item(name, lexicon_for(kb.terms))
    assert {k: props.get(k) for k in expected} == expected


@pytest.mark.parametrize("plan", [
    "PLAN: We will continue the Norco ten three twenty five one by mouth four times a day "
    "number one hundred twenty, he is getting good pain relief.",
    "PLAN: Continue Norco 10/325 one four times a day #120.",
    "PLAN: We will continue with the Norco 10/325 mg, quantity 120, two refills.",
])
def test_a_drug_continued_with_its_quantity_is_asked_for(kb, plan):
    data = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 03/14/2012\nHistory: "
            f"low back pain, on Norco since 2011.\n{plan}\n").encode()
    read = read_letter(data, "r.txt", kb.terms)
    assert [f.concept for f in read.extracted.facts if f.kind == "request"] == [
        T + "HydrocodoneAcetaminophen"]


def test_a_drug_continued_without_a_quantity_asks_for_nothing(kb):
    data = (b"PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 03/14/2012\n"
            b"History: low back pain.\nPLAN: We will continue the naproxen. Request physical "
            b"therapy 2x4.\n")
    read = read_letter(data, "r.txt", kb.terms)
    assert [f.concept for f in read.extracted.facts if f.kind == "request"] == [
        T + "PhysicalTherapy"]
