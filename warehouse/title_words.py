"""How a job title's words are read before any label is looked up: abbreviations spelled out (SRE, RN, BDR
...), what is not the role left out (seniority, schedule, "(m/w/d)", "Job in Derry", pay), the title cut
into the runs that may name the role, and a field read as the role it names ("Software Engineering Intern").
`warehouse.occupations` looks these runs up; `scripts/build_occupations.py` normalizes labels the same way.
"""
from __future__ import annotations

import re

from rapidfuzz import utils

from warehouse.normalize import TITLE_YEAR

ABBREVIATIONS = {
    "sre": "site reliability engineer", "swe": "software engineer", "sde": "software development engineer",
    "sdet": "software test engineer", "pm": "product manager", "tpm": "technical program manager",
    "rn": "registered nurse", "rgn": "registered nurse", "rmn": "mental health nurse", "rnld": "learning disability nurse",
    "rnmh": "mental health nurse", "rscn": "children's nurse",  # the UK's nursing registers
    "lpn": "licensed practical nurse", "lvn": "licensed vocational nurse",
    "cna": "certified nursing assistant", "hca": "healthcare assistant", "np": "nurse practitioner",
    "qa": "quality assurance", "qc": "quality control", "bdr": "business development representative",
    "sdr": "sales development representative", "ae": "account executive", "csm": "customer success manager",
    "ux": "user experience", "ui": "user interface", "ml": "machine learning", "ai": "artificial intelligence",
    "hr": "human resources", "vp": "vice president", "cto": "chief technology officer",
    "ceo": "chief executive officer", "cfo": "chief financial officer", "coo": "chief operating officer",
    "cmo": "chief marketing officer", "ciso": "chief information security officer", "dba": "database administrator",
    "emt": "emergency medical technician", "slp": "speech language pathologist", "gp": "general practitioner",
    "hgv": "heavy goods vehicle", "cdp": "chef de partie", "kp": "kitchen porter", "foh": "front of house",
    "flt": "forklift truck",
    "cdl": "truck", "frontend": "front end", "backend": "back end",
    "fullstack": "full stack", "devops": "devops", "sysadmin": "system administrator", "it": "ict",
    "dev": "developer", "eng": "engineer", "mgr": "manager", "asst": "assistant", "admin": "administrator",
    "ops": "operations", "sr": "", "jr": "",
    # marketing's own shorthands: "Content & Marcom Specialist" had been a web content manager, near a developer
    "marcom": "marketing communications", "marcomm": "marketing communications", "marcomms": "marketing communications",
    "comms": "communications",
    # job boards' clipped words ("Sr. Software Engr.", "Customer Svc Rep", "Mktg Coordinator", "Acct Exec")
    "engr": "engineer", "mech": "mechanical", "elec": "electrical", "mktg": "marketing", "proj": "project",
    "svc": "service", "rep": "representative", "reps": "representatives", "exec": "executive", "dir": "director",
    "mgmt": "management", "coord": "coordinator", "acct": "account", "acctg": "accounting", "supv": "supervisor",
    "maint": "maintenance", "mfg": "manufacturing", "assoc": "associate",
}
# One word that names no occupation by itself (left out of the index by scripts/build_occupations.py, and
# no title made of such words alone gets one) ("Engineer" is a ship's engineer in O*NET, "Developer" a film
# developer): such labels are left out, so that the words around them decide.
GENERIC_ROLES = frozenset(
    "engineer developer manager assistant technician specialist consultant analyst officer associate "
    "representative worker coordinator administrator director operator advisor adviser executive supervisor "
    "designer architect lead head agent clerk expert professional partner member staff helper".split())
