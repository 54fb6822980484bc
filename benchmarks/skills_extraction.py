"""Skill extraction quality and speed (issue 6).

Prints precision and recall per skill family on the hand-labelled descriptions in
tests/data/labelled_descriptions.toml, and how fast one description is read.

    .venv/bin/python benchmarks/skills_extraction.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.skills import evaluate, extract, load_taxonomy  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "labelled_descriptions.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200, help="passes over the descriptions for the timing")
    args = parser.parse_args()
    started = time.perf_counter()
    taxonomy = load_taxonomy()
    load_seconds = time.perf_counter() - started
    postings = tomllib.loads(LABELLED.read_text(encoding="utf-8"))["posting"]
    report = evaluate(taxonomy, postings)
    print(f"taxonomy: {len(taxonomy)} skills in {len(taxonomy.categories())} families, compiled in {load_seconds:.2f} s")
    print(f"labelled: {len(postings)} descriptions, {sum(len(p['skills']) for p in postings)} skill labels\n")
    print("| family | labels | found right | wrong | missed | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for family, r in report.items():
        print(f"| {family} | {r['tp'] + r['fn']} | {r['tp']} | {r['fp']} | {r['fn']} | {r['precision']:.2f} | {r['recall']:.2f} |")
    placed = agreed = 0
    for p in postings:
        kinds = extract(taxonomy, p["title"], p["text"]).importance()
        for kind in ("required", "preferred"):
            for skill in p.get(kind, []):
                placed += 1
                agreed += kinds.get(skill) == kind
    print(f"\nrequired/preferred placement agreeing with labels: {agreed}/{placed} = {agreed / placed:.2f}")
    chars = sum(len(p["text"]) for p in postings)
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for p in postings:
            extract(taxonomy, p["title"], p["text"])
        timings.append(time.perf_counter() - t0)
    per_posting = statistics.median(timings) / len(postings)
    per_kchar = statistics.median(timings) / chars * 1000
    print(f"extraction: {per_posting * 1000:.2f} ms per description (median, avg {chars // len(postings)} chars), "
          f"{per_kchar * 1000:.3f} ms per 1,000 chars")
    corpus = ROOT.parent / "shared" / "corpus" / "api" / "greenhouse"
    if corpus.exists():  # real postings are longer than the labelled snippets
        from connectors import SourceSpec, make_source

        real = [p for path in sorted(corpus.glob("*.json"))
                for p in make_source(SourceSpec(type="greenhouse", board=path.stem)).parse_file(path).postings]
        real_chars = sum(len(p.description or "") for p in real)
        runs = []
        for _ in range(max(1, args.repeat // 10)):
            t0 = time.perf_counter()
            for p in real:
                extract(taxonomy, p.title, p.description)
            runs.append(time.perf_counter() - t0)
        median = statistics.median(runs)
        print(f"real Greenhouse captures: {len(real)} descriptions of {real_chars // len(real):,} chars on average, "
              f"{median / len(real) * 1000:.2f} ms each ({median / real_chars * 1e6:.3f} ms per 1,000 chars)")


if __name__ == "__main__":
    main()
