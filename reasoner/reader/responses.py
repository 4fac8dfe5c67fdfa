"""How a treatment worked, as notes say it: a grammar of response cues.

Each cue is a phrase of one kind: a functional gain (an activity regained, a function score
improved, work restrictions eased, less medication needed), a subjective gain (relief, 'it
helps'), no gain ('did not help', 'without benefit', 'failed'), or worsening. A gain word in
the scope of a negation ('no relief', 'none gave more than short-term relief') is no gain; one
in the scope of a hypothetical, a goal or a purpose ('if the blocks give 80% relief', 'to
improve her function') or of a statement that it is not documented ('no description of any
activity he is able to perform') says nothing. The cues of a text combine by strength:
worsening, then a functional gain, then a subjective gain (a gain said with a limit: 'helped
his motion but he plateaued'), then no gain. A pain score that drops is relief, not function:
8 CCR 9792.20 asks for activities of daily living, work restrictions or less dependency on
treatment.
"""

from __future__ import annotations

import re

from reasoner.reader.firstchars import gated

FUNCTIONAL, SUBJECTIVE = "FunctionalImprovement", "SubjectiveImprovement"
NONE, WORSE = "NoImprovement", "Worsened"

_I = re.I
# What an activity regained is done with: "he can now dress himself", "lets her work her shift"
_ENABLED = (r"(?:can now|could now|can again|can once again|now (?:able to|can)|"
            r"(?:is|are|was|were|has been|have been|had been) [\"“]?"
            r"(?:now |again |once again |finally )?able to|"
            r"able to (?:once again|again)|"
            r"(?:lets?|allow(?:s|ed|ing)?|enabl(?:es|ed)|permit(?:s|ted)?) "
            r"(?:him|her|them|the (?:patient|worker|applicant))(?: to)?|"
            r"keeps? (?:him|her|them))\s+\w+")
# Everyday activities, as a worker does them ("she walks", "he drives")
_ADL = (r"(?:walks|drives|cooks|cleans|shops|dresses|bathes|showers|lifts|carries|climbs|gardens|"
        r"stands|works|plays|types|writes|swims|bikes|golfs|mows|vacuums|hikes|runs|jogs|kneels|"
        r"squats|grooms|babysits|exercises|completes|finishes|does (?:his|her|their) own)")
# the same activities as "she can ..." says them
_ADL_BARE = (r"walk|drive|cook|clean|shop|dress|bathe|shower|lift|carry|climb|garden|work|play|"
             r"type|write|swim|bike|golf|mow|vacuum|hike|run|jog|kneel|squat|groom|babysit|"
             r"exercise|finish|complete|return|do (?:his|her|their) own")
_ADL_DOING = (r"walking|driving|cooking|cleaning|shopping|working|gardening|exercising|"
              r"swimming|lifting|hiking|golfing|doing (?:his|her|their) own")
_MEASURE = (r"(?:oswestry|odi|ndi|neck disability|dash|quickdash|psfs|disability (?:index|score)|"
            r"timed up and go|tug|six-minute walk|6-minute walk|"
            r"functional (?:score|index|capacity)|beck depression(?: inventory)?(?:-?ii)?|"
            r"bdi(?:-?ii)?|beck anxiety(?: inventory)?|bai|phq-?9|gad-?7|grip|pinch|lift(?:ing)?|"
            r"walk(?:ing)?|sit(?:ting)?|stand(?:ing)?|driv(?:e|ing)|tolerance)")
# ... and its verbs in any tense where the comparison is said outright ("he walked six blocks
# ... compared with two before"; elsewhere "walks 1 hr/day and has returned to full duty w/ 25
# lb lifting restriction" would read as two figures of one measure)
_MEASURE_SAID = _MEASURE[:-1] + r"|walk(?:ed|s)|sits|sat|stands|stood|drives|drove)"
# A gain in function named as such: "functional improvement", "improved function"; negated,
# it is no gain ("no functional improvement").
_FUNCTIONAL = [
    r"\bfunctional (?:improvement|gain|benefit|improvements|gains)",
    r"\bimprove[sd]? (?:in )?(?:his |her |their |the )?(?:function|ability|adls?|activit)",
    r"\b(?:increase[sd]?|better) (?:his |her |their |the )?(?:function|ability|activit)",
    # an everyday task improved: "Anaprox has improved her reaching at shelf height"
    r"\bimprove[sd]? (?:his |her |their |the )?(?:reaching|lifting|walking|sitting|standing|"
    r"gripping|carrying|bending|squatting|kneeling|climbing|dressing|bathing|driving|typing|"
    r"writing|grooming|housework|chores)\b",
    # ... or its tolerance improved ("improvement in her stair climbing", "in standing
    # tolerance"); negated, no gain ("PT x12: no improvement in standing tolerance")
    r"(?<!little )(?<!little\" )(?<!slight )(?<!minimal )(?<!modest )(?<!mild )"
    r"\bimprovement in (?:his |her |their )?(?:(?:walking|sitting|standing) (?:tolerance|distance)|"
    r"(?:stair )?climbing|stairs|walking|lifting|gripping|reaching|squatting|kneeling)\b",
    # what the worker can do since the treatment began: "since starting meloxicam she could
    # stand through her shift" (the cue begins after the treatment's name: group "said")
    r"\bsince (?:starting|beginning|taking|using|being on)\b[^.;]{0,40}?\b(?P<said>(?:she|he|"
    r"they) (?:can|could|is able to|was able to|has been able to) (?!not\b|no\b)(?:stand|walk|"
    r"sit|work|drive|climb|lift|carry|cook|clean|shop|dress|bathe|sleep|type|finish|complete|"
    r"do|play|return|go)\w*)",
]
_JOB = (r"(?:work|full|regular|modified|light|school|driving|volunteer\w*|(?:his|her) (?:\w+ )?"
        r"(?:[\w-]+ )?(?:job|work|duties|duty|activities|shifts?|position|employment|route)|"
        # a pastime regained: "has gone back to her Tuesday water aerobics class"
        r"(?:his|her|their) (?:[\w-]+ ){0,3}(?:class(?:es)?|gym|exercises?|hobby|hobbies|golf|"
        r"church|team|league|choir|routine|yoga|chores|housework|garden)\b|"
        r"(?!taking|using|being)\w+ing\b)")
# What comes before work kept up, which is no gain: "continued to", "still", "continues"
_KEPT_UP = r"(?<!continued to )(?<!continues to )(?<!continue to )(?<!still )(?<!continues )" \
    r"(?<!continued )"
