"""Validated records that every connector produces: the only shapes the warehouse accepts."""
from __future__ import annotations

import pyarrow as pa

from datetime import date, datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors.text import strip_tracking

Remote = Literal["remote", "hybrid", "onsite"]
SalaryPeriod = Literal["year", "month", "week", "day", "hour"]
Strength = Literal["close", "known", "weak"]


class Posting(BaseModel):
    """One job as one source reported it. Salary figures are annual (see connectors.salary)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    source: str = Field(min_length=1)
    source_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    company: str = Field(min_length=1)
    source_key: str | None = None  # board token, site or account the record came from
    locations: list[str] = Field(default_factory=list)
    remote: Remote | None = None
    description: str | None = None
    url: str | None = None
    apply_url: str | None = None
    posted_at: datetime | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: SalaryPeriod | None = None  # the period the source quoted; figures are annual
    department: str | None = None
    employment_type: str | None = None
    tags: list[str] = Field(default_factory=list)
    credit: str | None = None  # attribution/link-back a source's terms require
    contact: str | None = None  # for referrals: who offered to refer
    note: str | None = None

    @field_validator("source_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("locations", mode="before")
    @classmethod
    def _clean_locations(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        seen: list[str] = []
        for item in value:
            text = " ".join(str(item).split())
            if text and text not in seen:
                seen.append(text)
        return seen

    @field_validator("url", "apply_url")
    @classmethod
    def _no_tracking(cls, value: str | None) -> str | None:
        return strip_tracking(value)

    @field_validator("posted_at", mode="before")
    @classmethod
    def _parse_posted_at(cls, value: Any) -> Any:
        return to_utc(value)

    @field_validator("posted_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    @field_validator("salary_currency")
    @classmethod
    def _upper_currency(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _salary_order(self) -> Posting:
        lo, hi = self.salary_min, self.salary_max
        if lo is not None and lo <= 0:
            self.salary_min = lo = None
        if hi is not None and hi <= 0:
            self.salary_max = hi = None
        if lo is not None and hi is not None and lo > hi:
            self.salary_min, self.salary_max = hi, lo
        if lo is None and hi is None and self.description:
            # No pay field: the same reader looks for a pay sentence in the text ("£32k - £36k per annum").
            from connectors.salary import salary_in_description

            found = salary_in_description(self.description, self.salary_currency)
            if found.minimum is not None or found.maximum is not None:
                self.salary_min, self.salary_max = found.minimum, found.maximum
                self.salary_currency, self.salary_period = found.currency, found.period
        return self


def to_utc(value: Any) -> Any:
    """Accept ISO 8601 text, epoch seconds or milliseconds, dates; return an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a date cannot be a boolean")
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return to_utc(int(text))
        if text.endswith(" UTC"):
            text = text[:-4] + "+00:00"
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


def _no_nul(data: Any) -> Any:
    """Text fields without NUL characters (a NUL is never text; stored it breaks tools downstream)."""
    if isinstance(data, dict):
        return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in data.items()}
    return data


class Contact(BaseModel):
    """A person in the user's network."""

    model_config = ConfigDict(str_strip_whitespace=True)
    _clean = model_validator(mode="before")(_no_nul)

    name: str = Field(min_length=1)
    company: str | None = None
    position: str | None = None
    url: str | None = None
    email: str | None = None
    connected_on: date | None = None
    strength: Strength = "known"
    last_touch: date | None = None
    notes: str | None = None


class Referral(BaseModel):
    """A job someone in the network offered to refer the user to."""

    model_config = ConfigDict(str_strip_whitespace=True)
    _clean = model_validator(mode="before")(_no_nul)

    company: str = Field(min_length=1)
    title: str = Field(min_length=1)
    contact: str | None = None
    url: str | None = None
    location: str | None = None
    note: str | None = None
    logged_at: datetime | None = None


class QuarantinedItem(BaseModel):
    """An item a connector could not turn into a valid record, kept with why."""

    source: str
    source_key: str | None = None
    source_id: str | None = None
    reason: str
    payload: str  # the raw item as JSON text


class RawItem(BaseModel):
    """One item exactly as the source sent it, kept append-only in raw_postings."""

    source: str
    source_key: str | None = None
    source_id: str | None = None
    payload: str


# A Posting as an Arrow row: how the bulk readers hand postings to the warehouse (posting_uid = source:source_id).
POSTING_SCHEMA = pa.schema(
    [
        ("posting_uid", pa.string()),
        ("source", pa.string()),
        ("source_key", pa.string()),
        ("source_id", pa.string()),
        ("title", pa.string()),
        ("company", pa.string()),
        ("locations", pa.list_(pa.string())),
        ("remote", pa.string()),
        ("description", pa.string()),
        ("url", pa.string()),
        ("apply_url", pa.string()),
        ("posted_at", pa.timestamp("us", tz="UTC")),
        ("salary_min", pa.float64()),
        ("salary_max", pa.float64()),
        ("salary_currency", pa.string()),
        ("salary_period", pa.string()),
        ("department", pa.string()),
        ("employment_type", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("credit", pa.string()),
        ("contact", pa.string()),
        ("note", pa.string()),
    ]
)
