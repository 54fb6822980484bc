"""Salary figures as sources quote them, turned into annual amounts."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Annual factors, the same as JobSpy's so that imported figures agree.
ANNUAL_FACTOR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

_PERIOD_WORDS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "annum": "year",
    "yr": "year", "y": "year", "pa": "year", "salary": "year",
    "month": "month", "monthly": "month", "mo": "month", "mth": "month",
    "week": "week", "weekly": "week", "wk": "week",
    "day": "day", "daily": "day",
    "hour": "hour", "hourly": "hour", "hr": "hour", "h": "hour", "wage": "hour",
}

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF",
            "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD"}
# Codes written after an amount too ("4000-7000 EUR gross", "27.220 DKK"): the Nordic crowns and the zloty as well.
_CODES = r"USD|EUR|GBP|CAD|AUD|CHF|INR|DKK|SEK|NOK|PLN"
_CUR = r"(?:US\$|CA\$|C\$|AU\$|A\$|NZ\$|[$€£¥₹]|" + _CODES + r")"


@dataclass(frozen=True)
class Salary:
    minimum: float | None
    maximum: float | None
    currency: str | None
    period: str | None  # the period quoted; minimum/maximum are already annual

    def as_fields(self) -> dict:
        return {
            "salary_min": self.minimum,
            "salary_max": self.maximum,
            "salary_currency": self.currency,
            "salary_period": self.period,
        }


NO_SALARY = Salary(None, None, None, None)


def period_of(word: str | None) -> str | None:
    """Map 'per-year-salary', 'YEAR', 'hourly', '/hr' ... to year/month/week/day/hour."""
    if not word:
        return None
    for token in re.split(r"[^a-z]+", word.lower()):
        if token in _PERIOD_WORDS:
            return _PERIOD_WORDS[token]
    return None


def annualize(
    minimum: float | str | None,
    maximum: float | str | None,
    currency: str | None,
    period: str | None,
) -> Salary:
    """Annual figures from quoted ones; zero, negative or unparsable amounts mean unknown."""
    lo, hi = _number(minimum), _number(maximum)
    if lo is None and hi is None:
        return NO_SALARY
    unit = period_of(period) or _guess_period(lo or hi)
    factor = ANNUAL_FACTOR[unit]
    lo = round(lo * factor, 2) if lo is not None else None
    hi = round(hi * factor, 2) if hi is not None else None
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return Salary(lo, hi, (currency or "").upper() or None, unit)


def _guess_period(amount: float | None) -> str:
    if amount is None or amount >= 10000:
        return "year"
    if amount < 300:
        return "hour"
    return "month"


def _number(value: float | str | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value > 0 else None
    text = str(value).strip().lower().replace(",", "").replace(" ", "")
    match = re.match(r"^[^\d]*(\d+(?:\.\d+)?)(k)?", text)
    if not match:
        return None
    amount = float(match.group(1)) * (1000 if match.group(2) else 1)
    return amount if amount > 0 else None


# Thousands separators ("120,000", "60.000"), or a decimal before k in either notation ("102.8K", "31,2k").
_AMOUNT = r"(\d{1,3}(?:[,.\s]\d{3})+(?:\.\d{1,2}(?!\d))?(?!\d)|\d+[.,]\d{1,2}(?=\s*[kK])|\d+(?:\.\d+)?)\s*([kK])?"
# "£18k/£20k", "£18/20k", "£18/20ph": a slash joins two amounts when the second is plainly pay (a currency, a "k" or
# a period right after it), so "24/7" or a date is no range.
_SLASH_RANGE = (r"/(?=\s*(?:" + _CUR + r"|\d+(?:\.\d+)?\s*(?:[kK]\b|(?i:ph|pd|pw|pa|p/[hdw]|per|an? hour|a day)\b)))")
_RANGE = re.compile(
    r"(?P<cur1>" + _CUR + r")?\s*" + _AMOUNT
    + r"(?:\s*(?i:per|p?/)\s*(?i:hour|hr|h|day|d|week|wk|w|month|annum|year|yr)\b"  # "£9 per hour - £10 per hour"
    + r"|\s*(?i:ph|phr|pd|pw|pa)\b)?"  # "£8.50ph - £10ph", "£550pd - £650pd"
    + r"\s*(?:-|–|—|(?i:to)\b|" + _SLASH_RANGE + r")\s*(?P<cur2>" + _CUR + r")?\s*" + _AMOUNT
    + r"\s*(?P<cur3>" + _CODES + r")?",
)
_SINGLE = re.compile(r"(?P<cur1>" + _CUR + r")\s*" + _AMOUNT + r"\s*(?P<cur3>" + _CODES + r")?")
# ... an amount then its code: "27.220 DKK", "48,000 EUR", "156,03 NOK" (a decimal comma), never from mid-number.
_SINGLE_CODE_AFTER = re.compile(r"(?<![\d.,])()(\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2}(?!\d))?(?!\d)"
                                r"|\d+(?:[.,]\d{1,2})?(?!\d))\s*([kK])?\s*(?P<cur3>" + _CODES + r")\b")
_BARE = re.compile(r"()" + _AMOUNT + r"\s*(?P<cur3>" + _CODES + r")?")


_UP_TO = re.compile(r"\b(?:up\s*to|upto|max(?:imum)?|to)\s*$", re.I)
_FROM = re.compile(r"\b(?:from|starting(?:\s+at)?|min(?:imum)?|at\s+least)\s*$", re.I)
# ... or after it: "£24K max", "£20K min".
_UP_TO_AFTER = re.compile(r"^\s*max(?:imum)?\b", re.I)
_FROM_AFTER = re.compile(r"^\s*min(?:imum)?\b", re.I)
# "between £30k and £35k" is a range; "and" elsewhere joins other things ("£30,000 and 25 days' holiday").
_BETWEEN = re.compile(r"\bbetween\s+(\S+)\s+and\b", re.I)
_CIRCA = re.compile(r"(?<![\w.])c\.?\s*(?=[£$€\d])", re.I)  # "c40000", "c. £40k": about
_PERIOD_NEAR = re.compile(r"(?:/|\bper\b|\ban?\b|\beach\b|\bpr\b\.?|\bp\.?\s?)\s*"
                          r"(hour|hr|h|day|d|week|wk|w|month|mth|mo|year|yr|"
                          r"annum|a|pa)\b|\b(hourly|daily|weekly|monthly|yearly|annually|annual|p\.?a\.?|pro rata|"
                          r"pcm|ph|pw|pd|per calendar month|per diem|day rate)\b", re.I)
# "£1,250 pm", "£1,250 p/m": a month only right after an amount below UNSTATED_PERIOD_MIN ("£24,000 pm shifts",
# "9am - 5pm" are times).
_MONTH_SHORT = re.compile(r"^\s*(p/m|pm)\b", re.I)
# UK shorthands: "£500 pw", "£2,000 pcm", "£12 ph", "£350 pd".
_PERIOD_CODE = {"a": "year", "pa": "year", "p.a.": "year", "p.a": "year", "pro rata": "year", "annum": "year",
                "pcm": "month", "per calendar month": "month", "ph": "hour", "pw": "week", "pd": "day",
                "per diem": "day", "day rate": "day", "d": "day", "w": "week", "pm": "month", "p/m": "month"}
# Pay per piece of work ("£100 per shift", "£30 per visit") has no period a year can be counted in.
_PER_PIECE = re.compile(r"\b(?:per|a|each)\s+(?:shift|session|visit|call|lesson|class|sale|item|piece|job|delivery|"
                        r"drop|project|mile|patient|unit|word|assignment|placement|booking)\b", re.I)
# Below this, an amount with no period said ("£500", "£150") may be a day's, a week's or a month's pay.
UNSTATED_PERIOD_MIN = 10_000
# ... and in crowns and zloty a month's pay is often more ("27.220 DKK", "SEK 45 000" a month): below these, unknown.
UNSTATED_PERIOD_MIN_BY_CURRENCY = {"DKK": 100_000, "SEK": 100_000, "NOK": 100_000, "PLN": 40_000}
_PAY_WORDS = re.compile(r"salary|compensation|\bpays?\b|\bpaid\b|\bwage|\brate\b|\bote\b|\bbase\b|"
                        r"\bearn(?:s|ing|ings)?\b|per (?:hour|annum|year|day|week|month)|"
                        r"/\s*(?:hr|hour|yr|year)|\bk\b", re.I)
# For a looser test in SQL (connectors/files_bulk.py): a pay word, or a currency (a line of pay alone, _pay_alone).
PAY_WORDS_PATTERN = _PAY_WORDS.pattern + r"|[$€£¥₹]|\b(?:" + _CODES + r")\b"
# Annual amounts outside this range are not a salary of one person (a funding round, a unit price ...).
PLAUSIBLE_ANNUAL = (3_000, 3_000_000)


def parse_salary_text(text: str | None, default_currency: str | None = None, is_salary: bool = False) -> Salary:
    """Parse pay as written: "$120k-$150k", "€60.000 – €75.000 per year", "$45/hr", "£25k-30k",
    "12 to 13 per hour", "up to £35,000", "c40000", "OTE £60k", "£400 - £450 per day".

    `is_salary`: the text is known to be pay (a salary field), so a bare number counts; otherwise a
    currency or a pay word must be there. The quoted period is kept; figures are annualized with
    ANNUAL_FACTOR (2,080 hours, 260 days, 52 weeks, 12 months a year), an hourly rate with the hours a week
    the text states when it states them ("37.5 hours per week": 1,950). Pay that cannot be read is unknown.
    """
    if not text:
        return NO_SALARY
    text = _BETWEEN.sub(r"\1 - ", _CIRCA.sub("", str(text)))
    match, lo, hi = _range(text)
    if match:
        currency = _currency(_range_currency(match))
    else:
        match = _SINGLE.search(text) or _SINGLE_CODE_AFTER.search(text) or (_BARE.search(text) if is_salary else None)
        if not match:
            return NO_SALARY
        lo = hi = _amount(match.group(2), match.group(3))
        currency = _currency(match.groupdict().get("cur1") or match.groupdict().get("cur3"))
        before = text[max(0, match.start() - 20): match.start()]
        after = text[match.end():]
        if _UP_TO.search(before) or _UP_TO_AFTER.match(after):
            lo = None
        elif _FROM.search(before) or _FROM_AFTER.match(after):
            hi = None
    if not is_salary and currency is None and default_currency is None and not _PAY_WORDS.search(text):
        return NO_SALARY
    # The period said after the amount, up to the next amount: "£19,500 (£10 per hour)" is not £19,500 an hour.
    tail = re.split(r"[\d£$€¥₹]", text[match.end(): match.end() + 30], maxsplit=1)[0]
    # ... or before it, in the same clause: "Daily rate of £350", not "paid hourly. Salary £30,000".
    ahead = re.split(r"[.;!?\n]\s", text[max(0, match.start() - 20): match.start()])[-1]
    largest = max(v for v in (lo, hi) if v is not None)
    unstated_min = UNSTATED_PERIOD_MIN_BY_CURRENCY.get(currency or default_currency or "", UNSTATED_PERIOD_MIN)
    near = (_PERIOD_NEAR.search(tail) or (largest < unstated_min and _MONTH_SHORT.match(tail))
            or _PERIOD_NEAR.search(ahead))
    period = None
    if near:
        word = (near.group(1) or near.group(2)).lower()
        period = _PERIOD_CODE.get(word) or period_of(word)
    if period is None and (_PER_PIECE.search(tail) or largest < unstated_min):
        return NO_SALARY  # never guess the period: unknown beats a wrong annual figure
    salary = annualize(lo, hi, currency or default_currency, period)
    if salary.period == "hour":
        salary = _hours_stated(text, salary)
    return salary if _plausible(salary) else NO_SALARY


# A range's ends differ by less than this: "Band 5 - £21,176 - £27,625" starts at the amount after the band.
RANGE_MAX_RATIO = 10


def _range(text: str) -> tuple[re.Match | None, float | None, float | None]:
    """The first range of pay in the text and its two ends, a bare figure before an amount ("Band 5 - £21,176",
    "Grade 7 - £38,205 to £46,047", "Level 3 - £20k") read as no range of its own."""
    position = 0
    while match := _RANGE.search(text, position):
        lo = _amount(match.group(2), match.group(3))
        hi = _amount(match.group(5), match.group(6))
        if match.group(3) and not match.group(6) and hi is not None and hi < 1000:
            hi *= 1000  # "$120k-150" reads as thousands
        if lo is not None and lo < 1000 and hi is not None and hi >= 1000 and hi / 3 <= lo * 1000 <= hi:
            lo *= 1000  # "120-150k", "£45 - 50,000": the first end in the second's thousands
        if lo is None or hi is None or RANGE_MAX_RATIO * lo >= hi:
            return match, lo, hi
        position = match.start(4) if match.group("cur2") else match.start(5)
    return None, None, None


# "37.5 hours per week", "30 hrs/week", "40 hours a week": an hourly rate then counts those hours, 52 weeks a year.
_HOURS_A_WEEK = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)\s*(?:hours?|hrs?)\s*(?:per|a|/|each|p)\s*(?:week|wk|w)\b", re.I)


def _hours_stated(text: str, salary: Salary) -> Salary:
    """An hourly salary annualized with the hours a week the text states, instead of ANNUAL_FACTOR's 2,080."""
    found = _HOURS_A_WEEK.search(text)
    hours = float(found.group(1)) if found else 0.0
    if not 1 <= hours <= 80:
        return salary
    factor = hours * 52 / ANNUAL_FACTOR["hour"]
    return Salary(*(round(v * factor, 2) if v is not None else None for v in (salary.minimum, salary.maximum)),
                  salary.currency, salary.period)


