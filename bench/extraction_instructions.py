"""Instructions per article of `extract_article` (and `draft_events`), under callgrind (run on demand).

    python bench/extraction_instructions.py [--articles 40] [--seed 1]

Runs this script three times under `valgrind --tool=callgrind`: parsing the bench articles only,
parsing and extracting them, and parsing, extracting and drafting events; the differences of the
"Collected" totals divided by the number of articles are the instructions an article costs.
Instructions do not depend on the machine's load, so two trees can be compared on a busy machine
(`PYTHONHASHSEED=0` makes the counts repeat). `--step none|extract|draft` is the inner run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def inner(articles: int, seed: int, step: str) -> None:
    from extraction import ACTORS, make_article

    from events.ingest.eventdraft import draft_events
    from events.ingest.extract import extract_article
    from events.ingest.gazetteer import Gazetteer
    from events.ingest.parser import parse_article

    rng = random.Random(seed)
    gazetteer = Gazetteer.from_entries(ACTORS)
    parsed = [parse_article(make_article(rng, 5000), source=f"synthetic-{i}.txt") for i in range(articles)]
    published_on = dt.date(2024, 3, 8)
    # One warm-up article outside the count would differ between steps; every step pays the same imports.
    for article in parsed:
        if step != "none":
            extraction = extract_article(article, gazetteer, published_on)
            if step == "draft":
                draft_events(article, extraction)


def collected(articles: int, seed: int, step: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--articles",
                str(articles),
                "--seed",
                str(seed),
                "--step",
                step,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    match = re.search(r"Collected : (\d+)", result.stderr)
    if not match:
        raise SystemExit(f"no 'Collected' line from callgrind:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="bench articles (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default 1)")
    parser.add_argument("--step", choices=("none", "extract", "draft"), help="(the inner run under callgrind)")
    args = parser.parse_args()
    if args.step:
        inner(args.articles, args.seed, args.step)
        return
    base = collected(args.articles, args.seed, "none")
    extract = collected(args.articles, args.seed, "extract")
    draft = collected(args.articles, args.seed, "draft")
    print(f"extract_article: {(extract - base) / args.articles:,.0f} instructions per article")
    print(f"draft_events:    {(draft - extract) / args.articles:,.0f} instructions per article")


if __name__ == "__main__":
    main()
