"""Finding the actor a reader means: `?actor=Aliyev`, `?actor=aliev`, `?actor=Çavuşoğlu`.

The actor filters (events/filters.py ActorReferenceField) first take an id, a slug or a canonical
name (case-insensitive), as before. When none matches, `loose_match` compares the value, with
case and accents aside (NFKD, Azerbaijani and Turkish letters folded: ə→e, ı→i), to each actor's
canonical name, then to its aliases ("Aliyev" is an alias of Ilham Aliyev), then to people's
surnames: the first of these that names one actor resolves it; one that names several is
ambiguous and answered with them as suggestions; nothing at all gives the closest names as
suggestions (difflib), so a reader is never left with a bare "no such actor".

The names are read in one query each (actors, aliases) only when the exact lookup failed.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field

from events.models import Actor, ActorAlias

_FOLD = str.maketrans({"ə": "e", "Ə": "e", "ı": "i", "İ": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss"})
MAX_SUGGESTIONS = 6


def fold(text: str) -> str:
    """Case, accents and spacing aside: 'Çavuşoğlu' and 'cavusoglu' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("-", " ").split())


@dataclass
class LooseMatch:
    ids: list[int] = field(default_factory=list)  # one actor: resolved
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (name, slug): ambiguous or unknown

    @property
    def ambiguous(self) -> bool:
        return len(self.ids) > 1


def loose_match(value: str) -> LooseMatch:
    wanted = fold(value)
    if not wanted:
        return LooseMatch()
    actors = {
        pk: (name, slug, kind) for pk, name, slug, kind in Actor.objects.values_list("pk", "name", "slug", "kind")
    }
    aliases = list(ActorAlias.objects.values_list("actor_id", "name"))
    levels = (
        {pk for pk, (name, _, _) in actors.items() if fold(name) == wanted},
        {pk for pk, name in aliases if fold(name) == wanted},
        {
            pk
            for pk, (name, _, kind) in actors.items()
            if kind == Actor.Kind.PERSON and fold(name).split()[-1:] == [wanted]
        },
    )
    for found in levels:
        if found:
            ordered = sorted(found, key=lambda pk: actors[pk][0])
            return LooseMatch(ids=ordered, suggestions=[actors[pk][:2] for pk in ordered][:MAX_SUGGESTIONS])
    names = {fold(name): pk for pk, (name, _, _) in actors.items()} | {fold(name): pk for pk, name in aliases}
    close = difflib.get_close_matches(wanted, names, n=MAX_SUGGESTIONS * 2, cutoff=0.75)
    ordered = list(dict.fromkeys(names[name] for name in close))[:MAX_SUGGESTIONS]
    return LooseMatch(suggestions=[actors[pk][:2] for pk in ordered])


def describe(suggestions: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({slug})" for name, slug in suggestions)
