"""What a reviewer reads from context about a worker for a restoration program, home care or
return to work: a job to return to, motivation to change, a significant loss of the ability to
function independently, whether the worker is homebound ("drives himself to appointments" says
not); and, for a repeat study, whether the symptoms or findings have changed significantly
since the last one ("unchanged since the MRI", "new weakness of the left ankle").

Notes seldom name these; they tell them: "the employer has confirmed in writing that his
forklift position remains available", "she states she is motivated to get off disability",
"her sister does her laundry and grocery shopping". Each concept has phrasings that document it
and phrasings that document its absence ("no job offer", "independent in bathing, dressing and
toileting"); a sentence that only hopes or plans ("if she is motivated") says neither.
"""

from __future__ import annotations

import re

from reasoner.reader import responses
from reasoner.reader.assertion import said_by_others, unchecked
from reasoner.reader.confirmations import Confirmed
from reasoner.reader.firstchars import gated
from reasoner.vocab import TERM

_I = re.I

# Relying on a device, and the devices that aid walking
_RELIES = r"uses?|using|used|walks?|walking|ambulat\w*|gets around|relies on|needs?|requires?"
_WALKING_AID = r"walker|cane|crutch(?:es)?|rollator"

# Getting somewhere on one's own: "drives herself to her appointments", "takes the bus"
_DRIVES_ON_OWN = [
    r"\b(?:drives|drove|driving|driven)\b(?!\s+(?:him|her|them|the (?:patient|worker|claimant))\b)"
    r"(?:\s+(?:himself|herself|themselves|short distances|locally|independently|on (?:his|her|"
    r"their) own|a car|his car|her car))*\s+(?:\w+\s+){0,2}?to\s+(?:(?:his|her|their|the|all|"
    r"medical|most|each|every|doctor'?s?|clinic)\s+)*(?:appointments?|visits?|clinic|office|"
    r"doctors?|store|grocer\w*|shop\w*|church|gym|therapy|pool|work|job|market|pharmacy)",
    r"\b(?:drives|drove|driving|driven)\s+(?:himself|herself|themselves|short distances|locally|"
    r"independently)\b",
]
_PRESENT: dict[str, list[str]] = {
    # a knee said to lock, catch or give way: "the knee had locked twice that month", "it gives
    # way on stairs" (not a brace "locked at 0-90 degrees")
    "MechanicalKneeSymptoms": [
        r"\b(?:knee|it)\s+(?:has\s+|had\s+|have\s+|has\s+been\s+|keeps\s+)?(?:locked|locking|locks|"
        r"gave\s+way|gives\s+way|giving\s+way|buckled|buckles|buckling|catches|catching)\b"
        r"(?!\s+(?:at|in)\s+\d)",
    ],
    # a disability that keeps the worker from getting to care on their own: "cannot drive",
    # "does not drive since 07/2024 because the left leg cannot work the pedals" (not driving
    # with no reason given, or having no ride, is not yet a disability: reviewers ask why a bus
    # or paratransit will not do)
    "UnableToSelfTransport": [
        r"\b(?:unable to|cannot|can't|could not|is not able to|not able to|not allowed to|"
        r"(?:is|has been) (?:restricted|prohibited) from)\s+(?:drive|driving)\b"
        r"(?!\s+(?:at night|long distances|on (?:the )?freeways?|for work))",
        r"\b(?:does not|doesn't|no longer|has not|hasn't|did not)\s+(?:been\s+)?(?:drive|drives|"
        r"driven)\b(?!\s+(?:at night|long distances|on (?:the )?freeways?|for work))"
        r"[^.;]{0,40}?\b(?:because|due to|as (?:he|she|they) cannot|since (?:the|his|her) "
        r"(?:surgery|injury|fracture|amputation|fall|accident|operation|stroke))\b",
        # getting into a car: "cannot lift her right leg into a car without help"
        r"\b(?:unable to|cannot|can't|could not|is not able to)\s+(?:get|lift|swing|climb|step|"
        r"transfer)\s+(?:[\w']+\s+){0,3}?(?:into|in|out of)\s+(?:a|the|her|his|their)\s+"
        r"(?:car|vehicle|truck)\b",
        # the reason told first: "Because of the foot drop she no longer drives"
        r"\b(?:because of|due to|owing to|as a result of)\b[^.;]{0,60}?\b(?:no longer|does not|"
        r"doesn't|cannot|can't|is unable to|is not able to)\s+(?:drive|drives)\b"
        r"(?!\s+(?:at night|long distances|on (?:the )?freeways?|for work))",
    ],
    "JobToReturnTo": [
        r"\b(?:employer|company|job)\b[^.;]{0,80}?\b(?:position|job|post|duty|duties|work|"
        r"role)\b[^.;]{0,40}?\b(?:remains?|is|are|will be|has been|being)\s+(?:still\s+)?"
        r"(?:available|held|open|kept)",
        r"\b(?:position|job|post|role)\b[^.;]{0,40}?\b(?:is|has been|being|remains?)\s+(?:held|"
        r"kept|available|open)\s+for\s+(?:him|her|them|the worker)",
        r"\b(?:modified|light|transitional|alternative)\s+(?:duty|work|position)\s+(?:is|are|"
        r"remains?|has been)\s+(?:still\s+)?(?:available|offered)",
        r"\bemployer\b[^.;]{0,60}?\b(?:will take (?:him|her|them) back|has offered|offers)\b",
        # "Her employer has a full-duty loader position available and has agreed to a return"
        r"\bemployer\b[^.;]{0,40}?\bhas\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:position|job|"
        r"role|opening)\s+(?:still\s+)?(?:available|open|waiting)",
        r"\bemployer\b[^.;]{0,40}?\b(?:has agreed to|agrees to|will accept|is willing to accept)"
        r"\s+(?:a\s+|an\s+|her\s+|his\s+)?(?:return|re-?employment)",
    ],
    "PlateauAfterTherapy": [
        # "progress had plateaued over the last four visits", "she reached a plateau in therapy"
        r"\b(?:progress|improvement|gains?|function|he|she|they|patient|worker)\s+"
        r"(?:has\s+|had\s+|have\s+)?(?:since\s+)?(?:plateaued|leveled off|levelled off)\b",
        r"\b(?:reached|hit|reaching)\s+(?:a|her|his|their)\s+plateau\b",
    ],
    "MotivationToChange": [
        r"\b(?:is|was|remains|appears|seems|described as|reports being|states (?:that )?(?:he|she) "
        r"is)\s+(?:very\s+|highly\s+|strongly\s+)?motivated\b(?!\s+by)",
        r"\bmotivated to (?:return|get|improve|participate|work|go back|change)",
        # "reports high motivation to return to work"
        r"\b(?:high|strong|good|great|excellent|considerable|very good)\s+(?:level\s+of\s+)?"
        r"motivation\b",
        r"\b(?:willing|eager|committed|wants|wishes|would like)\s+to\s+(?:participate|return to "
        r"work|get back to work|go back to work|work again|get off disability|change)",
        r"\bagrees to (?:taper|participate|reduce)",
        # told without a verb or by someone who assessed it: "Pt motivated, wants to RTW", "the
        # psychologist found him motivated" (not motivated by a secondary gain)
        r"\b(?:pt|patient|worker|claimant|(?:found|finds|considered|deemed|judged)\s+(?:him|her|"
        r"them))\s+(?:to be\s+)?(?:very\s+|highly\s+|well\s+)?motivated\b(?!\s+by)",
        # what the worker wants back: "wants to return to some kind of work", "wants to get her
        # life back", "is ready to get back to work", "wants to learn other ways to manage the
        # pain", "willing to give up the temporary disability checks"
        r"\b(?:wants|wanted|would like|hopes|is ready|was ready|is eager|was eager)\s+to\s+"
        r"(?:return|go back|get back)\s+to\s+(?:\w+\s+){0,3}?(?:work|job|rtw)\b|"
        r"\bwants?\s+to\s+rtw\b",
        r"\b(?:wants|wanted|would like)\s+to\s+[\"\u201c]?(?:get|have)\s+(?:his|her|their)\s+"
        r"life\s+back\b",
        r"\b(?:wants|wanted|would like|is willing|was willing|is eager)\s+to\s+learn\s+"
        r"(?:\w+\s+){0,2}?(?:ways|skills|tools|how)\b",
        r"\b(?:is|was)\s+willing\s+to\s+(?:give up|taper|reduce|attend|try|do the work)\b",
    ],
    # weight-bearing restricted: "remains partial weight bearing per her surgeon", "cannot yet
    # bear full weight for land-based therapy"
    "ReducedWeightBearingIndicated": [
        r"\b(?:partial|protected|touch[- ]down|toe[- ]touch|non)[- ]?weight[- ]bearing\b",
        r"\b(?:cannot|can't|unable to|not able to)\s+(?:yet\s+)?(?:bear|tolerate)\s+"
        r"(?:full\s+)?weight\b",
        r"\b(?:cannot|can't|unable to|does not|doesn't|did not|didn't)\s+tolerate\s+"
        r"land[- ]based\b",
    ],
    # "two failed returns to work", "returned to modified work twice ... each attempt ended
    # within two weeks", "attempts to return to work were unsuccessful"
    "ComplexReturnToWorkIssues": [
        r"\b(?:failed|unsuccessful)\s+(?:attempts?\s+(?:at|to)\s+)?returns?\s+to\s+(?:\w+\s+)?"
        r"(?:work|duty)\b",
        r"\breturn(?:s|ed)?\s+to\s+(?:\w+\s+)?(?:work|duty)\b[^.;]{0,80}?\b(?:failed|ended|"
        r"unsuccessful|could not tolerate|couldn't tolerate|was unable to continue|lasted only)",
        r"\battempts?\s+(?:at|to)\s+return(?:ing)?\s+to\s+(?:\w+\s+)?(?:work|duty)\b[^.;]{0,40}?"
        r"\b(?:failed|were unsuccessful|was unsuccessful|ended)",
    ],
    "SignificantFunctionalLoss": [
        # "needs her husband's help to put on her socks and shoes", "to get out of the bathtub"
        r"\b(?:needs?|needed|requires?|relies on)\s+(?:(?!no\b|not\b|never\b)[\w']+\s+){0,4}?"
        r"help\b[^.;]{0,40}?"
        r"\b(?:bath\w*|dress\w*|laundry|shopping|cook\w*|clean\w*|toilet\w*|groceries|housework|"
        r"chores|socks|shoes|(?:bath)?tub|shower\w*|groom\w*|wash\w*|out of bed)",
        # "relied on her daughter for grocery shopping and bathing assistance", "requires
        # assistance with dressing"
        r"\b(?:relies|relied|relying|depends|depended|dependent)\s+on\s+(?:his\s+|her\s+|their\s+)?"
        r"(?:[\w']+\s+){0,2}?for\s+(?:[\w-]+\s+){0,3}?(?:bath\w*|dress\w*|laundry|shopping|"
        r"cook\w*|clean\w*|toilet\w*|groceries|grocery|housework|chores|groom\w*|transfers)",
        r"\b(?:needs?|needed|requires?|required)\s+(?:(?!no\b|not\b|never\b)[\w']+\s+){0,3}?"
        r"assistance\s+(?:with|for|in)\s+(?:[\w-]+\s+){0,2}?(?:bath\w*|dress\w*|laundry|"
        r"shopping|cook\w*|clean\w*|toilet\w*|housework|chores|groom\w*|self-care|adls|"
        r"transfers)",
        # "cannot do her full-time job or lift a laundry basket"
        r"\b(?:unable to|cannot|can't|could not)\s+(?:do|perform|hold|keep)\s+(?:his|her|your|"
        r"their|any)\s+(?:full[- ]time |regular |usual |former )?(?:job|work)\b",
        r"\b(?:husband|wife|spouse|partner|sister|brother|mother|father|daughter|son|family|"
        r"children)\s+(?:now\s+)?(?:does|do|did|has taken over|have taken over)\s+"
        r"(?:all\s+|most\s+)?(?:of\s+)?(?:the|her|his)?\s*(?:laundry|shopping|cooking|cleaning|"
        r"housework|chores|grocery)",
        r"\b(?:unable to|cannot|can't|could not)\s+(?:do|perform|manage|complete)\s+(?:\w+\s+){0,2}"
        r"(?:household chores|housework|adls|activities of daily living|self-care)",
        r"\bspends most of the day (?:lying|in bed|on the couch|sitting|in (?:a|his|her) "
        r"(?:recliner|chair))",
        r"\bdependent (?:on \w+ )?for (?:bath\w*|dress\w*|adls|self-care|transfers)",
        # a chore done only with help or given up: "cannot do her grocery shopping without her
        # sister", "can no longer cook or do her own laundry", "has given up driving" (not a
        # pastime alone: "has given up bowling")
        r"\b(?:cannot|can't|could not|is unable to|was unable to|unable to)\s+(?:do|go|manage|"
        r"complete)\s+(?:\w+\s+){0,3}?(?:shopping|groceries|laundry|cooking|housework|chores|"
        r"errands)\b",
        # "her daughter helps her bathe and dress"
        r"\b(?:husband|wife|spouse|partner|sister|brother|mother|father|daughter|son|family|"
        r"children|caregiver|aide)\s+(?:now\s+|has to\s+|must\s+)?(?:helps?|assists?|helping)\s+"
        r"(?:him|her|them)\s+(?:to\s+|with\s+)?(?:bath\w*|dress\w*|shower\w*|toilet\w*|groom\w*|"
        r"get (?:in|out) of (?:bed|the (?:bath)?tub|the shower))",
        r"\b(?:can|could)\s+no\s+longer\s+(?:work|cook|clean|shop|dress|bathe|drive|care for|"
        r"do (?:his|her|their|the|any)\s+(?:own\s+)?(?:job|work|shopping|laundry|cooking|"
        r"housework|chores|yard\s?work))\b",
        r"\b(?:has|have|had)\s+(?:had\s+to\s+)?(?:given|give)\s+up\s+(?:(?:his|her|their)\s+)?"
        r"(?:job|work|working|driving|cooking|cleaning|housework|chores|shopping|self-care)\b",
    ],
    # sleep told, not named: "trouble falling asleep", "wakes three or four times a night",
    # "sleeps 3-4 hours a night", "sleeping poorly", "early-morning awakening"
    "Insomnia": [
        r"\b(?:trouble|difficulty|difficulties|problems?)\s+(?:with\s+)?(?:falling|staying|"
        r"getting\s+(?:back\s+)?to)\s+(?:a)?sleep\b|\b(?:trouble|difficulty|problems?)\s+"
        r"(?:with\s+)?sleep(?:ing)?\b|\bsleep[- ](?:onset|maintenance)\s+(?:difficulty|problems?|"
        r"insomnia)",
        r"\bwak(?:es|ing|e|ened)\s+(?:up\s+)?(?:(?:\d|two|three|four|five|several|many|multiple)"
        r"[\w-]*\s+(?:or\s+\w+\s+)?times|frequently|repeatedly|often)\s+(?:a|per|each|every)"
        r"\s+night\b|\bwak(?:es|ing|e)\s+(?:up\s+)?at\s+(?:[1-5]|two|three|four|five)\b",
        r"\b(?:sleeps?|sleeping|slept|gets?|getting)\s+(?:only\s+)?(?:about\s+|approximately\s+|"
        r"~\s*)?(?:[1-5](?:\s*(?:-|to)\s*[1-5])?|two|three|four|five)\s+(?:hours?|hrs?)\s+"
        r"(?:of\s+sleep\s+)?(?:a|per|each)\s+night\b",
        r"\b(?:sleeps?|sleeping|slept)\s+poorly\b|\bpoor\s+sleep\b|\bsleep\s+(?:is\s+|was\s+)?"
        r"(?:still\s+)?(?:poor|broken|disrupted|interrupted|disturbed|fragmented)\b",
        r"\bearly[- ]morning\s+(?:awakening|waking)\b|\btakes?\s+(?:about\s+)?(?:an?|one|two|"
        r"\d)\s+hours?\s+to\s+fall\s+asleep\b|\bfalls?\s+asleep\s+(?:only\s+)?after\s+"
        r"(?:about\s+)?(?:an?|one|two|\d)\s+hours?\b",
    ],
    # told, not named: "still uses the front-wheeled walker inside the house", "he nearly fell
    # stepping out of the tub", "his balance is unsteady on wet surfaces"
    "MobilityLimitation": [
        # (a distance may come between: "walked about 50 feet with a borrowed walker")
        r"\b(?:" + _RELIES + r"|walked)\s+(?:(?:about|only|approximately|roughly|~)\s+)?"
        r"(?:\d+\s*(?:ft|feet|meters|m|yards)\s+)?(?:with\s+)?(?:a|an|the|his|her|their)\s+"
        r"(?:[\w-]+\s+){0,2}?(?:" + _WALKING_AID + r"|wheelchair|scooter)\b",
        r"\bbefore\s+(?:needing|having)\s+to\s+(?:rest|sit|stop|lean)\b",
        r"\b(?:nearly|almost)\s+fell\b|\bnear[- ]falls?\b|\b(?:has\s+)?fallen\s+(?:twice|"
        r"\w+ times|again)\b|\bfalls?\s+at\s+home\b",
        r"\bbalance\s+(?:is|was|remains|has been)\s+(?:\w+\s+)?(?:unsteady|poor|impaired|"
        r"off|unstable)\b|\b(?:unsteady|poor|impaired)\s+balance\b",
        r"\b(?:difficulty|trouble|unable|cannot|can't)\s+(?:\w+\s+){0,2}?(?:getting\s+(?:in|"
        r"out)|stepping\s+(?:in|out)|transfer\w*|standing\s+up|rising)\b",
    ],
    # (and the device itself: "walks with a borrowed cane", "ambulating 150 ft with a
    # front-wheeled walker"; not a wheelchair, which carries rather than aids walking)
    # a mobility deficit a cane or walker does not resolve: "he is not a functional ambulator
    # with a walker or canes", "cannot walk even with the walker", "non-ambulatory"
    "WalkingAidInsufficient": [
        r"\bnot (?:a )?(?:functional|community|household) ambulator\b",
        r"\b(?:unable to|cannot|can't|could not|not able to) (?:walk|ambulate)\b[^.;]{0,40}?"
        r"\b(?:even )?(?:with|using) (?:a |an |the |his |her |bilateral )?(?:[\w-]+ )?(?:"
        + _WALKING_AID + r")",
        r"\b(?:non-?ambulatory|wheelchair[- ](?:bound|dependent)|confined to a wheelchair)\b",
        r"\b(?:" + _WALKING_AID + r")s? (?:is|are|was|were) (?:not (?:adequate|sufficient|enough)|"
        r"insufficient|inadequate)\b",
    ],
    # no manual wheelchair that the worker or a helper can push: "cannot propel the chair more
    # than about 50 feet", "no one is available during the day to push a manual wheelchair"
    "ManualWheelchairNotFeasible": [
        r"\b(?:unable to|cannot|can't|could not|not able to|has to avoid|advised to avoid)\s+"
        r"(?:self-?propel\w*|propel\w*)\b",
        r"\b(?:no one|nobody|no caregiver|no family member)\b[^.;]{0,40}?\bto push\b",
        r"\bpainful (?:with|on|during) (?:self-?)?propulsion\b",
    ],
    "AmbulatesWithAssistiveDevice": [
        r"\b(?:" + _RELIES + r"|walked)\s+(?:\d+\s*(?:ft|feet|meters|m|yards)\s+)?(?:with\s+)?"
        r"(?:a|an|the|his|"
        r"her|their)\s+(?:[\w-]+\s+){0,2}?(?:" + _WALKING_AID + r")\b",
        r"\b(?:gait|antalgic gait)\s+with\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:" + _WALKING_AID
        + r")\b",
    ],
    "FacetMediatedPain": [
        # "tenderness over the L4-L5 and L5-S1 facet joints bilaterally", "pain on lumbar
        # extension and extension-rotation"
        # (or charted: "TTP over bilateral L4-5 and L5-S1 facet joints", "Facet loading
        # (extension-rotation) positive bilaterally")
        r"\b(?:tender\w*\s+(?:to\s+palpation\s+)?|TTP\s+)(?:over|of|at)\s+(?:the\s+)?"
        r"(?:(?:bilateral|bilat|left|right|[LCT]\d(?:-[LCTS]?\d)?|and|,)\s*)*"
        r"(?:lumbar\s+|cervical\s+)?facet",
        r"\bpain\s+(?:on|with)\s+(?:lumbar\s+|cervical\s+)?(?:extension|facet\s+loading)",
        r"\bfacet\s+loading\s+(?:\([^()]{0,40}\)\s+)?(?:is\s+|was\s+)?(?:positive|\+|"
        r"provocative|painful|reproduces)",
    ],
    "Homebound": [
        r"\b(?:bed-?bound|bed-?ridden|confined to (?:bed|(?:the|his|her) (?:home|house)))\b",
        r"\b(?:unable to|cannot|can't|could not|does not|doesn't)\s+leave\s+(?:the|his|her|their)"
        r"\s+(?:home|house|apartment|room)",
        # out only for care, if at all: "she has not left the house except for this
        # appointment", "only leaves the house for medical appointments"
        r"\b(?:has|have|had)\s+not\s+(?:been\s+out\s+of|left)\s+(?:the|his|her|their)\s+"
        r"(?:home|house|apartment)\b(?!\s+without\b)",
        r"\bonly\s+leaves?\s+(?:the|his|her|their)\s+(?:home|house|apartment)\s+(?:for|to\s+(?:see|"
        r"attend|go\s+to))\s+(?:\w+\s+){0,2}?(?:appointments?|visits?|care|doctors?|physicians?|"
        r"therapy)\b",
    ],
    "SpinalInstability": [
        # motion on flexion-extension films: "L4 translates 6 mm on L5 between flexion and
        # extension", "4 mm of translation on dynamic films"
        r"\btranslat(?:es|ed|ion)\b[^.;]{0,40}?\b\d(?:\.\d)?\s*mm\b|\b\d(?:\.\d)?\s*mm\s+(?:of\s+)?"
        r"(?:translation|motion|movement|slip)\b",
    ],
    # the interferential stimulator's selection criterion told around its words: "his pain has
    # been ineffectively controlled since tramadol was stopped for side effects"
    "MedicationSideEffectsLimit": [
        r"\bpain\b[^.;]{0,40}?\b(?:ineffectively|poorly|inadequately)\s+controlled\b[^.;]{0,80}?"
        r"\bside[- ]effects?\b",
        r"\bside[- ]effects?\b[^.;]{0,80}?\bpain\b[^.;]{0,40}?\b(?:ineffectively|poorly|"
        r"inadequately)\s+controlled\b",
    ],
    "ProgressiveNeurologicalDeficit": [
        # a deficit found since an examination that found none: "4/5 left triceps strength and
        # a diminished left triceps reflex, both new since the prior examination"
        r"\b(?:weakness|deficits?|foot drop|strength|reflex(?:es)?|sensation|numbness|"
        r"[0-4][+-]?/5)\b[^.;]{0,80}?\b(?:(?:both|all|each|which (?:is|are|was|were))\s+)?new\s+"
        r"since\s+(?:the\s+|his\s+|her\s+)?(?:prior|previous|last|earlier|preceding)\s+"
        r"(?:exam\w*|visit|evaluation|assessment)\b",
        # "described the left L5 weakness as progressive over four months", "the foot drop is
        # worsening", "dorsiflexion weakness has progressed from 4/5 to 3/5"
        r"\b(?:weakness|deficits?|foot drop|paresis|dorsiflexion|plantar ?flexion|strength)\b"
        r"[^.;]{0,40}?\b(?:as|is|was|has been|are|were|became|remains?)\s+(?:\w+\s+)?"
        r"(?:progressive|progressing|worsening)\b",
        r"\b(?:weakness|deficits?|foot drop|paresis)\b[^.;]{0,40}?\b(?:has|have)\s+"
        r"(?:steadily\s+|further\s+)?(?:progressed|worsened)\b",
        # a strength grade going down: "dorsiflexion had weakened to 3/5", "EHL strength
        # declined from 4/5 to 3/5"
        r"\b(?:strength|weakness|dorsiflexion|plantar ?flexion|extension|flexion|EHL|grip)\b"
        r"[^.;]{0,30}?\b(?:(?:has|had|have)\s+)?(?:weakened|declined|dropped|decreased|"
        r"worsened|fallen|fell|deteriorated)\s+(?:further\s+)?(?:from\s+[0-5][+-]?/5\s+)?to\s+"
        r"[0-4][+-]?/5",
    ],
    "SignificantClinicalChange": [
        # a new or progressing neurological sign: "new weakness of left ankle plantarflexion",
        # "progressive numbness", "a new foot drop"
        r"\bnew(?:ly)?(?:[\s-]+onset(?:\s+of)?)?\s+(?:[\w-]+\s+){0,2}?(?:weakness|numbness|"
        r"foot drop|(?:neurolog\w* )?deficits?|paresthesias?|incontinence|myelopath\w*|"
        r"atrophy|sciatica)\b",
        r"\b(?:progressive|progressing|worsening|increasing)\s+(?:[\w-]+\s+){0,2}?(?:weakness|"
        r"numbness|deficits?|neurolog\w*|radicul\w*|foot drop|myelopath\w*)",
        r"\b(?:symptoms|weakness|numbness|radicular [\w-]+|(?:leg|arm) (?:pain|symptoms)|"
        r"findings)\s+(?:[\w-]+\s+){0,3}?(?:(?:has|have|had)\s+)?(?:significantly|steadily|"
        r"progressively|markedly|substantially|clearly)?\s*(?:worsened|progressed|gotten worse)\b",
        r"\bpain\s+(?:[\w-]+\s+){0,3}?(?:(?:has|have|had)\s+)?(?:significantly|markedly|"
        r"substantially)\s+(?:worsened|increased)\b",
        # "her symptoms have changed significantly since the 2024 MRI"
        r"\b(?:symptoms|findings|condition|presentation|exam(?:ination)?)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:(?:has|have|had)\s+)?changed\s+(?:significantly|substantially|markedly|"
        r"materially|considerably)\b",
    ],
}
_ABSENT: dict[str, list[str]] = {
    # trigger points need a twitch response and referred pain together: either one denied
    # denies them ("without a taut band, twitch response or referred pain", "no twitch response
    # was elicited"); either one alone said present does not make them
    "TriggerPointsTwitchReferred": [
        r"\b(?:no|without|absent|negative for|not)\s+(?:a\s+|any\s+)?(?:(?:taut\s+bands?|local)\s*"
        r"(?:,|or|and)?\s*)?(?:twitch(?:\s+responses?)?|referred\s+pain)\b",
        r"\btwitch(?:\s+responses?)?\s+(?:was|were|is|are)\s+(?:not\s+(?:elicited|present|"
        r"seen|noted)|absent)\b",
    ],
    # a normal neurological examination, however said: "Neuro exam: no deficits", "neuro
    # intact in the LEs", "a normal neurologic examination", "Neuro deficit - none", "There
    # does not appear to be any focal neurological deficit" (not "no new deficit": an old one)
    "NeurologicalFinding": [
        r"\bneuro(?:logic(?:al)?|logically)?\s+(?:exam(?:ination)?\s*)?"
        # (of the limbs examined: "The neurologic examination of the lower extremities was
        # unremarkable")
        r"(?:(?:of|in)\s+(?:the\s+|both\s+)?(?:bilateral\s+|lower\s+|upper\s+|left\s+|right\s+)?"
        r"(?:extremit(?:y|ies)|limbs?|legs?|arms?|les|ues)\s*)?(?:is\s+|was\s+|:\s*)?"
        r"(?:intact|normal|non-?focal|unremarkable|within normal limits|wnl|grossly intact)\b",
        r"\b(?:normal|non-?focal|unremarkable|intact)\s+neuro(?:logic(?:al)?)?\s+"
        r"(?:exam(?:ination)?|status|findings)\b",
        r"\bno\s+(?:focal\s+|objective\s+|motor\s+or\s+sensory\s+)?neuro(?:logic(?:al)?)?\s+"
        r"deficits?\b|\bneuro(?:logic(?:al)?)?\s+(?:exam(?:ination)?\s*)?:?\s*no\s+(?:focal\s+)?"
        r"deficits?\b",
        r"\bneuro(?:logic(?:al)?)?\s+deficits?\s*(?:[:-]+|was|were|is)?\s*(?:none|absent|"
        r"negative)\b",
        r"\bnot\s+(?:appear\s+to\s+)?(?:be|have|show)\s+any\s+(?:focal\s+)?neurolog\w*\s+"
        r"deficits?\b",
    ],
    # full strength said by the muscles tested (not where another grade is given: "5/5 except
    # left EHL 4/5")
    "MotorWeakness": [
        r"\b(?:motor|strength|myotomes?|power|APB|EHL|FHL|tibialis anterior|gastrocs?|"
        r"gastrocnemius|quadriceps|quads|hamstrings|deltoids?|biceps|triceps|grip|"
        r"dorsiflexion|plantar ?flexion|(?:hip |knee |ankle |wrist |elbow )?(?:flexors?|"
        r"extensors?|abductors?))\b[^.;]{0,30}?(?<![\d/])5/5\b",
        r"\b(?:heel|toe)(?:\s+and\s+(?:heel|toe))?\s+walk(?:ing)?\s+(?:was\s+|were\s+|is\s+|"
        r"are\s+)?(?:normal|intact|strong|symmetric|without difficulty)\b",
    ],
    # walking not limited: "Ambulates independently without assistive device, gait steady",
    # "gait is normal", "walks without difficulty" (not "walks without a cane but limps")
    "MobilityLimitation": [
        r"\b(?:ambulat\w*|walk\w*)\s+independently\s+without\s+(?:an?\s+|any\s+)?"
        r"(?:assistive\s+device|assistance|device|aids?)\b(?![^.;]{0,30}\b(?:but|limp\w*|"
        r"antalgic|unsteady)\b)",
        r"\bgait\s*(?:is\s+|was\s+|:\s*)?(?:normal|steady|stable|non-?antalgic|within normal "
        r"limits|wnl)\b",
        r"\b(?:normal|steady|non-?antalgic)\s+gait\b",
        r"\b(?:walks|ambulates)\s+without\s+(?:difficulty|limitation|a limp)\b",
    ],
    # a cane or walker enough: "she walks community distances of about 15 minutes with the
    # cane", "a single-point cane, which the physician notes is adequate for household and
    # short community distances"
    "WalkingAidInsufficient": [
        r"\b(?:walks?|walked|walking|ambulates?|ambulated|ambulating|gets around)\b[^.;]{0,40}?"
        r"\b(?:community distances|household distances|independently|\d+ (?:blocks?|feet|"
        r"minutes|yards))\b[^.;]{0,30}?\bwith (?:a |an |the |his |her )?(?:[\w-]+ )?(?:"
        + _WALKING_AID + r")",
        r"\b(?:" + _WALKING_AID + r")s?\b[^.;]{0,30}?\b(?:is|are|was|were|remains?)\s+"
        r"(?:adequate|sufficient|enough)\b",
    ],
    # a manual wheelchair the worker can push, or someone to push it: "his wife ... is willing
    # to push a wheelchair", "full use of both arms" (not a strength told of any exam: "upper
    # extremity strength 5/5" in every neck case)
    "ManualWheelchairNotFeasible": [
        r"\b(?:can|is able to|able to)\s+(?:self-?propel|propel)\b",
        r"\b(?:wife|husband|spouse|partner|caregiver|family|daughter|son|mother|father)\b"
        r"(?:(?!\bno one\b|\bnobody\b|\bnot\b|n't\b)[^.;]){0,50}?\b(?:willing|available|able)\b"
        r"[^.;]{0,20}?\bto push\b",
        r"\bfull use of (?:both|her|his) (?:arms|upper extremities)\b",
        # ... or arms strong enough to push one (read only where a mobility device is asked:
        # `extract._MOBILITY_ONLY`)
        r"\bupper (?:extremity|limb) strength (?:is |was )?(?:5/5|normal|full)\b",
    ],
    "Homebound": [
        # leaving home on one's own: "drives himself to appointments", "drives short distances",
        # "she drives to appointments and shops", "walks with a cane outdoors" (not "his wife
        # drives him": _BY_OTHERS)
        *_DRIVES_ON_OWN,
        r"\b(?:does|did|do)\s+(?:(?:his|her|their) own\s+)?(?:grocery\s+)?shopping\b|\b(?:she|he|"
        r"and)\s+shops\b|\b(?:goes|went|walks|walked)\s+(?:\w+\s+){0,2}?(?:shopping|to the "
        r"(?:corner\s+|local\s+|grocery\s+|nearby\s+)?(?:store|market|mall|grocery|park|gym|pool|"
        r"beach|library))",
        r"\bwalks?\s+(?:\w+\s+){0,4}?(?:outdoors|outside|around the block|in the "
        r"neighbou?rhood|(?:\w+\s+)?miles?\b)",
        r"\b(?:takes|took|rides|uses)\s+(?:the\s+)?(?:bus|public transport\w*|train|subway)\b",
        # an outing: "went out to a restaurant with his family", "goes to church", "attends
        # outpatient therapy twice a week" (someone driving does not keep him home)
        r"\b(?:goes|went|go|gone|been)\s+(?:out\s+)?(?:to|for)\s+(?:a\s+|the\s+|his\s+|her\s+)?"
        r"(?:restaurants?|church|movies?|dinner|lunch|family (?:gatherings?|events?)|"
        r"(?:his|her) (?:daughter|son)'s)\b",
        r"\battends?\s+(?:outpatient\s+)?(?:physical\s+)?therapy\b(?![^.;,]{0,30}\b(?:at home|in "
        r"(?:his|her|the) home|home[- ]based|in-home)\b)",
    ],
    "UnableToSelfTransport": [
        *_DRIVES_ON_OWN,
        r"\b(?:takes|took|rides|uses)\s+(?:the\s+)?(?:bus|public transport\w*|train|subway)\s+"
        r"to\b",
    ],
    "JobToReturnTo": [
        # (not "no modified duty available": the job may be held for the worker's full duty)
        r"\bno (?:job offer|job to return to|position to return to|return-to-work plan|"
        r"work available)",
        r"\b(?:was|has been|had been)\s+(?:terminated|laid off|let go|fired)\b",
        r"\bemployer\b[^.;]{0,40}?\b(?:cannot|can't|will not|won't|is unable to)\s+"
        r"(?:accommodate|take (?:him|her|them) back)",
    ],
    "MotivationToChange": [
        r"\b(?:not|poorly|un)\s*motivated\b|\b(?:poor|low|little|no) motivation\b",
        r"\b(?:no|without) (?:interest|intention|plan) (?:in|of|to) (?:returning|return|working)",
    ],
    # pain graded below severe: "described it as moderate, not severe", "mild to moderate low
    # back pain" (not "moderate to severe")
    "SevereAcutePain": [
        r"\bnot\s+(?:\w+\s+)?severe\b",
        r"(?<!to )(?<!or )\b(?:mild|moderate|mild(?:\s+to\s+|-to-)moderate)\s+"
        r"(?:(?!to\b|or\b|and\b|severe\b)\w+\s+){0,2}?pain\b",
        r"\b(?:described|rated|graded|characteri[sz]ed)\s+(?:it|the pain|his pain|her pain)?\s*"
        r"as\s+(?:mild|moderate)\b(?!\s+(?:to|or)\s+severe)",
    ],
    # pain steady over a span is no flare: "he described his pain as unchanged over the past
    # several months", "pain has been stable for the last year"
    "AcuteExacerbation": [
        r"\bpain\b[^.;]{0,40}?\b(?:unchanged|stable|constant|the same|steady)\s+(?:over|for|during|"
        r"throughout|in)\s+(?:the\s+)?(?:past|last|prior|preceding)?\s*(?:several|few|many|two|three|"
        r"four|six|\d{1,2})?\s*(?:weeks|months|years|year)\b",
    ],
    # a history without the conditions surgery is screened for: "PMH neg; no daily meds",
    # "no significant past medical history", "otherwise healthy" (a condition told elsewhere
    # keeps it: `extract._no_history_unless_told`)
    "PreoperativeRiskFactor": [
        r"\b(?:PMH|PMHx|past medical history|medical history)\s*(?::|is|was)?\s*(?:neg(?:ative)?|"
        r"none|non-?contributory|unremarkable)\b",
        r"\bno\s+(?:significant\s+|other\s+|chronic\s+|pertinent\s+)?(?:past\s+)?medical\s+"
        r"(?:history|problems|conditions|illness(?:es)?)\b",
        r"\botherwise\s+(?:healthy|in good health)\b",
    ],
    # full weight allowed, land-based exercise done: "weight bearing as tolerated", "completed
    # 12 sessions of land-based physical therapy without difficulty"
    "ReducedWeightBearingIndicated": [
        r"\b(?:full|fully)\s+weight[- ]bearing\b|\bweight[- ]bearing as tolerated\b|\bWBAT\b",
        r"\bland[- ]based\s+(?:physical\s+)?(?:therapy|exercise|program)\b[^.;]{0,40}?"
        r"\b(?:without difficulty|tolerated|well)\b",
    ],
    "SignificantFunctionalLoss": [
        r"\bindependent (?:in|with|for) (?:all\s+)?(?:adls|activities of daily living|self-care|"
        r"bath\w*|dress\w*|personal care)",
        # "does her own shopping", "manages her own household" (help with a heavy chore told
        # beside it does not make the loss significant)
        r"\b(?:does|do|did|manages?|managed|handles?|handled|performs?)\s+(?:all\s+|most\s+)?"
        r"(?:of\s+)?(?:his|her|their)\s+own\s+(?:shopping|cooking|cleaning|housework|household|"
        r"home|chores|laundry|adls|self-care|personal care|errands|grocer\w*|bills|finances)",
    ],
    "SignificantClinicalChange": [
        # "the symptoms have been stable over the past year", "findings are unchanged from the
        # examination of 1/15/2019", "pain is \"about the same,\"", "have not changed since"
        # (and a chart's: "axial LBP 6/10, no radiating sx, unchanged x 1 yr")
        r"\b(?:symptoms?|complaints?|findings|exam(?:ination)?|condition|presentation|"
        r"neurolog\w*(?: exam\w*| status| findings)?|pain|radicular [\w-]+|(?:leg|arm) [\w-]+|"
        r"numbness|tingling|weakness|deficits?|lbp|sxs?)"
        r"\b(?:\s+[\w/-]+,?){0,6}?\s+(?:(?:is|are|was|were|has been|have been|remains?|remained|"
        r"described as)\s+)?[\"\u201c]?(?:essentially\s+|largely\s+|basically\s+|about\s+)?"
        r"(?:unchanged|stable|the same|no different)\b",
        r"\b(?:symptoms?|complaints?|findings|exam(?:ination)?|condition|pain)\b(?:\s+[\w-]+)"
        r"{0,6}?\s+(?:has|have|had)\s+not\s+(?:significantly\s+|materially\s+)?changed\b",
        r"\bno (?:significant |interval |material |appreciable )?changes? in "
        r"(?:(?:his|her|the)\s+)?(?:[\w-]+\s+){0,2}?(?:symptoms|findings|exam\w*|condition|neurolog\w*|presentation|"
        r"complaints)",
        r"\bno new (?:neurolog\w* )?(?:deficits?|findings|symptoms|weakness|numbness)",
        r"\bno better,? (?:and )?no worse\b",
    ],
}
# (each concept's phrasings as one alternation: one search a sentence, not one a phrasing)
_COMPILED = {(concept, present): gated("|".join(f"(?:{p})" for p in patterns), _I)
             for present, table in ((True, _PRESENT), (False, _ABSENT))
             for concept, patterns in table.items()}
