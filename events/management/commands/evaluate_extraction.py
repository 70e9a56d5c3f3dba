"""Measure the extractor against the curated gold: precision, recall and F1.

For every article with verified statements, the extractor runs on the stored text and
its drafts are compared with the verified quotations (direct and partial quotes; a
reported position has no quotation marks to find): quotation spans (exact), speakers
(span and speaker both right) and statement dates (what the article says: a curator's
reported date where it differs from the known one). `--min-recall`/`--min-precision`
make it exit non-zero below a target, for CI.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from events.importers import build_gazetteer
from events.ingest.evaluate import Score, evaluate_extraction
from events.ingest.extract import extract_article
from events.ingest.parser import parse_article
from events.models import Article, ReviewStatus


class Command(BaseCommand):
    help = "Compare the extractor's drafts with the verified statements (precision, recall, F1)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")
        parser.add_argument("--min-recall", type=float, default=0.0, help="fail below this quotation/speaker recall")
        parser.add_argument(
            "--min-precision", type=float, default=0.0, help="fail below this quotation/speaker precision"
        )

    def handle(self, *args, **options):
        gazetteer = build_gazetteer()
        articles = (
            Article.objects.with_text()
            .filter(statements__review_status=ReviewStatus.VERIFIED)
            .distinct()
            .prefetch_related("statements__speaker")
        )
        totals: dict[str, list[Score]] = {}
        for article in articles:
            parsed = parse_article(article.body, source=article.source_ref)
            extraction = extract_article(parsed, gazetteer, article.published_on)
            gold = [
                {
                    "start": s.start,
                    "end": s.end,
                    "speaker": s.speaker.slug,
                    "kind": s.kind,
                    "date": s.reported_date or s.said_on,
                    "precision": s.reported_precision or s.said_on_precision,
                }
                for s in article.statements.all()
                if s.review_status == ReviewStatus.VERIFIED
            ]
            for name, result in evaluate_extraction(extraction, statements=gold).items():
                totals.setdefault(name, []).append(result)
        if not totals:
            raise CommandError("no article has verified statements to compare with: run import_seeds first")
        scores = {name: _sum(parts) for name, parts in totals.items()}
        if options["json"]:
            payload = {
                name: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "matched": s.matched}
                | {"predicted": s.predicted, "gold": s.gold}
                for name, s in scores.items()
            }
            self.stdout.write(json.dumps(payload, indent=1))
        else:
            self.stdout.write(f"{'':18}{'precision':>10}{'recall':>10}{'F1':>10}   matched/predicted/gold")
            for name, s in scores.items():
                self.stdout.write(
                    f"{name:18}{s.precision:10.3f}{s.recall:10.3f}{s.f1:10.3f}   {s.matched}/{s.predicted}/{s.gold}"
                )
        misses = [
            f"{name} {measure} {value:.3f} < {target}"
            for name in ("quotations", "speakers")
            for measure, value, target in (
                ("recall", scores[name].recall, options["min_recall"]),
                ("precision", scores[name].precision, options["min_precision"]),
            )
            if value < target
        ]
        if misses:
            raise CommandError("below target: " + "; ".join(misses))


def _sum(parts: list[Score]) -> Score:
    return Score(
        sum(p.matched for p in parts),
        sum(p.predicted for p in parts),
        sum(p.gold for p in parts),
        tuple(m for p in parts for m in p.missed),
        tuple(m for p in parts for m in p.spurious),
    )