# A gain shown by what the worker now does; negated ("still not able to kneel"), it is a
# status, not a response.
_ACTIVITY = [
    r"\b" + _ENABLED,
    # an aid no longer needed: "she was walking without the front-wheeled walker", "no longer
    # uses a cane", "off crutches"
    r"\b(?:walk(?:s|ing|ed)?|ambulat\w*|gets around)\s+(?:now\s+)?without\s+(?:the\s+|a\s+|an\s+|"
    r"her\s+|his\s+)?(?:[\w-]+\s+)?(?:walker|cane|crutch(?:es)?|assistive device|brace)\b|"
    r"\bno longer (?:uses|needs|requires) (?:the |a |an |her |his )?(?:[\w-]+\s+)?(?:walker|"
    r"cane|crutch(?:es)?|assistive device)\b|\b(?:weaned )?off (?:the |her |his )?(?:walker|"
    r"crutches)\b",
    # a charted response: "Gabapentin: ~40% less burning, sleeps 6 hrs (was 3), able to fold
    # laundry" (not "not able to")
    r"(?:^|[;,:])\s*(?:now\s+|again\s+)?able to (?!tolerate\b|sleep\b)[a-z]+\b"
    r"(?![^.;]{0,40}\b(?:only|no more than|less than|at most|before)\b)",
    # what the worker does on the treatment: "With it he mows his own lawn, drives his
    # grandson to school and works 20 hours a week" (not a score or a state: "has 5/10",
    # "is still limited")
    # (or opening a clause after a semicolon: "leg burning 7/10 before it, now 4/10; with it
    # he sleeps through and walks the two miles")
    r"(?:^|;)\W*(?:with|on)\s+(?:it|them|this|these|the medications?|(?:his |her )?meds|"
    r"medication)"
    r"\b,?\s+(?:he|she|they|the patient|the worker)\s+(?:(?!(?:has|had|is|was|are|were|reports?|"
    r"rates?|still|continues|describes|feels|gets|notes|states|says|sleeps|wakes|takes|uses|"
    r"needs|requires)\b)[a-z]+s\b|(?:can|could|is able to|now)\s+(?:" + _ADL_BARE + r")\b)",
    # ... or the treatment named: "he reported that with Norco he mows his lawn", "with
    # naproxen he could work a full shift" (not what pain allows: "with the pain he walks ...")
    # (in a note's shorthand too: "w/ meloxicam pt able to complete her full cleaning route")
    r"(?:^|[;,.:]|\bthat)\W*(?:(?:with|on)\s+|w/\s*)(?!(?:the |his |her )?(?:pain|symptoms?|"
    r"difficulty|limitations?|restrictions?|a |an )\b)(?:the\s+)?[A-Za-z][\w/-]+\s*,?\s+"
    r"(?P<said>(?:he|she|they|pt|the patient)\s+(?:(?:can|could|is able to|was able to|able to|"
    r"now)\s+(?:" + _ADL_BARE + r")\b|" + _ADL
    # "with naproxen she was walking 40 minutes a day"
    + r"\b|(?:is|was|were|has been) (?:now |again )?(?:" + _ADL_DOING + r")\b))",
    # ... the words right after the treatment's name, in a note's shorthand ("w/ meloxicam pt
    # able to complete her full cleaning route"; not a sentence of its own, "Pt able to
    # converse normally")
    r"^\s+(?:pt|patient)\s+(?:now\s+|again\s+)?able\s+to\s+(?:" + _ADL_BARE + r")\b",
    r"\bworks? (?:about |up to |nearly )?\d{1,2} (?:hours|hrs|days|shifts)\b",
    # "she can walk her dog": an activity, not a limit ("she can sit for 10 minutes")
    r"\b(?:he|she|they) (?:now )?can (?:now )?(?:walk|drive|work|cook|shop|garden|clean|dress|"
    r"lift|complete|finish|play|carry|climb|return|reach|go)\b(?![^.;]{0,40}\b(?:before|only|"
    r"no more than|less than|at most)\b)",
    # (not a drug "was started around Thanksgiving": a passive start, a name in capitals)
    r"\b(?:resum(?:ed|e|ing)|(?<!was )(?<!were )(?<!been )(?<!is )(?:has |have )?started) "
    r"(?:\w+ )?(?:work|duty|activities|driving|"
    r"volunteer\w*|(?!taking|using|receiving|having|being|spring|morning|evening|during|"
    r"nothing|something|anything)(?-i:[a-z][a-z]+ing))\b",
    # an everyday activity done now or again: "She now walks to the mailbox and back", "he
    # cooks dinner again", "she drives herself to work now"
    rf"\b(?:he|she|they|the (?:patient|worker|applicant)) (?:(?:now|again|once again) {_ADL}\b"
    r"(?! with\b)|"  # (not "now walks with a cane")
    rf"{_ADL}\b[^.;]{{0,60}}?\b(?:again|now)\b(?! (?:and then|has|is)\b))",
    # what could not be done before: "She could not do that before.", "for the first time
    # since the injury"
    r"\b(?:could ?n[o'’]t|could not|was unable to|was not able to|were unable to) "
    r"(?:do|manage) (?:that|this|it|so)(?: \w+){0,2} before\b|"
    # "... and walk his dog, which he could not do before it was started"
    r"\bwhich (?:he|she|they) (?:could ?n[o'’]t|could not|was unable to|was not able to) "
    r"(?:do|manage)(?: \w+){0,2} before\b|"
    # "..., which she could not do in September", "... which she could not do without it"
    r"\bwhich (?:he|she|they) (?:could ?n[o'’]t|could not|was unable to|was not able to) "
    r"(?:do|manage) (?:in (?:\w+ )?(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|\d{4})|without (?:it|them|the \w+)|prior to "
    r"(?:it|them|the \w+))\b|"
    # a whole shift or day of work done: "she can stand at the bench for her full eight-hour
    # shift", "she was again completing her full shift"
    r"\b(?:can|could|is able to|was able to|again|now)\s+(?:[\w-]+\s+){0,6}?(?:for|through|"
    r"completing|complete|finish(?:ing)?|work(?:ing)?)\s+(?:his|her|their|a|the)\s+"
    r"(?:full|entire|whole)\s+(?:[\w-]+\s+)?(?:shift|work ?day|day at work|work ?week)\b|"
    r"\bfor the first time since (?:the|his|her|their) (?:injury|surgery|accident|fall)|"
    # "..., none of which he could do before it was started"
    r"\bnone of (?:which|these|them|this) (?:he|she|they) (?:could|was able to|were able to) "
    r"(?:do|manage)\b[^.;]{0,20}?\bbefore\b",
    # ("She is back to a full 8-hour schedule of patients")
    r"\b(?:(?:gone|went|is|was|got|goes|going|gets?|got)(?: him| her| them)? )?back (?:to|at) "
    r"(?:a )?" + _JOB,
    r"\b(?:returned to|resumed) " + _JOB,
    # said as a noun: "recorded ... return to full duty", "with a return to modified work"
    r"\b(?:(?:a|his|her|their|with|and)\s+)return to (?:full|regular|modified|light|"
    r"unrestricted|usual) (?:[\w-]+ )?(?:duty|work|duties)\b",  # ("full chair-side duty")
    r"\breleased to (?:full|regular|unrestricted)|\bupgraded to (?:full|regular)",
    # what could be done before against what is done now: "Before them she could turn her head
    # only about halfway; now she checks her mirror without turning her shoulders"
    r"\bbefore (?:them|it|that|this|the (?:\w+ ){0,2}\w+)\b[^.]{0,100}?\b(?:could|was able "
    r"to|managed to)\b[^.]{0,100}?\bnow\b",
    r"\bincreased (?:his|her|their) (?:work |working )?(?:hours|shifts|days at work)\b|"
    # "now sleeps 6 h and sits through a movie"
    r"\bsits? through (?:a|an|the|his|her|their|church|mass|dinner|meals?)\b|"
    r"\b(?:fewer|reduced|lighter|less|eased|relaxed|lifted) (?:work )?restrictions|"
    r"\brestrictions (?:were |have been |was )?(?:lifted|reduced|eased|relaxed|removed)",
    r"\b(?:without|w/o) (?:help|assistance)\b",
    # an aid given up: "she had set aside the walker", "no longer needs the cane", "weaned
    # off the crutches"; stairs taken normally: "climbing a flight of stairs step over step"
    r"\b(?:set aside|gave up|given up|put away|discarded|stopped using|no longer (?:uses|needs|"
    r"requires)|weaned (?:off|from)|graduated from)\s+(?:the |her |his |their |a |an )?"
    r"(?:front-wheeled |rolling |\w+ )?(?:walker|cane|crutch(?:es)?|wheelchair|sling|brace|"
    r"boot)\b|\bstep over step\b|\breciprocal(?:ly)? (?:gait )?on (?:the )?stairs\b",
    # (not a limit: "walks for 5 minutes at a time", "walks only a block before resting")
    r"(?<!minute )(?<!-minute )(?<!only )(?<!can only )\bwalk(?:s|ed)? (?:the )?(?:\d+ (?:blocks?|"
    r"miles?|minutes?|hours?|hrs?|min)|for|one|two|three|a mile|a block|around|up to|(?:his|her|"
    r"the) dog)(?![^.;]{0,30}\b(?:at a time|before (?:he|she|they) (?:has|have|needs?|must)|"
    r"before (?:resting|stopping|sitting))\b)",
    # a clause that opens with the activity done again: "; walks the dog 20 minutes again"
    rf"(?:^|;)\W*{_ADL}\b[^.;]{{0,60}}?\bagain\b",
    # (not work kept up, which tells no change: "she continued to work full duty", "still
    # works full shifts"; unless the treatment keeps it up: "with it he continues to work
    # full duty")
    r"\bwith (?:it|them|this|these|the medications?|(?:his |her )?meds|medication),? (?:he|she|"
    r"they) (?:continues|continued|keeps|kept|is able to continue) (?:to )?work",
    _KEPT_UP + r"\b(?:completes?|completed|finish(?:es|ed)?|works?|worked) (?:his |her |"
    r"their |full )?(?:\S+ ){0,2}?(?:shifts?|work ?days?)|" + _KEPT_UP +
    r"\bwork(?:s|ed|ing)? (?:a |his |her |their )?full\b|\bdoes (?:his|her) own\b",
    # before and after in a measure of function: "Oswestry 46% -> 28%", "Grip R 18 lb -> 32
    # lb", "sitting tolerance up to an hour", "walking went from 1 block to 4 blocks"
    r"\b" + _MEASURE + r"\b[^.;]{0,40}?\d+\s*(?:%|lbs?|kg|minutes?|blocks?)?\s*(?:->|→|to)"
    r"\s*(?:about |roughly )?(?:\d|an? |one|two|three|four)",
    # an everyday activity done again: "shopping for groceries again"
    r"\b(?:walking|shopping|driving|cooking|cleaning|working|gardening|exercising|swimming|"
    r"golfing|hiking|bowling|dancing|fishing|bicycling|biking|jogging|vacuuming|mowing)\b"
    r"[^.;]{0,30}?\bagain\b",
    r"\b(?:tolerance|distance|score) (?:has |have )?(?:improved|increased|up to)\b",
    # "she went from walker-dependent transfers to independent transfers" (not a pain score
    # or a range of motion: relief, and motion without function; nor a dose: "OxyContin was
    # increased from 10 mg to 20 mg")
    r"\b(?:went|(?:has |have )?gone|progressed|advanced|improved|ris(?:ing|en)|rose|increased) "
    r"from "
    r"(?![^.;]{0,50}(?:/10|out of 10|pain|degrees?|deg\b|°|\d\s*(?:mg|mcg|tabs?|tablets?|"
    r"pills?|capsules?|caps|doses?|MME|MED|times)\b))[^.;]{1,60}? to\b"
    r"(?:\s+(?:an? |the )?[\w-]+(?: [\w-]+)?)?",
    # less dependency on treatment: "cut back her Norco from four to two tablets a day"
    r"\b(?:cut(?: back| down)?(?: on)?(?: his| her| their)?|weaned off|(?:reduced|decreased|"
    r"lowered|tapered)(?: off)?(?: his| her| their)?) (?:use of |need for |intake of )?"
    # ("he reduced oxycodone from four tablets a day to one"; not a finding's fall)
    r"(?!pain|symptoms|burning|the\b|sensation|strength|swelling|tenderness|range|reflex|"
    r"spasm|numbness|tingling|motion|flexion|extension|grip|back\b|down\b|again\b|dose\b|"
    r"dosage\b)"
    r"[\w/-]+(?: [\d./]+ ?(?:mg|mcg)?)? (?:from|to|by|in half)\b",
    r"\b(?:less|fewer|reduced|decreased) (?:need for |use of )?(?:his |her )?(?:pain )?"
    r"(?:medications?|meds|pills|tablets|opioids?|narcotics?|analgesics?)\b",
    # ... the drug named before the cut, counted in tablets (a prescriber's change is in mg):
    # "ibuprofen cut from 3 tablets a day to 1", "Norco use has been reduced from six pills to
    # two"; not a dose's change ("the dose was reduced from 3 capsules to 2 for sedation")
    r"\b(?!(?:dose|dosage|pain|symptoms?|was|were|been|is|are|be|has|had)\b)[A-Za-z][\w-]+"
    r"(?: use| intake)? (?:has been |had been |was |were )?"
    r"(?:cut|reduced|decreased|lowered|tapered)(?: back| down)? from "
    r"(?:about |approximately )?(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten) "
    r"(?:tablets?|tabs?|pills?|capsules?|caps|patches|doses|times)\b[^.;]{0,20}? to\b",
]
_SUBJECTIVE = [
    r"\b(?:relief|relieved|relieves|relieving|benefit|benefits|benefited|benefitted|"
    # (not help given by someone: "needs his wife's help to bathe", "with help from her son")
    r"help(?:s|ed|ful|ing)|(?<!'s )(?<!\u2019s )(?<!needs )(?<!need )(?<!needed )(?<!requires )"
    r"(?<!required )(?<!with )(?<!for )help\b|improve[sd]?|improving|improvement|better|effective|"
    r"(?<!weight )gains?|looser|tolerable)\b"
    # (not what eases a symptom, a posture or rest: "leg pain after walking one block,
    # relieved by sitting", "better when lying down", "improves with rest")
    r"(?!,?\s+(?:by|with|when|on|upon|after|while)\s+(?:sitting|sitting down|standing|rest|"
    r"resting|lying|lying down|laying down|recumbency|reclining|leaning|bending|forward flexion|"
    r"flexion|changing positions?|position changes?|shifting)\b)"
    r"|\bloosen(?:s|ed)? (?:\w+ )?up\b",
    r"\b(?:tak(?:es?|en|ing)|took) (?:some of )?the (?:edge|sting) (?:off|out)|"
    r"\b(?:by|perhaps|maybe|about|roughly|approximately|nearly|almost) \d{1,3}\s*(?:%|percent)"
    r"(?!\s*(?:cream|gel|patch|lidocaine|ointment|solution|/))|"
    r"\bget(?:s)? (?:him |her |me )?(?:through the day|to sleep)",
    r"\b(?:decrease[sd]?|reduce[sd]?|lessen(?:s|ed)?|ease[sd]?|took|takes?|taken|brought|"
    r"brings?|cut|cuts|relax(?:es|ed)?) (?:the |his |her )?(?:\w+ )?(?:pain|burning|numbness|"
    r"tingling|symptoms|spasms?|muscles)(?! (?:and|is|are|was|were|in|of)\b)",
    r"\b(?:pain|burning|numbness|tingling|symptoms|spasms?) (?:(?:is|was|are|were) (?:now )?"
    # "pain is down from 7/10 to 4/10" (not "pain was down the back of the leg")
    r"down(?= (?:from|to|by|about|around|roughly|significantly|considerably|substantially|"
    r"somewhat)\b| \d)|(?:has |have |had )?(?:(?:went|goes|came|comes) (?:down|from)|dropped|"
    r"drops|decreased|decreases|improved|eased|lessened|subsided|resolved))\b",
]
# No gain, said outright ("failed", "did nothing", "with little effect") or as a gain negated.
_NONE = [
    # no change said plainly: "his pain was about the same", "grip strength remained 8
    # pounds", "she still could not fasten buttons", "he had not reduced his medication"
    r"\b(?:pain|symptoms?|function\w*|it|things|activities(?: of daily living)?|ADLs?|"
    r"activity(?: level)?)\s+(?:was|is|were|are|remained|remains|stayed|"
    r"stays|felt|feels)\s+[\"'\u201c]?(?:about\s+|roughly\s+|essentially\s+|basically\s+|"
    r"largely\s+|much\s+)?the same\b",
    r"\b(?:remained|remains|stayed|unchanged at)\s+(?:at\s+)?\d",
    # a limit that stayed: "her squat remained limited to 30 degrees", and the mechanical
    # symptoms that went on: "she continued to have episodes of locking" (not "continues to
    # have pain": pain said alone tells no course's result; "remained unable to" is read with
    # its run of activities, _UNABLE_OR)
    r"\b(?:remained|remains|stayed)\s+(?:\w+\s+)?(?:limited|restricted)\b",
    r"\bcontinued?\s+to\s+(?:have|report|describe|experience|complain\s+of)\s+(?:episodes\s+of\s+|"
    r"(?:the\s+)?same\s+)?(?:locking|catching|giving\s+way|buckling)\b",
    # an inability that stayed: "at discharge he remained unable to squat or kneel"
    r"\b(?:remained|remains|stayed)\s+(?:completely\s+|still\s+)?(?:unable|not\s+able)\s+to\b",
    # (the cue starts after "still": a plan's "could" is looked for in its first words)
    r"(?<=\bstill )(?:could\s*n[o']t|cannot|can't|couldn't|(?:is|was)\s+unable\s+to|"
    r"unable\s+to)\b",
    r"\b(?:had|has|have|did)\s*n[o']t\s+(?:been\s+able\s+to\s+)?(?:reduce[d]?|cut|decrease[d]?|"
    r"lower(?:ed)?)\s+(?:his\s+|her\s+|their\s+|the\s+)?(?:use\s+of\s+)?(?:pain\s+)?(?:medications?|"
    r"meds|pills|opioids?)\b",
    # a benefit that has ended: "meloxicam stopped working", "it has stopped helping", "the
    # patches lost their effect"
    # (not a person's work: "he stopped working in 2019")
    r"(?<!\bhe )(?<!\bshe )(?<!\bthey )(?<!\bI )(?<!patient )(?<!worker )(?<!applicant )"
    r"\b(?:stopped|stops|ceased|quit)\s+(?:helping|working|being\s+(?:effective|helpful))\b|"
    r"\b(?:lost|loses|losing)\s+(?:its|their|his|her|all|any)?\s*(?:effect(?:iveness)?|"
    r"efficacy|benefit)\b",
    # a course ended where it began: "he had finished the 18 visits with the same 20-minute
    # standing limit he started with", "... with the same restrictions as at intake"
    r"\bwith the same(?:\s+[\w-]+){0,3}?\s+(?:limits?|tolerances?|restrictions?|pain|function\w*|"
    r"deficits?|range of motion|ROM|scores?|levels?|symptoms)\b[^.;]{0,20}?\b(?:(?:he|she|they) "
    r"(?:had )?(?:started|began|came in|entered) with|as (?:before|at (?:the )?(?:start|intake|"
    r"baseline|outset|evaluation)))",
    # "the medications 'are not changing much'", "the meds aren't making much difference"
    r"\b(?:is|are|was|were|been)\s*n[o'\u2019]t\s+(?:really\s+)?(?:changing\s+(?:much|"
    r"anything)|making\s+(?:much|any|a|a real|a big)\s+(?:of\s+a\s+)?difference)\b",
    # a drug that only lets the worker rest: "oxycodone 'just lets me lie down'"
    r"\b(?:just|only|merely)\s+(?:lets|let|allows|allowed|helps|helped)\s+(?:me|him|her|them)\s+"
    r"(?:to\s+)?(?:lie|lay|rest|sit|sleep|stay in bed|get through the day)\b",
    r"\b(?:failed|ineffective|unhelpful|unchanged|plateau(?:ed|s)?|no better|"
    r"did nothing|does nothing|do nothing|(?:did|does|do|adds?|added) little\b|"
    r"(?:little|minimal|no) (?:effect|help|response)|not (?:helpful|effective)|"
    r"(?:(?:has|have|had) not|(?:has|have|had)n['\u2019]?t) (?:progressed|changed|improved)|"
    r"not progressed|"
    r"(?:pain|symptoms?|numbness|tingling) (?:\w+ )?persist(?:s|ed)?|persisted)\b",
    r"\b(?:did|does|do) ?n[o']t (?:really |actually |seem to |appear to )?(?:help|work|change|"
    r"improve|do much|do anything|touch)|\bno different\b|"
    # "She did not feel it changed anything", "he does not think they helped"
    r"\b(?:did|does|do) ?n[o']t (?:feel|think|find|notice|believe) (?:that )?(?:it|they|this|"
    r"these|the \w+) (?:changed|helped|made (?:a|any) difference|did (?:anything|much)|worked|"
    r"(?:is|was|are|were) doing (?:anything|much))|"
    r"\b(?:could ?n[o']t|did ?n[o']t|unable to) tolerate|"
    r"\bn[o']t (?:do|done) (?:much|anything)|\bdoes ?n[o']t touch it",
    r"\b(?:no|without|w/o) (?:any |much |a |real |significant |meaningful |appreciable |"
    r"lasting |sustained |further |durable |measurable |noticeable |discernible |objective |"
    r"functional |clinical(?:ly)? (?:significant |meaningful |important )?|notable |clear |"
    r"obvious )*(?:change|difference|gain|effect)\b(?! (?:of|to)\b)",
    # "none of which has produced lasting change", "neither has changed the arm symptoms"
    r"(?<!\] )\b(?:none|neither|nothing)\b[^.;\[\]]{0,50}?\b(?:chang\w*|difference|help\w*|"
    r"improv\w*|"
    r"relie\w*|benefit\w*|better)",
    # "he does 'about the same' around the house whether or not he takes it", "makes no
    # difference to what she can do"
    r"\bthe same\b[^.;]{0,40}?\b(?:whether or not|with or without|on or off)\b|"
    # a measure "still about 15 minutes, the same as at the start"
    r"\bsame as (?:it was )?(?:at (?:the )?(?:start|beginning|outset|baseline|intake|"
    r"evaluation|initial evaluation)|before|prior to|on admission|initially)\b|"
    r"\bmak(?:es?|ing) no (?:real )?difference\b",
    r"\bnot (?:much|anything)\b|\bbarely (?:touch|help)\w*|\b(?:not sure|unsure|"
    r"can'?t tell|cannot tell)\b[^.;]{0,30}?\b(?:anything|help\w*|work\w*|doing)",
    r"\bstill (?:wakes|sleeps only|unable|cannot|can'?t|spends|limited|has difficulty)|"
    # "in spite of all of the above", "despite therapy" (not "works despite the pain")
    r"\b(?:despite|in spite of) (?:the |this |his |her |these |those |that |all (?:of )?(?:the )?)?"
    r"(?:above|treatments?|therap(?:y|ies)|care|sessions|visits|injections?|medications?|meds|"
    r"it|them)\b",
]
_WORSE = [
    r"\bmade (?:\w+ ){0,3}worse|\b(?:got|became|become|gotten|felt|was|were) (?:\w+ )?worse\b"
    r"(?! (?:with|when|on|at|in|by|during|than)\b)",
    r"\bworsen(?:ed|s)\b|\b(?:increased|aggravated|exacerbated) (?:his|her|their|the)\b"
    # (not what was raised: "had increased his work hours from 4 to 6 a day")
    r"(?! (?:\w+ )?(?:work|hours|walking|activit\w*|function\w*|tolerance|distance|shifts?|"
    r"duties|duty|participation|exercise|mileage)\b)"
    r"|\b(?:a |the )?decline in (?:his |her |their |the )?(?:ability|function)",
    # function said to be falling off on the treatment: "Diminishing functional benefit from
    # Norco", "function has gone down over the last 6 months despite the same dose"
    r"\b(?:diminishing|declining|decreasing|waning|dwindling|fading|lessening)\s+"
    r"(?:functional\s+)?(?:benefit|function(?:ing)?|efficacy|effectiveness)\b|"
    r"\bloss of (?:functional\s+)?(?:benefit|efficacy|effectiveness)\b",
    r"\b(?:function|functioning|functional (?:level|status))\s+(?:has\s+|had\s+|have\s+)?"
    r"(?:gone down|declined|worsened|decreased|deteriorated|regressed|dropped off)\b",
]
# Words of a cue that say nothing of a treatment: help needed ("she needs help to bathe"), a
# position that eases a symptom ("sitting is better")
_NEUTRAL = [
    r"\b(?:needs?|needed|requires?|required|asks? for|asked for)(?: \w+)?(?:'s)? help\b|"
    r"\bwith (?:the )?help (?:of|from)\b|"
    r"\bbenefits? (?:services|manager|plans?|administrator|programs?)\b|"  # an insurer's name
    # a prescription left as it was: "Status: Active (no change)", "no change to the dose"
    r"\((?:no changes?|unchanged)\)|\b(?:exam|examination|findings|neuro\w*|imaging|mri|x-?rays?|"
    r"vitals)\s+(?:is |are |was |were )?unchanged\b|\b(?:better|well) tolerated|"
    r"tolerated better|\bno changes? (?:to|in) (?:the |his |her )?(?:dose|dosage|medications?|"
    r"meds|regimen|plan|directions|prescription)|\b(?:dose|dosage|regimen|status)\b[^.;]{0,20}"
    r"\b(?:no change|unchanged|(?:has|have|had) not (?:been )?changed)\b|"
    r"\bhelp (?:from|at home)\b|\b(?:is|are|feels?) better (?:with|when|if|on|lying|sitting)\b|"
    r"\b(?:sitting|lying|rest(?:ing)?|standing|walking) (?:is|are|makes it|helps?) better\b",
]
# A change said of the course, which says something only negated: "has not noticed a
# difference", "did not make any change"
_CHANGE = [r"\b(?:noticed|notice|made|make|seen|felt|produced|produce|caused|had) (?:a |any |much |"
           r"lasting |meaningful |real |significant )*(?:change|difference)\b"]
