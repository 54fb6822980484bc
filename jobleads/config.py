"""`leads.toml`: the user's profile, sources, weights and options, validated by pydantic."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SkillLevel = Literal["beginner", "intermediate", "advanced", "expert"]
LEVEL_WEIGHT = {"beginner": 0.4, "intermediate": 0.7, "advanced": 0.9, "expert": 1.0}


class ConfigError(Exception):
    """A one-line message naming the file and the key that is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Profile(_Strict):
    titles: list[str] = Field(default_factory=list)
    skills: dict[str, SkillLevel] = Field(default_factory=dict)
    locations: list[str] = Field(default_factory=list)
    remote: Literal["required", "preferred", "any", "no"] = "any"
    salary_floor: float | None = Field(default=None, ge=0)
    salary_currency: str = "USD"
    current_pay: float | None = Field(default=None, ge=0)
    seniority: Literal["intern", "junior", "mid", "senior", "staff", "principal", "manager", "director"] | None = None
    years_experience: float | None = Field(default=None, ge=0)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills_list_or_table(cls, value: Any) -> Any:
        if isinstance(value, list):  # a plain list means "intermediate" for each
            return {str(skill): "intermediate" for skill in value}
        return value

    @field_validator("salary_currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class SourceConfig(BaseModel):
    """One source to watch. Keys besides type/board/company are connector options."""

    model_config = ConfigDict(extra="allow")

    type: str
    board: str | None = None
    company: str | None = None
    enabled: bool = True

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Weights(_Strict):
    skills: float = Field(default=0.35, ge=0)
    title: float = Field(default=0.2, ge=0)
    warmth: float = Field(default=0.15, ge=0)
    recency: float = Field(default=0.1, ge=0)
    salary: float = Field(default=0.1, ge=0)
    location: float = Field(default=0.1, ge=0)
    seniority: float = Field(default=0.1, ge=0)  # fit of the posting's level (and years asked) to yours


class Schedule(_Strict):
    cron: str = "0 3 * * *"
    timezone: str | None = None  # None: the machine's local zone


class Notify(_Strict):
    urls: list[str] = Field(default_factory=list)  # apprise URLs
    top: int = Field(default=5, ge=1, le=50)


class Dashboard(_Strict):
    port: int = Field(default=8501, ge=1, le=65535)  # `leads dashboard` listens on 127.0.0.1:port; the digest links there


class Network(_Strict):
    reconnect_days: int = Field(default=90, ge=1)
    reconnect_min_score: float = Field(default=0.5, ge=0, le=1)  # a "strong" lead for `leads reconnect`
    warmth_half_life_days: int = Field(default=180, ge=1)
    weak_company_matches: bool = False  # also count contacts whose company only shares a word with the lead's
    followup_days: int = Field(default=7, ge=1)  # `leads followups`: a referral or application quiet this long


class Discover(_Strict):
    """`leads discover`: the public job boards of the network's companies."""

    recheck_days: int = Field(default=30, ge=1)  # a company (and each board asked about) is asked again after this
    requests_per_second: float = Field(default=5.0, gt=0, le=50)  # to each host (Recruitee's subdomains: one host)
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    nightly: bool = True  # the nightly refresh checks companies new to the network (and lists boards in the digest)
    nightly_limit: int = Field(default=50, ge=0)  # at most this many companies a night


class Http(_Strict):
    """How sources are fetched. The HTTP client is the one owner of retries: a source sends at most
    `attempts` requests per URL it needs and gives up once `source_deadline` seconds have passed."""

    timeout: float = Field(default=20.0, gt=0)  # connect, and each read: how long a host may stay silent
    attempts: int = Field(default=3, ge=1, le=10)
    request_deadline: float = Field(default=120.0, gt=0)  # one whole request, first byte to last
    source_deadline: float = Field(default=600.0, gt=0)  # all requests and retry waits of one source
    max_response_mb: float = Field(default=64.0, gt=0)
    per_host_concurrency: int = Field(default=4, ge=1, le=64)
    max_workers: int = Field(default=4, ge=1, le=64)
    base_urls: dict[str, str] = Field(default_factory=dict)  # connector name -> "http://127.0.0.1:8080"

    @field_validator("base_urls")
    @classmethod
    def _scheme_and_host(cls, value: dict[str, str]) -> dict[str, str]:
        from urllib.parse import urlsplit

        for name, url in value.items():
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{name} = '{url}' is not a URL with a scheme and host (e.g. http://127.0.0.1:8080)")
        return value


class Config(_Strict):
    profile: Profile = Field(default_factory=Profile)
    sources: list[SourceConfig] = Field(default_factory=list)
    weights: Weights = Field(default_factory=Weights)
    schedule: Schedule = Field(default_factory=Schedule)
    notify: Notify = Field(default_factory=Notify)
    dashboard: Dashboard = Field(default_factory=Dashboard)
    network: Network = Field(default_factory=Network)
    http: Http = Field(default_factory=Http)
    discover: Discover = Field(default_factory=Discover)
    skills: dict[str, list[str]] = Field(default_factory=dict)  # extra skills: name -> aliases


def resolve_config_path(explicit: str | Path | None) -> Path:
    return Path(explicit or os.environ.get("LEADS_CONFIG") or "leads.toml")


def load_config(path: str | Path | None, required: bool = False) -> Config:
    """Load and validate; a missing optional file gives the defaults."""
    path = resolve_config_path(path)
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: no such config file (run `leads init` to write one)")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_config(data, str(path))


def parse_config(data: dict[str, Any], origin: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _key_name(err["loc"], data)
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise ConfigError(f"{origin}: {key}: {err['msg']}{more}") from None


def _key_name(loc: tuple, data: dict[str, Any]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "config"


CONFIG_TEMPLATE = '''\
# jobleads configuration. Every key is optional; delete what you do not need.
# Docs: README.md. Validate with `leads sources` or any command that reads it.

[profile]
# Job titles you are aiming for; matched fuzzily against posting titles.
titles = ["Backend Engineer", "Site Reliability Engineer"]
# Your skills with a level: beginner | intermediate | advanced | expert.
# (A plain list such as ["Python", "Go"] also works and means intermediate.)
skills = { Python = "expert", PostgreSQL = "advanced", Kubernetes = "intermediate", Docker = "advanced" }
locations = ["Berlin", "Remote"]
remote = "preferred"              # required | preferred | any | no
salary_floor = 90000              # annual, in salary_currency
salary_currency = "EUR"
current_pay = 85000               # annual; `leads pay` shows where it falls in the market
# seniority = "senior"            # intern | junior | mid | senior | staff | principal | manager | director
# years_experience = 6

# Sources to watch every night. `type` is a connector name; `board` is the board token, site or account.
[[sources]]
type = "greenhouse"
board = "gitlab"

# [[sources]]
# type = "lever"
# board = "idealistconsulting"
# company = "Idealist Consulting"   # for sources whose payload names no company
# region = "eu"                     # Lever/Greenhouse boards hosted in the EU

# [[sources]]
# type = "remotive"                 # aggregators need no board
# search = "python"

# How much each part of the score counts (relative; they are normalized).
[weights]
skills = 0.35
title = 0.2
warmth = 0.15
recency = 0.1
salary = 0.1
location = 0.1
seniority = 0.1                   # posting's level and years asked vs profile seniority/years_experience

# When the nightly refresh runs (`leads schedule`). Cron syntax, local time unless timezone is set.
[schedule]
cron = "0 3 * * *"
# timezone = "Europe/Berlin"

# Optional digest after each run, through apprise URLs (mailto://, slack://, ntfy://, ...).
[notify]
urls = []
top = 5

# `leads dashboard` listens on 127.0.0.1 at this port; the digest links each lead there.
[dashboard]
port = 8501

[network]
reconnect_days = 90               # `leads reconnect`: contacts not touched for this long
reconnect_min_score = 0.5         # ... at companies with open leads scoring at least this
warmth_half_life_days = 180       # warmth halves after this many days without contact
followup_days = 7                 # `leads followups`: a referral offered or an application sent, quiet this long
weak_company_matches = false      # true: "Meta" also warms "Meta Financial" leads (half as warm)

# Fetching. The HTTP client alone retries: a source sends at most `attempts` requests per URL it
# needs (a dead host costs 3 requests a night) and gives up once `source_deadline` has passed.
[http]
timeout = 20.0                    # seconds a host may stay silent (connect, or between two reads)
attempts = 3                      # tries per request (5xx, 429, timeouts, dropped connections)
request_deadline = 120.0          # one whole request, first byte to last, however slowly it drips
source_deadline = 600.0           # every request and retry wait of one source together
max_response_mb = 64              # a larger body fails the source instead of filling memory
per_host_concurrency = 4
max_workers = 4                   # sources fetched at once

# Replace a provider's scheme and host (a mirror, a proxy, a local test server); paths stay as they are.
[http.base_urls]
# greenhouse = "http://127.0.0.1:8080"

# `leads discover` looks for the public job boards (Greenhouse, Lever, Ashby, Workable, SmartRecruiters,
# Recruitee) of your contacts' employers, your referrals' companies and `leads company target` companies.
[discover]
recheck_days = 30                 # a company checked this recently is skipped
requests_per_second = 5.0         # to each host (Recruitee's subdomains count as one)
per_host_concurrency = 2
nightly = true                    # the nightly refresh checks companies new to your network
nightly_limit = 50                # ... at most this many a night

# Skills the built-in taxonomy lacks: name = [aliases].
[skills]
# "Temporal" = ["temporal.io"]
'''


def append_sources(path: str | Path, sources: list[dict[str, Any]], comment: str | None = None) -> list[dict[str, Any]]:
    """Append `[[sources]]` tables to the config file, keeping its comments and layout, skipping any board
    it already lists (same type, region and board, case aside). Written aside and renamed, so a crash leaves
    the old file whole. Returns the sources added."""
    import tomlkit

    path = resolve_config_path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    current = parse_config(tomllib.loads(text), str(path)) if text.strip() else Config()

    def key(source: dict[str, Any]) -> tuple[str, str, str]:
        return (str(source.get("type")), str(source.get("region") or ""), str(source.get("board") or "").lower())

    seen = {key({"type": s.type, "board": s.board, **s.options()}) for s in current.sources}
    added = []
    for source in sources:
        if key(source) not in seen:
            seen.add(key(source))
            added.append(source)
    if not added:
        return []
    # Appended as text: every byte the user wrote stays where it was ([[sources]] may follow other tables).
    lines = ["", f"# {comment}" if comment else None]
    for source in added:
        lines += ["[[sources]]"] + [f"{name} = {tomlkit.item(value).as_string()}"
                                    for name, value in source.items() if value is not None] + [""]
    new_text = text + ("" if not text or text.endswith("\n") else "\n") + "\n".join(x for x in lines if x is not None)
    parse_config(tomllib.loads(new_text), str(path))  # never write a file that would not load
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(new_text)
    os.replace(tmp, path)
    return added
