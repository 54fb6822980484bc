"""How a posting's description is read, whatever skills it names: its sections (required, preferred,
mentioned, or left out: benefits, "about us", equal opportunity), its sentences, the years and the
seniority it asks, and which sentences ask for anything at all (`asked_in`: not a role's or a team's name,
not the employer describing itself). `warehouse.skills.extract` puts these together with the taxonomy.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from warehouse.posting_acronyms import FindsSkills, acronyms_defined_otherwise


_PREFERRED_HEAD = re.compile(
    r"nice[\s-]to[\s-]haves?|bonus|preferred|pluses|\bplus\b|desir(?:ed|able)|good to have|extra credit|"
    r"would be (?:great|nice)|ideally|optional|not required|even better|stand out|added advantage|wünschenswert",
    re.I,
)
_REQUIRED_HEAD = re.compile(
    r"requirements?|required|must[\s-]haves?|what you(?:'|’)?ll? bring|you bring|bring to the|qualifications?|"
    r"looking for|who you are|about you|you have|you should have|you(?:'|’)ll need|what you need|"
    r"skills|experience|minimum|basic|your profile|your background|ideal candidate|you are|we expect|"
    r"competenc|need to (?:have|succeed)|to be successful|to succeed|essential|dein profil|ihr profil|anforderungen",
    re.I,
)
_OTHER_HEAD = re.compile(
    r"responsibilit|what you(?:'|’)?ll do|what you will do|the role|about us|about the|who we are(?! looking)|benefits|perks|"
    r"we offer|what we offer|compensation|salary|pay range|the team|how to apply|values|why join|why you|"
    r"overview|location|equal|diversity|day[\s-]to[\s-]day|in this role|your impact|your mission|tasks|aufgaben|"
    r"what's in it|our stack|tech stack|tools we use|the opportunity|the company|mission|culture|process|"
    r"hiring|interview|job description",
    re.I,
)
_IGNORED_HEAD = re.compile(
    r"benefits|perks|we offer|what's in it|what you(?:'|’)?ll get|what you get|in return|compensation|salary|"
    r"pay range|about us|about the company|^(?:the |our |your |salary (?:and|&) )?package$|"
    r"who we are(?! looking)|"
    r"equal|diversity|inclusion|privacy|how to apply|staying safe|fraud|accommodation|disclaimer|legal notice|"
    r"company description|company profile|about the employer|wir bieten|über uns|"
    r"^applications?(?: procedure| process| deadline| details)?$|^documents\b|recruitment (?:process|procedure)|"
    r"(?:selection|assessment|hiring) (?:process|procedure)",
    re.I,
)
# A pay heading with its value on the same line is a field of the posting ("Salary: £35,000 - £45,000"): the
# lines after it are not about pay.
_PAY_HEAD = re.compile(r"(?:salary|compensation|pay range|pay|rate|wage)\b(?:(?!benefit|perk)[^:]){0,30}:", re.I)
# Whom the role reports to names a person's title, not a skill ("REPORTS TO: Manager DevOps", "Reporting to the
# Head of Data"): the line asks nothing.
_REPORTS_TO = re.compile(r"^\s*[#*_]*\s*(?:reports?|reporting)\s+(?:to|line)\b", re.I)
# Such a heading written inside a line, as boards that flatten a posting into one paragraph do: a board's own
# heading anywhere, a plain word only where a sentence starts ("Experience with benefits: COBRA" asks).
_INLINE_IGNORED_HEAD = re.compile(
    r"\b(?:job benefits|company description)\s*:|(?:^|[.!?]\s+)(?:benefits|perks|about us|what we offer|we offer)\s*:",
    re.I)
_INLINE_PREFERRED = ("a plus", "big plus", "nice to have", "nice-to-have", "bonus", "preferred", "preferably",
                     "ideally", "desirable", "advantageous", "an advantage", "not required", "would be great",
                     "helpful", "beneficial", "good to have", "familiarity with")


# ... and a sentence outside any section that says it is required ("Experience with C# is required", "A driving
# licence is essential", "You must hold a valid NMC PIN"): required, as in a requirements section. A UK board's ad is
# often one paragraph with no headings, where every skill had been a mere mention.
_INLINE_REQUIRED = ("required", "essential", "must have", "must-have", "is a must", "mandatory", "you must",
                    "you will need", "you'll need", "we require")


def _cue_positions(lowered: str, cues: tuple[str, ...]) -> list[int]:
    """Where the cues start in the lower-cased text: plain substring search (far faster than a regex alternation)."""
    found = []
    for cue in cues:
        at = lowered.find(cue)
        while at != -1:
            end = at + len(cue)
            if (at == 0 or not lowered[at - 1].isalnum()) and (end == len(lowered) or not lowered[end].isalnum()):
                found.append(at)
            at = lowered.find(cue, end)
    return sorted(found)


# A short line that ends with a colon and is no bullet: a heading, known or not ("Application Development:").
_UNKNOWN_HEADING = re.compile(r"^\s*[#*_]*\s*[A-Z][^.:!?\n]{0,60}:\s*[#*_]*\s*$")
_BULLET = re.compile(r"^\s*(?:[*•·\-–—]|\d+[.)])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def _heading_kind(line: str) -> tuple[str | None, int]:
    """('required'|'preferred'|'other'|'ignored'|None, offset in the line where the section's text starts)."""
    stripped = line.strip().strip("#*_ ").strip()
    if not stripped or _BULLET.match(line):
        return None, 0
    head, sep, rest = stripped.partition(":")
    if not sep:
        head = stripped
    words = head.split()
    if not words or len(words) > 9 or head.endswith((".", ",")) or (not sep and len(stripped) > 70):
        return None, 0
    after = line.index(":") + 1 if sep else 0  # a heading without a colon may be a short sentence: keep it
    if _IGNORED_HEAD.search(head):
        return "ignored", after
    if _PREFERRED_HEAD.search(head):
        return "preferred", after
    if _OTHER_HEAD.search(head) and not re.search(r"requirement|qualification|must", head, re.I):
        return "other", after
    if _REQUIRED_HEAD.search(head):
        return "required", after
    return None, 0


def segments(text: str) -> list[tuple[str, int, int]]:
    """The text cut into sentences (kind, start, end): kind is 'required', 'preferred' or 'mentioned'.
    Sections about the company, benefits, privacy or equal opportunity are left out: they ask for nothing."""
    out: list[tuple[str, int, int]] = []
    lowered = (text or "").lower()
    cues = _cue_positions(lowered, _INLINE_PREFERRED)  # one scan each, then placed by offset
    required = _cue_positions(lowered, _INLINE_REQUIRED)
    section = "mentioned"
    offset = 0
    for line in (text or "").splitlines(keepends=True):
        kind, skip = _heading_kind(line) if len(line) <= 140 else (None, 0)
        if (kind == "ignored" and line[skip:].strip() and _PAY_HEAD.match(line.strip().strip("#*_ "))) \
                or _REPORTS_TO.match(line):
            offset += len(line)  # "Salary: £35,000 - £45,000 ...", "Reports to: Manager DevOps": a field on its line
            continue
        if kind is not None:
            section = {"other": "mentioned"}.get(kind, kind)
        elif section == "ignored" and _UNKNOWN_HEADING.match(line):
            section = "mentioned"  # a heading of its own ends a left-out section, whatever it names
        if section != "ignored":
            begin = offset + skip
            body = text[begin:offset + len(line)]
            own = section  # the line's text before a heading run into it belongs to the section it is in
            inline = _INLINE_IGNORED_HEAD.search(body)
            if inline:  # "... send us your CV. Job benefits: ..." run into one line: the rest of it asks for nothing
                if not body[inline.end():].strip():  # "... What we offer:" ends the line: a heading for the lines below
                    section = "ignored"
                body = body[:inline.start()]
            cut = 0
            for piece in [*_SENTENCE.finditer(body), None]:
                stop = piece.start() if piece else len(body)
                if body[cut:stop].strip():
                    out.extend(_mark_required(_mark_preferred(text, own, begin + cut, begin + stop, cues), required))
                cut = piece.end() if piece else cut
        offset += len(line)
    return out


def _mark_required(pieces: list[tuple[str, int, int]], cues: list[int]) -> list[tuple[str, int, int]]:
    """A mentioned sentence (or the part of one outside a preferred parenthesis) with a "required" cue is required."""
    return [("required" if kind == "mentioned" and _cue_within(cues, start, end) else kind, start, end)
            for kind, start, end in pieces]


def _cue_within(cues: list[int], start: int, end: int) -> bool:
    at = bisect_left(cues, start)
    return at < len(cues) and cues[at] < end


def _mark_preferred(text: str, section: str, start: int, end: int, cues: list[int]) -> list[tuple[str, int, int]]:
    """A sentence with a "nice to have" cue is preferred as a whole, unless the cue sits in parentheses:
    then only the parenthesis is ("Project management (PMP a plus)")."""
    if section == "preferred" or not cues:
        return [(section, start, end)]
    index = bisect_left(cues, start)
    if index == len(cues) or cues[index] >= end:
        return [(section, start, end)]
    cue = cues[index]
    opening = text.rfind("(", start, cue)
    closing = text.find(")", cue, end)
    if opening == -1 or closing == -1 or text.find(")", opening, cue) != -1:
        return [("preferred", start, end)]
    return [(section, start, opening), ("preferred", opening, closing + 1), (section, closing + 1, end)]


# --- years and seniority --------------------------------------------------------------------------

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}
_YEAR_WORD = re.compile(r"\b(?:years?|yrs?)\b", re.I)
_YEARS_BEFORE = re.compile(
    r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?:\.\d)?\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?\+?\s*"
    r"(?:\(\d{1,2}\)\s*)?$",
    re.I,
)
_EXPERIENCE = re.compile(r"experience|exp\b|background|track record|working|building|in (?:a|an|the)\b|as (?:a|an)\b|professional", re.I)