_DONE = "activity"  # a functional gain shown by an activity
_CUES = [(gated(p, _I), kind) for kind, ps in (("", _NEUTRAL), (WORSE, _WORSE), (NONE, _NONE),
                                                     ("change", _CHANGE), (FUNCTIONAL, _FUNCTIONAL),
                                                     (_DONE, _ACTIVITY),
                                                     (SUBJECTIVE, _SUBJECTIVE)) for p in ps]
# What a negated cue says: no gain, or nothing (worsening or an activity denied is a status).
_DENIED = {FUNCTIONAL: NONE, SUBJECTIVE: NONE, NONE: NONE, WORSE: "", _DONE: "", "change": NONE}

# A negation whose scope a gain word falls in: up to eight words back, within its clause.
_NEGATION = gated(r"\b(?:no|not|none|neither|nor|never|without|w/o|lack of|absence of|"
                       r"failed to|unable to|cannot|can't|no longer|denies)\b|n't\b"
                       r"|\bw/o\b", _I)
_SCOPE_END = gated(r"[,;:(]|\b(?:but|and|which|however|though|although|while|then|after|"
                        r"until|so)\b", _I)
# Not documented: what follows says nothing ("no documentation of improvement", "does not
# comment on whether it helped", "no specific activity is named").
_UNDOCUMENTED = gated(r"\b(?:no|not|without|nor)\s+(?:\w+\s+){0,2}?(?:documentation|document"
                           r"(?:ed|s)?|evidence|record(?:ed)?|mention(?:ed)?|description|"
                           r"described|comment(?:s|ed)?|quantif\w*|specific|objective|measur\w*|"
                           r"indicat\w*|report(?:ed)?|state[sd]?|say|says)\b|\bwhether\b", _I)
