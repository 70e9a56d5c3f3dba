"""Instructions per article of `extract_article` (and `draft_events`), under callgrind (run on demand).

    python bench/extraction_instructions.py [--articles 40] [--seed 1]

Runs this script under `valgrind --tool=callgrind` (two at a time): parsing the bench articles
only, parsing and extracting them, and parsing, extracting and drafting events, each also after
one warm-up article extracted and drafted; the differences of the "Collected" totals divided by
the number of articles are the instructions an article costs. The figure after the warm-up is what
a long run pays per article (bench/extraction.py); the other also counts, spread over the
articles, what the first article pays once (patterns compiled on first use, caches filled).
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
from concurrent.futures import ThreadPoolExecutor
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
    if step.startswith("warm"):
        # One article extracted (and drafted) first: the patterns compiled on first use and the
        # caches filled, as in any long run (bench/extraction.py times 1,000 articles 3 times).
        draft_events(parsed[0], extract_article(parsed[0], gazetteer, published_on))
    if step in ("none", "warm"):
        return
    for article in parsed:
        extraction = extract_article(article, gazetteer, published_on)
        if step.endswith("draft"):
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
    parser.add_argument(
        "--step",
        choices=("none", "extract", "draft", "warm", "warm-extract", "warm-draft"),
        help="(the inner run under callgrind)",
    )
    args = parser.parse_args()
    if args.step:
        inner(args.articles, args.seed, args.step)
        return
    steps = ("none", "extract", "draft", "warm", "warm-extract", "warm-draft")
    with ThreadPoolExecutor(2) as pool:
        count = dict(zip(steps, pool.map(lambda step: collected(args.articles, args.seed, step), steps), strict=True))
    n = args.articles
    print(f"{n} articles (seed {args.seed}), instructions per article:")
    print(
        f"extract_article: {(count['warm-extract'] - count['warm']) / n:,.0f} after a warm-up article "
        f"({(count['extract'] - count['none']) / n:,.0f} counting the first use of every pattern and cache)"
    )
    print(
        f"draft_events:    {(count['warm-draft'] - count['warm-extract']) / n:,.0f} after a warm-up article "
        f"({(count['draft'] - count['extract']) / n:,.0f} counting the first use)"
    )


if __name__ == "__main__":
    main()
