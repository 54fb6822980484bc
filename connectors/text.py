"""Text helpers shared by connectors: HTML to clean text, URLs without tracking parameters."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

_PARSER = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_LOOKS_ESCAPED = re.compile(r"&lt;\s*/?\s*[a-zA-Z]")
_DANGLING_TAG = re.compile(r"<[a-zA-Z/!][^>]*$")  # a body cut mid-tag (truncated captures)

TRACKING_PARAMS = {
    "gh_src", "source", "src", "ref", "referrer", "referer", "lever-source", "lever-origin",
    "trk", "trackingid", "refid", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_hsenc",
    "_hsmi", "utm_id", "iis", "iisn", "ccuid", "jobsource", "source_id", "sourcetype", "campaign",
}


def html_to_text(markup: str | None) -> str | None:
    """Turn (possibly entity-escaped) HTML into readable plain text, paragraphs kept."""
    if markup is None:
        return None
    text = markup
    if _LOOKS_ESCAPED.search(text):  # Greenhouse sends &lt;p&gt;...: unescape once, then parse
        text = html.unescape(text)
    text = _DANGLING_TAG.sub("", text)
    if "<" in text and ">" in text:
        text = get_text(text, _PARSER)
    else:
        text = html.unescape(text)
    text = text.replace("\xa0", " ").replace("\r\n", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip() or None


# A URL whose query is plain key=value pairs of characters that parsing and re-encoding leave as they are
# ("...?gh_jid=4359503007"): most of them. Such a query is filtered as text, as parse_qsl/urlencode would.
_PLAIN_QUERY_URL = re.compile(r"(https?://[^/?#\s]+[^?#\s]*)\?((?:[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*&)*[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)")


# A query key strip_tracking drops, found anywhere in a URL (RE2 syntax, for Arrow's vectorized match: a
# large file's URLs without one need no Python at all).
TRACKING_KEY_PATTERN = (r"(?i)[?&](?:utm_[^&=#]*|" + "|".join(re.escape(k) for k in sorted(TRACKING_PARAMS))
                        + r")(?:[=&#]|$)")
PLAIN_QUERY_URL_PATTERN = "^" + _PLAIN_QUERY_URL.pattern + "$"
# A URL strip_tracking leaves as it is for want of a query or a fragment to clean (RE2 and Python alike).
PLAIN_URL_PATTERN = r"^https?://[^?#\s]+$"


def strip_tracking(url: str | None) -> str | None:
    """Drop utm_* and other tracking parameters; keep ids such as gh_jid that identify the job."""
    if not url:
        return None
    url = url.strip()
    plain = _PLAIN_QUERY_URL.fullmatch(url)
    if plain:
        kept = [pair for pair in plain[2].split("&") if not _is_tracking(pair.partition("=")[0])]
        return plain[1] + ("?" + "&".join(kept) if kept else "")
    return _strip_parsed(url)


def _strip_parsed(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def _is_tracking(key: str) -> bool:
    return key.lower().startswith("utm_") or key.lower() in TRACKING_PARAMS


def clean_line(text: str | None) -> str | None:
    """Collapse whitespace in a one-line field; None when nothing is left."""
    if text is None:
        return None
    text = " ".join(html.unescape(str(text)).split())
    return text or None


_REMOTE = re.compile(r"\b(remote|anywhere|work from home|wfh|distributed|telecommut\w*)\b", re.I)
_HYBRID = re.compile(r"\bhybrid\b", re.I)
_ONSITE = re.compile(r"\b(on[- ]?site|in[- ]office|in person)\b", re.I)


def workplace_from_text(*texts: str | None) -> str | None:
    """remote / hybrid / onsite as a location or title line says it; None when it says nothing."""
    joined = " | ".join(t for t in texts if t)
    if not joined:
        return None
    if _HYBRID.search(joined):
        return "hybrid"
    if _REMOTE.search(joined):
        return "remote"
    if _ONSITE.search(joined):
        return "onsite"
    return None


def join_place(*parts: str | None) -> str | None:
    """"City, Region, Country" from whichever parts are present, without repeats or empty pieces."""
    seen: list[str] = []
    for part in parts:
        text = clean_line(part)
        if text and text.lower() not in (s.lower() for s in seen):
            seen.append(text)
    return ", ".join(seen) or None


def workplace_word(value: str | None) -> str | None:
    """remote / hybrid / onsite from a source's own workplace field ("On-site", "OnSite", "REMOTE" ...)."""
    if not value:
        return None
    word = re.sub(r"[^a-z]", "", str(value).lower())
    if word in ("remote", "fullyremote", "remoteonly"):
        return "remote"
    if word == "hybrid":
        return "hybrid"
    if word in ("onsite", "inoffice", "office", "inperson"):
        return "onsite"
    return None