# Function said not to be shown: a gain in it is at most relief.
_NO_FUNCTION = re.compile(r"\bno (?:\w+ ){0,2}(?:activit(?:y|ies)|function\w*|change in work|"
                          r"return to work)\b[^.;]{0,40}?\b(?:is|are|was|were|has been|have been)?"
                          r"\s*(?:named|described|documented|noted|given|reported|recorded|"
                          r"specified|identified|improvement|gain)|\bno (?:objective|measurable|"
                          r"documented|specific) (?:\w+ )?(?:functional|function|activity|"
                          r"improvement)|\bstill unable to\b|\bunable to do much\b", _I)
# Function said to be as it was: "he was able to shower and dress himself, and his activity
# level had not changed over the past year", "no change in his function", "ADLs unchanged"
_WHAT_IS_DONE = (r"(?:how (?:far|long|much|many|often)|what (?:he|she|they) (?:is|are|was|"
                 r"were|can|could)(?: able to)? do)\b")
_FUNCTION_UNCHANGED = re.compile(
    r"\b(?:activit(?:y|ies)(?: level)?|function(?:al)? (?:level|status|capacity)|function|"
    # (within its own clause: "her function improved, and the pain is unchanged" is a gain)
    r"ADLs|level of (?:activity|function))\b(?:(?!\b(?:and|but|while|though|although)\b)"
    r"[^.;,]){0,30}?\b(?:(?:has|have|had) not (?:changed|"
    r"improved)|(?:is|are|was|were|remained|remains|stayed) (?:essentially |largely )?"
    r"(?:unchanged|the same)|unchanged)\b|"
    r"\bno (?:\w+ ){0,2}(?:change|improvement|gain) in (?:his |her |their )?(?:\w+ )?"
    r"(?:activit(?:y|ies)|function\w*|ADLs)\b|"
    # a measure of what is done said unchanged: "no change in the numbness or in how far he
    # can walk"
    # can walk", "no appreciable change in the arm numbness or in what he is able to do"
    r"\bno (?:\w+ ){0,2}change in\b[^.;]{0,60}?\b" + _WHAT_IS_DONE + r"|"
    # ... or a tolerance: "no appreciable change in leg symptoms or walking distance"
    r"\bno (?:\w+ ){0,2}change in\b[^.;]{0,60}?\b(?:walking|sitting|standing|driving|lifting|"
    r"carrying|work)\s+(?:distance|tolerance|time|capacity|ability|hours)\b|"
    # ... or said not changed: "has not changed the burning in the right leg or how far he can
    # walk"
    r"\b(?:(?:has|have|had|did|does) not|(?:has|have|had|did|does)n['\u2019]?t) "
    r"(?:changed?|altered?)\b"
    r"[^.;]{0,60}?\b" + _WHAT_IS_DONE, _I)
