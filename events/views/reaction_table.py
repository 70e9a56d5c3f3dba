"""The reactions matrix's presentation: kinds of speech act (CAMEO families in a reader's words),
and the cells, rows and groups of speakers the page renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import reverse
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
        f'">{escape(label)} <span class="count">',
    )


NO_REACTION = '<span class="none" aria-label="none">–</span>'


@dataclass
class ReactionRow:
    """A speaker's row, its HTML written by `ReactionTable.row`."""

    actor: Actor
    html: str


_PK = 918273645  # a primary key no URL pattern's text contains: where reverse() put it, another goes


class ReactionTable:
    """Writes the matrix's rows: a speaker's name, then a cell per column of chips (a kind of
    statement and its count, linking to those statements on the timeline) or a dash.

    Written here rather than by the template's loops and tags: a matrix of 150 speakers and 18
    columns has 2,700 cells and ~17,000 chips at 10^6 statements (bench/RESULTS.md). What is the
    same for every row is encoded once: each column's `<td>` and, per kind, the end of its chips'
    links to their counts; per row, the start of its links per kind.
    """

    def __init__(self, columns: list[Escalation | None], after_code: dict[int | None, str]):
        self.columns = [escalation.pk if escalation else None for escalation in columns]
        # Actor.get_absolute_url() as a template: reverse() once, not per row (half a row's time).
        self.actor_url = tuple(escape(part) for part in reverse("events:actor", args=[_PK]).split(str(_PK)))
        self.openings = [
            f'<td data-escalation="{escape(escalation.slug)}">' if escalation else "<td>" for escalation in columns
        ]
        # Per column, per kind: from after the kind's CAMEO prefix in its link to its count.
        self.ends = [
            {kind: f"{escape(after_code[column])}{_chip_html(kind)[1]}" for kind in REACTION_KINDS}
            for column in self.columns
        ]

    def row(self, actor: Actor, before_code: str, tally: dict) -> ReactionRow:
        """`tally`: (speaker, escalation id) -> {kind: count}; `before_code`: the links' start, not escaped."""
        before = escape(before_code)
        starts = {kind: f"{_chip_html(kind)[0]}{before}{kind.prefix}" for kind in REACTION_KINDS}
        role = f' <span class="speaker-role">{escape(actor.role)}</span>' if actor.role else ""
        url_start, url_end = self.actor_url
        parts = [
            f'<tr id="actor-{actor.pk}">\n      <th scope="row"><a href="{url_start}{actor.pk}{url_end}">'
            f"{escape(actor.name)}</a>{role}</th>"
        ]
        for column, opening, ends in zip(self.columns, self.openings, self.ends, strict=True):
            by_kind = tally.get((actor.pk, column))
            if not by_kind:
                parts.append(f"{opening}{NO_REACTION}</td>")
                continue
            chips = "".join(
                f"{starts[kind]}{ends[kind]}{n}</span></a></li>" for kind in REACTION_KINDS if (n := by_kind.get(kind))
            )
            parts.append(f'{opening}<ul class="reaction-list">{chips}</ul></td>')
        parts.append("\n    </tr>")
        return ReactionRow(actor, mark_safe("".join(parts)))


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