SENIORITY_RANK = {"intern": 0, "junior": 1, "mid": 2, "senior": 3, "staff": 4, "manager": 4, "principal": 5,
                  "director": 6}
_TITLE_SENIORITY = [
    ("intern", re.compile(r"\b(?:intern|internship|praktikant\w*|werkstudent\w*|working student|apprentice\w*|trainee)\b", re.I)),
    ("director", re.compile(r"\b(?:director|head of|vp|vice president|chief)\b", re.I)),
    ("principal", re.compile(r"\b(?:principal|distinguished|fellow)\b", re.I)),
    ("manager", re.compile(r"\b(?:engineering|people|team|general|store|department|site|plant|branch|office|operations|warehouse|shift|restaurant|nurse) manager\b|\bmanager,? (?:engineering|software)\b", re.I)),
    ("staff", re.compile(r"\b(?:staff|lead|tech lead|team lead)\b", re.I)),
    ("senior", re.compile(r"\b(?:senior|sr\.?|iii|expert)\b|\(senior\)", re.I)),
    ("junior", re.compile(r"\b(?:junior|jr\.?|entry[\s-]level|graduate|new grad|i)\b|^associate\b", re.I)),
    ("mid", re.compile(r"\b(?:mid[\s-]?level|intermediate|ii)\b", re.I)),
]
_TEXT_SENIORITY = [
    ("junior", re.compile(r"\b(?:entry[\s-]level|new grads?|recent graduates?|no experience (?:required|needed))\b", re.I)),
    ("senior", re.compile(r"\bsenior[\s-]level\b", re.I)),
]