# What is to come, hoped for, or a goal: "if the blocks give relief", "to improve function",
# "would benefit from", "goal of"
_AHEAD = gated(r"\b(?:for(?= (?:the |pain |symptomatic |symptom )?(?:relief|improvement|"
                    r"benefit|help)\b)|if|unless|would|will|should|might|"
                    # (a reported past ability is told: "he reported that with it he could
                    # walk 20 minutes instead of 5")
                    r"(?<!he )(?<!she )(?<!they )could(?! ?n[o']t)|"
                    r"hope[sd]?|expect\w*|"
                    r"(?-i:may)|goals? (?:is|are|was|were|of|to|include)|goals?(?=\s*:)|aim\w*|"
                    r"intend\w*|plans? to|planned to|wants? to|wish(?:es)? to|"
                    r"candidate|consider\w*|in order|whether|"
                    r"(?<!able )(?<!him )(?<!her )(?<!them )(?<!continues )(?<!continue )"
                    r"(?<!continued )(?<!seems )(?<!appears )(?<!used )"
                    # (what was observed is no goal: "naproxen was noted to reduce her aching
                    # ... and to allow her to complete her shift")
                    r"(?<!noted )(?<!reported )(?<!said )(?<!found )(?<!shown )(?<!observed )"
                    # (nor is the second of a pair, which the first tells: "... noted to
                    # reduce X and to allow Y"; "prescribed to reduce X and to allow Y" stays
                    # a goal by its first)
                    r"(?<!documented )(?<!stated )(?<!felt )(?<!and )to (?=help|improve|reduce|"
                    r"decrease|increase|restore|allow|enable|facilitate|relieve|return|resume|"
                    r"control|manage|address|treat|get|maximi[sz]e|achieve|see))\b", _I)
