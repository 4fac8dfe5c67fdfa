"""Synthetic IMR letters for batch tests and benchmarks: text only, in the three layouts.

Each letter is drawn from its own random stream (seed and index), so letter i is the same
whatever the batch size and letters can be made in any order. The generator writes what a
letter says - worker, injury, diagnoses, prior treatment and its response, medications,
findings present or documented absent, studies, the requested items, the reviewer's decision
with the guideline lines and a rationale - modelled on tests/letters/*.txt. It knows nothing
of the guideline criteria: whether the reasoner finds the criteria met, not met or not
documented follows from which facts a letter happens to state. The recorded decision is
about 90% upheld; an overturned item is written with more supportive findings, as a
reviewer's record would be, but it is still only text.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OVERTURNED_RATE = 0.1
LAYOUTS = (("imr-final-determination", 0.7), ("notice-2013", 0.15),
           ("medical-professional-review", 0.15))
# Report dates by guideline era: most IMR letters fall in 2013-2017 (CPMTG 2009 and 2016),
# fewer in the ACOEM 2004 / early CPMTG years and under the ACOEM guidelines from 2017-12-01.
ERAS = ((dt.date(2008, 1, 1), dt.date(2013, 6, 30), 1), (dt.date(2013, 7, 1),
        dt.date(2017, 11, 30), 8), (dt.date(2017, 12, 1), dt.date(2022, 12, 31), 1))

CPMTG = "MTUS Chronic Pain Medical Treatment Guidelines"
LBC = "MTUS ACOEM Low Back Complaints 2004"
NECK = "MTUS ACOEM Neck and Upper Back Complaints 2004"
KNEE = "MTUS ACOEM Knee Complaints 2004"
SHOULDER = "MTUS ACOEM Shoulder Complaints 2004"
HAND = "MTUS ACOEM Forearm, Wrist, and Hand Complaints 2004"
ACUPUNCTURE = "MTUS Acupuncture Medical Treatment Guidelines"
POSTSURGICAL = "MTUS Postsurgical Treatment Guidelines"
ODG = "Non-MTUS Official Disability Guidelines (ODG)"
ACOEM_2017 = "MTUS ACOEM Practice Guidelines (2017)"


# What can be requested ----------------------------------------------------------------------

@dataclass(frozen=True)
class Service:
    """A requestable service: how an item names it and which guideline lines a reviewer cites."""

    name: Callable[[random.Random, str], str]  # (rng, region word) -> the item as written
    regions: tuple[str, ...]  # the injured regions it is requested for ("any": all)
    cites: tuple[str, ...]  # guideline lines a reviewer may cite
    weight: int = 1


def _pick(rng: random.Random, *options):
    return rng.choice(options)


def _drug(brands: tuple[str, ...], doses: tuple[str, ...], counts: tuple[int, ...]):
    def name(rng: random.Random, _region: str) -> str:
        return f"{rng.choice(brands)} {rng.choice(doses)} #{rng.choice(counts)}"
    return name


def _visits(words: tuple[str, ...], counts: tuple[int, ...]):
    def name(rng: random.Random, region: str) -> str:
        word, n = rng.choice(words), rng.choice(counts)
        where = f" for the {region}" if rng.random() < 0.7 else ""
        if rng.random() < 0.35:
            per_week = rng.choice((2, 3))
            return f"{word.capitalize()} {per_week}x{max(1, n // per_week)}{where}"
        if rng.random() < 0.5:
            return f"{n} sessions of {word}{where}"
        return f"{word.capitalize()} {n} visits{where}"
    return name


def _fixed(*names: str):
    def name(rng: random.Random, _region: str) -> str:
        return rng.choice(names)
    return name


SERVICES: tuple[Service, ...] = (
    Service(_drug(("Norco", "Hydrocodone/APAP", "Percocet", "Oxycodone/APAP"),
                  ("5/325mg", "7.5/325mg", "10/325mg"), (60, 90, 120, 180)), ("any",),
            (f"{CPMTG}, Section(s): Opioids, criteria for use, pages 76-80",
             f"{CPMTG}, Section(s): Opioids, dosing, page 86"), 6),
    Service(_drug(("Tramadol", "Ultram"), ("50mg", "100mg"), (60, 90, 120)), ("any",),
            (f"{CPMTG}, Section(s): Tramadol (Ultram), page 113",), 2),
    Service(_drug(("Flexeril", "Cyclobenzaprine", "Fexmid"), ("5mg", "7.5mg", "10mg"),
                  (20, 30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Cyclobenzaprine (Flexeril), pages 41-42",), 4),
    Service(_drug(("Soma", "Carisoprodol"), ("350mg",), (30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Carisoprodol (Soma), page 29",), 2),
    Service(_drug(("Tizanidine", "Zanaflex"), ("2mg", "4mg"), (30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Muscle relaxants (for pain), pages 63-66",)),
    Service(_drug(("Gabapentin", "Neurontin"), ("300mg", "600mg", "800mg"), (60, 90, 180)),
            ("any",), (f"{CPMTG}, Section(s): Anti-epilepsy drugs (AEDs), pages 16-18",), 3),
    Service(_drug(("Lyrica", "Pregabalin"), ("50mg", "75mg", "150mg"), (60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Pregabalin (Lyrica), pages 19-20",), 2),
    Service(_drug(("Lidoderm 5% patch", "Lidocaine patch"), ("",), (30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Lidoderm (lidocaine patch), pages 56-57",), 2),
    Service(_drug(("Naproxen", "Anaprox", "Motrin", "Ibuprofen", "Mobic"),
                  ("550mg", "800mg", "7.5mg"), (30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): NSAIDs (non-steroidal anti-inflammatory drugs), "
             "pages 67-73",), 3),
    Service(_drug(("Omeprazole", "Prilosec", "Protonix", "Pantoprazole"), ("20mg", "40mg"),
                  (30, 60)), ("any",),
            (f"{CPMTG}, Section(s): NSAIDs, GI symptoms & cardiovascular risk, pages 68-69",),
            3),
    Service(_drug(("Ambien", "Zolpidem"), ("5mg", "10mg", "12.5mg"), (30,)), ("any",),
            (f"{ODG}, Pain Chapter, Zolpidem (Ambien)",), 2),
    Service(_drug(("Xanax", "Alprazolam", "Valium", "Klonopin"), ("0.5mg", "1mg", "5mg"),
                  (30, 60, 90)), ("any",),
            (f"{CPMTG}, Section(s): Benzodiazepines, page 24",)),
    Service(_drug(("Cymbalta", "Duloxetine", "Elavil", "Amitriptyline"),
                  ("25mg", "30mg", "60mg"), (30, 60)), ("any",),
            (f"{CPMTG}, Section(s): Antidepressants for chronic pain, pages 13-16",)),
    Service(_drug(("Zofran", "Ondansetron"), ("4mg", "8mg"), (10, 20, 30)), ("any",),
            (f"{ODG}, Pain Chapter, Antiemetics (for opioid nausea)",)),
    Service(_fixed("Voltaren Gel 1% #3 tubes", "Flector patch #60",
                   "Compound cream (flurbiprofen, gabapentin, lidocaine) 240gm",
                   "Ketoprofen cream 120gm", "Topical compound 180gm"), ("any",),
            (f"{CPMTG}, Section(s): Topical Analgesics, pages 111-113",), 2),
    Service(_visits(("physical therapy", "physiotherapy", "additional physical therapy"),
                    (6, 8, 10, 12, 18, 24)), ("low back", "neck", "knee", "shoulder", "wrist"),
            (f"{CPMTG}, Section(s): Physical Medicine, pages 98-99",), 6),
    Service(_visits(("chiropractic treatment", "chiropractic manipulation"), (4, 6, 8, 12, 18)),
            ("low back", "neck", "knee", "wrist"),
            (f"{CPMTG}, Section(s): Manual therapy & manipulation, pages 58-60",), 3),
    Service(_visits(("acupuncture", "acupuncture treatments"), (4, 6, 8, 12)), ("any",),
            (f"{ACUPUNCTURE}, Section(s): 9792.24.1",), 3),
    Service(_visits(("aquatic therapy",), (6, 8, 12)), ("low back", "knee"),
            (f"{CPMTG}, Section(s): Aquatic therapy, page 22",)),
    Service(_visits(("massage therapy",), (4, 6, 8)), ("low back", "neck", "shoulder"),
            (f"{CPMTG}, Section(s): Massage therapy, page 60",)),
    Service(_visits(("cognitive behavioral therapy", "psychotherapy"), (4, 6, 10)), ("any",),
            (f"{CPMTG}, Section(s): Behavioral interventions, page 23",)),
    Service(_visits(("postoperative physical therapy",), (8, 12, 16, 24)),
            ("low back", "knee", "shoulder", "wrist"),
            (f"{POSTSURGICAL}, Section(s): Low Back", f"{POSTSURGICAL}, Section(s): Knee"), 2),
    Service(_fixed("MRI of the lumbar spine", "Lumbar MRI", "MRI of lumbar spine without contrast"),
            ("low back",), (f"{LBC}, Section(s): Special Studies, pages 303-304",), 4),
    Service(_fixed("Lumbar spine x-rays", "X-rays of the lumbar spine",
                   "Dynamic x-rays of lumbar spine",
                   "Flexion extension x-rays of the lumbar spine"),
            ("low back",), (f"{LBC}, Section(s): Special Studies, page 303",), 2),
    Service(_fixed("CT scan lumbar spine", "CT of the lumbar spine"), ("low back",),
            (f"{LBC}, Section(s): Special Studies, pages 303-304",)),
    Service(_fixed("EMG/NCV bilateral lower extremities", "EMG of the left lower extremity",
                   "NCV bilateral lower extremities"), ("low back",),
            (f"{LBC}, Section(s): Special Studies, page 303",), 2),
    Service(_fixed("MRI of the cervical spine", "Cervical MRI"), ("neck",),
            (f"{NECK}, Section(s): Special Studies, pages 177-179",), 2),
    Service(_fixed("EMG/NCV bilateral upper extremities", "EMG/NCV of the upper extremities"),
            ("neck", "wrist"), (f"{NECK}, Section(s): Special Studies, pages 177-179",
                                f"{HAND}, Section(s): Special Studies, pages 260-262"), 2),
    Service(_fixed("MRI of the right knee", "MRI of the knee", "MRI left knee"), ("knee",),
            (f"{KNEE}, Section(s): Special Studies, pages 341-343",), 2),
    Service(_fixed("MRI of the shoulder", "MRI right shoulder"), ("shoulder",),
            (f"{SHOULDER}, Section(s): Special Studies, pages 207-209",), 2),
    Service(_fixed("Lumbar epidural steroid injection at L4-L5", "Transforaminal ESI at L5-S1",
                   "Lumbar ESI", "Cervical epidural steroid injection"), ("low back", "neck"),
            (f"{CPMTG}, Section(s): Epidural steroid injections (ESIs), page 46",), 3),
    Service(_fixed("Lumbar facet injection at L4-5 and L5-S1", "Lumbar medial branch block",
                   "Lumbar radiofrequency neurotomy"), ("low back",),
            (f"{LBC}, Section(s): Physical Methods, page 300",), 2),
    Service(_fixed("Trigger point injections", "Trigger point injections x4"), ("low back", "neck"),
            (f"{CPMTG}, Section(s): Trigger point injections, page 122",)),
    Service(_fixed("Lumbar microdiscectomy at L5-S1", "L4-5 lumbar laminectomy and discectomy",
                   "Lumbar fusion L4-L5"), ("low back",),
            (f"{LBC}, Section(s): Surgical Considerations, pages 305-307",), 2),
    Service(_fixed("Right knee arthroscopy with partial medial meniscectomy",
                   "Left knee arthroscopy"), ("knee",),
            (f"{KNEE}, Section(s): Surgical Considerations, pages 344-345",)),
    Service(_fixed("Right carpal tunnel release", "Left open carpal tunnel release"), ("wrist",),
            (f"{HAND}, Section(s): Surgical Considerations, page 270",)),
    Service(_fixed("Right shoulder arthroscopy with subacromial decompression",
                   "Arthroscopic rotator cuff repair"), ("shoulder",),
            (f"{SHOULDER}, Section(s): Surgical Considerations, pages 209-211",)),
    Service(_fixed("TENS unit purchase", "TENS unit rental for one month", "TENS supplies",
                   "H-wave unit", "Interferential unit"), ("any",),
            (f"{CPMTG}, Section(s): TENS, chronic pain, pages 114-116",), 2),
    Service(_fixed("Lumbar support brace", "LSO back brace"), ("low back",),
            (f"{LBC}, Section(s): Physical Methods, page 301",)),
    Service(_fixed("Orthopedic consultation", "Spine surgeon consultation",
                   "Pain management consultation"), ("any",),
            ("MTUS ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 7, Independent "
             "Medical Examinations and Consultations, page 127",)),
    Service(_fixed("Functional restoration program", "Work hardening program 10 sessions",
                   "Gym membership for 6 months"), ("any",),
            (f"{CPMTG}, Section(s): Chronic pain programs (functional restoration programs), "
             "pages 30-32",)),
    Service(_fixed("Home health care 8 hours per week"), ("any",),
            (f"{CPMTG}, Section(s): Home health services, page 51",)),
    Service(_fixed("Gel brace for the knee", "Knee brace"),
            ("any",), (f"{ODG}, Durable medical equipment (DME)",)),
)


# What a case summary says, by injured region ---------------------------------------------

@dataclass(frozen=True)
class Region:
    word: str  # as letters say it: 'low back', 'neck', ...
    diagnoses: tuple[str, ...]
    present: tuple[str, ...]  # examination findings
    absent: tuple[str, ...]  # documented absences ('There are no red flags.')
    complaint: str
    studies: tuple[tuple[str, tuple[str, ...]], ...]  # (study, results)


REGIONS: tuple[Region, ...] = (
    Region("low back",
           ("lumbar sprain/strain", "lumbar radiculopathy", "lumbar degenerative disc disease",
            "chronic low back pain", "myalgia", "sciatica", "status post microdiscectomy",
            "acute low back pain", "failed back surgery syndrome", "lumbar spondylolisthesis"),
           ("tenderness over the lumbar paraspinal muscles", "paraspinal spasm",
            "positive straight leg raise on the {side}",
            "decreased sensation in the {side} L5 dermatome", "motor weakness of the {side} leg",
            "reflex asymmetry at the ankles", "limited range of motion",
            "facet tenderness with pain on lumbar extension and rotation",
            "radiating pain to the {side} leg", "an acute flare-up of low back pain"),
           ("There are no red flags.", "He denies bowel or bladder dysfunction.",
            "There is no muscle spasm.", "There is no focal neurological deficit.",
            "Straight leg raise is negative bilaterally.", "No radicular symptoms are reported."),
           "low back pain", (
               ("MRI of the lumbar spine", ("a disc protrusion at L4-5 with nerve root "
                                            "compression on MRI concordant with exam",
                                            "mild degenerative changes without stenosis",
                                            "neural foraminal stenosis with nerve root "
                                            "impingement at L5-S1")),
               ("x-rays of the lumbar spine", ("no fracture", "spondylolisthesis at L4-5",
                                               "degenerative changes")),
               ("EMG of the lower extremities", ("EMG shows radiculopathy at L5",
                                                 "a normal study")))),
    Region("neck",
           ("cervical sprain/strain", "cervical radiculopathy", "myalgia",
            "cervical degenerative disc disease", "neuralgia"),
           ("tenderness over the cervical paraspinal muscles", "paraspinal spasm",
            "positive Spurling's test on the {side}", "decreased sensation in the {side} C6 "
            "dermatome", "weakness of the {side} arm", "radiating pain to the {side} arm",
            "limited range of motion"),
           ("There are no signs of myelopathy.", "There are no red flags.",
            "There is no focal neurological deficit.", "Spurling's test is negative."),
           "neck pain", (
               ("MRI of the cervical spine", ("a C5-6 disc herniation with nerve root "
                                              "compression on MRI concordant with exam",
                                              "mild spondylosis")),)),
    Region("knee",
           ("knee osteoarthritis", "medial meniscus tear", "knee sprain", "patellar tendinitis"),
           ("medial joint line tenderness", "positive McMurray's", "locking", "effusion",
            "giving way", "limited range of motion"),
           ("There is no effusion.", "There are no mechanical symptoms.",
            "McMurray test is negative.", "There is no instability."),
           "{side} knee pain", (
               ("MRI of the knee", ("a medial meniscus tear", "tricompartmental arthritis",
                                    "no internal derangement")),)),
    Region("shoulder",
           ("shoulder impingement syndrome", "rotator cuff tear", "shoulder tendinitis",
            "partial thickness tear"),
           ("positive drop arm test", "weakness of arm elevation", "positive impingement sign",
            "limited range of motion", "tenderness over the {side} shoulder"),
           ("There are no shoulder red flags.", "Strength is normal.",
            "There is no instability."),
           "{side} shoulder pain", (
               ("MRI of the shoulder", ("a full thickness tear of the supraspinatus",
                                        "tendinosis without a tear")),)),
    Region("wrist",
           ("carpal tunnel syndrome", "wrist tendinitis", "De Quervain's tenosynovitis"),
           ("positive Tinel's", "positive Phalen's", "thenar atrophy",
            "decreased sensation in the median nerve distribution", "tenderness over the wrist"),
           ("Tinel's and Phalen's tests are negative.", "There is no thenar atrophy."),
           "{side} wrist pain", (
               ("EMG/NCV of the upper extremities", ("nerve conduction studies show carpal "
                                                     "tunnel syndrome", "a normal study")),)),
)
REGION_WEIGHTS = (6, 2, 1, 1, 1)

OTHER_DIAGNOSES = ("insomnia", "depression", "anxiety", "neuropathic pain", "fibromyalgia",
                   "myofascial pain syndrome", "gastritis", "diabetic neuropathy")
GENERAL_PRESENT = ("He reports heartburn from his anti-inflammatory medications.",
                   "She has a history of peptic ulcer disease.",
                   "Psychosocial issues and fear avoidance are noted.",
                   "He is a current smoker.", "She reports difficulty sleeping.",
                   "He is not a surgical candidate.", "She has plateaued with physical therapy.",
                   "An acute flare-up of pain is reported.",
                   "He reports intolerable medication side effects.")
GENERAL_ABSENT = ("There are no GI symptoms.", "She denies any GI complaints.",
                  "He does not smoke.", "There is no history of substance abuse.")
PRIOR = ("physical therapy", "chiropractic care", "acupuncture", "aquatic therapy",
         "a home exercise program", "a TENS unit", "epidural steroid injection",
         "massage therapy", "cognitive behavioral therapy", "medications", "activity modification",
         "ice and heat", "a lumbar brace", "surgery")
RESPONSES = ("", "", " with no lasting improvement", " without benefit", " which helped",
             " with functional improvement", " with improved function and decreased pain",
             " with temporary relief")
MEDICATIONS = (("Norco", ("5/325 mg", "10/325 mg")), ("Percocet", ("10/325 mg",)),
               ("Tramadol", ("50 mg",)), ("Flexeril", ("7.5 mg", "10 mg")),
               ("Soma", ("350 mg",)), ("Gabapentin", ("300 mg", "600 mg")),
               ("Lyrica", ("75 mg",)), ("Naproxen", ("550 mg",)), ("Motrin", ("800 mg",)),
               ("Omeprazole", ("20 mg",)), ("Ambien", ("10 mg",)), ("Cymbalta", ("60 mg",)),
               ("Lidoderm patches", ("",)), ("Xanax", ("0.5 mg",)), ("Zanaflex", ("4 mg",)))
FREQUENCIES = ("once a day", "twice a day", "three times a day", "every 6 hours",
               "every 4-6 hours", "at bedtime", "as needed")
MONITORING = ("A urine drug screen on {date} was consistent with the prescribed medications.",
              "The most recent urine drug screen was not documented.",
              "There is no opioid agreement in the record.",
              "A signed opioid agreement is on file and the CURES report was reviewed.",
              "There is no documentation of functional improvement with {drug}.",
              "{drug} helps with improved ability to do household chores.",
              "The 4 A's of opioid monitoring are not documented.",
              "There is no urine drug screen and no opioid agreement in the record.")
OPIOID_NAMES = ("Norco", "Percocet", "Oxycodone", "Hydrocodone", "Tramadol", "Ultram")
PURPOSES = ("given the recent symptoms he has been experiencing",
            "for surgical planning", "to rule out instability", "for consideration of surgery",
            "to evaluate ongoing pain", "to plan an epidural steroid injection")
SPECIALTIES = ("Family Practice", "Internal Medicine", "Orthopedic Surgery",
               "Physical Medicine & Rehabilitation", "Anesthesiology, Pain Medicine",
               "Neurological Surgery", "Occupational Medicine", "Chiropractor", "Acupuncture")
STATES = ("California", "Texas", "Ohio", "Florida", "North Carolina", "Arizona", "New York",
          "Washington", "Illinois", "Oregon")


# One letter --------------------------------------------------------------------------------

@dataclass
class Item:
    name: str
    overturned: bool
    guideline: str


@dataclass
class Case:
    """What the letter says, drawn before it is written out in one of the layouts."""

    index: int
    layout: str
    he: str
    age: int
    injury: dt.date
    report: dt.date
    ur: dt.date
    decision: dt.date
    region: Region
    side: str
    summary: str
    items: list[Item]
    specialty: str
    state: str

    @property
    def case_number(self) -> str:
        return f"CM{self.decision.year % 100:02d}-{self.index:07d}"


def letter(index: int, seed: int = 1) -> str:
    """Letter `index` of the batch drawn with `seed`: the same text every time."""
    rng = random.Random(f"mtus-synth-{seed}-{index}")
    case = draw_case(rng, index)
    return LAYOUT_WRITERS[case.layout](case)


def draw_case(rng: random.Random, index: int) -> Case:
    first, last, _ = rng.choices(ERAS, [w for _, _, w in ERAS])[0]
    report = first + dt.timedelta(days=rng.randrange((last - first).days))
    injury = report - dt.timedelta(days=rng.choice((20, 45, 90, 200, 400, 900, 1800, 3000))
                                   + rng.randrange(30))
    ur = report + dt.timedelta(days=rng.randrange(7, 30))
    decision = ur + dt.timedelta(days=rng.randrange(30, 90))
    layout = _layout(rng, decision)
    region = rng.choices(REGIONS, REGION_WEIGHTS)[0]
    n_items = 1 if layout == "medical-professional-review" and rng.random() < 0.6 else \
        rng.choices((1, 2, 3, 4), (5, 3, 2, 1))[0]
    items = [_item(rng, region) for _ in range(n_items)]
    he = rng.choice(("he", "she"))
    case = Case(index, layout, he, rng.randrange(22, 68), injury, report, ur, decision, region,
                rng.choice(("left", "right")), "", items, rng.choice(SPECIALTIES),
                rng.choice(STATES))
    case.summary = summary(rng, case)
    return case


def _layout(rng: random.Random, decision: dt.date) -> str:
    layout = rng.choices([n for n, _ in LAYOUTS], [w for _, w in LAYOUTS])[0]
    # The 2013 notice form was used in the first years of IMR only.
    if layout == "notice-2013" and not dt.date(2013, 7, 1) <= decision <= dt.date(2015, 6, 30):
        return "imr-final-determination"
    return layout


def _item(rng: random.Random, region: Region) -> Item:
    fits = [s for s in SERVICES if "any" in s.regions or region.word in s.regions]
    service = rng.choices(fits, [s.weight for s in fits])[0]
    return Item(service.name(rng, region.word).replace("  ", " ").strip(),
                rng.random() < OVERTURNED_RATE, rng.choice(service.cites))


# The case summary ----------------------------------------------------------------------------

def summary(rng: random.Random, case: Case) -> str:
    he, his = case.he.capitalize(), "His" if case.he == "he" else "Her"
    supportive = any(i.overturned for i in case.items)
    parts = [_worker(rng, case), _diagnoses(rng, case), _prior(rng, supportive),
             _report(rng, case, he), _medications(rng, case, he, his),
             _findings(rng, case, supportive), _studies(rng, case),
             _monitoring(rng, case), _requests(rng, case), _ur(rng, case)]
    return " ".join(p for p in parts if p)


def _worker(rng: random.Random, case: Case) -> str:
    who = _pick(rng, "The injured worker is", "The patient is", "This is", "The claimant is")
    sex = {"he": ("male", "man"), "she": ("female", "woman")}[case.he][rng.random() < 0.2]
    job = _pick(rng, "", " warehouse worker", " truck driver", " nurse", " laborer", " clerk")
    how = _pick(rng, "", " while lifting boxes", " when slipping on a wet floor",
                " in a motor vehicle accident", " due to repetitive work")
    verb = _pick(rng, "sustained an industrial injury on", "was injured on",
                 "reported an industrial injury on")
    return f"{who} a {case.age} year old {sex}{job} who {verb} {date_text(rng, case.injury)}{how}."


def _diagnoses(rng: random.Random, case: Case) -> str:
    found = rng.sample(case.region.diagnoses, rng.randint(1, 3))
    if rng.random() < 0.4:
        found.append(rng.choice(OTHER_DIAGNOSES))
    lead = _pick(rng, "The diagnoses have included", "The diagnoses include",
                 "The assessment is noted as", "Diagnoses are")
    return f"{lead} {_join(found)}."


def _prior(rng: random.Random, supportive: bool) -> str:
    tried = []
    for what in rng.sample(PRIOR, rng.randint(0, 4)):
        count = f" ({rng.choice((6, 8, 12, 18, 24))} sessions)" if what in (
            "physical therapy", "chiropractic care", "acupuncture") and rng.random() < 0.6 else ""
        response = rng.choice(RESPONSES[4:] if supportive else RESPONSES)
        tried.append(f"{what}{count}{response}")
    if not tried:
        return _pick(rng, "No prior treatment is documented.",
                     "He has not had physical therapy.", "")
    lead = _pick(rng, "Treatment to date has included", "Previous treatment includes",
                 "Prior treatment includes")
    return f"{lead} {_join(tried)}."


def _report(rng: random.Random, case: Case, he: str) -> str:
    complaint = case.region.complaint.format(side=case.side)
    pain = rng.randint(3, 9)
    scores = _pick(rng, f"Pain is rated {pain}/10.",
                   f"Pain is rated {pain} out of 10 without medications and "
                   f"{max(1, pain - rng.randint(1, 4))} out of 10 with medications.",
                   f"{he} rates the pain at {pain}-{min(10, pain + 1)} out of 10.", "")
    return (f"In a progress report dated {date_text(rng, case.report)}, {case.he} reports "
            f"{complaint}. {scores}").strip()


def _medications(rng: random.Random, case: Case, he: str, his: str) -> str:
    meds = rng.sample(MEDICATIONS, rng.randint(0, 3))
    if not meds:
        return _pick(rng, f"{he} is not taking any opioid.", "")
    listed = []
    for drug, doses in meds:
        started = case.report - dt.timedelta(days=rng.randrange(20, 900))
        since = f" since {date_text(rng, started)}" if rng.random() < 0.4 else ""
        listed.append(f"{drug} {rng.choice(doses)} {rng.choice(FREQUENCIES)}{since}".replace(
            "  ", " "))
    return f"{_pick(rng, 'Current medications include', 'Medications are')} {_join(listed)}."


def _findings(rng: random.Random, case: Case, supportive: bool) -> str:
    region = case.region
    present = rng.sample(region.present, rng.randint(0 if not supportive else 1,
                                                     min(4, len(region.present))))
    sentences = []
    if present:
        lead = _pick(rng, "Examination shows", "Objective findings include", "Exam reveals",
                     "On examination there is")
        sentences.append(f"{lead} {_join([p.format(side=case.side) for p in present])}.")
    # A documented absence never contradicts a finding just stated present.
    said = {w for p in present for w in p.lower().split() if len(w) > 5}
    absent = [a for a in region.absent if not said & set(a.lower().rstrip(".").split())]
    sentences += rng.sample(absent, min(len(absent), rng.randint(0, 1 if supportive else 2)))
    if rng.random() < 0.35:
        sentences.append(rng.choice(GENERAL_PRESENT if rng.random() < 0.6 else GENERAL_ABSENT))
    return " ".join(sentences)


def _studies(rng: random.Random, case: Case) -> str:
    if rng.random() < 0.5:
        return ""
    study, results = rng.choice(case.region.studies)
    day = case.report - dt.timedelta(days=rng.randrange(30, 700))
    return (f"{study[0].upper()}{study[1:]} done on {date_text(rng, day)} revealed "
            f"{rng.choice(results)}.")


def _monitoring(rng: random.Random, case: Case) -> str:
    opioid = any(word in i.name for i in case.items for word in OPIOID_NAMES)
    if not opioid or rng.random() < 0.3:
        return ""
    drug = case.items[0].name.split()[0]
    lines = rng.sample(MONITORING, rng.randint(1, 2))
    return " ".join(line.format(drug=drug, date=date_text(rng, case.report)) for line in lines)


def _requests(rng: random.Random, case: Case) -> str:
    names = _join([i.name for i in case.items])
    who = _pick(rng, "The treating physician requested", "The provider requested",
                "A request was made for", "The physician is requesting")
    purpose = f' "{rng.choice(PURPOSES)}"' if rng.random() < 0.25 else ""
    return f"{who} {names}{purpose}."


def _ur(rng: random.Random, case: Case) -> str:
    verb = _pick(rng, "non-certified", "denied", "modified")
    what = "the request" if len(case.items) == 1 else "the requests"
    return f"Utilization Review {verb} {what} on {date_text(rng, case.ur)}."


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def date_text(rng: random.Random, day: dt.date) -> str:
    """A date in one of the ways letters write them."""
    style = rng.randrange(4)
    if style == 0:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == 1:
        return f"{day.month}-{day.day}-{day.year % 100:02d}"
    if style == 2:
        return f"{day:%B} {day.day}, {day.year}"
    return f"{day.month}/{day.day}/{day.year}"


# The layouts ---------------------------------------------------------------------------------

def _wrap(text: str, width: int = 95) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _necessary(item: Item) -> str:
    return "medically necessary" if item.overturned else "not medically necessary"


def _rationale(item: Item) -> str:
    if item.overturned:
        why = ("The documentation supports the request and it is within the guideline "
               "recommendations.")
    else:
        why = ("The guideline criteria are not met by the documentation submitted, or the "
               "request exceeds the guideline recommendations.")
    return f"{why} Therefore, the request is {_necessary(item)}."


def _header(case: Case) -> str:
    return (f"Case Number: {case.case_number}\n"
            f"Date Assigned: {case.ur + dt.timedelta(days=14):%m/%d/%Y} "
            f"Date of Injury: {case.injury:%m/%d/%Y}\n"
            f"Decision Date: {case.decision:%m/%d/%Y} UR Denial Date: {case.ur:%m/%d/%Y}\n"
            f"Priority: Standard Application Received: {case.ur + dt.timedelta(days=10):%m/%d/%Y}")


def final_determination(case: Case) -> str:
    items = "\n\n".join(
        f"{i.name}: {'Overturned' if i.overturned else 'Upheld'}\n\n"
        f"Claims Administrator guideline: Decision based on {i.guideline.split(',')[0]}.\n\n"
        f"{_wrap(f'MAXIMUS guideline: Decision based on {i.guideline}.')}\n\n"
        f"{_wrap('Decision rationale: ' + _rationale(i))}" for i in case.items)
    return (f"{_header(case)}\n\nHOW THE IMR FINAL DETERMINATION WAS MADE\n\n"
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n\n"
            "The Expert Reviewer has the following credentials:\n"
            f"State(s) of Licensure: {case.state}\n"
            f"Certification(s)/Specialty: {case.specialty}\n\n"
            "CLINICAL CASE SUMMARY\n"
            "The expert reviewer developed the following clinical case summary based on a "
            "review of the\ncase file, including all medical records:\n\n"
            f"{_wrap(case.summary)}\n\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            "The Final Determination was based on decisions for the disputed items/services "
            f"set forth below:\n\n{items}\n")


def notice_2013(case: Case) -> str:
    determined = "\n\n".join(
        _wrap(f"{n}) MAXIMUS Federal Services, Inc. has determined the request for {i.name} "
              f"is {_necessary(i)} and appropriate.") for n, i in enumerate(case.items, 1))
    regarding = "\n\n".join(
        f"{n}) Regarding the request for {i.name}:\n\n"
        "Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:\n"
        f"{_wrap(i.guideline)}.\n\nExpert Reviewer's Rationale for the Decision:\n"
        f"{_wrap(_rationale(i))}" for n, i in enumerate(case.items, 1))
    return ("MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review\nP.O. Box 138009\n"
            "Sacramento, CA 95813-8009\n\nNotice of Independent Medical Review Determination\n\n"
            f"Dated: {case.decision:%m/%d/%Y}\n\n"
            f"IMR Case Number: {case.case_number} Date of Injury: {case.injury:%m/%d/%Y}\n"
            f"Claims Number: {case.index:06d} UR Denial Date: {case.ur:%m/%d/%Y}\n\n"
            "Employee Name: [redacted]\n\nFinal Determination\n\n"
            f"{determined}\n\nHOW THE IMR FINAL DETERMINATION WAS MADE\n\n"
            "The Expert Reviewer has the following credentials: State of Licensure: "
            f"{case.state}\nCertification/Specialty: {case.specialty}\n\n"
            "Expert Reviewer Case Summary:\nThe expert reviewer has developed the following "
            f"case summary based on the medical records:\n\n{_wrap(case.summary)}\n\n"
            f"{regarding}\n")


def professional_review(case: Case) -> str:
    if len(case.items) == 1:
        issues = case.items[0].name
    else:
        issues = "\n".join(f"{n}. {i.name}: {'Overturned' if i.overturned else 'Upheld'}"
                           for n, i in enumerate(case.items, 1))
    rationale = " ".join(f"{i.name}: {_rationale(i)}" for i in case.items)
    return ("MEDICAL PROFESSIONAL REVIEW\n\n"
            f"IMR Case Number: {case.case_number}\n"
            f"Date of Injury: {case.injury:%m/%d/%Y} UR Denial Date: {case.ur:%m/%d/%Y}\n\n"
            f"ISSUE AT DISPUTE:\n{issues}\n\nCASE SUMMARY:\n{_wrap(case.summary)}\n\n"
            "DOCUMENTS REVIEWED FOR DETERMINATION:\nProgress reports; Utilization review "
            f"determination of {case.ur:%m/%d/%Y}.\n\n"
            "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON TO MAKE THE DETERMINATION:\n"
            f"{_wrap('; '.join(dict.fromkeys(i.guideline for i in case.items)))}.\n\n"
            "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS OR IS NOT MEDICALLY "
            f"NECESSARY:\n{_wrap(rationale)}\n\nMEDICAL REVIEWER QUALIFICATIONS:\n"
            f"The reviewer is board certified in {case.specialty} and licensed in "
            f"{case.state}.\n")


LAYOUT_WRITERS: dict[str, Callable[[Case], str]] = {
    "imr-final-determination": final_determination, "notice-2013": notice_2013,
    "medical-professional-review": professional_review}


def write_letters(out: str | Path, count: int, seed: int = 1) -> list[Path]:
    """Write letters 0..count-1 as `NNNNN_synth.txt` under `out`; returns their paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"{index:05d}_synth.txt"
        path.write_text(letter(index, seed), encoding="utf-8")
        paths.append(path)
    return paths
