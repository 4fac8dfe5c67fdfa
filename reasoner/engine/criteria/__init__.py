"""The criterion kinds, one small class each, in one registry keyed by the kind's IRI.

Adding a kind: write the class (compile() checks parameters, evaluate() returns a Judgement),
add it here, define it in ontology/mtus.ttl and document it in docs/criteria.md; a test
fails if any of these is missing.
"""

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement, Truth
from reasoner.engine.criteria.findings import DiagnosisOf, FindingPresent
from reasoner.engine.criteria.logic import AllOf, AnyOf, AtLeast, Combinator, Not
from reasoner.engine.criteria.monitoring import (
    AssessmentCountWithin,
    AssessmentDocumented,
    PainReliefAtLeast,
    PainScoreDocumented,
)
from reasoner.engine.criteria.quantities import (
    DailyDoseWithin,
    RequestedDurationWithin,
    RequestedLevelsWithin,
    RequestedQuantityWithin,
    RequestedWeeklyQuantityWithin,
)
from reasoner.engine.criteria.request import (
    IngredientsExclude,
    RequestedAlongside,
    RequestPurpose,
    RequestTypeIs,
)
from reasoner.engine.criteria.studies import StudyDone
from reasoner.engine.criteria.treatments import CourseDurationWithin, TreatmentTried
from reasoner.engine.criteria.worker import AgeWithin, TimeSinceInjury
from reasoner.vocab import m

KINDS: tuple[type[Criterion], ...] = (
    AllOf, AnyOf, Not, AtLeast,
    FindingPresent, DiagnosisOf, TreatmentTried, CourseDurationWithin,
    RequestedQuantityWithin, RequestedDurationWithin, DailyDoseWithin,
    AssessmentDocumented, PainReliefAtLeast, RequestPurpose,
    AgeWithin, TimeSinceInjury, PainScoreDocumented, RequestedLevelsWithin, RequestTypeIs,
    IngredientsExclude, AssessmentCountWithin, StudyDone, RequestedAlongside,
    RequestedWeeklyQuantityWithin,
)
REGISTRY: dict[str, type[Criterion]] = {m(k.kind): k for k in KINDS}

__all__ = ["REGISTRY", "KINDS", "Context", "Criterion", "Combinator", "Evidence", "Judgement",
           "Truth"]
