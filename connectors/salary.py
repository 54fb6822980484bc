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
_CUR = r"(?:US\$|CA\$|C\$|AU\$|A\$|NZ\$|[$€£¥₹]|USD|EUR|GBP|CAD|AUD|CHF|INR)"


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
_AMOUNT = r"(\d{1,3}(?:[,.\s]\d{3})+(?!\d)|\d+[.,]\d{1,2}(?=\s*[kK])|\d+(?:\.\d+)?)\s*([kK])?"
_RANGE = re.compile(
    r"(?P<cur1>" + _CUR + r")?\s*" + _AMOUNT
    + r"\s*(?:-|–|—|to)\s*(?P<cur2>" + _CUR + r")?\s*" + _AMOUNT
    + r"\s*(?P<cur3>USD|EUR|GBP|CAD|AUD|CHF|INR)?",
)
_SINGLE = re.compile(r"(?P<cur1>" + _CUR + r")\s*" + _AMOUNT + r"\s*(?P<cur3>USD|EUR|GBP|CAD|AUD|CHF|INR)?")


def parse_salary_text(text: str | None, default_currency: str | None = None) -> Salary:
    """Parse free text such as "$120k-$150k", "€60.000 – €75.000 per year", "$45/hr"."""
    if not text:
        return NO_SALARY
    match = _RANGE.search(text)
    if match:
        lo = _amount(match.group(2), match.group(3))
        hi = _amount(match.group(5), match.group(6))
        if match.group(3) and not match.group(6) and hi is not None and hi < 1000:
            hi *= 1000  # "$120k-150" reads as thousands
        if match.group(6) and not match.group(3) and lo is not None and lo < 1000:
            lo *= 1000  # "120-150k"
        currency = _currency(match.group("cur1") or match.group("cur2") or match.group("cur3"))
    else:
        match = _SINGLE.search(text)
        if not match:
            return NO_SALARY
        lo = hi = _amount(match.group(2), match.group(3))
        currency = _currency(match.group("cur1") or match.group("cur3"))
    if currency is None and default_currency is None and not re.search(r"salary|comp|pay|\bk\b", text, re.I):
        return NO_SALARY
    tail = text[match.end(): match.end() + 30] + " " + text[max(0, match.start() - 5): match.start()]
    period = period_of(tail) if re.search(r"(/|per|an?\s|\b)(hour|hr|h|year|yr|month|mo|week|day|annum)\b", tail, re.I) else None
    return annualize(lo, hi, currency or default_currency, period)


def _amount(digits: str | None, k: str | None) -> float | None:
    if not digits:
        return None
    cleaned = re.sub(r"[,.\s](?=\d{3}\b)", "", digits).replace(",", ".")
    try:
        amount = float(cleaned)
    except ValueError:
        return None
    return amount * 1000 if k else amount


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    return _SYMBOLS.get(token, token.upper())