GENERIC_LABELS = GENERIC_ROLES | frozenset(
    # a field is no role either ("Research Intern" is not an R&D manager): FIELD_ROLE reads it as one
    "research engineering development design science analytics management marketing sales finance "
    "accounting nursing software data operations co op "
    # a field's or a rank's bare word the taxonomies keep as a title ("Intelligence" a military officer's, "General"
    # an army general's, "Products" a merchandise displayer's): "AI Ethics Intern" had been an officer
    "intelligence general products "
    # a deputy alone names no role, nor tells the vote ("Deputy Manager" had been ESCO's deputy stage manager)
    "deputy "
    # how senior, not what ("Apprentice" is a cook's alternative label in ESCO, "Intern" a physician's in O*NET,
    # "Principal" a headteacher's): in a posting's title they say the level of whatever role is beside them
    "apprentice trainee intern principal chief".split()
) | {"team leader"}  # how senior, not what: ESCO gives the bare words to zoo section leaders
# Words that say how senior, how long or where: never part of the occupation.
NOT_THE_ROLE = frozenset(
    "senior junior lead staff principal head chief mid level entry graduate trainee apprentice intern "
    "internship internships interns i ii iii iv 1 2 3 4 remote hybrid onsite fulltime parttime temporary temp "
    "permanent freelance locum days nights weekends urgent immediate m w d f x h div genders "
    "co op coop fellowship summer fall spring winter autumn undergraduate undergrad bachelors masters phd".split()
)
# Kept despite the list above when a label needs them ("head chef", "chief executive officer", "lead nurse",
# "data entry clerk").
_KEEP_IN_LABELS = frozenset("head chief lead staff principal trainee apprentice entry".split())
# ... but after the role they say its level only: "Electrician Apprentice" is an electrician's apprenticeship (the
# labels' vote took "apprentice" for the head and found ESCO's one label ending so, a textile machine apprentice).
_LEVEL_AFTER_ROLE = frozenset("apprentice trainee".split())
# ... and so does the programme after a field: "Software Engineering Internship Program" is a software engineer's.
# (Not after a role: the labels' vote reads "Technology Analyst Program" better with the word than without it.)
_PROGRAMME = frozenset("program programme programs programmes scheme".split())
# A recruiter is one whatever market they recruit in: "IT Recruitment Consultant" and "Healthcare Recruiter" had
# been an ICT and a healthcare consultant (the labels' vote outweighed "recruitment consultant" read at the end),
# which put agency recruiters beside the developers and nurses they place.
_RECRUITERS = (("recruitment", "consultant"), ("recruiter",), ("resourcer",))
_RECRUITER_LAST = frozenset(role[-1] for role in _RECRUITERS)

# A year says when ("Software Engineering Intern 2024"), never what: left out like the season beside it
# (the same years dedupe reads in a title).
_YEAR = re.compile(TITLE_YEAR)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PAY = re.compile(r"[£$€]\s*[\d*][\d,.*]*\s*[kK]?|\b[\d*][\d,.*]*\s*[kK]\b|\b(?:doe|ote|neg|negotiable)\b|\*+", re.I)
# "Care Assistant Job in Derry", "Job in Derry - Sales Assistant": the place, up to the next part of the title
_JOB_IN = re.compile(r"\bjobs?\s+(?:in|at)\s+(?:(?!\s+[-–—|/]\s)[^|,;:(])*", re.I)
_DEV_OPS = re.compile(r"\bdev[\s-]?ops\b", re.I)  # "Dev Ops Engineer" had been "developer operations": petroleum
# An engineer or developer "in test" (SDET) writes the tests: a software tester, not the developer the words before
# "in test" would read as.
_IN_TEST = re.compile(
    r"\b(?:software\s+)?(?:development\s+)?(?:engineer|developer)\s+(?:in|for)\s+test(?:ing)?\b", re.I)
# A tradesman's mate is the trade's helper ("Electrician's Mate", "Plumbers Mate", "Driver's Mate"), no ship's mate:
# only after a possessive or a plural, so a "First Mate" or "Chief Mate" stays at sea.
_TRADES_MATE = re.compile(r"\b([a-z]+?)(?:['’]s|s)\s+mate\b", re.I)
# A "QA" engineer, analyst or tester on a job board tests software (every one in the listings corpus is at a software
# firm, where its plain quality engineers are at hardware makers); ESCO reads "QA engineer" as a factory's quality
# engineer. A QA inspector, technician or manager is left to the taxonomies.
_SOFTWARE_QA = re.compile(
    r"(?<!software )\bqa(?=[\s-]+(?:automation[\s-]+)?(?:engineer|engineering|analyst|tester|testing)\b)", re.I)
