"""Generate N realistic synthetic postings from the listings corpus, with ground truth.

Clones of real companies keep real block sizes: clone k of "Kinaxis" is "Kinaxis <word k>" with the same
postings, titles, places and dates, and job ids shifted so every clone's ids are its own. About 70% of
the rows are these base postings (one job each), 30% are perturbed duplicates of a random base posting:
title typos, abbreviations (Senior -> Sr., Engineer -> Eng., Software Engineer -> SWE, Internship ->
Intern) and noise (" - Remote", " (No Sponsorship)"), legal suffixes and spelling of the company
("Inc.", ", LLC", upper case, dots), NYC / New York and SF / San Francisco, URLs kept, given tracking
parameters, moved to the ATS's other host, or dropped, and posted dates shifted by up to 5 days.
Company names are never misspelt: blocking is on the normalized company (or the resolver's company_id).

Base rows are the corpus's `simplify` rows with one row per job id (archive copies and repeated ids
are left out), so two base rows are two different jobs by construction.

Output: jsonl in the generic posting format; the truth is in each row's `source_id` ("<job>~<copy>").
Run: python benchmarks/dedupe_generate.py --n 1000000 --out /tmp/postings_1m.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.normalize import ats_job, company_key  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "listings" / "postings.jsonl"
SYLLABLES = ["ka", "lo", "mi", "ra", "ve", "no", "ti", "sa", "qu", "zen", "dor", "pax", "lum", "bri", "cor", "fen"]
ABBREVIATIONS = [("Senior", "Sr."), ("Engineer", "Eng."), ("Software Engineer", "SWE"), ("Internship", "Intern"),
                 ("Junior", "Jr."), ("Development", "Dev"), ("Manager", "Mgr")]
NOISE = [" - Remote", " (No Sponsorship)", " 🛂", " (US Citizens Only)", " - Hybrid"]
SUFFIXES = [", Inc.", " Inc", " LLC", ", Ltd.", " Corp.", " GmbH"]
PLACES = [("NYC", "New York, NY"), ("SF", "San Francisco, CA"), ("New York City, NY", "NYC"), ("LA", "Los Angeles, CA")]


def clone_word(k: int) -> str:
    word, x = "", k + 17
    while x:
        word, x = word + SYLLABLES[x % len(SYLLABLES)], x // len(SYLLABLES)
    return word.capitalize()


def base_rows(corpus: Path) -> list[dict]:
    seen, rows = set(), []
    for line in corpus.open(encoding="utf-8"):
        row = json.loads(line)
        if row["source"] != "simplify":
            continue
        ats, job = ats_job(row.get("url"))
        key = (company_key(row["company"]), job) if job else None
        if key and key in seen:
            continue
        if key:
            seen.add(key)
        rows.append(row)
    return rows


_LONG_NUMBER = re.compile(r"(?<![0-9a-z])([0-9]{5,})(?![0-9])")
_UUID_HEAD = re.compile(r"\b([0-9a-f]{8})-([0-9a-f]{4})-")


_HOST_NAMES_EMPLOYER = ("myworkdayjobs.com", "icims.com", "bamboohr.com", "recruitee.com", "workable.com")


def clone_url(url: str | None, k: int) -> str | None:
    """The clone's own copy of a URL: its own job ids and its own board (a clone is another employer, so it
    must not share the original's ATS board slug, which names an employer)."""
    if not url or k == 0:
        return url
    word = clone_word(k).lower()
    parts = urlsplit(url)
    host, path = parts.netloc, parts.path
    if host.endswith(_HOST_NAMES_EMPLOYER):
        label, _, rest = host.partition(".")
        host = f"{label}{word}.{rest}"
    else:
        segments = path.split("/")
        if len(segments) > 1 and segments[1]:
            segments[1] += word
        path = "/".join(segments)
    url = urlunsplit((parts.scheme, host, path, parts.query, parts.fragment))
    url = _LONG_NUMBER.sub(lambda m: str(int(m.group(1)) * 1000 + k % 1000 + 1000 * (k // 1000) * 7919), url)
    return _UUID_HEAD.sub(lambda m: f"{(int(m.group(1), 16) + k) % 2**32:08x}-{m.group(2)}-", url)


def typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind < 0.7:
        return text[:i] + text[i + 1:]
    return text[:i] + text[i] + text[i:]


def perturb(row: dict, rng: random.Random) -> dict:
    out = dict(row)
    title = row["title"]
    if rng.random() < 0.4:
        for long, short in rng.sample(ABBREVIATIONS, len(ABBREVIATIONS)):
            if long in title:
                title = title.replace(long, short, 1)
                break
    if rng.random() < 0.25:
        title += rng.choice(NOISE)
    if rng.random() < 0.3:
        title = typo(title, rng)
    if rng.random() < 0.1:
        title = title.upper() if rng.random() < 0.5 else title.lower()
    out["title"] = title
    company = row["company"]
    if rng.random() < 0.3:
        company += rng.choice(SUFFIXES)
    elif rng.random() < 0.15:
        company = company.upper()
    out["company"] = company
    places = list(row.get("locations") or [])
    if places and rng.random() < 0.3:
        swaps = dict(PLACES + [(b, a) for a, b in PLACES])
        places = [swaps.get(p, p) for p in places]
    if places and rng.random() < 0.1:
        places = []
    out["locations"] = places
    url, r = row.get("url"), rng.random()
    if url and r < 0.35:
        url = None
    elif url and r < 0.6:
        url += ("&" if "?" in url else "?") + f"utm_source=agg{rng.randint(1, 9)}&utm_medium=feed"
    elif url and r < 0.7:
        url = url.replace("boards.greenhouse.io", "job-boards.greenhouse.io")
    out["url"] = url
    if row.get("posted_at") and rng.random() < 0.5:
        posted = datetime.fromisoformat(row["posted_at"].replace("Z", "+00:00"))
        out["posted_at"] = (posted + timedelta(days=rng.randint(-5, 5), hours=rng.randint(0, 23))).strftime("%Y-%m-%dT%H:%M:%SZ")
    out["source"] = rng.choice(["adzuna", "themuse", "remotive", "hn", "referral", "jobspy"])
    return out


def generate(n: int, corpus: Path = CORPUS, seed: int = 4, duplicate_share: float = 0.3):
    """Yield n postings (dicts in the generic format); truth: source_id = "<job>~<copy>"."""
    rng = random.Random(seed)
    bases = base_rows(corpus)
    n_base = round(n * (1 - duplicate_share))
    made = []
    for i in range(n_base):
        k, row = divmod(i, len(bases))
        base = bases[row]
        job = dict(base, company=f"{base['company']} {clone_word(k)}" if k else base["company"],
                   url=clone_url(base.get("url"), k), source="simplify", source_id=f"{i}~0")
        made.append(job)
        yield job
    for d in range(n - n_base):
        original = made[rng.randrange(n_base)]
        copy = perturb(original, rng)
        copy["source_id"] = f"{original['source_id'].split('~')[0]}~{d + 1}"
        yield copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in generate(args.n, seed=args.seed):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
