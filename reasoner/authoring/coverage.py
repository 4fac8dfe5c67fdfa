"""`mtus coverage`: which commonly disputed services have a recommendation in force on a date.

The services are those IMR decisions are most often about, grouped in the categories the DWC
and CWCI report IMR volume by. A category's weight is its share of IMR decisions: drugs 32.7%,
rehabilitation (physical and occupational therapy, chiropractic, acupuncture) 21.5% and
diagnostic testing 11.6% (DIR News Release 2025-36, IMR decisions of 2024); surgery about 4.5%
(CWCI IMR reports, 2014-2015). No published share exists for injections, DME, office visits,
psychological services, programs or home health; each is given a few percent, as the CWCI
reports suggest, and this is said wherever the figure is printed. Within a category the
services share its weight equally, except drugs, where opioids (23.9% of drug disputes),
topical analgesics (17.4%) and muscle relaxants (16.3%) carry their 2024 shares.

A service is covered on a date when a recommendation in force then covers its class, as the
reasoner selects them (MTUS before non-MTUS, narrower class first). A recommendation that
applies only in a clinical context (`mtus:applicableWhen`) still covers the service; the
report names the context, since a request outside it is not addressed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reasoner.engine.compile import Program
from reasoner.engine.decide import in_force
from reasoner.vocab import short

TERM = "https://w3id.org/mtus-kg/term/"

# (category, share of IMR decisions in percent, whether the share is published,
#  ((service, weight within the category), ...))
DISPUTED: tuple[tuple[str, float, bool, tuple[tuple[str, float], ...]], ...] = (
    ("drugs", 32.7, True, (
        ("Opioid", 8.0), ("HydrocodoneAcetaminophen", 6.0), ("Oxycodone", 4.9), ("Tramadol", 5.0),
        ("TopicalNSAID", 5.0), ("LidocainePatch", 5.0), ("CompoundedTopicalAnalgesic", 7.4),
        ("Cyclobenzaprine", 7.0), ("Tizanidine", 4.3), ("Carisoprodol", 3.0),
        ("Methocarbamol", 2.0),
        ("NSAID", 6.0), ("ProtonPumpInhibitor", 5.0), ("Gabapentin", 5.0), ("Pregabalin", 3.0),
        ("Duloxetine", 3.0), ("TricyclicAntidepressant", 2.4), ("Zolpidem", 4.0),
        ("Benzodiazepine", 3.0), ("Ondansetron", 2.0), ("Acetaminophen", 2.0),
        ("UrineDrugScreen", 5.0), ("MedicalFood", 1.0), ("Laxative", 1.0),
        # less often disputed (an independent probe's list of request lines, 2026-12)
        ("Trazodone", 1.0), ("Ketorolac", 1.0), ("SystemicCorticosteroid", 1.0),
        ("LidocaineNonPatch", 1.0), ("CapsaicinTopical", 0.5), ("Topiramate", 0.5),
        ("Testosterone", 0.5), ("SublingualBuprenorphine", 0.5), ("Famotidine", 0.3),
        ("Promethazine", 0.3), ("ButalbitalCompound", 0.3), ("Triptan", 0.3),
        ("VitaminB12", 0.2), ("Bupropion", 0.3), ("Naloxone", 0.3),
        ("PeripheralOpioidAntagonist", 0.2),
        # the long tail a second independent probe found (2026-12); some not addressed yet
        ("Carbamazepine", 0.1), ("Oxcarbazepine", 0.1), ("Lamotrigine", 0.1),
        ("Glucosamine", 0.1), ("Modafinil", 0.1), ("Quetiapine", 0.1), ("Naltrexone", 0.1),
        ("KetamineTopical", 0.1), ("CapsaicinHighConcentrationPatch", 0.1),
        ("Hydroxyzine", 0.1), ("Buspirone", 0.1))),
    ("rehabilitation", 21.5, True, (
        ("PhysicalTherapy", 4.0), ("OccupationalTherapy", 1.0),
        ("ManualTherapyManipulation", 2.0), ("Acupuncture", 2.0), ("AquaticTherapy", 1.0),
        ("MassageTherapy", 1.0), ("PostsurgicalPhysicalTherapy", 2.0),
        ("WorkConditioningHardening", 1.0), ("HomeExerciseProgram", 1.0),
        ("ShoulderESWT", 0.2), ("LowLevelLaserTherapy", 0.1), ("TherapeuticUltrasound", 0.1),
        ("LumbarTractionDecompression", 0.1), ("VestibularRehabilitation", 0.1),
        ("KinesioTaping", 0.1), ("DryNeedling", 0.1), ("ExtracorporealShockwaveTherapy", 0.1))),
    ("diagnostic testing", 11.6, True, (
        ("LumbarMRI", 3.0), ("CervicalMRI", 2.0), ("ShoulderMRI", 1.0), ("KneeMRI", 1.0),
        ("LumbarRadiograph", 1.0), ("LumbarCT", 1.0),
        ("LowerExtremityEMGNCV", 1.5), ("UpperExtremityElectrodiagnostics", 1.5),
        ("FunctionalCapacityEvaluation", 1.0), ("KneeRadiograph", 0.5),
        ("CervicalRadiograph", 0.5), ("WristMRI", 0.3), ("Polysomnography", 0.3),
        ("HeadCT", 0.2), ("LiverFunctionTest", 0.3), ("LumbarDiscography", 0.2),
        ("ComputerizedROMMuscleTesting", 0.2), ("ShoulderUltrasound", 0.2), ("HipMRI", 0.2),
        ("AnkleFootMRI", 0.2), ("ElbowMRI", 0.1), ("BrainMRI", 0.1), ("HipRadiograph", 0.1),
        ("AnkleFootRadiograph", 0.1), ("NeuropsychologicalTesting", 0.1))),
    ("injections", 6.0, False, (
        ("EpiduralSteroidInjection", 3.0), ("LumbarMedialBranchBlock", 1.0),
        ("LumbarFacetJointInjection", 1.0), ("LumbarRadiofrequencyAblation", 1.0),
        ("TriggerPointInjection", 1.0), ("SubacromialInjection", 1.0),
        ("KneeHyaluronicAcidInjection", 1.0), ("CervicalEpiduralSteroidInjection", 1.0),
        ("BotulinumToxinInjection", 0.3), ("SympatheticBlock", 0.3),
        ("GreaterOccipitalNerveBlock", 0.2), ("ElbowPlateletRichPlasmaInjection", 0.2),
        ("Prolotherapy", 0.1), ("StemCellInjection", 0.1), ("KetamineInfusion", 0.1),
        ("GenicularRadiofrequencyAblation", 0.1), ("PiriformisInjection", 0.1),
        ("DeQuervainInjection", 0.1))),
    ("durable medical equipment", 5.0, False, (
        ("TENSUnit", 2.0), ("InterferentialStimulator", 1.0), ("HWaveDevice", 1.0),
        ("LumbarSupport", 1.0), ("WristSplint", 1.0), ("ColdTherapyUnit", 1.0),
        ("WalkingAid", 1.0), ("CervicalTractionUnit", 0.5), ("Mattress", 0.5),
        ("KneeBrace", 0.5), ("PowerMobilityDevice", 0.3), ("HospitalBed", 0.2),
        ("HotTub", 0.1), ("CervicalPillow", 0.1), ("FootOrthotic", 0.3), ("AnkleBrace", 0.2),
        ("SpinalBoneGrowthStimulator", 0.1), ("StaticProgressiveSplint", 0.1))),
    ("surgery", 4.5, True, (
        ("LumbarDecompressionSurgery", 1.0), ("LumbarFusion", 1.0), ("KneeArthroscopy", 1.0),
        ("TotalKneeArthroplasty", 1.0), ("CarpalTunnelReleaseSurgery", 1.0),
        ("ShoulderArthroscopy", 1.0), ("AnteriorCervicalDiscectomyFusion", 1.0),
        ("TotalHipArthroplasty", 0.2), ("HipArthroscopy", 0.1), ("CubitalTunnelRelease", 0.2),
        ("LateralEpicondylitisSurgery", 0.1), ("PlantarFasciaRelease", 0.1),
        ("LumbarDiscArthroplasty", 0.1), ("CervicalDiscArthroplasty", 0.1))),
    ("office visits and consultations", 5.0, False, (
        ("SpecialistConsultation", 2.0), ("FollowUpOfficeVisit", 2.0),
        ("PainSpecialistConsultation", 1.0), ("PreoperativeMedicalClearance", 0.2))),
    ("psychological services", 4.0, False, (
        ("PsychologicalTreatment", 1.0), ("CognitiveBehavioralTherapy", 1.0),
        ("PsychologicalEvaluation", 1.0), ("Hypnotherapy", 0.1))),
    ("programs", 3.0, False, (
        ("FunctionalRestorationProgram", 2.0), ("SpinalCordStimulator", 1.0),
        ("IntrathecalDrugDeliverySystem", 0.3), ("OpioidDetoxification", 0.2),
        ("WeightLossProgram", 0.2))),
    ("home health and other services", 2.0, False, (
        ("HomeHealthServices", 2.0), ("MedicalTransportation", 1.0),
        ("HomeModification", 0.5))),
)


@dataclass(frozen=True)
class ServiceCoverage:
    service: str           # term IRI
    label: str
    weight: float          # percent of IMR decisions this service stands for
    known: bool            # the terminology has the term
    cited: tuple[str, ...]  # "<citation title> (<edition>)" of the recommendations in force
    mtus: bool             # an MTUS recommendation covers it (else non-MTUS or none)
    contexts: tuple[str, ...] = ()  # applicability contexts, when every one has one

    @property
    def covered(self) -> bool:
        return bool(self.cited)


@dataclass
class CategoryCoverage:
    name: str
    share: float
    published: bool
    services: list[ServiceCoverage] = field(default_factory=list)

    @property
    def covered_share(self) -> float:
        return sum(s.weight for s in self.services if s.covered)


@dataclass
class Coverage:
    date: dt.date
    categories: list[CategoryCoverage]

    @property
    def total(self) -> float:
        return sum(c.share for c in self.categories)

    @property
    def weighted(self) -> float:
        """Share of the listed IMR volume covered, 0-1."""
        return sum(c.covered_share for c in self.categories) / self.total

    @property
    def weighted_mtus(self) -> float:
        return sum(s.weight for c in self.categories for s in c.services
                   if s.covered and s.mtus) / self.total

    def to_json(self) -> dict:
        return {"date": self.date.isoformat(), "weighted": round(self.weighted, 4),
                "weighted_mtus": round(self.weighted_mtus, 4),
                "categories": [{
                    "name": c.name, "share": c.share, "share_published": c.published,
                    "covered_share": round(c.covered_share, 3),
                    "services": [{"service": short(s.service), "label": s.label,
                                  "weight": round(s.weight, 3), "in_terminology": s.known,
                                  "covered": s.covered, "mtus": s.mtus, "cited": list(s.cited),
                                  "only_when": list(s.contexts)} for s in c.services]}
                    for c in self.categories]}


def coverage(program: Program, day: dt.date) -> Coverage:
    return Coverage(day, [_category(program, day, *row) for row in DISPUTED])


def _category(program: Program, day: dt.date, name: str, share: float, published: bool,
              services: tuple[tuple[str, float], ...]) -> CategoryCoverage:
    total = sum(w for _, w in services)
    out = CategoryCoverage(name, share, published)
    for local, weight in services:
        out.services.append(_service(program, day, TERM + local, share * weight / total))
    return out


def _service(program: Program, day: dt.date, iri: str, weight: float) -> ServiceCoverage:
    terms = program.terminology
    found = in_force(program, iri, day)
    contexts = tuple(r.applicable_when.statement for r in found if r.applicable_when)
    return ServiceCoverage(
        service=iri, label=terms.label(iri) if terms.known(iri) else short(iri), weight=weight,
        known=terms.known(iri),
        cited=tuple(dict.fromkeys(f"{r.section.edition.guideline} ({r.section.edition.label})"
                                  for r in found)),
        mtus=any(r.section.edition.mtus for r in found),
        contexts=contexts if len(contexts) == len(found) else ())


def by_year(program: Program, first: int, last: int) -> dict[int, float]:
    """Weighted coverage on July 1 of each year."""
    return {year: coverage(program, dt.date(year, 7, 1)).weighted
            for year in range(first, last + 1)}