# A doctoral or postdoctoral post in a field is a researcher of that field ("PhD Student in Bioinformatics",
# "Postdoc in Biology", "PhD Fellowship in Chemistry"): the labels know "<field> researcher" (physicist, analytical
# chemist, epidemiologist ...), where "PhD Fellow" alone had read a lecturer and "Postdoctoral Fellow" a physician.
_DOCTORAL_IN = re.compile(
    r"\b(?:ph\.?\s?d\.?|doctoral|post[\s-]?doc(?:toral)?)(?:\s+(?:students?|fellows?|fellowships?|scholarships?|"
    r"stipends?|candidates?|positions?|projects?|researchers?|research\s+fellows?|programm?e?s?))*"
    r"\s+(?:in|on|within)\s+"
    r"(?P<field>(?:(?!\s+(?:at|for)\s)[^-–—|,;:(/])+)", re.I)


def _researcher_of(match: re.Match) -> str:
    """"<field> researcher", or the role a field alone names ("Machine Learning": a data scientist)."""
    field = match.group("field").strip()
    return f"{FIELD_ALONE.get(normalize_label(field), field + ' researcher')} "


# Whom an assistant assists is not the role: "PA to CEO" had been a chief executive, "Secretary to the Board" ...
_ASSISTS_WHOM = re.compile(r"\b(assistant|pa|ea|secretary|aide)\s+to\s+(?:the\s+)?[^-–—|/,;:@(]*", re.I)
# A title's parts: what " - " or "|" joins (or a run of spaces, where a board dropped the glyph: "Cook  Nursing
# Home"), what follows "at" (the employer) or "for" (what the role is for: "Electrician for Service and
# Installation", "ML for Battery Manufacturing Intern").
_SEGMENTS = re.compile(r"\s+[-–—|/]\s+|[|:;,]|\s{2,}|\s+at\s+|\s+@\s+|\s+(?i:for)\s+")
_SCHEDULE = re.compile(r"\b(?:full|part)[\s-]?time\b|\bfixed[\s-]term\b|\bon[\s-]site\b|\bmid[\s-]level\b|"
                       r"\bentry[\s-]level\b|\ball genders\b|\bon[\s-]?prem(?:ise|ises)?\b|"
                       r"\bexpress(?:ion)?\s+(?:of\s+)?interest\b", re.I)  # where, like remote; a call for interest


# ESCO says "ICT" where O*NET and job boards say "information technology" or "IT" (see ABBREVIATIONS).
_ICT = re.compile(r"\binformation (?:and communications? )?technology\b")


def normalize_label(text: str) -> str:
    """Lower case, words only: '&' and '+' spelled out first so 'Health & Safety' keeps its 'and'."""
    text = (text or "").replace("&", " and ").replace("+", " plus ")
    return _ICT.sub("ict", " ".join(utils.default_process(text).split()))


# A field where the role should be ("Software Engineering Intern", "Data Science Intern"): read as the role.
FIELD_ROLE = {"engineering": "engineer", "development": "developer", "science": "scientist", "analytics": "analyst",
              "design": "designer", "research": "researcher", "management": "manager", "programming": "programmer",
              "accounting": "accountant", "nursing": "nurse", "consulting": "consultant",
              "testing": "tester", "devops": "devops engineer", "audit": "auditor"}  # "Software Testing Intern" tests software, no batteries
# A segment that is only a field ("Intern - Software"): the role it most often means.
FIELD_ALONE = {"software": "software developer", "data science": "data scientist",
               "machine learning": "data scientist", "user experience": "user experience designer",
               "user interface user experience": "user interface designer", "cybersecurity": "ict security engineer",
               "devops": "devops engineer", "full stack": "full stack developer",
               "service desk": "service desk analyst", "computer vision": "data scientist",
               "deep learning": "data scientist", "front end": "front end developer", "back end": "back end developer",
               "ios": "mobile application developer", "android": "mobile application developer",
               "cyber": "ict security engineer", "cyber security": "ict security engineer",
               "cryptography": "cryptographer"}