def years_asked(text: str, parts: list[tuple[str, int, int]]) -> float | None:
    """The most years of experience a required or plain sentence asks for ("5+ years of Python")."""
    best: float | None = None
    starts = [start for _, start, _ in parts]
    for word in _YEAR_WORD.finditer(text):  # find "years" first, then look back for the number
        number = _YEARS_BEFORE.search(text, max(0, word.start() - 30), word.start())
        if number is None:
            continue
        index = bisect_right(starts, number.start()) - 1
        if index < 0 or number.start() >= parts[index][2] or parts[index][0] == "preferred":
            continue
        kind, start, end = parts[index]
        tail = re.split(r"[.;\n]", text[word.end():word.end() + 70], maxsplit=1)[0]
        if not _EXPERIENCE.search(tail) and "experience" not in text[start:end].lower():
            continue
        raw = number.group(1).lower()
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if 0 < value <= 20:
            best = value if best is None else max(best, value)
    return best


def seniority_of(title: str, text: str, years: float | None) -> tuple[str | None, str | None]:
    """(level, where it came from): the title first, then telling phrases, then the years asked."""
    for level, pattern in _TITLE_SENIORITY:
        if pattern.search(title or ""):
            return level, "title"
    for level, pattern in _TEXT_SENIORITY:
        if pattern.search(text or ""):
            return level, "text"
    if years is not None:
        return seniority_for_years(years), "years"
    return None, None


def seniority_for_years(years: float) -> str:
    if years < 2:
        return "junior"
    if years < 4:
        return "mid"
    if years < 8:
        return "senior"
    return "staff"


# A skill that names a role or a team ("our DevOps Manager", "Java Developer positions", "the Procurement
# team") says who, not what the posting asks; the posting's own title is read apart (extract). On SkillSpan's
# train split 63 of 73 such mentions are in no annotated span.
_ROLE_AFTER = re.compile(
    r"[ \t]*[-/]?[ \t]*(?:engineers?|developers?|architects?|managers?|administrators?|teams?|specialists?|"
    r"consultants?|experts?|designers?|programmers?|department|analysts?|testers?|scientists?|officers?|"
    r"business partners?)\b", re.I)