# Cheap test first: most sentences speak of none of these.
# (matched on the lower-cased sentence: a case-blind alternation of words is slower)
_GATE = re.compile(r"employ|job|position|duty|work|motivat| own |mild|moderate|severe|weight|"
                   r"land|wbat|willing|eager|wants|agrees|help|assist|relie|rely|depend|"
                   r"plateau|level|employer|"
                   r"neuro|5/5|heel|toe|phq|gad|bdi|beck|bai\b|"
                   r"husband|wife|spouse|partner|sister|brother|mother|father|daughter|son|"
                   r"family|children|unable|cannot|can't|could not|spends|dependent|independent|"
                   r"terminat|laid off|fired|interest|unchanged|stable|same|chang|new|progress|"
                   r"worse|no better|increas|weak|deficit|drop|paresis|translat|mm\b|facet|"
                   r"pmh|medical|healthy|controlled|gait|"
                   r"extension|drive|drove|shop|walk|bus\b|train|bound|bed|leave|left the|"
                   r"out of the|cane|"
                   r"sleep|slept|wak|insomnia|give up|given up|no longer|rtw|life back|learn|driv|"
                   r"crutch|rollator|wheelchair|scooter|fell|fall|balance|transfer|stepping|trouble|difficult|"
                   r"propel|propulsion|push|ambulat|upper extremity strength|upper limb strength|"
                   r"full use|"
                   r"rising|transport|\bcar\b|\bride\b|licen[cs]e|vehicle|restaurant|church|movie|"
                   r"dinner|lunch|attends?|locked|locks|locking|gave way|gives way|buckl|catch|"
                   r"twitch|referred pain")
