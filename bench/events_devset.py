"""Measure event drafting on the dev set's real articles (run on demand, not a test).

    python bench/events_devset.py [--devset ../shared/devset] [-v] [--write-verdicts]

For every gold file, the article beside it is extracted with its gold publication date and
the knowledge base's gazetteer (no database), and its events drafted (events/ingest/eventdraft.py).

Two measures:

- date-only: a gold event (a date and a summary) with a draft of its article of the same date at
  the gold's precision (a day, "2022-09" a month, "2020" a year); an upper bound of the recall;
- judged: the hand verdicts of bench/events_devset_verdicts.json. Every draft is keyed by
  `article|sentence offset|CAMEO code|date|event word` and has a verdict (accepted / rejected, with a reason);
  every gold event (`article#index`) names the drafts that match it (a draft of the same date at
  the gold's precision with a type and participants a reader accepts) or none. Judged recall
  counts the gold events whose matching draft is drafted again and accepted; judged precision is
  accepted / judged drafts. Drafts with no verdict (a rule change made them) are listed to be
  judged; `--write-verdicts` adds them to the file as "unjudged", for a person to fill in. A
  verdict keeps the draft's title (`about`: type, participants, place) it was given for: a draft
  whose title has changed since is judged again.

`-v` lists every draft beside the gold events. The articles are outside text: they are read from
the dev set's folder, never copied here (the verdict file holds keys and short reasons only).
"""

from __future__ import annotations

import argparse
import datetime as dt
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

VERDICTS = Path(__file__).with_name("events_devset_verdicts.json")
ACCEPTED, REJECTED, UNJUDGED = "accepted", "rejected", "unjudged"


def _same_date(gold: str, draft) -> bool:
    if draft.date is None:
        return False
    days = [draft.date, *([draft.end_date] if draft.end_date else [])]
    return any(day.isoformat().startswith(gold) for day in days)


def draft_key(stem: str, draft) -> str:
    """A draft's stable key: its article, the offset of its sentence, its CAMEO code, date and event word."""
    return f"{stem}|{draft.start}|{draft.cameo}|{draft.date.isoformat() if draft.date else '-'}|{draft.trigger.lower()}"


def _one_to_one(edges: dict[str, list[str]]) -> int:
    """The most gold events found when a draft may stand for one of them only (a draft that merges
    two gold events' sentences, one incident to us, counts once): a maximum bipartite matching."""
    owner: dict[str, str] = {}

    def place(gold: str, seen: set[str]) -> bool:
        for key in edges[gold]:
            if key not in seen:
                seen.add(key)
                if key not in owner or place(owner[key], seen):
                    owner[key] = gold
                    return True
        return False

    return sum(place(gold, set()) for gold in edges)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset", help="the dev set's folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the drafts beside the gold events")
    parser.add_argument("--verdicts", type=Path, default=VERDICTS, help="the hand verdicts (JSON)")
    parser.add_argument("--write-verdicts", action="store_true", help="add drafts with no verdict to the file")
    args = parser.parse_args()
    gazetteer = Gazetteer.from_entries(load_knowledge_base().gazetteer_entries())
    book = json.loads(args.verdicts.read_text(encoding="utf-8")) if args.verdicts.exists() else {}
    verdicts: dict[str, dict] = book.setdefault("drafts", {})
    matches: dict[str, list[str]] = book.setdefault("gold", {})

    found = total = drafted = judged_found = 0
    accepted = judged = 0
    unjudged: list[str] = []
    changed: list[str] = []
    edges: dict[str, list[str]] = {}  # gold event -> the accepted drafts that match it
    problems: list[str] = []
    cpu = 0.0
    files = sorted((args.devset / "gold").glob("*.json"))
    for gold_path in files:
        stem = gold_path.stem
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (args.devset / "articles" / f"{stem}.txt").read_text(encoding="utf-8")
        parsed = parse_article(text, source=stem)
        started = time.process_time()
        extraction = extract_for_drafting(parsed, gazetteer, dt.date.fromisoformat(gold["published"]))
        cpu += time.process_time() - started
        drafts = {draft_key(stem, d): d for d in extraction.events}
        drafted += len(drafts)
        if args.verbose:
            print(f"\n== {stem} (published {gold['published']})")
        for index, event in enumerate(gold["events"]):
            total += 1
            hit = any(_same_date(event["date"], d) for d in drafts.values())
            found += hit
            # The drafts a reader accepts for it (a list: a rule change may draft it from another sentence).
            keys = [k for k in matches.get(f"{stem}#{index}") or [] if k in drafts]
            judged_hit = any(verdicts.get(k, {}).get("verdict") == ACCEPTED for k in keys)
            for k in keys:
                if not _same_date(event["date"], drafts[k]):
                    problems.append(f"{stem}#{index}: its draft {k} is not of the gold's date {event['date']}")
                    judged_hit = False
            judged_found += judged_hit
            if judged_hit:
                edges[f"{stem}#{index}"] = [k for k in keys if verdicts.get(k, {}).get("verdict") == ACCEPTED]
            if args.verbose:
                mark = "+" if judged_hit else ("~" if hit else "-")
                print(f"  gold {mark} #{index} {event['date']}: {event['summary'][:100]}")
        for key, d in drafts.items():
            entry = verdicts.get(key, {})
            verdict = entry.get("verdict", UNJUDGED)
            if entry.get("about", d.title) != d.title:
                verdict = UNJUDGED  # judged as another draft (other participants, place or type): judge again
                changed.append(f"{key}: judged as {entry['about']!r}, now {d.title!r}")
            if verdict == UNJUDGED:
                unjudged.append(key)
                if args.write_verdicts:
                    verdicts[key] = {"verdict": UNJUDGED, "reason": entry.get("reason", ""), "about": d.title}
            else:
                judged += 1
                accepted += verdict == ACCEPTED
            if args.verbose:
                figures = "; ".join(f"{f.kind} {f.wording} {f.victims}".strip() for f in d.figures)
                print(
                    f"  draft [{verdict}] {key} {d.precision} ({d.date_rule}) {d.title} "
                    f"| by {','.join(d.reported_by) or '-'} | {figures} | {parsed.text[d.start : d.end][:90]!r}"
                )
    print(
        f"{len(files)} articles, {total} gold events, {drafted} drafts ({drafted / len(files):.1f} per article); "
        f"gold events with a draft of the same date: {found}/{total} = {found / total:.2f} "
        f"(extract + draft: {len(files) / cpu:,.0f} articles/s CPU)"
    )
    print(
        f"judged: recall {judged_found}/{total} = {judged_found / total:.2f}, "
        f"precision {accepted}/{judged} = {accepted / max(judged, 1):.2f} "
        f"(one draft for one gold event at most: recall {_one_to_one(edges)}/{total}) "
        f"({len(unjudged)} drafts with no verdict)"
    )
    for line in problems:
        print(f"  problem: {line}")
    for line in changed:
        print(f"  changed since judged: {line}")
    for key in unjudged:
        print(f"  no verdict: {key}")
    if args.write_verdicts:
        args.verdicts.write_text(
            json.dumps(book, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