# ... and a department alone, as an intern or a summer analyst joins it (session 27: "Trading Internship", "IT
# Intern", "Marketing Intern" named no role, "Communications Intern" had been a lecturer). Not for a lead of it
# ("Marketing Lead" manages marketing: `lead_of` reads FIELD_ALONE only).
DEPARTMENT_ALONE = {"trading": "securities trader", "sales and trading": "securities trader",
                    "quantitative trading": "financial trader", "quant trading": "financial trader",
                    "ict": "ict technician", "analytics": "data analyst", "finance": "financial analyst",
                    "fp and a": "financial analyst", "financial planning and analysis": "financial analyst",
                    "investment banking": "investment analyst", "marketing": "marketing assistant",
                    "human resources": "human resources officer", "supply chain": "logistics analyst",
                    "procurement": "purchaser", "legal": "legal assistant", "tax": "tax advisor",
                    "communications": "public relations officer", "firmware": "embedded systems software developer",
                    "embedded firmware": "embedded systems software developer",
                    "embedded software": "embedded systems software developer",
                    "design verification": "computer hardware engineer", "data": "data analyst",
                    "ict help desk": "ict help desk agent", "help desk": "ict help desk agent"}


# A reading of the words other than as written (a field as its role, a head or lead of a field as its manager) is a
# little less sure than a label the words spell: such a label still wins.
ANOTHER_READING = 0.95


def field_as_role(words: list[str]) -> list[str] | None:
    """Words ending in a field, as the role it names: "software engineering" -> "software engineer"."""
    return words[:-1] + FIELD_ROLE[words[-1]].split() if words and words[-1] in FIELD_ROLE else None


# The shift a role works is not the role: "Production Shift Manager" manages production (the taxonomies' many
# "casino shift manager", "refinery shift manager" labels had read it), "Warehouse Night Shift Supervisor" a
# warehouse. Read also without it, a little less sure, so a label that names the shift itself still wins.
_SHIFT_WORDS = frozenset("night day late early evening weekend back double".split())
WITHOUT_SHIFT = 0.97


def without_shift(words: list[str]) -> list[str] | None:
    """The words without "shift" (and the time of day before it) between others, if two words or more remain."""
    if "shift" not in words[:-1]:
        return None
    at = words.index("shift")
    start = at - 1 if at and words[at - 1] in _SHIFT_WORDS else at
    rest = words[:start] + words[at + 1:]
    return rest if len(rest) >= 2 else None


# "Head of Finance", "Director of IT", "VP of Sales" manage a field that few labels name so ("head of marketing" is
# one): read also as the field's manager ("finance manager", "ict manager"), a little less sure, so a label that is
# the title itself ("head of housekeeping", "director of photography") still wins.
_HEADS_OF = (("head", "of"), ("director", "of"), ("vice", "president", "of"))


def field_headed(words: list[str]) -> list[str] | None:
    """The field a "head of" (director of, vice president of) title leads, as its manager's words."""
    for head in _HEADS_OF:
        if tuple(words[:len(head)]) == head and len(words) > len(head):
            return [*words[len(head):], "manager"]
    return None


# "Kitchen Lead", "Warehouse Lead", "Marketing Lead": a lead of a team or a field, which few labels name so (the
# labels' vote, drawn to "tech lead", had made most of them software developers): read also as the field's
# supervisor and its manager, and a field as its role ("Nursing Lead" is a nurse), each a little less sure, so
# a label that is the title itself ("tech lead", "shift lead") still wins.
def lead_of(words: list[str]) -> list[list[str]]:
    """What "X Lead" may name: the role X names if X is a field, X's supervisor, X's manager."""
    if len(words) < 2 or words[-1] != "lead" or words[-2] in ("team", "lead"):
        return []
    field = words[:-1]
    alone = FIELD_ALONE.get(" ".join(field))
    role = alone.split() if alone else field_as_role(field)
    return [*([role] if role else []), field + ["supervisor"], field + ["manager"]]