# Concepts whose absence is told by what the worker does ("drives to appointments", "independent
# in self-care"): a denial or someone else doing it takes the telling back ("no longer drives",
# "his wife drives to the store").
_WEAKER = re.compile(r"(?<![\d/])[0-4][+-]?/5\b|\b5-/5\b|\bweak")
_TOLD_BY_DOING = {TERM + "Homebound", TERM + "SignificantFunctionalLoss",
                  TERM + "UnableToSelfTransport"}
_BY_OTHERS = re.compile(r"\b(?:husband|wife|spouse|partner|sister|brother|mother|father|"
                        r"daughter|son|family|friend|neighbou?r|aide|caregiver)\b", _I)


Judgment = Confirmed  # a finding read from the sentence: concept, present, span


_FLARE_SAID = re.compile(r"\b(?:flare|exacerbat)", _I)


def judgments(sentence: str) -> list[Judgment]:
    """Each judgment the sentence documents, present or absent; none in a plan or a hope."""
    if not _GATE.search(sentence.lower()):
        return []
    found = _screened(sentence)
    for (concept, present), pattern in _COMPILED.items():
        if concept == "MotorWeakness" and _WEAKER.search(sentence):
            continue  # a grade below full said too
        if concept == "AcuteExacerbation" and not present and _FLARE_SAID.search(sentence):
            continue  # "a flare last week; before that his pain was stable for months"
        for said in pattern.finditer(sentence):
            if not _hoped(sentence, said.start()) and \
                    not said_by_others(sentence, said.start()) and \
                    not (present and unchecked(sentence, *said.span())) and not (
                    present and _denied(sentence, said.start())) and not (
                    not present and TERM + concept in _TOLD_BY_DOING
                    and _undone(sentence, said.start())):
                found.append(Judgment(TERM + concept, present, *said.span()))
                break
    # a denial said of a concept outweighs its affirmation in one sentence ("not motivated")
    denied = {j.concept for j in found if not j.present}
    return [j for j in found if not j.present or j.concept not in denied]


