"""The corpus's cast: synthetic actors (people, bodies, organisations, groups) with roles,
affiliations and aliases, and the dating phrases and bodies of its articles."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from events.ingest import dates as fuzzy
from events.models import (
    Actor,
    ActorAlias,
)
from scale.corpus.vocabulary import (
    BODIES,
    CITIES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    FIRST_NAMES,
    GROUP_WORDS,
    MONTHS,
    ORG_WORDS,
    PERSON_ROLES,
    PLACES,
    PREFIX,
    REVIEW_STATUSES,
    SURNAMES,
    WEEKDAYS,
    Weighted,
)


@dataclass(frozen=True)
class Cast:
    """What the text generator knows of an actor: how to name it, and which state it speaks for."""

    id: int
    name: str
    kind: str
    country: str
    role: str = ""
    short: str = ""  # surname, demonym-free short name or abbreviation
    misspelling: str = ""
    demonym: str = ""
    state_id: int | None = None  # the state at the root of its affiliations

    def side(self) -> str:
        """How a report names it as a party to fighting: "Azerbaijani forces", "the Mountain Brigade"."""
        if self.kind == Actor.Kind.STATE and self.demonym:
            return f"{self.demonym} forces"
        return self.name

    def as_speaker(self, rng: random.Random) -> str:
        roll = rng.random()
        if self.kind == Actor.Kind.PERSON:
            if self.misspelling and roll < 0.03:
                return self.misspelling
            if self.short and roll < 0.35:
                return self.short
            if self.role and roll < 0.75:
                return f"{self.name}, {self.role},"
            return self.name
        if self.short and roll < 0.3:
            return self.short if self.kind == Actor.Kind.INTERNATIONAL_ORG else f"the {self.short}"
        if self.kind in (Actor.Kind.STATE, Actor.Kind.GOVERNMENT_BODY):
            return f"the {'government of ' if self.kind == Actor.Kind.STATE else ''}{self.name}"
        return self.name


def period_start(day: dt.date, precision: str) -> dt.date:
    """The stored form of a day at a precision: the first day of the period it falls in."""
    if precision == fuzzy.MONTH:
        return day.replace(day=1)
    if precision == fuzzy.SEASON:
        if day.month <= 2:
            return dt.date(day.year - 1, 12, 1)
        return dt.date(day.year, day.month - (day.month % 3), 1)
    if precision == fuzzy.YEAR:
        return dt.date(day.year, 1, 1)
    return day


def date_phrase(value: dt.date | None, precision: str, published: dt.date | None) -> str:
    """How an article dates something: "on Tuesday" close to its publication, else absolute."""
    if value is None:
        return ""
    if precision == fuzzy.DAY:
        if published is not None and 0 <= (published - value).days <= 5:
            return f"on {WEEKDAYS[value.weekday()]}"
        return f"on {value.day} {MONTHS[value.month - 1]} {value.year}"
    if precision == fuzzy.MONTH:
        return f"in {MONTHS[value.month - 1]} {value.year}"
    if precision == fuzzy.SEASON:
        season = fuzzy.SEASON_STARTS[value.month]
        year = f"{value.year}–{str(value.year + 1)[-2:]}" if value.month == 12 else str(value.year)
        return f"in the {season} of {year}"
    if precision == fuzzy.YEAR:
        return f"in {value.year}"
    return f"around {value.day} {MONTHS[value.month - 1]} {value.year}"


class Body:
    """An article body built piece by piece, remembering where spans start and end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


# Aliases a report uses for a second mention: "Petrosyan", "OSCE", "Georgian Foreign Ministry".
SHORT_ALIASES = (ActorAlias.Kind.SURNAME, ActorAlias.Kind.ABBREVIATION, ActorAlias.Kind.OTHER)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# Actors -----------------------------------------------------------------------------------


