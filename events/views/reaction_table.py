"""The reactions matrix's presentation: kinds of speech act (CAMEO families in a reader's words),
and the cells, rows and groups of speakers the page renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.http import HttpResponse
from django.utils.html import escape

from events.models import (
    Actor,
    Escalation,
)
from events.views.entries import id_url


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

# Where the template prints the matrix's rows: the view puts their bytes there (`with_matrix`).
# A comment no page text can make (every name and title is escaped: "<" comes only from the template).
MATRIX_MARK = "<!-- the matrix's rows -->"


def tally(counts) -> dict[int, dict[int | None, dict[int, int]]]:
    """speaker -> escalation id (None: outside the escalations) -> {kind (its position in
    REACTION_KINDS): statements}, from `per_speaker_escalation_and_family()`'s rows. An accusation
    counts in its family too (reaction_kinds_of)."""
    cells: dict[int, dict[int | None, dict[int, int]]] = {}
    positions: dict[str, tuple[int, ...]] = {}
    for speaker, escalation, code, n in counts:
        kinds = positions.get(code)
        if kinds is None:
            kinds = positions[code] = tuple(REACTION_KINDS.index(kind) for kind in reaction_kinds_of(code))
        if not kinds:
            continue
        by_column = cells.get(speaker)
        if by_column is None:
            by_column = cells[speaker] = {}
        cell = by_column.get(escalation)
        if cell is None:
            cell = by_column[escalation] = {}
        for kind in kinds:
            cell[kind] = cell.get(kind, 0) + n
    return cells


@dataclass
class ReactionGroup:
    """A group of speakers (a country or an organisation) and its rows' HTML (`ReactionTable.row`)."""

    key: str
    title: str
    rows: list[str] = field(default_factory=list)


class ReactionTable:
    """Writes the matrix's rows: a speaker's name, then a cell per column of chips (a kind of
    statement and its count, linking to those statements on the timeline) or a dash.

    Written here rather than by the template's loops and tags: a matrix of 150 speakers and 18
    columns has 2,700 cells and ~17,000 chips at 10^6 statements (bench/RESULTS.md). What is the
    same for every row is encoded once: each column's `<td>` and, per kind, the end of its chips'
    links to their counts; per row, the start of its links per kind. A chip is then one f-string
    of four parts, for the kinds its cell has only.
    """

    def __init__(self, columns: list[Escalation | None], after_code: dict[int | None, str]):
        self.columns = [escalation.pk if escalation else None for escalation in columns]
        # Actor.get_absolute_url() as a template: reverse() once, not per row (half a row's time).
        self.actor_url = id_url("events:actor")
        self.openings = [
            f'<td data-escalation="{escape(escalation.slug)}">' if escalation else "<td>" for escalation in columns
        ]
        self.empty = [f"{opening}{NO_REACTION}</td>" for opening in self.openings]
        # Per kind: its chip up to its link, then the kind's CAMEO prefix in the link.
        self.chip_starts = [(_chip_html(kind)[0], kind.prefix) for kind in REACTION_KINDS]
        # Per column, per kind: from after the kind's CAMEO prefix in its link to its count.
        self.ends = [
            [f"{escape(after_code[column])}{_chip_html(kind)[1]}" for kind in REACTION_KINDS] for column in self.columns
        ]
        self.colspan = len(columns) + 1

    def row(self, actor: Actor, before_code: str, cells: dict[int | None, dict[int, int]]) -> str:
        """The speaker's `<tr>`. `cells`: the speaker's counts (escalation id -> {kind: count}, as
        `tally()` gives them); `before_code`: the links' start, not escaped."""
        before = escape(before_code)
        starts = [f"{chip}{before}{prefix}" for chip, prefix in self.chip_starts]
        role = f' <span class="speaker-role">{escape(actor.role)}</span>' if actor.role else ""
        url_start, url_end = self.actor_url
        parts = [
            f'<tr id="actor-{actor.pk}">\n      <th scope="row"><a href="{url_start}{actor.pk}{url_end}">'
            f"{escape(actor.name)}</a>{role}</th>"
        ]
        for column, opening, ends, empty in zip(self.columns, self.openings, self.ends, self.empty, strict=True):
            by_kind = cells.get(column)
            if not by_kind:
                parts.append(empty)
                continue
            chips = "".join([f"{starts[k]}{ends[k]}{n}</span></a></li>" for k, n in sorted(by_kind.items()) if n])
            parts.append(f'{opening}<ul class="reaction-list">{chips}</ul></td>')
        parts.append("\n    </tr>")
        return "".join(parts)

    def html(self, groups: list[ReactionGroup]) -> bytes:
        """The groups' `<tbody>`s and their rows, as the page's template laid them out, in UTF-8.

        Bytes, spliced into the rendered page (`with_matrix`): the template's nested loops and
        blocks each copied the 3 MB of rows again (and, with one non-ASCII character, as 6 MB).
        """
        parts = []
        for group in groups:
            parts.append(
                f'\n  <tbody class="matrix-group" id="group-{escape(group.key)}">\n    <tr class="group-row">'
                f'<th scope="colgroup" colspan="{self.colspan}">{escape(group.title)}</th></tr>\n    '.encode()
            )
            parts.extend(f"\n    {row}\n    ".encode() for row in group.rows)
            parts.append(b"\n  </tbody>\n  ")
        return b"".join(parts)


def with_matrix(response: HttpResponse, matrix: bytes) -> HttpResponse:
    """The rendered page with the matrix's bytes where its template printed MATRIX_MARK."""
    head, mark, tail = response.content.partition(MATRIX_MARK.encode())
    if mark:
        response.content = b"".join((head, matrix, tail))
    elif matrix:
        raise ValueError("the reactions template printed no MATRIX_MARK: the matrix's rows would be lost")
    return response


def group_of(actor: Actor, actors: dict[int, Actor], names: dict[str, str]) -> tuple[str, str]:
    """(key, title) of an actor's group: its country, else the organisation at the top of its affiliations.

    `names`: the countries' names read so far, by code, kept by the caller for a page. `actor.country`
    makes a Country (its code checked) at each read, and its name is translated at each read: 3.4 ms
    for 150 speakers of some 30 countries, 1.0 ms with each name read once.
    """
    top, seen = actor, set()
    while True:
        if country := top.country:
            code = country.code
            name = names.get(code)
            if name is None:
                name = names[code] = country.name
            return f"country-{code}", name
        if top.affiliation_id not in actors or top.affiliation_id in seen:
            break
        seen.add(top.pk)
        top = actors[top.affiliation_id]
    if top.kind == Actor.Kind.INTERNATIONAL_ORG:
        return f"org-{top.pk}", top.name
    return "other", "Others"