_CLAUSE = gated(r"[;]|\.\s|\bbut\b", _I)
_WHEN_DONE = re.compile(r"\b(?:when|whenever|as soon as|once|every time|each time|until)\s+(?:he|"
                        r"she|they|the (?:patient|worker|claimant|employee|injured worker))\s*$",
                        _I)


def cues(text: str) -> list[tuple[int, str]]:
    """(offset, kind) of each response cue that the text asserts, in order."""
    said = []
    for start, end, kind in _found(text):
        clause = _clause_before(text, start)
        if _AHEAD.search(clause + text[start:start + 12]) or _UNDOCUMENTED.search(clause):
            continue  # a hope, a plan or a goal; or what is not documented
        if kind == NONE and text[start:end].lower() == "failed" and _negated(clause):
            continue  # "not a failed trial" (of a drug never taken): neither failed nor helped
        if kind in (FUNCTIONAL, _DONE) and _WHEN_DONE.search(clause[-60:]):
            continue  # a time, not a gain: "the pain came back as soon as she resumed her
            # regular duties", "when he returned to full duty"
        if kind and kind != NONE and _negated(clause):
            kind = _DENIED[kind]
        if kind and kind != "change":
            said.append((start, FUNCTIONAL if kind == _DONE else kind))
    return said


def _found(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, kind) of every cue, in order; a span taken by one is not read again, and
    a word in capitals in a text that has small letters is a name ("the Inland HELP program").
    The reader asks about the same sentence and clause several times (a course's response,
    a list's closing, a reference back): the answer is kept per text."""
    found = _FOUND.get(text)
    if found is None:
        if len(_FOUND) >= 2048:  # letters bring new sentences forever
            _FOUND.clear()
        found = _FOUND[text] = tuple(_find(text))
    return found


_FOUND: dict[str, tuple[tuple[int, int, str], ...]] = {}
_DIGIT = re.compile(r"\d")


# A measure of function said before and after: "Oswestry 48% -> 30%", "her Neck Disability
# Index was 42% at the start of chiropractic care and 40% after the eighteenth visit", "grip
# went from 20 lb to 35 lb". What the change says depends on the measure's direction and size.
_LOWER_BETTER = re.compile(r"oswestry|odi|ndi|neck disability|dash|quickdash|disability|beck|bdi|"
                           r"bai|phq|gad", _I)
# Mood screens score 0-27 to 0-63: a few points are a real change (5 on the PHQ-9)
_MOOD_SCALE = re.compile(r"beck|bdi|bai|phq|gad", _I)
_TIMED = re.compile(r"timed up and go|tug", _I)  # seconds a task takes: fewer is better
_UNITS = r"\s*(?:%|percent|points?|lbs?|pounds|kg|minutes?|min|hours?|blocks?|feet|ft|miles?)?"
# (a figure, not a date's part; or one in words, "six blocks ... compared with two before")
_NUMBER_WORDS = {w: float(n) for n, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))} | {"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0,
                               "ninety": 90.0}
_IN_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_FIGURE = r"(?<![/\d.])(?P<{}>\d{{1,3}}(?:\.\d)?)(?![/\d])" + _UNITS
# (in words only where the order is said outright: "six blocks ... compared with two before";
# "eight blocks, where before he could manage two" tells the earlier last)
_SAID_FIGURE = r"(?<![/\d.])(?P<{}>\d{{1,3}}(?:\.\d)?(?![/\d])|\b(?:" + _IN_WORDS + r")\b)" \
    + _UNITS
_A_NUMBER = re.compile(r"\d|\b(?:" + _IN_WORDS + r")\b", re.I)


def _number(said: str) -> float:
    """A figure's value, in digits or in words."""
    return _NUMBER_WORDS.get(said.lower()) or float(said) if not said[:1].isdigit() else \
        float(said)
_BEFORE_AFTER = gated(
    r"\b(?P<measure>" + _MEASURE + r")\b[^.;\d]{0,60}?" + _FIGURE.format("before")
    + r"(?P<between>[^.;\d]{0,80}?)" + _FIGURE.format("after")
    + r"(?P<when>\s*(?:after|at discharge|now|currently|at the end|today|at follow-up)\b)?", _I)
# ... the earlier figure given in brackets after a verb: "now drives 45 minutes without
# stopping (was 15)", "walked 6 blocks (previously 2)"
_WAS_AFTER = gated(
    r"\b(?P<measure>" + _MEASURE_SAID + r")\b[^.;\d]{0,60}?" + _FIGURE.format("before")
    + r"(?P<between>[^.;\d(]{0,60}?\(\s*(?:it\s+)?(?:was|were|previously|formerly|from)\s*)"
    + _FIGURE.format("after") + r"(?P<when>(?!))?", _I)
# ... or the later figure first: "walking 20 minutes instead of 5", "sitting 45 minutes, up
# from 15"
_AFTER_BEFORE = gated(
    r"\b(?P<measure>" + _MEASURE_SAID + r")\b[^.;\d]{0,40}?" + _SAID_FIGURE.format("after")
    # (when, between: "he walked six blocks during the trial compared with two before")
    + r"(?:\s+(?:during|on|with|in|at|since|after)\s+(?:the\s+|this\s+|that\s+)?[a-z-]+"
    r"(?:\s+[a-z-]+)?)?"
    + r",?\s*(?:instead of|rather than|up from|down from|compared (?:with|to)|versus|vs\.?)\s*"
    # (the earlier figure's own words between: "with a cane for 200 feet instead of a walker
    # for 50 feet")
    r"(?:about |roughly |only |just |(?:a |an |the |his |her )?[a-z-]+ (?:for |of |to )?)?"
    + _SAID_FIGURE.format("before"), _I)
# What says the second figure is the later one: between the two, or after the second
_THEN = re.compile(r"->|\u2192|\bto\b|\b(?:after|now|currently|today|then|at discharge|at the end|"
                   r"later|since|at the start|initially|at baseline|at intake|before)\b", _I)


# ... or the figures around the measure: "he has gone from 15 min of walking to 45 min"
_FROM_TO = gated(r"\bfrom\s+" + _FIGURE.format("before") + r"\s+(?:of\s+)?(?P<measure>"
                 + _MEASURE + r")\b[^.;\d]{0,20}?\bto\s+" + _FIGURE.format("after"), _I)
_EARLIER_SAID = re.compile(r"[ \t]*(?:\w+[ \t]+){0,2}?(?:at intake|at baseline|initially|at "
                           r"the (?:start|outset)|at first|previously|before (?:treatment|"
                           r"therapy|care|the (?:program|injection|block|course|first visit)))\b",
                           _I)
_NEW_CLAUSE = re.compile(r",\s*(?:and|but|while|whereas)\s+(?:he|she|they|it|his|her|the)\b",
                         _I)
_WAS = re.compile(r"\(\s*(?:it\s+)?(?:was|were|previously|formerly|from)\s*$", _I)