# A mood screen's score: "PHQ-9 was 12", "a Beck Depression Inventory-II score of 27", "GAD-7
# 3". In the screen's moderate band or above the worker has psychological symptoms; in its
# minimal band none; a mild score says neither (authors read "a PHQ-9 of 6" both ways). Cut
# points as the instruments publish them: (minimal below, moderate from).
_SCREENS = ((r"PHQ-?9", 5, 10), (r"GAD-?7", 5, 10),
            (r"BDI(?:-?II)?|Beck Depression Inventory(?:-?II)?", 14, 20),
            (r"BAI|Beck Anxiety Inventory", 8, 16))
_SCORED = [(re.compile(r"\b(?:" + name + r")\b(?:\s+(?:total\s+)?score)?\s*(?:was|is|of|at|"
                       r"=|:|-)?\s*(?:a\s+score\s+of\s+)?(\d{1,2})\b(?![/.]\d|\s*(?:%|mg))", _I),
            minimal, moderate) for name, minimal, moderate in _SCREENS]


def _screened(sentence: str) -> list[Judgment]:
    """Psychological symptoms told by the scores of mood screens: present when any score is
    moderate or above, absent when every score told is minimal."""
    scores = [(int(m.group(1)), minimal, moderate, m.span())
              for pattern, minimal, moderate in _SCORED for m in pattern.finditer(sentence)]
    high = [span for score, _, moderate, span in scores if score >= moderate]
    if high:
        return [Judgment(TERM + "PsychologicalSymptoms", True, *high[0])]
    if scores and all(score < minimal for score, minimal, _, _ in scores):
        return [Judgment(TERM + "PsychologicalSymptoms", False, *scores[0][3])]
    return []