def role_readings(words: list[str]) -> list[tuple[list[str], float]]:
    """The words as written, then (slightly less sure) without a deputy's word, as the role a field names, without
    the shift worked, and a head of a field as its manager."""
    readings = [(words, 1.0)]
    if len(words) > 2 and words[0] == "deputy":  # "Deputy Home Manager" manages a care home (a label may keep the
        readings.append((words[1:], ANOTHER_READING))  # word: "deputy sheriff", "deputy head teacher")
    shiftless = without_shift(words)
    if shiftless:
        readings.append((shiftless, WITHOUT_SHIFT))
    headed = field_headed(words)
    if headed:
        readings.append((headed, ANOTHER_READING))
    readings.extend((led, ANOTHER_READING) for led in lead_of(words))
    role = field_as_role(words)
    if role:
        readings.append((role, ANOTHER_READING))
    phrase = " ".join(words)
    alone = FIELD_ALONE.get(phrase) or DEPARTMENT_ALONE.get(phrase)
    if alone:
        readings.append((alone.split(), 0.9))
    elif re.search(r"\b(?:machine learning|artificial intelligence)\b", phrase):
        rest = re.sub(r"\b(?:machine learning|artificial intelligence|and)\b", " ", phrase).split()
        if all(word in FIELD_ROLE for word in rest):  # "AI & ML Intern", "AI/ML Engineering"; not "AI Transformation Owner"
            readings.append((["data", "scientist"], 0.85))
    return readings


def _a_part_of_its_own(bracket: re.Match) -> str:
    """What a bracket holds, as a part of the title ("Deputy Manager (RGN)": a nurse is asked)."""
    return f" , {bracket.group(0)[1:-1]} , "


# What a title is cleaned of and how its words are rewritten before it is cut into parts, in this order; with
# the letters one of which a match needs, so most titles skip most patterns: the patterns tried at every word took
# 2.2 of the 4.4 s that cutting a million postings' 126k titles took.
_REWRITES = [(_BRACKETS, _a_part_of_its_own, ("(", "[")), (_PAY, " ", ()), (_JOB_IN, " ", ("job",)),
             (_SCHEDULE, " ", ()), (_ASSISTS_WHOM, r"\1 ", ("to",)), (_DEV_OPS, "devops", ("ops",)),
             (_SOFTWARE_QA, "software qa", ("qa",)), (_IN_TEST, "software test engineer", ("test",)),
             (_TRADES_MATE, r"\1 helper", ("mate",)), (_DOCTORAL_IN, _researcher_of, ("ph", "doc"))]
# ... as one search each, in any case (the patterns ignore case too)
_REWRITE_STEPS = [(pattern, replacement, re.compile("|".join(map(re.escape, needs)), re.I) if needs else None)
                  for pattern, replacement, needs in _REWRITES]


def role_segments(title: str) -> list[list[str]]:
    """The parts of a title that may name the role, as normalized words with noise and seniority removed."""
    text = title or ""
    for pattern, replacement, needed in _REWRITE_STEPS:
        if needed is None or needed.search(text):
            text = pattern.sub(replacement, text)
    segments = []
    for part in _SEGMENTS.split(text):
        words, spelled = [], ""
        for word in normalize_label(part).split():
            if word == spelled:
                continue  # the last word an abbreviation spelled, written again ("SDET Engineer")
            expanded = ABBREVIATIONS.get(word, word)
            words.extend(expanded.split())
            spelled = expanded.split()[-1] if expanded != word and expanded else ""
        kept = [w for w in words if (w not in NOT_THE_ROLE or w in _KEEP_IN_LABELS) and not _YEAR.fullmatch(w)]
        # "Senior Staff Nurse": keep "staff" only before a role word, never as the whole title.
        while kept and kept[0] in _KEEP_IN_LABELS and len(kept) > 1 and kept[0] in ("lead", "staff", "principal"):
            kept = kept[1:]
        while len(kept) > 1 and kept[-1] in _LEVEL_AFTER_ROLE:
            kept = kept[:-1]
        if len(kept) > 1 and kept[-1] in _PROGRAMME and kept[-2] in FIELD_ROLE:
            kept = kept[:-1]
        if kept and kept[-1] in _RECRUITER_LAST:
            kept = next((list(role) for role in _RECRUITERS if tuple(kept[-len(role):]) == role), kept)
        if kept:
            segments.append(kept)
    return segments