# A figure's unit, by kind and size, so two figures said in different units compare: "for 2
# hours instead of 45 minutes", "an 8-hour shift (was 4 hours)", "2 miles/day (was 2 blocks
# before)" (a city block taken as a sixteenth of a mile)
_UNIT_SAID = re.compile(r"[\s-]*(?P<unit>hours?|hrs?|minutes?|mins?|miles?|blocks?|feet|ft|"
                        r"yards?|kg|lbs?|pounds)\b", _I)
_SCALES = {"hour": ("time", 60.0), "hr": ("time", 60.0), "minute": ("time", 1.0),
           "min": ("time", 1.0), "mile": ("distance", 5280.0), "block": ("distance", 330.0),
           "feet": ("distance", 1.0), "ft": ("distance", 1.0), "yard": ("distance", 3.0),
           "kg": ("weight", 2.2), "lb": ("weight", 1.0), "pound": ("weight", 1.0)}


def _unit(text: str, end: int) -> tuple[str, float] | None:
    """The kind and size of the unit said right after a figure, if any."""
    said = _UNIT_SAID.match(text, end)
    if not said:
        return None
    unit = said.group("unit").lower()
    return _SCALES.get(unit) or _SCALES.get(unit[:-1])


def _in_one_unit(text: str, said: re.Match[str]) -> tuple[float, float] | None:
    """The before and after figures in one unit (a figure with none takes the other's: "45
    minutes (was 15)"); None when their units measure different things."""
    units = [_unit(text, said.end(k)) for k in ("before", "after")]
    known = [u for u in units if u]
    if len({kind for kind, _ in known}) > 1:
        return None
    scales = [(u or (known[0] if known else ("", 1.0)))[1] for u in units]
    return _number(said.group("before")) * scales[0], _number(said.group("after")) * scales[1]


def _measured(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end of the measure's name, end, kind) of each measure of function given before
    and after: a gain when it
    moved the right way by a clinically meaningful amount (10 points or a fifth on a
    disability index; a fifth on a capacity such as grip, lifting or walking), no gain when it
    barely moved, worse when it moved the wrong way. (Ten points is the usual minimal
    clinically important difference of the Oswestry and Neck Disability indexes.)"""
    found = []
    seen = set()
    for said in [*_BEFORE_AFTER.finditer(text), *_AFTER_BEFORE.finditer(text),
                 *_FROM_TO.finditer(text), *_WAS_AFTER.finditer(text)]:
        if said.start() in seen:
            continue  # (a measure's name read in both its forms)
        # (the later figure first says its order itself; the earlier first needs a word, and
        # no new clause between: "walking to 45 min, and he returned to work 6 h/day")
        if "between" in said.groupdict() and (not (
                _THEN.search(said.group("between")) or said.group("when")
                or _WAS.search(said.group("between"))
                or _EARLIER_SAID.match(text, said.end()))
                or _NEW_CLAUSE.search(said.group("between"))):
            continue
        figures = _in_one_unit(text, said)
        if figures is None:
            continue
        before, after = figures
        if "between" in said.groupdict() and (_EARLIER_SAID.match(text, said.end())
                                               or _WAS.search(said.group("between"))):
            # the second figure said to be the earlier: "can now sit through a 60-minute drive
            # (sitting tolerance 20 minutes at intake)", "can now sit at the computer 2 hrs
            # before needing a break (was 45 min)"
            before, after = after, before
        index, timed = bool(_LOWER_BETTER.match(said.group())), bool(_TIMED.match(said.group()))
        gain = before - after if index or timed else after - before
        least = max(5.0 if _MOOD_SCALE.match(said.group()) else 10.0, 0.2 * before) if index \
            else 0.2 * before
        if gain >= least and gain > 0:
            kind = _DONE
        elif gain < 0 and abs(gain) >= 0.1 * max(before, after, 1.0):
            kind = WORSE
        else:
            kind = NONE
        # (the cue is the measure's name: a treatment named between the figures, "42% at the
        # start of chiropractic care and 40% after", is what the change is said of)
        seen.add(said.start())
        found.append((said.start(), said.end("measure"), said.end(), kind))
    return found


def _find(text: str) -> list[tuple[int, int, str]]:
    measured = _measured(text) if _A_NUMBER.search(text) else []
    found = [(start, name_end, kind) for start, name_end, _, kind in measured]
    taken = [(start, end) for start, _, end, _ in measured]  # no other cue reads its figures
    lower = any(c.islower() for c in text)
    for pattern, kind in _CUES:
        for hit in pattern.finditer(text):
            word = hit.group()
            if lower and word.isupper() and len(word) > 2 and word.isalpha():
                continue
            # (a cue that names its treatment begins after the name: group "said")
            start = hit.start("said") if "said" in pattern.groupindex else hit.start()
            if not any(s <= start < e for s, e, _ in found) and \
                    not any(s <= start < e for s, e in taken):
                found.append((start, hit.end(), kind))
    return sorted(found)


# How far back a cue's clause is read: a plan or a negation further back than this does not
# reach it, and a clause never costs more than this (a hostile run-on line of "50% relief, "
# made every cue re-read the whole line: minutes for one letter)
_CLAUSE_REACH = 400


def _clause_before(text: str, start: int) -> str:
    """The words of the cue's clause before it: a plan or a negation speaks for its clause."""
    reach = max(0, start - _CLAUSE_REACH)
    ends = [m.end() for m in _CLAUSE.finditer(text, reach, start)]
    return text[ends[-1] if ends else reach:start]


def _negated(clause: str) -> bool:
    """Whether a negation stands in the last eight words of the clause's last scope. (Only a
    scope's end among those words, or just before them, can change which they are: the
    search for ends starts there, not at the clause's start; a run-on line of cues made it
    read hundreds of commas a cue.)"""
    parts = clause.rsplit(None, 8)
    tail = 0 if len(parts) <= 8 else clause.find(parts[1], len(parts[0]))
    ends = [m.end() for m in _SCOPE_END.finditer(clause, max(0, tail - 16))]
    scope = clause[ends[-1] if ends else 0:]
    return bool(_NEGATION.search(" ".join(scope.split()[-8:])) or _UNABLE_OR.search(scope))


# An inability said of a run of activities joined by "or": "he remained unable to lift more
# than 10 pounds or to sit through a full movie" (the last activity is as far from "unable"
# as the run is long)
_UNABLE_OR = re.compile(r"\b(?:unable to|not able to|cannot|can't|could ?n[o'’]t|no longer "
                        r"able to)\s[^.;]*\b(?:or|nor)\s+(?:to\s+)?$", re.I)


def clause_before(text: str, start: int) -> str:
    """The words of the clause before text[start]."""
    return _clause_before(text, start)


def ahead(text: str) -> bool:
    """Whether the text says what is hoped for, planned or a goal."""
    return bool(_AHEAD.search(text))


def negated(clause: str) -> bool:
    """Whether the end of the clause lies in the scope of a negation."""
    return _negated(clause)


def function_unchanged(text: str) -> bool:
    """Whether the text says function (activities, ADLs) did not change."""
    return bool(_FUNCTION_UNCHANGED.search(text))


def response_of(text: str) -> str | None:
    """The documented response, if any: the strongest cue the text asserts."""
    kinds = {kind for _, kind in cues(text)}
    if FUNCTIONAL in kinds and _FUNCTION_UNCHANGED.search(text):
        # what the worker can do is a status, not a gain, when function is said unchanged
        kinds = (kinds - {FUNCTIONAL}) | {NONE}
    if FUNCTIONAL in kinds and _NO_FUNCTION.search(text):
        kinds = (kinds - {FUNCTIONAL}) | {SUBJECTIVE}
    for kind in (WORSE, FUNCTIONAL, SUBJECTIVE, NONE):
        if kind in kinds:
            return kind
    return None


# Names joined in one list share what follows the last: "PT and chiropractic care (eight
# visits in 2023) provided temporary relief only", "ibuprofen and cyclobenzaprine, which take
# the edge off"; "PT, then an ESI which gave relief" does not (a 'which' without a comma
# is said of the name just before it).
# (a name's count and year before the joint, either order: "PT x12 (2020) and chiro x6 (2021)")
_JOINED = re.compile(r"\s*(?:\([^)]*\)\s*|x\s*\d+\s*){0,3}(?:,\s*(?:and|or|as well as|plus)?|"
                     r"and|or|&|as well as|plus|/)\s*(?:the |a |an |his |her |their )?"
                     # "ibuprofen and eight sessions of physical therapy without improvement"
                     r"(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"several|a few) (?:sessions?|visits?|courses?|rounds?|weeks?|months?) of )?",
                     _I)