@dataclass
class CastBuilder:
    """Builds the synthetic actors (model instances with their ids) and the Cast used in texts."""

    rng: random.Random
    next_id: int
    actors: list[Actor] = field(default_factory=list)
    aliases: list[ActorAlias] = field(default_factory=list)
    casts: dict[int, Cast] = field(default_factory=dict)
    states: dict[str, Cast] = field(default_factory=dict)  # by country code
    bodies: dict[str, list[tuple[Cast, str]]] = field(default_factory=dict)  # country → (body, member role)
    orgs: list[Cast] = field(default_factory=list)
    groups: list[Cast] = field(default_factory=list)
    populations: list[Cast] = field(default_factory=list)
    persons: list[Cast] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def add_existing(self, actor: Actor, aliases: Sequence[tuple[str, str]], parents: dict[int, int | None]) -> None:
        """A curated actor already in the database joins the cast (Azerbaijan, Blinken…)."""
        short = next((name for name, kind in aliases if kind in SHORT_ALIASES), "")
        misspelling = next((name for name, kind in aliases if kind == ActorAlias.Kind.MISSPELLING), "")
        demonym = next((name for name, kind in aliases if kind == ActorAlias.Kind.DEMONYM), "")
        if not demonym and actor.kind == Actor.Kind.STATE:
            demonym = next((d for code, _, d, _ in COUNTRIES if code == actor.country), "")
        state_id = _root(actor.pk, parents)
        cast = Cast(
            actor.pk,
            actor.name,
            actor.kind,
            str(actor.country or ""),
            actor.role,
            short,
            misspelling,
            demonym,
            state_id,
        )
        self._register(cast)
        self._names.add(actor.name)

    def _register(self, cast: Cast) -> None:
        self.casts[cast.id] = cast
        if cast.kind == Actor.Kind.STATE and cast.country and cast.country not in self.states:
            self.states[cast.country] = cast
        elif cast.kind == Actor.Kind.INTERNATIONAL_ORG:
            self.orgs.append(cast)
        elif cast.kind == Actor.Kind.ARMED_GROUP:
            self.groups.append(cast)
        elif cast.kind == Actor.Kind.POPULATION:
            self.populations.append(cast)
        elif cast.kind == Actor.Kind.PERSON:
            self.persons.append(cast)

    def _new(
        self,
        *,
        slug: str,
        name: str,
        kind: str,
        country: str = "",
        role: str = "",
        affiliation: Cast | None = None,
        aliases: Sequence[tuple[str, str]] = (),
        demonym: str = "",
    ) -> Cast:
        actor_id = self.next_id
        self.next_id += 1
        self.actors.append(
            Actor(
                id=actor_id,
                slug=f"{PREFIX}{slug}",
                name=name,
                kind=kind,
                country=country,
                role=role,
                affiliation_id=affiliation.id if affiliation else None,
                review_status=REVIEW_STATUSES.pick(self.rng),
            )
        )
        seen = {name.casefold()}
        for alias, alias_kind in aliases:
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                self.aliases.append(ActorAlias(actor_id=actor_id, name=alias, kind=alias_kind))
        short = next((a for a, k in aliases if k in SHORT_ALIASES), "")
        misspelling = next((a for a, k in aliases if k == ActorAlias.Kind.MISSPELLING), "")
        state_id = affiliation.state_id if affiliation else (actor_id if kind == Actor.Kind.STATE else None)
        cast = Cast(actor_id, name, kind, country, role, short, misspelling, demonym, state_id)
        self._register(cast)
        self._names.add(name)
        return cast

    def build(self, count: int) -> None:
        """About `count` synthetic actors: states, their bodies, organisations, groups, populations, persons."""
        start = len(self.actors)
        self._build_states_and_bodies()
        budget = max(count - (len(self.actors) - start), 0)
        self._build_organisations_and_groups(
            n_orgs=max(budget // 40, 5), n_groups=max(budget // 25, 5), n_populations=max(budget // 40, 3)
        )
        # The states and their bodies are a fixed ~250; persons fill the rest (some always exist).
        self._build_persons(max(count - (len(self.actors) - start), 30))

    def _build_states_and_bodies(self) -> None:
        """Every country of COUNTRIES as a state (unless curated already), and its government bodies."""
        for code, name, demonym, capital in COUNTRIES:
            if code not in self.states:
                self._new(
                    slug=f"state-{code.lower()}",
                    name=name,
                    kind=Actor.Kind.STATE,
                    country=code,
                    demonym=demonym,
                    aliases=[(demonym, ActorAlias.Kind.DEMONYM), (capital, ActorAlias.Kind.CAPITAL)],
                )
        for code, name, demonym, _ in COUNTRIES:
            state = self.states[code]
            for index, (body, member_role, alias) in enumerate(BODIES):
                body_name = body.format(country=name)
                cast = self._new(
                    slug=f"body-{code.lower()}-{index}",
                    name=body_name,
                    kind=Actor.Kind.GOVERNMENT_BODY,
                    country=code,
                    affiliation=state,
                    aliases=[(alias.format(demonym=demonym), ActorAlias.Kind.OTHER)],
                )
                self.bodies.setdefault(code, []).append((cast, member_role.format(country=name)))

    def _build_organisations_and_groups(self, *, n_orgs: int, n_groups: int, n_populations: int) -> None:
        """International organisations, armed groups of the two sides, and populations."""
        rng = self.rng
        for n in range(n_orgs):
            words = [rng.choice(part) for part in ORG_WORDS]
            name = self._unique(" ".join(w for w in words if w), n, person=False)
            initials = "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())
            self._new(
                slug=f"org-{n}",
                name=name,
                kind=Actor.Kind.INTERNATIONAL_ORG,
                aliases=[(initials, ActorAlias.Kind.ABBREVIATION)] if len(initials) > 1 else [],
            )
        fighters = [self.states["AZ"], self.states["AM"]]
        for n in range(n_groups):
            state = rng.choice(fighters)
            place = rng.choice(PLACES).replace("the ", "")
            name = self._unique(f"{place} {rng.choice(GROUP_WORDS[0])} {rng.choice(GROUP_WORDS[1])}", n, person=False)
            self._new(
                slug=f"group-{n}", name=name, kind=Actor.Kind.ARMED_GROUP, country=state.country, affiliation=state
            )
        for n in range(n_populations):
            place = rng.choice(PLACES + CITIES).replace("the ", "")
            name = self._unique(
                rng.choice(("Residents of {p}", "Displaced people from {p}", "Protesters in {p}")).format(p=place),
                n,
                person=False,
            )
            self._new(slug=f"population-{n}", name=name, kind=Actor.Kind.POPULATION)

    def _build_persons(self, n_persons: int) -> None:
        """People of every country (weighted), with roles in its bodies, surnames and other aliases."""
        rng = self.rng
        countries = Weighted(_country_weights())
        for n in range(n_persons):
            code = countries.pick(rng)
            group = code if code in FIRST_NAMES else ""
            surname = rng.choice(SURNAMES[group])
            name = self._unique(f"{rng.choice(FIRST_NAMES[group])} {surname}", n)
            bodies = self.bodies[code]
            body, member_role = bodies[min(int(rng.random() ** 2 * len(bodies)), len(bodies) - 1)]
            if rng.random() < 0.5:
                role = member_role
            else:
                role = rng.choice(PERSON_ROLES).format(country=self.states[code].name, body=body.name)
            aliases = [(surname, ActorAlias.Kind.SURNAME)]
            if rng.random() < 0.15:
                aliases.append((_misspell(surname, rng), ActorAlias.Kind.MISSPELLING))
            if rng.random() < 0.3:
                aliases.append((f"{rng.choice(('Mr', 'Ms', 'Dr'))} {surname}", ActorAlias.Kind.TITLE))
            self._new(
                slug=f"person-{n}",
                name=name,
                kind=Actor.Kind.PERSON,
                country=code,
                role=role,
                affiliation=body if rng.random() < 0.8 else self.states[code],
                aliases=aliases,
            )

    def _unique(self, name: str, n: int, *, person: bool = True) -> str:
        """Names are not unique in the model, but a reader of the corpus should tell actors apart."""
        if name not in self._names:
            return name
        first, _, rest = name.partition(" ")
        if person and rest:
            candidate = f"{first} {chr(ord('A') + n % 26)}. {rest}"
            if candidate not in self._names:
                return candidate
        return f"{name} {n + 2}"


def _root(actor_id: int, parents: dict[int, int | None]) -> int | None:
    seen = set()
    current: int | None = actor_id
    while current is not None and parents.get(current) is not None and current not in seen:
        seen.add(current)
        current = parents[current]
    return current


def _misspell(word: str, rng: random.Random) -> str:
    """A misspelling as sources make them: two letters swapped, or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[: i + 1] + word[i] + word[i + 1 :]


def _country_weights() -> list[tuple[str, float]]:
    others = [code for code, *_ in COUNTRIES if code not in COUNTRY_WEIGHTS]
    rest = 100 - sum(COUNTRY_WEIGHTS.values())
    return [*COUNTRY_WEIGHTS.items(), *[(code, rest / len(others)) for code in others]]