def _plausible(salary: Salary) -> bool:
    low, high = PLAUSIBLE_ANNUAL
    return all(v is None or low <= v <= high for v in (salary.minimum, salary.maximum))


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n")  # "£14.50" keeps its point: an end needs a space after it
# A line this short that names pay and holds no figure heads the next line when that one is as short: a figure.
PAY_HEADING_MAX = 60


def salary_in_description(text: str | None, default_currency: str | None = None) -> Salary:
    """The first pay sentence of a description ("The salary is £32,000 - £36,000 per annum"), or unknown.

    Only sentences that talk about pay are read, so "$5M Series A" or "100+ engineers" are not salaries.
    """
    if not text:
        return NO_SALARY
    heading = ""  # a pay heading on a line of its own ("United States Salary Range"), read with the figure after it
    for sentence in _SENTENCE_END.split(text[:20000]):
        if not sentence.strip():
            continue
        if not re.search(r"\d", sentence):
            heading = sentence if len(sentence) <= PAY_HEADING_MAX and _PAY_WORDS.search(sentence) else ""
            continue
        if heading and len(sentence) <= PAY_HEADING_MAX and not _PAY_WORDS.search(sentence):
            sentence = f"{heading}: {sentence}"
        heading = ""
        if not _PAY_WORDS.search(sentence) and not _pay_alone(sentence):
            continue
        for part in _pay_clauses(sentence):
            found = parse_salary_text(part, default_currency)
            if found.minimum is not None or found.maximum is not None:
                return found
    return NO_SALARY