# Names with details between them ("hydrocodone/APAP 5/325 mg twice a day, and ibuprofen 600 mg
# twice a day keep him working") share a response whose verb is said of several.
_LOOSE = re.compile(r"(?:(?!\b(?:which|that|who|because|was|were|is|are|has|had)\b)[^;.])*?"
                    r"(?:,\s*and|,|\band|\bor|&)\s*(?:the |a |an |his |her |their )?", _I)
# (and the past of either number that a list's failures are told in: "Physical therapy from
# 06/02/2015 through 07/28/2015 (12 visits) and a home exercise program did not change his
# back pain", "... and naproxen failed to help")
_PLURAL = re.compile(r"^[^;.]*?\b(?:keep|take|provide|give|allow|let|were|are|have|both|"
                     r"together|did\s+not|didn't|failed)\b", _I)
# A verb said of one ("..., home exercises, and ibuprofen, which provides partial relief")
_SINGULAR = re.compile(r"^[^;.]*?\b(?:provides|helps|gives|takes|keeps|allows|lets|makes|is|has|"
                       r"was|does|doesn't)\b", _I)
_PAREN = re.compile(r"\s*\(([^)]*)\)")
# (not its date: "PT and a subacromial injection on 11/09/2022 without lasting gain" closes
# the list)
_OWN = re.compile(r"\s*(?:which|that|who|with|w/|"
                  r"(?:on|in)(?!\s+(?:\d|(?-i:[A-Z])[a-z]{2,8}\.?\s+\d))|at|from|since)\b", _I)
# A drug being cut back is what a gain is measured by, not what made it: "was able to cut
# back her Norco", "weaned off oxycodone"
_REDUCED = re.compile(r"\b(?:cut(?: back| down)?(?: on)?|reduc\w*|decreas\w*|lower\w*|taper\w*|"
                      r"wean\w*(?: off)?|less|fewer|stopped (?:taking|needing)|drop(?:ped)? "
                      r"(?:the |his |her )?(?:\w+ )?doses? of)\s+(?:(?:his|her|"
                      r"their|the|use of|need for|intake of)\s+)*$", _I)
# ... or named before the cut: "Norco use went from four tablets a day to two"
# (not the drug that reduced something: "Gabapentin reduced his leg pain")
_REDUCED_AFTER = re.compile(r"\s*(?:use|intake|consumption|dose|dosage)?\s*(?:has |have |had )?"
                            r"(?:went|gone|was|were|been)?\s*(?:down|reduced|decreased|cut|"
                            r"dropped|tapered|lowered|from \w+ (?:tablets?|pills?|a day))\b"
                            r"(?!\s+(?:his|her|their|the|pain|symptoms|swelling|spasms?|numbness|"
                            r"tingling|burning|headaches?)\b)", _I)


# ... or named as the use measured, whatever became of it: "his work restrictions, his Norco
# use and his walking tolerance were unchanged" (the injection's response, not the drug's)
_USE_AFTER = re.compile(r"\s+(?:use|usage|intake|consumption|requirements?)\b", _I)
_USE_BEFORE = re.compile(r"\b(?:use|usage|intake|consumption) of\s+(?:his\s+|her\s+|the\s+)?$",
                         _I)


def reduced(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is the measure of medication use (a cut in it, or
    its use told as a measure of another treatment's effect)."""
    return bool(_REDUCED.search(text[max(0, start - 40):start])
                or _REDUCED_AFTER.match(text, end) or _USE_AFTER.match(text, end)
                or _USE_BEFORE.search(text[max(0, start - 30):start]))


def inside(text: str, start: int) -> bool:
    """Whether text[start] lies inside a cue: "she progressed from a walker to a cane" names
    no treatment of its own."""
    return any(s < start < e for s, e, _ in _found(text))


# A semicolon (or a comma) ends what is said of a name when a new treatment follows it ("; a
# cortisone injection gave relief for two weeks", a name the lexicon may not know), not when what
# follows goes on about it ("; the therapist's last note describes him as improving", "; none
# gave more than a few days of relief", "; the injection helped").
# (not a distance walked: "he was walking six blocks instead of one", "around the block")
_TREATMENT_NOUN = (r"\b(?:injections?|(?<!\d )(?<!one )(?<!two )(?<!three )(?<!four )(?<!five )"
                   r"(?<!six )(?<!eight )(?<!ten )(?<!few )(?<!several )(?<!city )(?<!the )"
                   r"(?<!a )blocks?|ablations?|surgery|brace|splints?|cortisone|steroid|"
                   r"therap(?:y|ies)|acupuncture|chiropractic|chiro|massage|TENS|patch(?:es)?|"
                   r"cream|gel)\b")
_NOT_BACK = r"(?!\b(?:the|this|that|these|those|each|all|both|its)\s)"
_ITEM_END = re.compile(r";(?=(?:" + _NOT_BACK + r"[^;.]){0,60}?" + _TREATMENT_NOUN + r")|"
                       # ", and three stellate ganglion blocks ...", not ", which lets him do
                       # his therapy"
                       r",(?:\s*and)?(?=\s*(?!\s|which|that|who|with|where|when|but)(?:" + _NOT_BACK
                       + r"[^;.,]){0,40}?" + _TREATMENT_NOUN + r")", _I)


def names_treatment(text: str) -> bool:
    """Whether the text names a kind of treatment ('an injection', 'the brace', 'therapy')."""
    return bool(_TREATMENT_NAMED.search(text))


_TREATMENT_NAMED = gated(_TREATMENT_NOUN, _I)


def item_response(tail: str) -> str | None:
    """The response in the words after a name, up to the end of its list item."""
    cut = _ITEM_END.search(tail)
    return response_of(tail[:cut.start()] if cut else tail)


def segment_responses(text: str, names: list[tuple[int, int]]) -> list[str | None]:
    """The response of each name (start, end) in the text: the words after it up to the next
    name (or the end of its list item); names joined in a list share the response that closes
    it."""
    said = [item_response(text[end:names[n + 1][0] if n + 1 < len(names) else len(text)])
            for n, (_, end) in enumerate(names)]
    for n in reversed(range(len(names) - 1)):
        between = text[names[n][1]:names[n + 1][0]]
        after = text[names[n + 1][1]:]
        if said[n] is None and not _own(after) and (
                (_JOINED.fullmatch(between) and not _SINGULAR.match(after)) or
                (_LOOSE.fullmatch(between) and _PLURAL.match(after))):
            said[n] = said[n + 1]
    return said


def _own(after: str) -> bool:
    """Whether what follows a name is said of it alone: a relative clause ("which gave
    relief"), or a parenthesis that holds a response ("acupuncture (6 sessions that helped)")."""
    paren = _PAREN.match(after)
    return bool(_OWN.match(after) or (paren and response_of(paren.group(1))))
