"""`SOURCES` maps each connector name to its class. A new source is one module with one `Source`
subclass, registered here."""
from __future__ import annotations

from connectors.adzuna import Adzuna
from connectors.arbeitnow import Arbeitnow
from connectors.ashby import Ashby
from connectors.base import Source, SourceSpec
from connectors.greenhouse import Greenhouse
from connectors.himalayas import Himalayas
from connectors.hn import HackerNews
from connectors.http import SourceConfigError
from connectors.lever import Lever
from connectors.recruitee import Recruitee
from connectors.remoteok import RemoteOK
from connectors.remotive import Remotive
from connectors.smartrecruiters import SmartRecruiters
from connectors.themuse import TheMuse
from connectors.usajobs import USAJobs
from connectors.workable import Workable

SOURCES: dict[str, type[Source]] = {
    cls.name: cls
    for cls in (
        Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee,
        Remotive, RemoteOK, Arbeitnow, Himalayas, TheMuse, HackerNews, USAJobs, Adzuna,
    )
}


def make_source(spec: SourceSpec) -> Source:
    try:
        cls = SOURCES[spec.type]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise SourceConfigError(f"unknown source type '{spec.type}' (known: {known})") from None
    return cls(spec)

