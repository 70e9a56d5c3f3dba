"""Measure event drafting on the dev set's real articles (run on demand, not a test).

    python bench/events_devset.py [--devset ../shared/devset] [-v]

For every gold file, the article beside it is extracted with its gold publication date and
the knowledge base's gazetteer (no database), and its events drafted (events/ingest/eventdraft.py).
A gold event (a date and a summary) counts as found here when a draft of its article has the
same date at the gold's precision (a day, "2022-09" a month, "2020" a year): a date-only
match, an upper bound of the recall a reader would accept (type and participants are judged by
hand: `-v` lists every draft beside the gold events for that). Also printed: drafts per article.

The articles are outside text: they are read from the dev set's folder, never copied here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from events.ingest.gazetteer import Gazetteer  # noqa: E402
from events.ingest.knowledge import load_knowledge_base  # noqa: E402
from events.ingest.parser import parse_article  # noqa: E402
from events.ingest.pipeline import extract_for_drafting  # noqa: E402


def _same_date(gold: str, draft) -> bool:
    if draft.date is None:
        return False
    days = [draft.date, *([draft.end_date] if draft.end_date else [])]
    return any(day.isoformat().startswith(gold) for day in days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset", help="the dev set's folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the drafts beside the gold events")
    args = parser.parse_args()
    gazetteer = Gazetteer.from_entries(load_knowledge_base().gazetteer_entries())
    import datetime as dt

    found = total = drafted = 0
    cpu = 0.0
    files = sorted((args.devset / "gold").glob("*.json"))
    for gold_path in files:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (args.devset / "articles" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        parsed = parse_article(text, source=gold_path.stem)
        started = time.process_time()
        extraction = extract_for_drafting(parsed, gazetteer, dt.date.fromisoformat(gold["published"]))
        cpu += time.process_time() - started
        drafts = extraction.events
        drafted += len(drafts)
        if args.verbose:
            print(f"\n== {gold_path.stem} (published {gold['published']})")
        for event in gold["events"]:
            total += 1
            hit = any(_same_date(event["date"], d) for d in drafts)
            found += hit
            if args.verbose:
                print(f"  gold {'+' if hit else '-'} {event['date']}: {event['summary'][:100]}")
        if args.verbose:
            for d in drafts:
                figures = "; ".join(f"{f.kind} {f.wording} {f.victims}".strip() for f in d.figures)
                print(
                    f"  draft {d.cameo:>4} {d.date} {d.precision} ({d.date_rule}) {d.title} "
                    f"| by {','.join(d.reported_by) or '-'} | {figures} | {parsed.text[d.start : d.end][:90]!r}"
                )
    print(
        f"{len(files)} articles, {total} gold events, {drafted} drafts ({drafted / len(files):.1f} per article); "
        f"gold events with a draft of the same date: {found}/{total} = {found / total:.2f} "
        f"(extract + draft: {len(files) / cpu:,.0f} articles/s CPU)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