# ... nor a mention that is itself a role ("by our product manager", "the Scrum Master", "an executive
# assistant supports you"): a person in the text, where the title is the job (read apart). On SkillSpan's
# train split 14 of 16 such mentions are in no annotated span.
_ROLE_NAME = re.compile(r"(?:managers?|masters?|owners?|assistants?|designers?|analysts?)$", re.I)
# ... nor the field a department, a faculty or its head is named after ("the Department of Gynaecology &
# Obstetrics", "the Faculty of Chemistry and Pharmacy", "our Head of HR"): read in the few words before the
# mention. (Not a school or a college: "a graduate of a School of Nursing" asks for nursing.)
_UNIT_BEFORE = re.compile(
    r"\b(?:department|dept\.?|faculty|institute|division|centre|center|chair|head|director|vp|vice president)\s+"
    r"(?:of|for)\s+"
    r"(?:[\w&,'-]+\s+){0,4}$", re.I)
_UNIT_REACH = 60  # characters read back from a mention for _UNIT_BEFORE
# ... nor the employer's own hiring ("our recruitment process", "the online recruitment system", "an onboarding
# programme" among the benefits): a recruiter's or an HR profile's skills are not asked by every posting that
# says how it hires. On SkillSpan's train split 18 of 20 such mentions are in no annotated span. ("Human
# Resources support" is an HR job's work: asked.)
_HIRING_SKILLS = frozenset({"Recruiting", "Onboarding", "Human Resources"})
_HIRING_OWN = re.compile(
    r"[ \t]*(?:process(?:es)?|system|office|director|agency|agencies|meetings?|package|events?|programm?e?s?|"
    r"period|portal)\b", re.I)


# ... nor a language named as the form of the application or of what the employer offers ("The application must
# be in English", "Apply online in English", "free English classes"), unless the sentence speaks of commanding
# it ("fluent", "spoken", "skills"). On SkillSpan's train split 6 of 13 mentions of English outside any span.
_LANGUAGE_FORM = re.compile(r"\b(?:apply|applying|applications?|submit\w*|attached|cover letters?|cv|publications?|"
                            r"classes|courses|lessons)\b", re.I)
_LANGUAGE_COMMAND = re.compile(r"\b(?:fluen\w*|speak\w*|spoken|proficien\w*|skills?|communicat\w*|command|verbal\w*|"
                               r"oral\w*|native|level)\b", re.I)


# ... or says it is hiring now ("we are recruiting on an ongoing basis", "we're hiring and onboarding").
_HIRING_NOW = re.compile(r"\b(?:we|we're|we are|is|are)\s+(?:now\s+|currently\s+|actively\s+)?$", re.I)
# ... nor a benefit named outside the requirements ("Health insurance" on a line of its own under a heading no
# rule knows): an insurance job's knowledge is asked of the candidate ("experience with health insurance claims").
_BENEFIT_SKILLS = frozenset({"Health Insurance"})
# ... nor words inside a link ("notion.site/Notion-Global-Recruiting-Privacy-Policy", "Ashby-AI-Bias-Audit"), nor a
# sentence of notices about the application itself: how applicants' data is kept ("in accordance with our Global
# Recruiting Privacy Policy") or a warning against scams ("beware of recruitment phishing scams"). Found on the
# captures in ../shared/corpus/api, where an Ashby board's footer gave every Notion posting Recruiting and Audit.
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.I)  # an e-mail too: "recruiting@acme.com"
# (Not "phishing" or "fraudulent" alone: a security or fraud analyst's posting asks about them.)
_NOTICE = re.compile(r"\bprivacy (?:policy|notice|statement)\b|\bdata protection (?:policy|notice)\b|\bbeware\b|"
                     r"\b(?:recruit\w*|hiring|job|employment|interview)\s+(?:phishing\s+)?(?:scams?|fraud)\b", re.I)


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    """Names of the languages with a two-letter ISO 639-1 code (English, German, Danish ...)."""
    import pycountry

    return frozenset(language.name for language in pycountry.languages if hasattr(language, "alpha_2"))


# A sentence in the employer's own voice that says nothing of the candidate ("We build Cloud based SaaS for
# pharma", "We strive to build long-term partnerships with our clients") describes the employer: the names in
# it are not asked, in whatever section, unless it lists what the team works with ("Our stack: Python, Django,
# AWS", "we use Kafka and Spark"), which the job will use. On SkillSpan's train split mentions in such
# sentences outside the requirements are in an annotated span 30% of the time, against 86% where the
# sentence speaks of the candidate.
_TEAM_TOOLS = re.compile(r"\b(?:stack|tech|technolog\w*|tools?|tooling|using|use|uses|built (?:with|on)|run|runs|"
                         r"running|works? (?:in|with|on)|working (?:in|with|on)|languages?|frameworks?)\b|:", re.I)