def _denied(sentence: str, start: int) -> bool:
    """An affirmation the clause denies first: "denies new numbness", "without progressive
    weakness" (the patterns of absence say more where they can)."""
    clause = _own_clause(sentence, start)
    return bool(re.search(r"\(-\)|\b(?:no|not|denies|denied|without|negative|neg)\b",
                          clause, _I))


def _own_clause(sentence: str, start: int) -> str:
    """The words of the statement before `start`, from its subject or verb on (the verb that
    opens it may be the one at `start`: "... could not stand at the stove and relied on her
    daughter")."""
    clause = responses.clause_before(sentence, start)
    ahead = clause + sentence[start:start + 12]
    return clause[max((m.end() for m in _NEW_SUBJECT.finditer(ahead)
                       if m.end() <= len(clause)), default=0):]


# A clause of its own begun after a comma or "and" by its subject or a new verb: a negation
# before it is not its ("the records describe no change in what he can do, he spends most of
# the day in a recliner", "cannot shop without her sister and needs help with her shoes")
# (or a predicate of a list of them, its subject said once: "Pt lives w/ husband & adult son,
# independent w/ ADLs, drives herself to appts": the husband does not drive her)
_NEW_SUBJECT = re.compile(r"(?:[,:;]|\band\b|\bbut\b)\s+(?:(?:he|she|they|the\s+(?:patient|worker|"
                          r"claimant|applicant|injured\s+worker))\s+|(?=(?:needs?|needed|requires?|"
                          r"required|relies|relied|spends|spent|drives|drove|walks|ambulates|goes|"
                          r"shops|cooks|cleans|takes|uses|independent)\b))", _I)


def _undone(sentence: str, start: int) -> bool:
    """A doing that does not tell the worker's ability: denied ("no longer drives", "unable to
    shop") or done by someone else ("his wife drives to the store"), in its own clause ("his
    wife, who drives him to appointments, and he goes to church": he goes)."""
    clause = _own_clause(sentence, start)
    return bool(_BY_OTHERS.search(clause) or re.search(
        r"\b(?:no|not|never|unable|cannot|can't|stopped|quit)\b", clause, _I))


def _hoped(sentence: str, start: int) -> bool:
    clause = responses.clause_before(sentence, start)
    return bool(re.search(r"\b(?:if|whether|unless|would|should|hope[sd]?|goal)\b", clause, _I))
