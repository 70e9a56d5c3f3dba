"""The extractor against the curators' gold for the two seeds (no database).

The gazetteer is built from fixtures/reference.json (actors and aliases) and the gold
from the statements in fixtures/curated.json; only the quotation kinds (direct,
partial) count for quotation recall, since a reported position has no quotation marks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from events.ingest.evaluate import evaluate_extraction
from events.ingest.extract import extract_article
from events.ingest.gazetteer import Gazetteer
from events.ingest.parser import parse_article

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {"000_eb3323f6cf93e5ce.txt": dt.date(2023, 9, 19), "004_18fe2a88e90ce931.txt": dt.date(2022, 8, 4)}


def _objects(name: str) -> list[dict]:
    path = ROOT / "fixtures" / name
    if not path.exists():
        pytest.skip(f"fixtures/{name} is not there yet")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    objects = _objects("reference.json")
    aliases: dict[str, list[str]] = {}
    for obj in objects:
        if obj["model"] == "events.actoralias":
            aliases.setdefault(obj["fields"]["actor"][0], []).append(obj["fields"]["name"])
    return Gazetteer.from_entries(
        (f["slug"], f["name"], f["kind"], aliases.get(f["slug"], []))
        for f in (obj["fields"] for obj in objects if obj["model"] == "events.actor")
    )


@pytest.fixture(scope="module")
def gold() -> dict[str, list[dict]]:
    by_article: dict[str, list[dict]] = {name: [] for name in SEEDS}
    for obj in _objects("curated.json"):
        if obj["model"] != "events.statement":
            continue
        f = obj["fields"]
        # What the article says: the reported date when the curator recorded a different known one.
        date, precision = (
            (f["reported_date"], f["reported_precision"])
            if f.get("reported_date")
            else (f["said_on"], f["said_on_precision"])
        )
        by_article[f["article"][0]].append(
            {
                "start": f["start"],
                "end": f["end"],
                "speaker": f["speaker"][0],
                "kind": f["kind"],
                "date": date,
                "precision": precision,
            }
        )
    return by_article


@pytest.fixture(scope="module")
def scores(gazetteer, gold):
    results = {}
    for name, published_on in SEEDS.items():
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        extraction = extract_article(parse_article(text, source=name), gazetteer, published_on)
        results[name] = evaluate_extraction(extraction, statements=gold[name])
    return results


def _total(scores, key):
    return tuple(sum(getattr(s[key], field) for s in scores.values()) for field in ("matched", "predicted", "gold"))


def test_every_gold_quotation_is_found(scores):
    matched, predicted, gold = _total(scores, "quotations")
    missed = {name: s["quotations"].missed for name, s in scores.items() if s["quotations"].missed}
    assert matched == gold, f"missed quotation spans: {missed}"
    assert matched / predicted >= 0.9, {name: s["quotations"].spurious for name, s in scores.items()}


def test_every_gold_quotation_has_the_right_speaker(scores):
    matched, predicted, gold = _total(scores, "speakers")
    assert matched == gold, {name: (s["speakers"].missed, s["speakers"].spurious) for name, s in scores.items()}
    assert matched / predicted >= 0.9


def test_most_quotations_get_the_date_the_article_gives(scores):
    matched, predicted, gold = _total(scores, "statement_dates")
    # Undated quotations fall back to the publication date marked approximate, which the
    # curators recorded as exact days; the rest must agree.
    assert matched / gold >= 0.8, {name: s["statement_dates"].missed for name, s in scores.items()}
