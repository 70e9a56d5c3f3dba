"""Score the extractor on the real articles of the dev set (run on demand: `make eval`).

    python bench/devset.py [--devset ../shared/devset] [-v] [--pred out.jsonl]

For every gold file of the dev set, the article beside it is extracted with its gold
publication date, exactly as `manage.py extract --json` does (the same gazetteer: the
database's actors if it is migrated, with the knowledge base's), and the dev set's own
scorer (`evaluate.py`, standard library) reads the predictions. Its last line is printed:

    quotes P=.. R=.. F1=.. | attribution F1=.. wrong=N | actors R=.. | dates acc=..

The articles are outside text: they are read from the dev set's folder, never copied here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset", help="the dev set's folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="the scorer's whole report")
    parser.add_argument("--pred", type=Path, help="keep the predictions (JSON lines) in this file")
    args = parser.parse_args()
    gold_dir, articles = args.devset / "gold", args.devset / "articles"
    if not (gold_dir.is_dir() and articles.is_dir() and (args.devset / "evaluate.py").is_file()):
        parser.error(f"{args.devset} is not a dev set (gold/, articles/ and evaluate.py expected)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    lines = []
    for gold in sorted(gold_dir.glob("*.json")):
        published = json.loads(gold.read_text(encoding="utf-8")).get("published")
        article = articles / f"{gold.stem}.txt"
        out = _Capture()
        call_command(
            "extract",
            str(article),
            "--json",
            *(["--published", published] if published else []),
            stdout=out,
            stderr=_Capture(),
        )
        lines.append(out.text.strip())
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        predictions = Path(f.name)
    if args.pred:
        args.pred.write_text(predictions.read_text(encoding="utf-8"), encoding="utf-8")
    command = [
        sys.executable,
        str(args.devset / "evaluate.py"),
        "--pred",
        str(predictions),
        "--gold-dir",
        str(gold_dir),
    ]
    result = subprocess.run(command + (["-v"] if args.verbose else []), capture_output=True, text=True, check=False)
    predictions.unlink()
    output = result.stdout.rstrip("\n")
    print(output if args.verbose else output.splitlines()[-1])
    return result.returncode


class _Capture:
    """A stream for call_command that keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


if __name__ == "__main__":
    sys.exit(main())