_CANDIDATE_VOICE = re.compile(
    r"\b(?:you|your|you'll|you're|candidates?|applicants?|experienced?|knowledge|skills?|familiar\w*|proficien\w*|"
    r"understanding|background|expertise|ability|degree|must|required|requirements?|strong|solid|good|excellent|"
    r"working|hands-on|years?)\b"
    # whom the employer wants, with what: "We are looking for a developer with C#, SQL Server" (a sentence that only
    # names the role sought, "We are looking for a Logistics Planner", still asks nothing)
    r"|\b(?:looking for|seeking|searching for|need|require|want|hire)\b[^.;:]{0,80}?\bwith\b", re.I)
_EMPLOYER_VOICE = re.compile(r"\b(?:we|we're|we've|our|us|company|clients|founded|headquartered)\b", re.I)
# ... nor a sentence that says what the job does: a duty in the imperative ("Perform code reviews of our
# products", "To lead the team in the agile development of our apps") or the role's work ("A developer in
# our team is responsible for ..."). On train: recall 0.590 -> 0.593, precision unchanged; "will" and
# "includes" too cost precision ("We will offer ...").
_DUTY = re.compile(
    r"^\W*(?:to\s+)?(?:perform|build|design|develop|lead|own|drive|deliver|manage|maintain|implement|create|write|"
    r"support|ensure|collaborate|contribute|help|define|review|mentor|deploy|monitor|test|analy[sz]e|participate|"
    r"coordinate|plan|improve|automate|architect|operate)\b|\b(?:responsible for|this role|the role|this position)\b",
    re.I)


def asked_in(taxonomy: FindsSkills, text: str, parts: list[tuple[str, int, int]]) -> list[tuple[str, str, int, int]]:
    """(section kind, skill, start, end) of the skills a description asks: one scan of the whole text, each hit
    placed in its section (segments); hits in headings, left-out sections, role names and the employer's
    description of itself are not asked."""
    starts = [start for _, start, _ in parts]
    asked = []
    about_employer: dict[int, bool] = {}
    notice: dict[int, bool] = {}
    links = [(m.start(), m.end()) for m in _LINK.finditer(text)] if ("http" in text or "www." in text
                                                                    or "@" in text) else []
    own_acronyms = acronyms_defined_otherwise(taxonomy, text) if "(" in text else frozenset()
    for name, start, end in taxonomy.find(text):
        index = bisect_right(starts, start) - 1
        if index < 0 or start >= parts[index][2]:
            continue
        if links and any(begin <= start < stop for begin, stop in links):
            continue
        if index not in notice:
            notice[index] = bool(_NOTICE.search(text, parts[index][1], parts[index][2]))
        if notice[index]:
            continue
        if _ROLE_AFTER.match(text, end) or _ROLE_NAME.search(text, start, end):
            continue
        if _UNIT_BEFORE.search(text, max(parts[index][1], start - _UNIT_REACH), start):
            continue
        if name in _HIRING_SKILLS and (_HIRING_OWN.match(text, end)
                                       or _HIRING_NOW.search(text, max(parts[index][1], start - 30), start)):
            continue
        if name in _BENEFIT_SKILLS and parts[index][0] == "mentioned" and not _CANDIDATE_VOICE.search(
                text, parts[index][1], parts[index][2]):
            continue
        if own_acronyms and text[start:end] in own_acronyms:
            continue
        kind, begin, stop = parts[index]
        if (name in _languages() and _LANGUAGE_FORM.search(text, begin, stop)
                and not _LANGUAGE_COMMAND.search(text, begin, stop)):
            continue
        if index not in about_employer:
            about_employer[index] = _about_employer(text[begin:stop])
        if about_employer[index]:
            continue
        asked.append((kind, name, start, end))
    return asked


def _about_employer(sentence: str) -> bool:
    """The employer describing itself (see _EMPLOYER_VOICE); a bullet is a duty or a requirement, whatever
    its pronouns ("Own our PostgreSQL schemas")."""
    return not _BULLET.match(sentence) and bool(_EMPLOYER_VOICE.search(sentence)) \
        and not _CANDIDATE_VOICE.search(sentence) and not _TEAM_TOOLS.search(sentence) and not _DUTY.search(sentence)
