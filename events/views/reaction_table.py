"""The reactions matrix's presentation: kinds of speech act (CAMEO families in a reader's words),
and the cells, rows and groups of speakers the page renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from events.models import (
    Actor,
    Escalation,
)


@dataclass(frozen=True, eq=False)
class ReactionKind:
    """A kind of speech act on the reactions page: a CAMEO prefix with a reader's label.

    Compared and hashed by identity (eq=False): the kinds are the constants below, and the
    page looks them up in dicts some 10^5 times (hashing the fields was 10% of its time).
    """

    prefix: str
    label: str
    tone: str  # cooperative, appeal, neutral, critical, hostile: the colour of its chip
    within: str = ""  # the broader kind it is counted in too ("11" for accusations)

    def matches(self, code: str) -> bool:
        return code.startswith(self.prefix)


# The CAMEO root families (and accusation, 112, inside disapproval) in words a reader uses.
REACTION_KINDS = (
    ReactionKind("01", "public statement", "neutral"),
    ReactionKind("02", "appeal", "appeal"),
    ReactionKind("03", "intent to cooperate", "cooperative"),
    ReactionKind("04", "consultation", "neutral"),
    ReactionKind("05", "support / praise", "cooperative"),
    ReactionKind("06", "material cooperation", "cooperative"),
    ReactionKind("07", "aid", "cooperative"),
    ReactionKind("08", "concession", "cooperative"),
    ReactionKind("09", "investigation", "neutral"),
    ReactionKind("10", "demand", "critical"),
    ReactionKind("11", "condemnation / criticism", "critical"),
    ReactionKind("112", "accusation", "hostile", within="11"),
    ReactionKind("12", "rejection", "critical"),
    ReactionKind("13", "threat", "hostile"),
    ReactionKind("14", "protest", "critical"),
    ReactionKind("15", "show of force", "hostile"),
    ReactionKind("16", "reduced relations", "hostile"),
    ReactionKind("17", "coercion", "hostile"),
    ReactionKind("18", "assault", "hostile"),
    ReactionKind("19", "fighting", "hostile"),
    ReactionKind("20", "mass violence", "hostile"),
)


@lru_cache(maxsize=512)
def reaction_kinds_of(code: str) -> tuple[ReactionKind, ...]:
    """The kinds a CAMEO code counts for: its family, and accusation too for 112x (a kind of disapproval)."""
    return tuple(kind for kind in REACTION_KINDS if kind.matches(code))


@lru_cache(maxsize=64)
def _chip_html(kind: ReactionKind) -> tuple[str, str]:
    """The HTML of a kind's chip before its link's CAMEO prefix... and from after its link to its count."""
    within = ' class="within"' if kind.within else ""
    label = f"of which {kind.label}" if kind.within else kind.label
    return (
        f'<li{within}><a class="chip tone-{escape(kind.tone)}" href="',
        f'" data-kind="{escape(kind.prefix)}">{escape(label)} <span class="count">',
    )


@dataclass
class ReactionCell:
    """A speaker's counts in one column, each linking to those statements on the timeline.

    Its chips are written here rather than by template tags: a matrix of 150 speakers has
    some 30,000 of them, and the tags per chip were most of the page's time (bench/RESULTS.md).
    """

    escalation: Escalation | None
    counts: list[tuple[ReactionKind, int]] = field(default_factory=list)
    link: tuple[str, str] = ("", "")  # a count's timeline URL: before its kind's CAMEO prefix, after it

    def url(self, kind: ReactionKind) -> str:
        return f"{self.link[0]}{kind.prefix}{self.link[1]}"

    @property
    def html(self) -> str:
        if not self.counts:
            return mark_safe('<span class="none" aria-label="none">–</span>')
        before, after = escape(self.link[0]), escape(self.link[1])
        chips = []
        for kind, n in self.counts:
            opening, middle = _chip_html(kind)
            chips.append(f"{opening}{before}{kind.prefix}{after}{middle}{n}</span></a></li>")
        return mark_safe(f'<ul class="reaction-list">{"".join(chips)}</ul>')


@dataclass
class ReactionRow:
    actor: Actor
    cells: list[ReactionCell]


@dataclass
class ReactionGroup:
    key: str
    title: str
    rows: list[ReactionRow] = field(default_factory=list)


def group_of(actor: Actor, actors: dict[int, Actor]) -> tuple[str, str]:
    """(key, title) of an actor's group: its country, else the organisation at the top of its affiliations."""
    if actor.country:
        return f"country-{actor.country.code}", actor.country.name
    top, seen = actor, set()
    while top.affiliation_id in actors and top.affiliation_id not in seen:
        seen.add(top.pk)
        top = actors[top.affiliation_id]
        if top.country:
            return f"country-{top.country.code}", top.country.name
    if top.kind == Actor.Kind.INTERNATIONAL_ORG:
        return f"org-{top.pk}", top.name
    return "other", "Others"
