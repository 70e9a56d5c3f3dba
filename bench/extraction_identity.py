"""A fingerprint of the extractor's behaviour, to show a speed change alters no output (run on demand).

    python bench/extraction_identity.py [--devset ../shared/devset]

Prints the sha256 of the repr of every extraction (`extract_article` with `list_unknowns`) of:
600 articles of bench/extraction.py's generator (seed 1) at two publication dates, the dev set's
articles at their gold publication dates (read from the dev set's folder, never copied here) and
the two seeds, each with two gazetteers (bench/extraction.py's and the knowledge base's). A second
line fingerprints `draft_events` on the same extractions (issue 16's drafting reads the shared
date and text helpers). The same hashes before and after a change mean the same output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import ACTORS, make_article  # noqa: E402

from events.ingest.eventdraft import draft_events  # noqa: E402
from events.ingest.extract import extract_article  # noqa: E402
from events.ingest.gazetteer import Gazetteer  # noqa: E402
from events.ingest.knowledge import load_knowledge_base  # noqa: E402
from events.ingest.parser import parse_article  # noqa: E402

SEEDS = {"000_eb3323f6cf93e5ce.txt": dt.date(2023, 9, 19), "004_18fe2a88e90ce931.txt": dt.date(2022, 8, 4)}
DATES = (dt.date(2024, 3, 8), dt.date(2021, 1, 4))


def articles(devset: Path) -> list[tuple[str, str, dt.date | None]]:
    """(source, text, publication date) of every article fingerprinted."""
    rng = random.Random(1)
    generated = [make_article(rng, 5000) for _ in range(600)]
    found = [(f"synthetic-{i}.txt", text, day) for day in DATES for i, text in enumerate(generated)]
    for gold in sorted((devset / "gold").glob("*.json")):
        published = json.loads(gold.read_text(encoding="utf-8")).get("published")
        text = (devset / "articles" / f"{gold.stem}.txt").read_text(encoding="utf-8")
        found.append((gold.stem, text, dt.date.fromisoformat(published) if published else None))
    found += [(name, (ROOT / "seeds" / name).read_text(encoding="utf-8"), day) for name, day in SEEDS.items()]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset", help="the dev set's folder")
    args = parser.parse_args()
    gazetteers = (Gazetteer.from_entries(ACTORS), Gazetteer.from_entries(load_knowledge_base().gazetteer_entries()))
    extracted, drafted, count = hashlib.sha256(), hashlib.sha256(), 0
    for source, text, day in articles(args.devset):
        parsed = parse_article(text, source=source)
        for gazetteer in gazetteers:
            extraction = extract_article(parsed, gazetteer, day, list_unknowns=True)
            extracted.update(repr(extraction).encode())
            drafted.update(repr(draft_events(parsed, extraction)).encode())
            count += 1
    print(f"extraction {extracted.hexdigest()} ({count} extractions)")
    print(f"drafting   {drafted.hexdigest()}")


if __name__ == "__main__":
    main()
