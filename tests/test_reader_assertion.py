"""Assertion of what a letter mentions: present, absent (negated), hypothetical, historical,
about family, uncertain. Phrasings in many styles; a negation read as present approves care
wrongly, so every negated form here must come out absent, never present."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM
from reasoner.workflows.letters import score_letter

A, P, H, S, F, U = (Assertion.ABSENT, Assertion.PRESENT, Assertion.HYPOTHETICAL,
                    Assertion.HISTORICAL, Assertion.FAMILY, Assertion.UNCERTAIN)

def _report_facts(kb, said: str, dos: str, plan: str = "Physical therapy x6."):
    """The facts read from a progress report of that date that says `said`, then asks `plan`."""
    text = f"PROGRESS REPORT\n\nDOS: {dos}\n\n{said}\n\nPLAN:\n1. {plan}\n"
    return read_letter(text.encode(), "r.txt", kb.terms).extracted.facts


# (sentence, the mentions in it, their assertions)
CASES = [
    # what cannot be excluded is possible, not denied ("cannot" had denied it; medspaCy's "to
    # exclude" had denied what an MRI is to exclude)
    ("Cannot rule out a fracture.", ["fracture"], [U]),
    ("I cannot exclude a partial thickness tear of the supraspinatus given the weakness.",
     ["partial thickness tear"], [U]),
    ("We could not rule out a stress fracture on the films.", ["stress fracture"], [U]),
    ("Can't exclude instability.", ["instability"], [U]),
    ("Unable to rule out an occult scaphoid fracture.", ["occult scaphoid fracture"], [U]),
    ("A TFCC tear cannot be excluded.", ["TFCC tear"], [U]),
    ("Stress fracture not excluded by the x-rays.", ["Stress fracture"], [U]),
    ("A labral tear has not been ruled out.", ["labral tear"], [U]),
    ("MRI to exclude a meniscal tear.", ["meniscal tear"], [U]),
    ("The MRI did not rule out a tear.", ["tear"], [U]),
    # suspected, said many ways
    ("The podiatrist suspects an osteochondral lesion of the talus.",
     ["osteochondral lesion of the talus"], [U]),
    ("A stress fracture of the second metatarsal is suspected.", ["stress fracture"], [U]),
    ("Instability suspected.", ["Instability"], [U]),
    ("Question of a loose body in the elbow.", ["loose body"], [U]),
    ("Differential diagnosis includes a TFCC tear.", ["TFCC tear"], [U]),
    # (not a finding before a forward "suspected", nor a denial said plainly)
    ("Knee pain, suspected meniscal tear.", ["Knee pain"], [P]),
    ("A fracture was ruled out.", ["fracture"], [A]),
    ("Fracture excluded.", ["Fracture"], [A]),
    # negation after the term
    ("Red flags were ruled out.", ["Red flags"], [A]),
    ("Ruled out a fracture on the films.", ["fracture"], [A]),
    ("Red flags are absent.", ["Red flags"], [A]),
    # a denial of a trouble with things: "with" names what it is with, and ends no scope
    ("You denied any trouble with balance, walking, or bowel or bladder control.",
     ["balance", "bowel or bladder control"], [A, A]),
    ("He has trouble with balance.", ["balance"], [P]),
    ("Carpal tunnel syndrome has not yet been confirmed by electrodiagnostic testing.",
     ["Carpal tunnel syndrome"], [A]),
    # a bare "denied" after the term, at the statement's end (it had tied with the forward
    # "denied" of "denied fever" and denied nothing)
    ("Red flags denied.", ["Red flags"], [A]),
    ("Per the PR-2: \"Palpable spasm. Red flags denied. No therapy to date.\"", ["Red flags"],
     [A]),
    ("Numbness denied today.", ["Numbness"], [A]),
    ("Fever, chills denied; pain 6/10.", ["Fever", "chills"], [A, A]),
    ("Numbness denied bilaterally.", ["Numbness"], [A]),
    ("Bowel or bladder changes denied by the patient.", ["Bowel or bladder changes"], [A]),
    ("Insomnia index 19, and sleep apnea symptoms were screened and denied.",
     ["Insomnia", "sleep apnea"], [P, A]),
    ("Numbness nil.", ["Numbness"], [A]),
    ("Numbness was not endorsed.", ["Numbness"], [A]),
    ("Numbness not noted.", ["Numbness"], [A]),
    # an active verb's "not" denies what follows it (the perfect "has not reported" had been
    # read backward, leaving the numbness present)
    ("She has not reported numbness or tingling.", ["numbness", "tingling"], [A, A]),
    ("He has not noted weakness since the injection.", ["weakness"], [A]),
    ("He has not been diagnosed with an anxiety disorder.", ["anxiety disorder"], [A]),
    ("Weakness has not been noted.", ["Weakness"], [A]),
    ("Examination revealed palpable spasm of the left lumbar paraspinal muscles, which had not "
     "been present in November.", ["palpable spasm"], [P]),
    # a relative clause denying what it follows (not a complement: "noted that she had not
    # taken X" denies X after it)
    ("He is agreeable to a trial of acupuncture, which he has never had.", ["acupuncture"],
     [A]),
    ("Chiropractic, which she has not tried, is requested.", ["Chiropractic"], [A]),
    ("He had PT, which he tolerated well.", ["PT"], [P]),
    ("The provider noted that she had not taken any naproxen since 2012.", ["naproxen"], [A]),
    # a denial by "nothing": "nothing [on examination] to suggest X", "nothing suggests X"
    ("Flexion and extension views showed nothing to suggest instability.", ["instability"], [A]),
    ("There was nothing on examination to suggest internal derangement.",
     ["internal derangement"], [A]),
    ("Nothing suggests myelopathy.", ["myelopathy"], [A]),
    ("Exam showed nothing consistent with radiculopathy.", ["radiculopathy"], [A]),
    ("There is nothing in the records to indicate a fracture.", ["fracture"], [A]),
    ("Nothing pointing to cauda equina syndrome.", ["cauda equina syndrome"], [A]),
    ("Nothing helped, and she has myelopathy.", ["myelopathy"], [P]),
    # the chart's "w/o" is "without"; a study done without contrast and a pain score without
    # meds deny nothing after them
    ("On 10/03/2016 he c/o axial LBP w/o radiation; the PTP started Norco.", ["radiation"], [A]),
    ("Lumbar spondylosis w/o myelopathy (M47.816).", ["myelopathy"], [A]),
    ("c/o LBP 8/10 w/ meds, 9/10 w/o meds, and L leg pain to the dorsum of the foot.",
     ["L leg pain"], [P]),
    ("1. MRI L-spine w/o contrast given persistent R leg tingling.", ["tingling"], [P]),
    ("MRI of the knee without contrast to rule out a meniscal tear.", ["meniscal tear"], [U]),
    ("MRI of the lumbar spine, to identify the level and nerve root compression.",
     ["nerve root compression"], [U]),
    ("MRI to look for a meniscal tear.", ["meniscal tear"], [U]),
    ("Mother -- osteoporosis w/ vertebral fx.", ["vertebral fx"], [F]),
    # a condition by inversion: "should X develop", "were she to develop X"
    ("He noted that should arm symptoms develop, an MRI would be reconsidered.",
     ["arm symptoms"], [H]),
    ("Should numbness develop, he will return.", ["numbness"], [H]),
    ("Were she to develop weakness, an EMG would be ordered.", ["weakness"], [H]),
    ("He has arm symptoms and should continue therapy.", ["arm symptoms"], [P]),
    ("Red flags: none.", ["Red flags"], [A]),
    ("RED FLAGS: None noted.", ["RED FLAGS"], [A]),
    ("Red flags - none.", ["Red flags"], [A]),
    ("ROS: Fever - no. Neck pain - denies.", ["Fever", "Neck pain"], [A, A]),
    ("Bowel or bladder changes - no.", ["Bowel or bladder changes"], [A]),
    ("The leg pain is gone.", ["leg pain"], [A]),
    # what she does not have, however many words name it; a "but" ends it
    ("She does not have radiating arm symptoms.", ["radiating", "arm symptoms"], [A, A]),
    ("She does not have radiating leg pain but has numbness in the foot.",
     ["radiating leg pain", "numbness"], [A, P]),
    # "and" before a verb with its own object opens a statement; a verdict on the subject
    # before it still reaches back
    ("He denies numbness and tingling and has weakness of the left EHL.",
     ["numbness", "tingling", "weakness"], [A, A, P]),
    ("She denies bowel or bladder changes and reports leg pain.",
     ["bowel or bladder changes", "leg pain"], [A, P]),
    ("The psychologist found no major depression and cleared him for a trial.",
     ["depression", "cleared"], [A, P]),
    ("Red flags were screened and are negative.", ["Red flags"], [A]),
    ("Red flags were reviewed and found negative.", ["Red flags"], [A]),
    ("Red flags were reviewed and have been excluded.", ["Red flags"], [A]),
    ("Red flags were reviewed and noted to be absent.", ["Red flags"], [A]),
    ("Red flags were reviewed and found none.", ["Red flags"], [A]),
    ("Red flags were reviewed; none were found.", ["Red flags"], [A]),
    ("Red flags were screened and none identified.", ["Red flags"], [A]),
    ("Numbness in the foot; none in the hand.", ["Numbness"], [P]),
    # what a denial leaves out
    ("She takes no opioid or other pain medication besides ibuprofen as needed.",
     ["opioid", "ibuprofen"], [A, P]),
    ("She takes no medications other than naproxen.", ["naproxen"], [P]),
    ("No pain medications except ibuprofen.", ["ibuprofen"], [P]),
    ("Bowel/bladder: nl.", ["Bowel/bladder"], [A]),
    ("Neither Hoffmann sign nor clonus present.", ["Hoffmann sign", "clonus"], [A, A]),
    ("Neither numbness nor weakness is reported.", ["numbness", "weakness"], [A, A]),
    # a sign that says its own verdict keeps it past a comma; a list's denial still denies all
    ("Tenderness, flexion limited to 40 degrees, a negative straight leg raise.",
     ["Tenderness", "flexion limited", "straight leg raise"], [P, P, A]),
    ("Flexion is limited to 40 degrees, and straight leg raise is negative bilaterally.",
     ["Flexion is limited", "straight leg raise"], [P, A]),
    ("Limited range of motion, tenderness and spasm: none.",
     ["Limited range of motion", "tenderness", "spasm"], [A, A, A]),
    ("Limited range of motion, tenderness and spasm all negative.",
     ["Limited range of motion", "tenderness", "spasm"], [A, A, A]),
    # a labelled line opening in small letters after a full stop is a statement of its own
    ("pmhx neg for dm, no hx of neuropathy. pe 03/09/2021: r biceps 4/5", ["4/5"], [P]),
    ("no fever. exam: tender lumbar paraspinals", ["tender"], [P]),
    ("No unexpl. wt loss reported.", ["wt loss"], [A]),
    ("The numbness went away after the release.", ["numbness"], [A]),
    ("He went home with leg pain.", ["leg pain"], [P]),
    ("SLR negative bilaterally.", ["SLR"], [A]),
    ("Straight leg raise is negative on the left.", ["Straight leg raise"], [A]),
    ("Straight leg raising test was negative.", ["Straight leg raising test"], [A]),
    ("Neurological deficits were not found.", ["Neurological deficits"], [A]),
    ("Spasm was not appreciated today.", ["Spasm"], [A]),
    ("Clonus is absent.", ["Clonus"], [A]),
    ("Bowel or bladder dysfunction: denied.", ["bladder dysfunction"], [A]),
    ("Instability has been excluded.", ["Instability"], [A]),
    # negation before the term, across a coordinated list
    ("No numbness, tingling or weakness.", ["numbness", "tingling", "weakness"], [A, A, A]),
    ("He denies numbness and tingling in the hands.", ["numbness", "tingling"], [A, A]),
    ("There is no fracture.", ["fracture"], [A]),
    ("No signs of neuropathy.", ["neuropathy"], [A]),
    ("There was no evidence of instability on flexion-extension views.", ["instability"], [A]),
    ("Without radicular symptoms.", ["radicular symptoms"], [A]),
    ("Negative for saddle anesthesia.", ["saddle anesthesia"], [A]),
    ("Denies constipation.", ["constipation"], [A]),
    ("No abnormal relative movement is noted.", ["abnormal relative movement"], [A]),
    # mixed signs in one sentence
    ("Positive Tinel sign, negative Phalen test.", ["Tinel sign", "Phalen test"], [P, A]),
    ("Negative Phalen test, positive Tinel sign.", ["Phalen test", "Tinel sign"], [A, P]),
    ("Tinel's and Phalen's tests were negative bilaterally.", ["Tinel's", "Phalen's tests"],
     [A, A]),
    ("No red flags were noted; however, there is radiculopathy on exam.",
     ["red flags", "radiculopathy"], [A, P]),
    ("Sensation is decreased in the L5 dermatome; reflexes are normal.",
     ["Sensation is decreased", "reflexes"], [P, A]),
    ("Examination revealed tenderness and spasm but no instability.",
     ["tenderness", "spasm", "instability"], [P, P, A]),
    ("Spasm is present and tenderness is noted.", ["Spasm", "tenderness"], [P, P]),
    # a reason inside the statement ends a plan, not a negation said after the sign
    ("Tinel's sign and Phalen's test at both wrists, which the physician performed because of "
     "the numbness in the thumb, were negative.", ["Tinel's sign", "Phalen's test"], [A, A]),
    ("I am requesting an MRI because the weakness in the leg is worse.", ["MRI", "weakness"],
     [H, P]),
    ("We plan physical therapy due to persistent spasm.", ["physical therapy", "spasm"],
     [H, P]),
    ("Plan: consider EMG given the numbness in the hand.", ["EMG", "numbness"], [H, P]),
    ("No NSAID has been dispensed since naproxen was stopped.", ["NSAID", "naproxen"], [A, S]),
    # pain that stops above the knee; a test that does not reproduce the pain; stable ligaments
    ("It radiates to the right buttock but not below the knee.", ["radiates"], [A]),
    ("Spurling's maneuver does not reproduce arm pain.", ["Spurling's maneuver", "arm pain"],
     [A, A]),
    ("The knee had stable ligaments to varus and valgus stress.", ["varus and valgus stress"],
     [A]),
    # a list of negatives, its items apart by ';'; a field answered "no"
    ("Pertinent negatives: radiation into the legs; numbness or tingling; weakness; fever.",
     ["radiation", "numbness", "weakness", "fever"], [A, A, A, A]),
    ("Pertinent negatives: arm pain; weakness. Spasm is present.", ["arm pain", "Spasm"],
     [A, P]),
    ("She has not described leg pain, numbness or tingling at any visit.",
     ["leg pain", "numbness", "tingling"], [A, A, A]),
    ("* Homebound: no -- leaves home for office visits.", ["Homebound"], [A]),
    ("ROS: No fever, no chills.", ["fever"], [A]),
    ("Spasm: no. Tenderness: yes.", ["Spasm", "Tenderness"], [A, P]),
    ("The pain does not radiate below the buttocks.", ["radiate"], [A]),
    # the thing denied said first
    ("Numbness or tingling in the hand she denies, neck pain she denies, and instability she "
     "does not have.", ["Numbness", "neck pain", "instability"], [A, A, A]),
    ("Pain 6/10, he denies numbness.", ["Pain", "numbness"], [P, A]),
    # not tried, said after the treatment or before it; to be started
    ("Gabapentin had not been tried.", ["Gabapentin"], [A]),
    # "denies problems with", "no difficulty with": its "with" ends no denial; a list goes on
    # with "or with"
    ("She denies problems with her bowel or bladder.", ["bowel or bladder"], [A]),
    ("No difficulty with balance or walking.", ["balance"], [A]),
    ("She denies any problems with balance, walking or with her bowel or bladder.",
     ["bowel or bladder"], [A]),
    ("He denies problems with sleep but has numbness in the foot.", ["numbness"], [P]),
    ("No tenderness, with positive Spurling test.", ["Spurling test"], [P]),
    # a guideline cited, its section named, then its words: neither is a fact of the worker's
    ("California MTUS, ACOEM Hand, Wrist, and Forearm Disorders Guideline (2019), Carpal "
     "tunnel syndrome: electrodiagnostic studies are recommended to confirm the diagnosis.",
     ["Carpal tunnel syndrome", "electrodiagnostic studies"], [H, H]),
    ("Per the ACOEM Low Back Disorders chapter: he has radicular pain.", ["radicular pain"],
     [P]),
    # "PT" is physical therapy here, not medspaCy's "pt" (patient) of "pt was not ..."
    ("PT was not attempted.", ["PT"], [A]),
    ("PT was not tried before the surgery.", ["PT"], [A]),
    ("PT was helpful and he finished 12 visits.", ["PT"], [P]),
    ("Pt was not given gabapentin.", ["gabapentin"], [A]),
    ("An SNRI was never tried.", ["SNRI"], [A]),
    # said not suspected: no suspicion documented (read as "suspected", it was one)
    ("Occult fracture is not suspected.", ["Occult fracture"], [A]),
    ("Infection was not considered likely.", ["Infection"], [A]),
    ("A stress fracture is suspected.", ["stress fracture"], [U]),
    # not prescribed, the drug before or after
    ("Lyrica had not been prescribed previously.", ["Lyrica"], [A]),
    ("She had not been prescribed an opioid before the surgery.", ["opioid"], [A]),
    ("He has never been given a TENS unit.", ["TENS unit"], [A]),
    ("Norco helps; she had not been prescribed Lyrica.", ["Norco", "Lyrica"], [P, A]),
    ("He has not tried an antidepressant or an anticonvulsant.",
     ["antidepressant", "anticonvulsant"], [A, A]),
    ("Gabapentin will be started for the leg pain.", ["Gabapentin"], [H]),
    ("We will start duloxetine 30 mg daily.", ["duloxetine"], [H]),
    ("Naproxen will be continued.", ["Naproxen"], [P]),
    ("She was started on gabapentin in 2017.", ["gabapentin"], [P]),
    # present
    ("The patient has radiculopathy.", ["radiculopathy"], [P]),
    ("Radiculopathy was confirmed by EMG.", ["Radiculopathy"], [P]),
    ("MRI shows nerve root compression at L5-S1.", ["nerve root compression"], [P]),
    # hypothetical and planned
    ("He would consider surgery if symptoms persist.", ["surgery"], [H]),
    ("Surgery is being considered.", ["Surgery"], [H]),
    ("Plans to start physical therapy.", ["physical therapy"], [H]),
    ("She may require an injection in the future.", ["injection"], [H]),
    ("If pain persists, an MRI will be ordered.", ["pain"], [H]),
    # historical, family, uncertain
    ("History of lumbar fusion.", ["lumbar fusion"], [S]),
    ("Mother has diabetes.", ["diabetes"], [F]),
    ("Possible radiculopathy.", ["radiculopathy"], [U]),
    ("PTP plan: r/o L1 compression fx given the fall.", ["compression fx"], [U]),
    ("Concern for a vertebral fracture after the fall.", ["vertebral fracture"], [U]),
    ("Suspected carpal tunnel syndrome.", ["carpal tunnel syndrome"], [U]),
    # a contingency is no finding now; "absent" as the sign's adjective; evidence against
    ('Tizanidine at bedtime since 2023, "in case of a flare".', ["flare"], [H]),
    ("Keep the walker at home in the event of a fall.", ["fall"], [H]),
    ("The absent Hoffmann's sign speaks against myelopathy.", ["Hoffmann's sign", "myelopathy"],
     [A, A]),
    ("Normal reflexes argue against a radiculopathy.", ["radiculopathy"], [A]),
    ("An absent Hoffmann sign and a positive Spurling test.", ["Hoffmann sign", "Spurling test"],
     [A, P]),
    ("A negative Spurling test and a positive Tinel sign.", ["Tinel sign"], [P]),
    # what the records do not show, and a treatment not given
    ("The records do not show that gabapentin or an antidepressant has been prescribed.",
     ["gabapentin", "antidepressant"], [A, A]),
    ("He has not been treated with chiropractic manipulation to date.",
     ["chiropractic manipulation"], [A]),
    ("He was never started on gabapentin.", ["gabapentin"], [A]),
    ("He was treated with chiropractic manipulation.", ["chiropractic manipulation"], [P]),
    # a list of findings each measured: a verdict after the last says nothing of the others
    ("LBP 6/10, TTP and spasm L3-S1 paraspinals, flexion 45 degrees, SLR negative bilaterally, "
     "sensation and reflexes normal.", ["TTP", "spasm", "SLR", "sensation", "reflexes"],
     [P, P, A, A, A]),
    ("Neck pain 7/10, Spurling 30 degrees positive, Hoffmann negative.",
     ["Neck pain", "Spurling", "Hoffmann"], [P, P, A]),
    # ... but a negation before a list still reaches it, a level's digits measure nothing
    ("No tenderness at L4-5, spasm or guarding.", ["tenderness", "spasm"], [A, A]),
    ("Pain 6/10, no numbness, tingling or weakness.", ["numbness", "tingling", "weakness"],
     [A, A, A]),
    # what goes with a drug's use is not what it is used for
    ("Opioid use with no aberrancy.", ["aberrancy"], [A]),
    # a list denied as a whole, and the heading it answers
    ("Red flags: none of the following -- fever, unexplained weight loss, bowel or bladder "
     "incontinence, progressive weakness.",
     ["Red flags", "fever", "unexplained weight loss", "bowel or bladder incontinence",
      "progressive weakness"], [A, A, A, A, A]),
    ("He has none of the following red flags: fever, night sweats or weight loss.",
     ["red flags", "fever", "night sweats", "weight loss"], [A, A, A, A]),
    ("PT and chiropractic, none of which helped; he has a fever.", ["fever"], [P]),
    # a ticked box whose label denies, and an option row's "no" that answers the row before
    ("[X] No bowel/bladder changes    [ ] Saddle numbness    [ ] Fever/chills",
     ["bowel/bladder changes", "Saddle numbness", "Fever"], [A, A, A]),
    ("[x] Denies saddle anesthesia", ["saddle anesthesia"], [A]),
    ("Paraspinal spasm [X] Yes [ ] No [ ] Yes [X] No Tenderness L4-S1 [X] Yes [ ] No",
     ["Tenderness"], [P]),
    # what a guideline asks for or recommends is no fact of the worker's, up to where his own
    # facts begin
    ("Guidelines require documentation of red flags such as cauda equina syndrome, fracture or "
     "progressive neurological deficit before repeat imaging is supported.",
     ["red flags", "cauda equina syndrome", "fracture", "progressive neurological deficit"],
     [H, H, H, H]),
    ("The MTUS states that radiculopathy must be documented by physical examination.",
     ["radiculopathy"], [H]),
    ("Per ACOEM, knee braces are indicated for patellar instability.",
     ["patellar instability"], [H]),
    ("The guidelines recommend electrodiagnostic studies when carpal tunnel syndrome is "
     "suspected.", ["carpal tunnel syndrome"], [H]),
    ("The guidelines support an epidural injection because he has radiculopathy on exam.",
     ["radiculopathy"], [P]),
    ("The criteria are met; she has a positive straight leg raise.",
     ["positive straight leg raise"], [P]),
    # an empty box before a label of several words: the option not ticked
    ("[X] Right 1st dorsal compartment corticosteroid injection 10/14/2025 [ ] Right ring "
     "finger A1 pulley injection - offered 10/14/2025; patient declined both times",
     ["corticosteroid injection", "A1 pulley injection"], [P, A]),
    ("Radiating pain: [X] yes [ ] no Numbness: [X] yes [ ] no", ["Numbness"], [P]),
    ("Prior treatment: [X] PT [ ] Injection [ ] Surgery PT notes: grip improved",
     ["PT", "Injection", "Surgery", "PT notes"], [P, A, A, P]),
    # a flare said to be over
    ("The January flare has settled; he is back to his usual baseline.", ["flare"], [A]),
    ("The spasm has cleared.", ["spasm"], [A]),
    # a condition said not to be diagnosed, after its name
    ("Osteoarthritis has not been diagnosed.", ["Osteoarthritis"], [A]),
    ("and osteoarthritis is not among the treating diagnoses.", ["osteoarthritis"], [A]),
    ("Osteoarthritis is not one of the treating diagnoses.", ["Osteoarthritis"], [A]),
    ("A tear was never confirmed on imaging.", ["tear"], [A]),
    ("Radiculopathy has been diagnosed and the SLR is not positive.", ["Radiculopathy"], [P]),
    # what the utilization reviewer said, up to where the letter speaks again
    ("The UR reviewer stated that the tear was degenerative and that the injured worker had "
     "osteoarthritis; however, the radiographs show a meniscal tear.",
     ["osteoarthritis", "meniscal tear"], [H, P]),
    ("Utilization review noted no gastrointestinal risk factors, and the treating physician's "
     "note agrees: she denies heartburn.", ["heartburn"], [A]),
    # recorded as "none"
    ('The leg symptoms are described in the notes as "none" ("LBP w/o radiation to LEs").',
     ["leg symptoms"], [A]),
    ("Side effects are recorded at each visit as none.", ["Side effects"], [A]),
    ("The leg symptoms are described as burning.", ["leg symptoms"], [P]),
    # a fax's "neq" for "neg"
    ("McMurray neq. Lachman neg, varus/valgus stable.", ["McMurray", "Lachman"], [A, A]),
    # a review of systems answered after each item
    ("GI: Nausea no. Heartburn no. Black or tarry stools no.",
     ["Nausea", "Heartburn", "tarry stools"], [A, A, A]),
    ("Numbness yes, tingling no.", ["Numbness", "tingling"], [P, A]),
    ("He says the pain is no better.", ["pain"], [P]),
    # a treatment never had, by any verb, and the list after it
    ("She has never received psychotherapy or counseling.", ["psychotherapy", "counseling"],
     [A, A]),
    ("She never tried acupuncture, and PT helped.", ["acupuncture", "PT"], [A, P]),
    # (a test reported "negative for" a drug is a result, not a denial of the test)
    ("A urine drug screen collected on 02/14/2017 was reported as negative for hydrocodone.",
     ["urine drug screen"], [P]),
]


@pytest.mark.parametrize("sentence,mentions,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_assertion(sentence, mentions, expected):
    spans = [(sentence.index(m), sentence.index(m) + len(m)) for m in mentions]
    assert assertions(sentence, spans) == expected


# End to end: the seed letter with one sentence added to its case summary --------------------

SEED = Path(__file__).resolve().parent / "letters" / "000_352bc1bec7c49a86.txt"
ANCHOR = "In a progress report dated 7-30-15,"
RED_FLAG = TERM + "RedFlagSpinalPathology"


def _with(sentence: str) -> bytes:
    text = SEED.read_text()
    assert ANCHOR in text
    return text.replace(ANCHOR, f"{sentence} {ANCHOR}", 1).encode()


def _red_flags(kb, sentence: str):
    """The seed letter read with the sentence added, and the red-flag findings read."""
    read = read_letter(_with(sentence), SEED.name, kb.terms)
    return read, [f for f in read_case(read.graph.facts).findings
                  if kb.terms.is_a(f.concept, RED_FLAG)]


@pytest.mark.parametrize("sentence", [
    "On examination red flags were ruled out.",
    "Red flags are absent.",
    "Red flags: none.",
    "There are no red flags.",
    "Signs of serious spinal pathology have been excluded.",
    "The physician documents that red flags were not found.",
])
def test_negated_red_flags_are_read_absent_and_never_approve(kb, sentence):
    read, flags = _red_flags(kb, sentence)
    assert flags and not any(f.present for f in flags), flags
    [item] = score_letter(read, kb)
    assert item.outcome == "not-medically-necessary"  # the red-flag criterion is not met


@pytest.mark.parametrize("sentence", [
    # the answer after a list, and continence unchanged (some flags absent: not all of them)
    "Fever, weight loss, saddle numbness: denies.",
    "Night pain, fever, bowel or bladder change - denies.",
    "No change in bowel or bladder function.",
])
def test_named_red_flags_denied_are_read_absent(kb, sentence):
    _, flags = _red_flags(kb, sentence)
    assert flags and not any(f.present for f in flags), flags


@pytest.mark.parametrize("sentence", [
    "He would consider a fusion if red flags develop.",
    "The mother has red flags.",
    "Possible red flags.",
])
def test_red_flags_not_asserted_are_not_facts(kb, sentence):
    assert not _red_flags(kb, sentence)[1]


@pytest.mark.parametrize("sentence,mentions,expected", [
    ("She has no history of cancer.", ["history of cancer"], [A]),
    ("There were no signs of myelopathy.", ["signs of myelopathy"], [A]),
    ("(-) urinary retention (-) incontinence", ["urinary retention", "incontinence"], [A, A]),
    ("(-) leg weakness, (+) back pain", ["leg weakness", "back pain"], [A, P]),
    ("Former smoker, quit in 2005.", ["smoker"], [S]),
    ("Current smoker, 1 ppd.", ["smoker"], [P]),
])
def test_negation_inside_the_mention_and_chart_shorthand(sentence, mentions, expected):
    spans = [(sentence.index(m), sentence.index(m) + len(m)) for m in mentions]
    assert assertions(sentence, spans) == expected


@pytest.mark.parametrize("sentence,mentions,expected", [
    ("Sensation is intact to light touch.", ["Sensation"], [A]),
    ("DTRs 2+ and symmetric at the patellae.", ["DTRs"], [A]),
    ("Motor 5/5 throughout except left EHL 4+/5.", ["EHL"], [P]),
    ("Lumbar spine non-tender.", ["tender"], [A]),
    ("Sensation decreased to light touch over the left L5 dermatome.", ["Sensation"], [P]),
    ("SLR positive on the left at 40 degrees.", ["SLR"], [P]),
    ("SLR negative bilaterally to 70 degrees with low back pain only.", ["SLR"], [A]),
    ("Tinel's and Phalen's negative bilaterally at the wrists.", ["Tinel's", "Phalen's"],
     [A, A]),
    ("SLR (-) B.", ["SLR"], [A]),
    ("ROS: No fever, chills or weight loss.", ["fever", "weight loss"], [A, A]),
    ("Sensation, strength and reflexes normal and symmetric in both legs.",
     ["Sensation", "reflexes"], [A, A]),
    ("Tenderness over the facets with negative SLR.", ["Tenderness", "SLR"], [P, A]),
    ("The cervical spine has full, painless range of motion; Spurling negative.",
     ["range of motion", "Spurling"], [A, A]),
    ("Mild tenderness, full range of motion, negative McMurray.",
     ["tenderness", "range of motion"], [P, A]),
    ("Hardware appears intact, there is limited range of motion with flexion.",
     ["limited range of motion"], [P]),
    ("Cyclobenzaprine was started for spasm.", ["spasm"], [S]),
    ("He quit smoking in 2013.", ["smoking"], [S]),
    # a verdict word naming the quality of the noun after it is no verdict on the term
    ("Norco lets her work her full 8-hour modified shift.", ["Norco"], [P]),
    ("Norco lets her work her full shift.", ["Norco"], [P]),
    ("PT returned him to normal activities.", ["PT"], [P]),
    ("Gabapentin at a stable dose since 2019.", ["Gabapentin"], [P]),
    ("ROM full, gait normal.", ["ROM"], [A]),
    ("Strength normal in all groups.", ["Strength"], [A]),
    ("Neuro exam normal today.", ["Neuro exam"], [A]),
])
def test_examination_wording(sentence, mentions, expected):
    spans = [(sentence.index(m), sentence.index(m) + len(m)) for m in mentions]
    assert assertions(sentence, spans) == expected


@pytest.mark.parametrize("sentence,mentions,expected", [
    ("Requesting a urine drug screen.", ["urine drug screen"], [H]),
    ("Urine drug screen at next visit.", ["Urine drug screen"], [H]),
    ("No early refills and no lost prescriptions.", ["early refills", "lost prescriptions"],
     [A, A]),
])
def test_requested_monitoring_is_not_yet_done(sentence, mentions, expected):
    spans = [(sentence.index(m), sentence.index(m) + len(m)) for m in mentions]
    assert assertions(sentence, spans) == expected


@pytest.mark.parametrize(("sentence", "word", "expected"), [
    ("Plan: Given the progressive neurologic deficit, I am requesting:", "progressive",
     "present"),
    ("Plan: Given the progressive neurologic deficit, I am requesting an MRI.", "MRI",
     "hypothetical"),
    ("Plan: PT 2x4, because of weakness.", "weakness", "present"),
    ("He was not given a TENS unit.", "TENS", "absent"),  # "given" as a verb ends nothing
    ("She had PT without benefit, an ESI with relief.", "ESI", "present"),
    ("PT without improvement in the leg pain.", "leg pain", "present"),
])
def test_reasons_and_negated_outcomes(sentence, word, expected):
    from reasoner.reader.assertion import assertions
    start = sentence.index(word)
    assert assertions(sentence, [(start, start + len(word))])[0].value == expected


@pytest.mark.parametrize(("text", "word"), [
    ("Straight leg raise was nega tive bilaterally.", "Straight leg raise"),
    ("Sensation is in tact to light touch.", "Sensation"),
])
def test_a_cue_split_by_a_scanner_still_negates(kb, text, word):
    read = read_letter(f"PROGRESS REPORT\n\n{text}\n\nPLAN:\n1. Acupuncture x6.\n".encode(),
                       "r.txt", kb.terms)
    assert not [f for f in read_case(read.graph.facts).findings if f.present], word


def test_a_field_marked_none_negates_its_label_only():
    from reasoner.reader.assertion import assertions
    sentence = '- Physical therapy evaluation 03/24/2014 and 5 visits: "red flags: none";'
    therapy, flags = sentence.index("Physical"), sentence.index("red flags")
    said = assertions(sentence, [(therapy, therapy + 16), (flags, flags + 9)])
    assert [a.value for a in said] == ["present", "absent"]


def test_what_the_record_does_not_show():
    from reasoner.reader.assertion import assertions
    sentence = "The physician did not record any sleep hygiene counseling."
    start = sentence.index("sleep hygiene")
    assert assertions(sentence, [(start, start + 13)])[0].value == "absent"


def test_as_needed_is_a_frequency_not_a_condition():
    from reasoner.reader.assertion import assertions
    sentence = ("Norco | 10/325 mg | 1 tab every 6 hours as needed, max 4/day Naproxen sodium | "
                "550 mg | BID with food")
    start = sentence.index("Naproxen")
    assert assertions(sentence, [(start, start + 8)])[0].value == "present"


@pytest.mark.parametrize(("row", "word", "expected"), [
    # a form's rows answered by ticked boxes; with a column per visit, the last answers
    ("Radiating pain into leg(s)   [ ] Yes  [X] No    [ ] Yes  [X] No", "Radiating pain",
     "absent"),
    ("Numbness / tingling   [ ] R  [ ] L  [X] None    [ ] R  [ ] L  [X] None", "Numbness",
     "absent"),
    ("Paraspinal spasm   [X] Yes  [ ] No    [ ] Yes  [X] No", "spasm", "absent"),
    ("SLR   R [ ]+ [X]-  L [ ]+ [X]-   R [ ]+ [X]-  L [ ]+ [X]-", "SLR", "absent"),
    ("Kemp's   R [X]+ [ ]-  L [ ]+ [X]-   R [X]+ [ ]-  L [ ]+ [X]-", "Kemp's", "present"),
    ("Spasm   [ ] Yes  [X] No    [X] Yes  [ ] No", "Spasm", "present"),
    # a cell answering the row, and "none" opening a statement of its own
    ("Red flags    none    none", "Red flags", "absent"),
    ("Edema none.", "Edema", "absent"),
    ("He tried PT and chiropractic, none helped.", "chiropractic", "present"),
    # a test neither positive nor negative is not a positive sign
    ("SLR negative to 80 degrees on both sides; slump test equivocal on the right.",
     "slump test", "uncertain"),
    ("Spurling positive on the left.", "Spurling", "present"),
    # a straight leg raise bringing on back pain only is negative for radiculopathy
    ("SLR: R reproduces LBP only @ 60 deg, no leg sx; L (-).", "SLR", "absent"),
    ("SLR reproduces leg pain only at 40 degrees.", "SLR", "present"),
    ("PT x12, none of which helped.", "PT", "present"),
    # a question answered by boxes; continence said unchanged
    ("D2. History of peptic ulcer, GI bleeding or perforation? .......... [ ] Yes  [X] No",
     "peptic ulcer", "absent"),
    ("Neuropathic pain? [X] Yes [ ] No", "Neuropathic pain", "present"),
    # a row whose label goes on with a list in brackets: every term of it is answered
    ("Red flags (trauma, cancer, infection, cauda equina):  [ ] yes  [X] no", "Red flags",
     "absent"),
    ("Red flags (trauma, cancer, infection, cauda equina):  [ ] yes  [X] no", "cancer",
     "absent"),
    ("Red flags (trauma, cancer, infection, cauda equina):  [ ] yes  [X] no", "cauda equina",
     "absent"),
    ("Red flags (trauma, cancer):  [X] yes  [ ] no", "Red flags", "present"),
    ("Bowel/bladder: no change. Fever: none.", "Bowel/bladder", "absent"),
    ("Numbness: no change.", "Numbness", "present"),
])
def test_a_form_row_answered_by_its_boxes_or_a_cell(row, word, expected):
    start = row.index(word)
    assert assertions(row, [(start, start + len(word))])[0].value == expected


def test_what_a_drug_was_given_for_is_no_finding_now(kb):
    text = ("PROGRESS REPORT\n\nDOS: 07/06/2021\n\nHe takes Soma 350 mg three times a day, which "
            "he has taken since 2016 for \"back spasms\"; the examination found no paraspinal "
            "spasm.\n\nPLAN:\n1. Soma 350 mg #90.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    spasm = [f.props["present"] for f in facts
             if f.kind == "finding" and f.concept == TERM + "MuscleSpasm"]
    assert spasm == [False]


def test_a_rule_token_with_other_keys_still_names_its_words():
    """The gate that skips ConText's token rules on sentences without their words reads a
    token's words even beside other keys ("IS_SENT_START"): such a rule had no required
    word, ran on every sentence and tied every rule into one matcher (a tenth of reading)."""
    from reasoner.reader.assertion import _required, _token_words
    token = {"LOWER": {"IN": ["given", "because"]}, "IS_SENT_START": True}
    assert _token_words(token) == {"given", "because"}
    assert _required([token]) == [frozenset({"given", "because"})]
    assert _token_words({"LOWER": {"NOT_IN": ["and"]}, "IS_ALPHA": True}) is None


def test_a_judgment_in_a_guidelines_words_is_no_fact():
    from reasoner.reader.judgments import judgments
    said = ("Guidelines require documentation of red flags such as cauda equina syndrome, "
            "fracture or progressive neurological deficit before repeat imaging.")
    assert not [j for j in judgments(said) if j.present]
    assert [j for j in judgments("He has progressive numbness in the left foot.") if j.present]


@pytest.mark.parametrize("said, present", [
    ("Radicular signs: none.", False),
    ("There were no radicular findings on examination.", False),
    ("Axial pain without radicular signs; sensation intact.", False),
    ("Radicular findings are absent bilaterally.", False),
    ("She has radicular signs in the L5 distribution on the left.", True),
])
def test_radicular_signs_are_the_radiculopathy_the_examiner_finds(kb, said, present):
    """Signs are found on examination: "Radicular signs: none" says no radiculopathy was found
    (as "signs of radiculopathy were absent" does), not that the patient told no symptoms."""
    facts = _report_facts(kb, said, "03/04/2026", plan="Norco 10/325 mg #120.")
    read = [f.props.get("present", True) for f in facts
            if f.kind in ("finding", "diagnosis") and f.concept is not None
            and kb.terms.is_a(f.concept, TERM + "Radiculopathy")]
    assert read and all(p is present for p in read)


# Denials written in the forms reviewers and treating physicians use, each of a finding, a
# red flag and a condition: none may come out present.
_DENIALS = [
    "{T} never documented.", "Absent {t}.", "Lacks {t}.", "{T} is lacking.",
    "Excludes {t}.", "Unassociated with {t}.", "{T} is not a feature.",
    "{T} could not be elicited.", "{T} unable to be elicited.", "Not consistent with {t}.",
    "{T} denied at this visit.", "{T} not appreciated on exam.", "{T} denied.", "{T} nil.",
    "She has not reported {t}.", "{T} was not endorsed.", "Nothing to suggest {t}.",
    "w/o {t}", "{T} denied by the patient.",
]
# ... and statements of the same that must stay present
_AFFIRMED = [
    "{T} could be elicited.", "{T} never resolved.", "The {t} has never resolved.",
    "Denies fever. {T} present.", "Pain 8/10 w/o meds, {t} present.", "{T} persists.",
]


@pytest.mark.parametrize("term", ["numbness", "red flags", "instability"])
@pytest.mark.parametrize(("form", "expected"), [(f, "absent") for f in _DENIALS]
                         + [(f, "present") for f in _AFFIRMED])
def test_denials_in_many_forms(form, expected, term):
    said = form.format(t=term, T=term[0].upper() + term[1:])
    start = said.lower().index(term)
    assert assertions(said, [(start, start + len(term))])[0].value == expected


@pytest.mark.parametrize("said", [
    "Cyclobenzaprine 7.5 mg 1 tab bid prn spasm was added 07/10/2017 and has been refilled.",
    "Tizanidine 4 mg as needed for muscle spasm since 2019.",
    "  M62.838 spasm, other    | Tizanidine 4 mg         | --     | 1 bid prn     | 60",
])
def test_what_a_drug_is_taken_as_needed_for_is_no_finding_now(kb, said):
    """'prn spasm', 'as needed for spasm', a table's coded diagnosis beside the drug: what the
    drug is for, not spasm the examination found (which it denies here)."""
    text = (f"PROGRESS REPORT\n\nDOS: 07/06/2021\n\n{said}\n\nExam: no paraspinal spasm.\n\n"
            f"PLAN:\n1. Tizanidine 4 mg #60.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + "MuscleSpasm"] == [False]


# A probe of denial forms in many shapes, each said of seven terms: how many come out present.
# The reader's session start read 133 of the 875 as present; the ceiling only goes down (none
# left since "Ruled out X" opening a sentence, "Zero X", "X: 0" and "X: \u00d8" were learned).
_PROBE_FORMS = [
    "No {t}.", "no {t} noted", "Negative for {t}.", "Denies {t}.", "Denied {t}.", "{T} denied.",
    "{T}: denied", "{T}: none", "{T}: absent", "{T}: negative", "{T} - no", "{T}: N", "{T} (-)",
    "{T} was absent.", "{T} is not present.", "{T} not present.", "{T} not seen.",
    "{T} was not found.", "{T} has not been found.", "{T} never documented.",
    "{T} has never been documented.", "{T} was ruled out.", "{T} ruled out.", "{T} excluded.",
    "{T} was excluded on exam.", "Without {t}.", "w/o {t}", "Free of {t}.",
    "There is no evidence of {t}.", "No evidence of {t}.", "No signs of {t}.", "No sign of {t}.",
    "No clinical evidence of {t}.", "Nothing to suggest {t}.", "Nothing suggestive of {t}.",
    "Absence of {t}.", "Absent {t}.", "Lack of {t}.", "Lacks {t}.", "{T} is lacking.",
    "Resolved {t}.", "{T} has resolved.", "{T} resolved.", "No longer has {t}.",
    "{T} is no longer present.", "She no longer reports {t}.", "Not experiencing {t}.",
    "He is not experiencing {t}.", "She does not have {t}.", "She doesn't have {t}.",
    "He does not report {t}.", "He did not report {t}.", "He did not have {t}.",
    "Patient reports no {t}.", "Pt denies any {t}.", "Reports no {t}.", "There was no {t}.",
    "There were no {t}.", "Neither {t} nor fever.", "No fever or {t}.", "No fever, chills or {t}.",
    "No fever, no chills, no {t}.", "Fever, chills and {t} are denied.",
    "Denies fever, chills, and {t}.", "{T}? No.", "{T} -- none.", "{T}...none", "{T}: not present",
    "{T}: not observed", "{T}: not reported", "{T}: Neg", "{T}: NEG", "{T}: no", "{T}: No",
    "Ruled out {t}.", "Excludes {t}.", "Rules out {t}.", "Without evidence of {t}.",
    "Without any {t}.", "Not associated with {t}.", "Unassociated with {t}.",
    "{T} is not a feature.", "{T} was not elicited.", "{T} could not be elicited.",
    "{T} unable to be elicited.", "{T} were not appreciated.", "No {t} was appreciated.",
    "Not consistent with {t}.", "Inconsistent with {t}.", "{T} negative.", "{T} neg.",
    "{T} unremarkable.", "{T} WNL.", "{T} within normal limits.", "{T}: normal.", "{T} is denied.",
    "{T} was denied at this visit.", "{T} denied at this visit.", "Zero {t}.", "{T}: 0.",
    "{T} — none.", "{T} = none", "{T}: Ø", "No {t} whatsoever.", "{T} not appreciated on exam.",
    "{T} not evident.", "Not any {t}.", "Never had {t}.", "Has never had {t}.", "{T}: nil",
    "{T} not identified.", "{T} were not identified.", "Did not demonstrate {t}.",
    "Does not demonstrate {t}.", "Exam did not show {t}.", "MRI did not show {t}.",
    "MRI showed no {t}.", "Films showed no {t}.", "X-rays without {t}.",
    "X-rays negative for {t}.", "MRI negative for {t}.", "MRI was negative for {t}.",
    "Exam was negative for {t}.", "Exam is negative for {t}.", "Negative exam for {t}.",
]
_PROBE_TERMS = ["numbness", "red flags", "weakness", "muscle spasm", "fracture", "instability",
                "radiating pain"]


def test_denial_probe_ceiling():
    present = []
    for form in _PROBE_FORMS:
        for term in _PROBE_TERMS:
            said = form.format(t=term, T=term[0].upper() + term[1:])
            start = said.lower().index(term)
            if assertions(said, [(start, start + len(term))])[0] is P:
                present.append(said)
    assert not present, present


@pytest.mark.parametrize("said", [
    "On 03/07/2017, forward flexion was 140 degrees, strength was 5/5 in forward elevation and "
    "external rotation, and no red flags were identified.",
    "Strength 5/5 with abduction and external rotation today.",
])
def test_strength_of_the_shoulders_movements_is_the_cuffs(kb, said):
    """Strength said normal in the shoulder's movements is no rotator cuff weakness (a weakness
    of arm elevation told months before had stayed current, approving a repeat MRI)."""
    text = (f"PROGRESS REPORT\n\nDOS: 03/07/2017\n\n{said}\n\nPLAN:\n1. Repeat MRI of the right "
            f"shoulder.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + "RotatorCuffWeakness"] == [False]


def test_the_part_injured_is_the_cases_region_when_no_diagnosis_names_one(kb):
    """"no red flags" in a case whose diagnoses name no region ("right full-thickness
    supraspinatus tear") is the shoulder's too when the shoulder is the part injured."""
    text = ("PROGRESS REPORT\n\nDOS: 03/07/2017\n\nHe injured his right shoulder on 09/08/2016 "
            "lowering a package.\nDiagnoses: right full-thickness supraspinatus tear.\nOn "
            "03/07/2017 no red flags were identified.\n\nPLAN:\n1. Repeat MRI of the right "
            "shoulder.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + "ShoulderRedFlag"] == [False]


@pytest.mark.parametrize(("listed", "confirmed"), [
    ("1. Cervical radiculopathy, right C6, confirmed by MRI.", "RadiculopathyConfirmedByImaging"),
    ("1. Lumbar radiculopathy L5, confirmed on EMG/NCV 03/2019.", "RadiculopathyCorroborated"),
    ("1. Right carpal tunnel syndrome, confirmed by nerve conduction studies.",
     "ElectrodiagnosticallyConfirmedCTS"),
])
def test_a_diagnosis_the_list_says_a_study_confirmed(kb, listed, confirmed):
    """"..., confirmed by MRI" in a diagnosis list is the confirmed diagnosis (an EMG asked to
    confirm a radiculopathy MRI already confirmed had been approved)."""
    text = (f"PROGRESS REPORT\n\nDOS: 07/16/2019\n\nDiagnoses:\n{listed}\n2. Neck pain.\n\nPLAN:\n"
            f"1. EMG/NCV of the bilateral upper extremities.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert TERM + confirmed in {f.concept for f in facts if f.kind == "diagnosis"}


@pytest.mark.parametrize(("said", "concept", "present"), [
    ("She has no chronic medical conditions and takes no daily medication.",
     "PreoperativeRiskFactor", False),
    ("No significant medical comorbidities.", "PreoperativeRiskFactor", False),
    ("Comorbidities include hypertension and diabetes.", "PreoperativeRiskFactor", True),
])
def test_comorbidities_named_as_a_class(kb, said, concept, present):
    """"No chronic medical conditions" denies the pre-operative risk factors, and nothing
    broader: the root class "condition" it was read as denied every condition, a carpal tunnel
    syndrome the nerve studies confirmed among them."""
    text = (f"PROGRESS REPORT\n\nDOS: 05/10/2016\n\nNerve conduction studies on 12/08/2015 "
            f"confirmed right carpal tunnel syndrome. {said}\n\nPLAN:\n1. Pre-operative EKG.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + concept] == [present]
    assert not [f for f in facts if f.concept in (TERM + "Condition", TERM + "ClinicalFinding")]


@pytest.mark.parametrize(("said", "concept"), [
    ("The podiatrist suspects an osteochondral lesion of the talus not visible on plain films.",
     "SuspectedAnkleFootStructuralLesion"),
    ("Diagnoses: left ankle sprain; rule out osteochondral lesion of the talus.",
     "SuspectedAnkleFootStructuralLesion"),
    ("A stress fracture of the foot cannot be excluded.", "SuspectedAnkleFootStructuralLesion"),
    ("Assessment: wrist sprain, possible TFCC tear.", "SuspectedWristStructuralLesion"),
    ("Concern for a hip labral tear given the catching.", "SuspectedHipStructuralLesion"),
])
def test_a_lesion_said_suspected_is_the_suspected_finding(kb, said, concept):
    """A lesion said suspected, in any of the ways a note says it, is the finding the terminology
    names "suspected X" (what imaging criteria read: an ankle MRI had stayed undecided)."""
    facts = _report_facts(kb, said, "03/07/2021")
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + concept] == [True]


@pytest.mark.parametrize("said", [
    "MRI of the ankle to rule out an osteochondral lesion of the talus.",  # a study's purpose
    "An osteochondral lesion of the talus was ruled out.",
    "X-rays to evaluate for a scaphoid fracture.",
    "Concern for spinal tumour.",  # (a spinal red flag: only a fracture is read suspected)
])
def test_no_suspected_finding_from_a_purpose_a_denial_or_a_red_flag(kb, said):
    facts = _report_facts(kb, said, "03/07/2021")
    assert not [f.concept for f in facts if f.kind == "finding" and f.props["present"]
                and "Suspected" in (f.concept or "")]


@pytest.mark.parametrize("said", [
    "Strength, sensation and reflexes in both upper extremities were intact.",
    "Spurling's test was negative, and strength, sensation and reflexes in both upper "
    "extremities were intact.",
    "On 12/12/2016 motor strength, sensation and reflexes in the lower extremities were intact.",
])
def test_functions_listed_together_share_the_verdict_after_the_list(kb, said):
    """The verdict after a list of functions reaches its first member too (counted in words,
    "intact" had stopped short of "strength", leaving no motor finding)."""
    facts = _report_facts(kb, said, "01/07/2014")
    assert sorted((f.concept.rsplit("/", 1)[1], f.props["present"]) for f in facts
                  if f.kind == "finding" and f.concept.rsplit("/", 1)[1] in (
                      "MotorWeakness", "DermatomalSensoryLoss", "ReflexChange")) == [
        ("DermatomalSensoryLoss", False), ("MotorWeakness", False), ("ReflexChange", False)]


@pytest.mark.parametrize("said", ["Motor 4/5, sensation and reflexes intact.",
                                  "Strength 4/5 on the left, sensation and reflexes intact."])
def test_a_function_with_its_own_deficit_keeps_it_in_a_list(kb, said):
    facts = _report_facts(kb, said, "01/07/2014")
    assert [f.props["present"] for f in facts
            if f.kind == "finding" and f.concept == TERM + "MotorWeakness"] == [True]


def test_weakness_of_the_right_supraspinatus_is_the_cuffs(kb):
    """"4/5 strength of the right supraspinatus": the cuff's, not a myotome's (it had supported
    a cervical MRI as neurological dysfunction)."""
    text = ("PROGRESS REPORT\n\nDOS: 10/22/2013\n\nThe PQME found 4/5 strength of the right "
            "supraspinatus with a positive drop arm test.\n\nPLAN:\n1. MRI of the right "
            "shoulder.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "finding" and f.concept == TERM + "MotorWeakness"]


@pytest.mark.parametrize(("said", "present"), [
    ("Denies DM; no stocking-glove sx.", False),
    ("No stocking-glove sensory loss on examination.", False),
])
def test_a_stocking_glove_pattern_is_the_peripheral_neuropathys(kb, said, present):
    """"no stocking-glove sx" documents no peripheral neuropathy suspected (the lower-extremity
    nerve conduction rule had stayed undecided)."""
    facts = _report_facts(kb, said, "03/19/2018")
    assert [f.props["present"] for f in facts if f.kind == "finding"
            and f.concept == TERM + "PeripheralNervePathology"] == [present]


@pytest.mark.parametrize(("item", "present"), [
    ("Balance problems", False), ("Numbness", True), ("Fever", False)])
def test_a_grid_answered_after_its_dotted_leader(kb, item, present):
    """A review of systems laid out with dotted leaders ("Balance problems ........ N"): the
    answer after the dots is the item's (the dots had ended a sentence, leaving "N" to the
    next item)."""
    data = (b"PR-2 PROGRESS REPORT\nDate of exam: 02/14/2017\nREVIEW OF SYSTEMS\n"
            b" Fever/chills ............ N      Weight change ........... N\n"
            b" Numbness ................ Y      Vision change ........... N\n"
            b" Arm weakness ............ N      Balance problems ........ N\n"
            b" Depressed mood .......... N      Sleep problems .......... Y\n"
            b"PLAN:\n1. Cervical MRI.\n")
    facts = read_letter(data, "pr2.txt", kb.terms).extracted.facts
    said = {f.props["present"] for f in facts if f.kind == "finding" and f.label.lower()
            .startswith(item.lower().split()[0])}
    assert said == {present}


@pytest.mark.parametrize(("sentence", "term", "expected"), [
    # (the held-out author's review of systems, then variants; a mention after the list and a
    # positive label's are guards)
    ("ROS: Neg: chest pain, SOB, melena, hematochezia, dysuria, daytime somnolence.",
     "daytime somnolence", Assertion.ABSENT),
    ("Exam: Positive: Spurling on the right. Negative: Hoffmann.", "Hoffmann", Assertion.ABSENT),
    ("Pertinent negatives: fever, chills, night sweats, weight loss, bowel or bladder change.",
     "weight loss", Assertion.ABSENT),
    ("Negative: Hoffmann. Positive: Spurling.", "Spurling", Assertion.PRESENT),
    ("Neg: fever. Spurling positive.", "Spurling", Assertion.PRESENT),
])
def test_a_list_under_a_label_of_negatives(sentence, term, expected):
    start = sentence.index(term)
    assert assertions(sentence, [(start, start + len(term))]) == [expected]


@pytest.mark.parametrize(("sentence", "term", "expected"), [
    # (the held-out author's x-ray report, then variants; the denials with "trouble with"
    # and a change reported are guards)
    ("Cervical spine x-rays taken in the emergency department on 10/04/2018 showed multilevel "
     "degenerative change with no fracture or malalignment.", "fracture", Assertion.ABSENT),
    ("X-rays showed degenerative changes without fracture.", "fracture", Assertion.ABSENT),
    ("She denied any trouble with balance or walking.", "balance", Assertion.ABSENT),
    ("He reports changes with sensation in the left foot.", "sensation", Assertion.PRESENT),
])
def test_a_change_told_with_a_denial_after_it(sentence, term, expected):
    start = sentence.index(term)
    assert assertions(sentence, [(start, start + len(term))]) == [expected]
