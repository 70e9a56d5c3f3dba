"""Every import points down the layers ARCHITECTURE.md describes, read from the source (ast), not
from what happens to be loaded: a module that imports a room above its own fails here, naming the
file, the line and the rule."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The rooms, by the path of their source (a folder or a module), the most specific first.
ROOMS = {
    "events/ingest/": "ingest",
    "events/search.py": "support",
    "events/triggers.py": "support",
    "events/counts.py": "support",
    "events/highlight.py": "support",
    "events/logins.py": "support",
    "events/compiled_query.py": "support",
    "events/models/": "domain",
    "events/importers/": "services",
    "events/exporters.py": "services",
    "events/recovery.py": "services",
    "events/roles.py": "services",
    "events/filters.py": "services",
    "events/filter_fields.py": "services",
    "events/visibility.py": "services",
    "events/actor_lookup.py": "services",
    "events/place_filters.py": "services",
    "events/api/": "api",
    "events/views/": "pages",
    "events/urls.py": "pages",
    "events/templatetags/": "pages",
    "events/admin/": "curation",
    "events/management/": "commands",
    "events/apps.py": "app",
    "events/__init__.py": "app",
    "conflictdb/": "project",
    "scale/": "scale",
}
BELOW_DOMAIN = {"ingest", "support"}
SERVICES = BELOW_DOMAIN | {"domain", "services"}
# What each room may import (besides itself). The pages read the API's timeline keyset
# (events/api/timeline.py), the one query both lists share: that module alone, below.
MAY_IMPORT = {
    "ingest": set(),
    "support": {"ingest"},
    "domain": BELOW_DOMAIN,
    "services": BELOW_DOMAIN | {"domain"},
    "api": SERVICES,
    "pages": SERVICES,
    "curation": SERVICES,
    "commands": SERVICES,
    "app": {"support"},
    "project": set(),
    "scale": SERVICES | {"commands"},
}
SHARED = {("pages", "events.api.timeline")}
# Not the project's to layer: the test suite and the migrations (history, written once).
SKIPPED = ("events/tests/", "events/migrations/")
# The libraries (none built on Django) that events/ingest/ reads web pages and feeds with.
INGEST_LIBRARIES = frozenset({"httpx", "feedparser", "trafilatura", "lxml", "htmldate"})
INGEST_NOTE = "the web-page libraries " + ", ".join(sorted(INGEST_LIBRARIES))
# Django and what is built on it: never in the pure-Python extractor.
DJANGO = {"django", "rest_framework", "django_filters", "drf_spectacular", "simple_history", "django_countries"}
# events/models/, bottom up: a module imports only those before it. A method may import one
# after it to hand work over (ActorQuerySet.merge_into -> merge.py), named here.
MODEL_ORDER = [
    "base",
    "versioning",
    "reference",
    "articles",
    "actors",
    "records",
    "statements",
    "events",
    "accounts",
    "event_merge",
    "analytics",
    "merge",
    "places",
]
HANDED_OVER = {("actors", "merge")}


def room_of(path: str) -> str | None:
    for prefix, room in ROOMS.items():
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return room
    return None


def module_path(module: str) -> str | None:
    """The source path of an imported module of the project (package or module), or None."""
    base = ROOT / module.replace(".", "/")
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate.relative_to(ROOT).as_posix()
    return None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth; `from a import b` gives a.b when
    that is a module of the project, else a."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [(node.lineno, m) for m in submodules if module_path(m)] or [(node.lineno, node.module)]
    return found


def sources() -> list[Path]:
    paths = [*ROOT.glob("events/**/*.py"), *ROOT.glob("conflictdb/**/*.py"), *ROOT.glob("scale/**/*.py")]
    return sorted(p for p in paths if not p.relative_to(ROOT).as_posix().startswith(SKIPPED))


def violations() -> list[str]:
    found = []
    for path in sources():
        source = path.relative_to(ROOT).as_posix()
        room = room_of(source)
        if room is None:
            found.append(f"{source}: in no room of ARCHITECTURE.md (add it to ROOMS)")
            continue
        for line, module in imports(path):
            where = f"{source}:{line} imports {module}"
            top = module.split(".")[0]
            if room == "ingest" and (
                top in DJANGO or top not in sys.stdlib_module_names and top not in INGEST_LIBRARIES | {"events"}
            ):
                found.append(f"{where}: events/ingest/ is pure Python (the standard library and {INGEST_NOTE})")
                continue
            target_path = module_path(module)
            target = room_of(target_path) if target_path else None
            if target is None or target == room or (room, module) in SHARED:
                continue
            if target not in MAY_IMPORT[room]:
                found.append(f"{where}: the {room} room may not import the {target} room")
    return found


def test_every_import_points_down_the_layers():
    assert violations() == []


def test_the_models_import_only_the_model_modules_below_them():
    wrong = []
    for path in sorted((ROOT / "events/models").glob("*.py")):
        if path.stem == "__init__":
            continue
        rank = MODEL_ORDER.index(path.stem)
        for line, module in imports(path):
            if module.startswith("events.models."):
                other = module.split(".")[2]
                if MODEL_ORDER.index(other) >= rank and (path.stem, other) not in HANDED_OVER:
                    wrong.append(f"events/models/{path.name}:{line} imports {module}, which is above it")
    assert wrong == []
    assert sorted(p.stem for p in (ROOT / "events/models").glob("*.py") if p.stem != "__init__") == sorted(MODEL_ORDER)


@pytest.mark.parametrize(
    ("source", "statement", "rule"),
    [
        ("events/ingest/parser.py", "import django.db", "pure Python"),
        (
            "events/models/actors.py",
            "from events.views.chart import build_chart",
            "domain room may not import the pages",
        ),
        ("events/importers/storing.py", "from events.api import serializers", "services room may not import the api"),
        ("events/views/pages.py", "from events.api.views import EventViewSet", "pages room may not import the api"),
        ("events/counts.py", "from events.models import DayCount", "support room may not import the domain"),
    ],
)
def test_an_import_up_the_layers_is_found(tmp_path, monkeypatch, source, statement, rule):
    # The same check over a copy of one file with one import up the layers added.
    original = (ROOT / source).read_text(encoding="utf-8")
    changed = tmp_path / "changed.py"
    changed.write_text(original + f"\n{statement}\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "sources", lambda: [ROOT / source])
    real = imports
    monkeypatch.setattr(sys.modules[__name__], "imports", lambda path: real(changed if path == ROOT / source else path))

    [found] = violations()
    assert found.startswith(f"{source}:") and rule in found