# A sentence longer than this is read only around its pay words: a board's header run into one line ("Job
# description: Compensation: €65k - 85k Job type: Full-time ... Company size: 10k+ people") holds other figures.
PAY_SENTENCE_MAX = 400
PAY_CLAUSE_BEFORE, PAY_CLAUSE_AFTER = 20, 120  # pay words mostly come first; not the header's dates before


def _pay_clauses(sentence: str) -> list[str]:
    if len(sentence) <= PAY_SENTENCE_MAX:
        return [sentence]
    return [sentence[max(0, m.start() - PAY_CLAUSE_BEFORE): m.end() + PAY_CLAUSE_AFTER]
            for m in _PAY_WORDS.finditer(sentence) if m.group().lower() != "k"][:5]


# A line that is a range of pay and nothing else ("£40k - 50k", "€50k - 65k | Equity"), as boards print the pay
# under their own heading: a currency on it, no other words than these.
_ALONE_WORDS = frozenset({"equity", "bonus", "ote", "doe", "plus", "benefits", "gross", "pa", "base"})
PAY_LINE_MAX = 40


def _pay_alone(line: str) -> bool:
    line = line.strip()
    match = _RANGE.search(line) if len(line) <= PAY_LINE_MAX else None
    if match is None or not _range_currency(match):
        return False
    rest = line[:match.start()] + " " + line[match.end():]
    return all(word.lower() in _ALONE_WORDS for word in re.findall(r"[^\W\d_]+", rest))


def _amount(digits: str | None, k: str | None) -> float | None:
    if not digits:
        return None
    cleaned = re.sub(r"[,.\s](?=\d{3}\b)", "", digits).replace(",", ".")
    try:
        amount = float(cleaned)
    except ValueError:
        return None
    return amount * 1000 if k else amount


def _range_currency(match: re.Match) -> str | None:
    """The currency a _RANGE match names, before either end or after it."""
    return match.group("cur1") or match.group("cur2") or match.group("cur3")


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    return _SYMBOLS.get(token, token.upper())
