"""A plain-Python rule matcher: the baseline `benchmarks/import_wall.py` times `leads import` against.

What a developer would write in an afternoon with rapidfuzz: read the JSONL with `json`, key the company
(lower case, punctuation and legal suffixes dropped), block on that key, and inside a block call two
postings one job when their URLs are equal, or when their titles score >= 90 (token_sort_ratio) with the
same first place and posting dates at most 60 days apart; union-find makes the groups, refusing a union
that would put two different URLs in one group. Titles of a block
are compared with `cdist` on every core (or, with --loop, pair by pair in Python, as the simplest matcher
would).

    python benchmarks/rule_matcher.py POSTINGS.jsonl --out GROUPS.tsv [--loop]

Writes "source_id<TAB>group" per posting. Nothing here is used by jobleads itself.
"""
from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

LEGAL = re.compile(r"\b(inc|llc|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv|lp|llp)\b")
TITLE_CUTOFF = 90
MAX_DAYS = 60


def company_key(name: str) -> str:
    return " ".join(LEGAL.sub(" ", utils.default_process(name or "")).split())


def day(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() / 86400
    except ValueError:
        return None


def find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def similar_pairs(titles: list[str], loop: bool):
    """(a, b), a < b, of the titles scoring >= TITLE_CUTOFF: one cdist, or a Python loop over the pairs."""
    if loop:
        for a in range(len(titles)):
            for b in range(a + 1, len(titles)):
                if fuzz.token_sort_ratio(titles[a], titles[b], score_cutoff=TITLE_CUTOFF):
                    yield a, b
        return
    scores = process.cdist(titles, titles, scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_CUTOFF,
                           dtype=np.uint8, workers=-1)
    yield from zip(*np.nonzero(np.triu(scores, 1)))


def match(rows: list[dict], loop: bool = False) -> list[int]:
    parent = list(range(len(rows)))
    urls = [(r.get("url") or "").split("?")[0].rstrip("/").lower() for r in rows]
    group_urls = {i: {u} for i, u in enumerate(urls) if u}  # a group never holds two different URLs

    def union(i: int, j: int) -> None:
        a, b = find(parent, i), find(parent, j)
        if a == b:
            return
        ua, ub = group_urls.get(a), group_urls.get(b)
        if ua and ub and ua != ub:
            return
        parent[a] = b
        if ua:
            group_urls[b] = ua
    blocks: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        blocks.setdefault(company_key(row.get("company")), []).append(i)
    titles = [utils.default_process(r.get("title") or "") for r in rows]
    places = [utils.default_process((r.get("locations") or [""])[0] or "") for r in rows]
    days = [day(r.get("posted_at")) for r in rows]
    for members in blocks.values():
        if len(members) < 2:
            continue
        for a, b in similar_pairs([titles[i] for i in members], loop):
            i, j = members[a], members[b]
            if places[i] != places[j]:
                continue
            if days[i] is not None and days[j] is not None and abs(days[i] - days[j]) > MAX_DAYS:
                continue
            union(i, j)
        by_url: dict[str, int] = {}
        for i in members:
            if urls[i]:
                if urls[i] in by_url:
                    union(i, by_url[urls[i]])
                else:
                    by_url[urls[i]] = i
    return [find(parent, i) for i in range(len(rows))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("postings")
    parser.add_argument("--out", required=True)
    parser.add_argument("--loop", action="store_true", help="score title pairs in a Python loop, not cdist")
    args = parser.parse_args()
    with open(args.postings, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    groups = match(rows, args.loop)
    with Path(args.out).open("w", encoding="utf-8") as out:
        for row, group in zip(rows, groups):
            out.write(f"{row.get('source_id')}\t{group}\n")


if __name__ == "__main__":
    main()
