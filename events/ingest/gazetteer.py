"""Find mentions of known actors in text: canonical names and aliases, longest match first.

Matching works on word tokens, so spacing and apostrophes ("Turkey’s"/"Turkey's") and
accents ("Çavuşoğlu"/"Cavusoglu") do not matter, while case does where it carries
meaning: a capitalised alias needs a capitalised word ("Price" is not "price") and an
acronym needs capitals ("US" is not "us"). A possessive is not part of the mention, since
"’s" is a token of its own. A title written before a person's name ("State Department
spokesperson Ned Price") is absorbed into the person's mention, so the title's own words
("State Department") do not count as a separate mention.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from events.ingest.records import Mention

PERSON = "person"
# Descriptive names ("Anonymous US source", "Protesters in Yerevan") are sentence-cased:
# their first word is capitalised because it comes first, not because it is a name.
_DESCRIPTIVE_KINDS = frozenset({"unnamed_source", "population"})

_TOKEN = re.compile(r"\w+|[^\w\s]")
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "ı": "i", "–": "-", "—": "-", "‐": "-"})

# The word just before a name that makes the words before it a title ("... Minister X").
TITLE_HEADS = frozenset(
    """president minister secretary state spokesperson spokeswoman spokesman chancellor ambassador
    envoy commissioner chairman chairwoman chair speaker general colonel senator representative
    director chief head governor mayor king queen prince emir pope leader adviser advisor aide
    ombudsman premier counterpart commander marshal lieutenant captain major admiral sergeant
    prosecutor patriarch catholicos archbishop bishop deputy mr mrs ms dr gen lt col sen rep gov
    amb pres prof sgt capt maj adm mp pm""".split()
)
# Lower-case words that may appear inside a title ("Deputy foreign minister", "of").
_TITLE_INNER = TITLE_HEADS | {"foreign", "defence", "defense", "prime", "interior", "of", "for", "-", "vice", "first"}
# Capitalised words that never belong to a title: they start sentences or date them.
_NOT_TITLE = frozenset(
    """the a an on in at as by for from to of and but or while when after before during since
    earlier later meanwhile also then however monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november december
    this that these those his her its their our""".split()
)


# The last word of a window ending in "word " or "word. ", read backwards: `(\w+)\.? $` searched
# forwards tries every start of the window (and backtracks from each); reversed it is one match.
_LAST_WORD_REVERSED = re.compile(r" \.?(\w+)")
_NAME_AFTER = re.compile(r" (?P<word>[A-Z][a-z]+|[A-Z]\.)(?: |$)")


@lru_cache(maxsize=4096)
def _fold_accents(token: str) -> str:
    decomposed = unicodedata.normalize("NFKD", token.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lower_same_length(text: str) -> str:
    """`text` in lower case, offset for offset (a few characters grow when lower-cased; they keep one)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(ch.lower()[0] for ch in text)


def normalise(token: str) -> str:
    """The lookup form of a token: lower case, typographic apostrophes and accents folded."""
    lowered = token.lower()
    return lowered if lowered.isascii() else _fold_accents(lowered)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Word and punctuation tokens of text[start:end] as (start, end, token)."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


OFFICE = "office"  # an entry that names whoever holds an office ("the Kremlin spokesman")


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    kind: str
    gender: str = ""  # "male"/"female" for people the knowledge base knows, for he/she
    # An office's holders: (actor key, first day, last day), None for an open end.
    holders: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()
    organisation: str = ""  # an office's body ("Kremlin spokesman": the Kremlin)
    state: str = ""  # and the state that body belongs to

    def holder(self, day: dt.date | None) -> str | None:
        """The key of the one actor holding this office on `day` (None: unknown date, vacancy or doubt)."""
        if day is None:
            return None
        found = {
            key for key, start, end in self.holders if (start is None or start <= day) and (end is None or day <= end)
        }
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class _Alias:
    surface: str
    tokens: tuple[str, ...]  # as written, for the case check
    actor: Actor
    flexible_first: bool
    pattern: str  # matches the alias in lower-cased text, any spacing
    after_the: bool = False  # "the Kremlin": indexed by "Kremlin", needs "the" before it


@dataclass
class Gazetteer:
    """Known actors and the names they go by; build it with `from_entries`."""

    actors: dict[str, Actor] = field(default_factory=dict)
    # First word of an alias (lower case, also accent-folded) -> its aliases, longest first.
    # Aliases starting with "the" are filed under their second word (`after_the`), so that
    # not every "the" in a text has to be tried.
    _index: dict[tuple[str, bool], list[_Alias]] = field(default_factory=dict)
    # (first word, after_the) -> one regex trying those aliases longest first (group i+1 is alias i).
    _patterns: dict[tuple[str, bool], re.Pattern] = field(default_factory=dict)
    _first_words: WordScan | None = field(default=None, compare=False)  # derived from _index, which compares
    # The first words of `_index` filed with after_the, and without.
    _after_the: frozenset[str] = frozenset()
    # The first words filed without "the" -> (their regex's match method, their aliases): one
    # lookup by the word in find_mentions' loop instead of a (word, False) key built per word.
    _plain: dict[str, tuple] = field(default_factory=dict, compare=False)
    genders: dict[str, str] = field(default_factory=dict)  # actor key -> "male"/"female", where known
    # First word -> the longest plain alias filed under it, in characters: is "the X" the longest name there?
    _plain_longest: dict[str, int] = field(default_factory=dict, compare=False)
    # (words, extra) -> a scanner for the first words and those words too (`scan_with`).
    _scans: dict[tuple[frozenset[str], str], WordScan] = field(default_factory=dict, compare=False)

    @classmethod
    def from_entries(cls, entries: Iterable[tuple]) -> Gazetteer:
        """Entries are (actor_key, canonical_name, kind, aliases[, extra]).

        `extra`, optional, is a mapping with a person's `gender` or, for an entry of kind
        OFFICE, its `holders` ((actor key, start, end) triples): an office's mention stands
        for whoever held it on the article's date (`resolve_offices`).

        A person's surname is added as an alias when no other actor claims it. A name that
        two actors share is dropped rather than guessed.
        """
        gazetteer = cls()
        names: list[tuple[str, str, bool]] = []  # (surface, actor key, derived surname)
        for key, name, kind, aliases, *rest in entries:
            extra = rest[0] if rest else {}
            gazetteer.actors[key] = Actor(
                key,
                name,
                kind,
                extra.get("gender", ""),
                tuple(tuple(h) for h in extra.get("holders", ())),
                extra.get("organisation", ""),
                extra.get("state", ""),
            )
            if extra.get("gender"):
                gazetteer.genders[key] = extra["gender"]
            names.extend((surface, key, False) for surface in (name, *aliases) if surface.strip())
            words = name.split()
            if kind == PERSON and len(words) > 1:
                names.append((words[-1], key, True))
        claims: dict[tuple[str, ...], dict[bool, set[str]]] = {}
        for surface, key, derived in names:
            norm = tuple(normalise(t) for _, _, t in tokenize(surface))
            claims.setdefault(norm, {True: set(), False: set()})[derived].add(key)
        seen: set[tuple[str, str]] = set()
        for surface, key, _ in names:
            tokens = tuple(t for _, _, t in tokenize(surface))
            norm = tuple(normalise(t) for t in tokens)
            owners = claims[norm][False] or claims[norm][True]
            if len(owners) > 1 or key not in owners or (surface, key) in seen:
                continue
            seen.add((surface, key))
            actor = gazetteer.actors[key]
            after_the = len(tokens) > 1 and norm[0] == "the"
            if after_the:
                tokens, norm, surface = tokens[1:], norm[1:], surface.strip()[3:].lstrip()
            flexible = actor.kind in _DESCRIPTIVE_KINDS and not after_the
            alias = _Alias(surface, tokens, actor, flexible, _alias_pattern(tokens), after_the)
            for first in {tokens[0].lower(), norm[0], *_other_spellings(norm[0])}:
                gazetteer._index.setdefault((first, after_the), []).append(alias)
        for index_key, aliases in gazetteer._index.items():
            aliases.sort(key=lambda alias: -len(alias.tokens))
            gazetteer._patterns[index_key] = re.compile("|".join(f"({alias.pattern})" for alias in aliases))
        gazetteer._after_the = frozenset(first for first, the in gazetteer._index if the)
        gazetteer._plain = {
            first: (gazetteer._patterns[(first, False)].match, aliases)
            for (first, the), aliases in gazetteer._index.items()
            if not the
        }
        gazetteer._plain_longest = {
            first: max(len(alias.surface) for alias in aliases)
            for (first, the), aliases in gazetteer._index.items()
            if not the
        }
        if gazetteer._index:
            firsts = {first for first, _ in gazetteer._index}
            gazetteer._first_words = WordScan(firsts)
        return gazetteer

    def scan_with(self, words: frozenset[str], extra: str = "") -> WordScan:
        """One scanner for the first words of the aliases and `words` (another pass's anchors, the
        date phrases'): a text is scanned once for both, which costs what one scan costs."""
        scan = self._scans.get((words, extra))
        if scan is None:
            firsts = {first for first, _ in self._index}
            scan = self._scans[(words, extra)] = WordScan(firsts | words, extra=extra)
        return scan

    def find_mentions(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        *,
        lower: str | None = None,
        absorbed: list[Mention] | None = None,
        words: Sequence[tuple[int, str]] | None = None,
    ) -> list[Mention]:
        """Mentions in text[start:end], left to right, longest match first, never overlapping.

        `lower`: lower_same_length(text) when the caller has it (several ranges of one text),
        for a range that whitespace (or the text's edges) sets off from the rest. `absorbed`
        collects the mentions that became part of a person's title. `words`: the (start, word)
        pairs of `scan_with` in the range (absolute offsets, `lower` given), instead of a scan here.
        """
        end = len(text) if end is None else end
        if lower is None:
            lower, base, stop = lower_same_length(text[start:end]), start, end - start
        else:
            base, stop = 0, end
        # Offsets into `lower` are relative to `base`; the range is lower[low:stop].
        low = start - base
        found: list[tuple[int, int, Actor]] = []
        resume = low
        after_the, plain_get = self._after_the, self._plain.get
        # Only where some alias can begin do we try the aliases; that keeps this fast.
        if self._first_words is None:
            return []
        for at, word in self._first_words.scan(lower, low, stop) if words is None else words:
            if word in after_the and at - 4 >= resume and lower.startswith("the ", at - 4):
                if at == low + 4 or not lower[at - 5].isalnum():
                    hit = self._match(text, base, lower, at, (word, True), stop)
                    longer = (
                        self._match(text, base, lower, at, (word, False), stop)
                        if hit and self._plain_longest.get(word, 0) > hit[0] - at
                        else None
                    )
                    if hit and not (longer and longer[0] > hit[0]):
                        # "the UN" unless "UN Security Council" is longer: the longest name wins.
                        found.append((base + at - 4, base + hit[0], hit[1]))
                        resume = hit[0]
                        continue
            if at >= resume:
                entry = plain_get(word)
                if entry is None:
                    continue
                # self._match(), with its common case (the longest alias, in the right case) inline.
                match = entry[0](lower, at, stop)
                if match:
                    alias = entry[1][match.lastindex - 1]
                    surface = text[base + at : base + match.end()]
                    if surface == alias.surface or _case_fits(alias, surface):
                        found.append((base + at, base + match.end(), alias.actor))
                        resume = match.end()
                        continue
                    hit = self._match(text, base, lower, at, (word, False), stop)
                    if hit:
                        found.append((base + at, base + hit[0], hit[1]))
                        resume = hit[0]
        mentions: list[Mention] = []
        for m_start, m_end, actor in found:
            if actor.kind != PERSON:
                # Mentions never overlap: only a person's title can reach back over the one before.
                mentions.append(Mention(actor.key, m_start, m_end, text[m_start:m_end], True, actor.name, actor.kind))
                continue
            title_start = _title_start(text, max(start, m_start - 120), m_start)
            while mentions and mentions[-1].end > title_start:
                # "Iran’s Foreign Ministry spokesman X": the title's words are part of X's mention.
                popped = mentions.pop()
                title_start = min(title_start, popped.start)
                if absorbed is not None:
                    absorbed.append(popped)
            title = text[title_start:m_start].strip()
            surface = text[title_start:m_end]
            mentions.append(Mention(actor.key, title_start, m_end, surface, True, actor.name, actor.kind, title))
        return mentions

    def resolve_offices(
        self, mentions: list[Mention], day: dt.date | None, text: str = "", unresolved: list[Mention] | None = None
    ) -> list[Mention]:
        """Office mentions as mentions of their holder on `day`; an office nobody (or no single
        actor the gazetteer knows) held then is left out: a wrong person is worse than none. So is
        an office written as the title of a name that follows ("Kremlin spokesman Anna Example"):
        the name says who held it."""
        resolved = []
        for m in mentions:
            if m.kind != OFFICE:
                resolved.append(m)
                continue
            name = _NAME_AFTER.match(text, m.end)
            if name and name.group("word").lower() not in _NOT_TITLE:
                continue
            holder = self.actors.get(self.actors[m.actor_key].holder(day) or "")
            if holder is None:
                if unresolved is not None:
                    unresolved.append(m)  # someone stands there, unknown to us: nobody else is
                continue
            if resolved and resolved[-1].actor_key == holder.key and resolved[-1].end >= m.start - 1:
                continue  # "Peskov, the Kremlin spokesman": one mention of one person
            resolved.append(Mention(holder.key, m.start, m.end, m.surface, True, holder.name, holder.kind, m.surface))
        return resolved

    def named_in_titles(self, absorbed: list[Mention]) -> list[Mention]:
        """The actors named by the words of people's titles: a known actor as it is, an office
        by its body ("Kremlin spokesman" names the Kremlin whoever holds the post)."""
        named = []
        for m in absorbed:
            if m.kind != OFFICE:
                named.append(m)
                continue
            office = self.actors[m.actor_key]
            for key in dict.fromkeys((office.organisation, office.state)):
                actor = self.actors.get(key)
                if actor is not None:
                    named.append(Mention(actor.key, m.start, m.end, m.surface, True, actor.name, actor.kind, m.surface))
        return named

    def _match(
        self, text: str, start: int, lower: str, at: int, index_key: tuple[str, bool], stop: int
    ) -> tuple[int, Actor] | None:
        """The longest alias filed under `index_key` that matches at `at` (before `stop`) in the right
        case: (end, actor)."""
        match = self._patterns[index_key].match(lower, at, stop)
        if not match:
            return None
        aliases = self._index[index_key]
        alias = aliases[match.lastindex - 1]
        if _case_fits(alias, text[start + at : start + match.end()]):
            return match.end(), alias.actor
        # Rare: the longest alias is there in the wrong case; try the shorter ones.
        for other in aliases:
            again = re.compile(other.pattern).match(lower, at, stop)
            if again and _case_fits(other, text[start + at : start + again.end()]):
                return again.end(), other.actor
        return None


class WordScan:
    """Where any of `words` stands as a whole word: `re.finditer(rf"\\b(?:{alternation})\\b", ...)`,
    as (start, word) pairs.

    A pattern that opens with `\\b` is tried at every position of the text; one that opens with
    `\\W` lets the regex engine skip to the next non-word character first. When every word starts
    and ends with a word character the two find the same words: a word is either at the start of
    the range (tried apart) or right after a non-word character, and a match ends before one.
    """

    def __init__(self, words: Iterable[str], *, extra: str = "") -> None:
        """`extra`: more alternatives as a regex, whose every match starts and ends with a word character."""
        words = list(words)
        alternation = "|".join(filter(None, (extra, word_alternation(words))))
        self.at = re.compile(rf"\b(?:{alternation})\b")
        plain = all(re.fullmatch(r"\w(?:.*\w)?", word, re.DOTALL) for word in words)
        self.after = re.compile(rf"\W({alternation})\b") if plain else None

    def scan(self, text: str, start: int, stop: int) -> list[tuple[int, str]]:
        # A list, not a generator: a generator's resumption per word costs more than the list.
        if self.after is None:
            return [(match.start(), match.group()) for match in self.at.finditer(text, start, stop)]
        first = self.at.match(text, start, stop)
        found = [(start, first.group())] if first else []
        if first:
            start = first.end()
        found += [(match.start(1), match.group(1)) for match in self.after.finditer(text, start, stop)]
        return found


def _alias_pattern(tokens: Sequence[str]) -> str:
    """A regex for the alias in lower-cased text: any spacing, either apostrophe, accents optional."""
    parts: list[str] = []
    for i, token in enumerate(tokens):
        if i:
            both_words = token[0].isalnum() and tokens[i - 1][-1].isalnum()
            parts.append(r"\s+" if both_words else r"\s*")
        low, folded = token.lower(), normalise(token)
        variant = _TRANSLITERATION.sub(_spellings, folded) if len(folded) > 4 else folded
        if folded in {"'", "-"}:
            parts.append("['’‘`]" if folded == "'" else "[-–—‐]")
        elif variant != folded:
            # Pashinyan / Pashinian, Aliyev / Aliev: the usual transliterations of one name.
            parts.append(f"(?:{re.escape(low)}|{variant})" if low != folded else variant)
        elif low != folded:
            parts.append(f"(?:{re.escape(low)}|{re.escape(folded)})")
        else:
            parts.append(re.escape(low))
    if tokens[-1][-1].isalnum():
        parts.append(r"(?!\w)")
    return "".join(parts)


# Endings that English texts transliterate two ways (Armenian -yan/-ian, Azerbaijani and Russian -yev/-ev).
_TRANSLITERATION = re.compile(r"(?<=[a-z])(?:yan|ian|iyev|iev)$")


def _spellings(match: re.Match) -> str:
    return "(?:yan|ian)" if match.group().endswith("an") else "(?:iyev|iev)"


def _other_spellings(word: str) -> tuple[str, ...]:
    """The transliterations of `word` that _alias_pattern also matches ("pashinyan" -> "pashinian")."""
    match = _TRANSLITERATION.search(word) if len(word) > 4 else None
    if not match:
        return ()
    stem = word[: match.start()]
    return (stem + "yan", stem + "ian") if match.group().endswith("an") else (stem + "iyev", stem + "iev")


def word_alternation(words: Iterable[str]) -> str:
    """One regex alternation for many words, factored by prefix (much faster than a flat list)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def whole_words(words: Iterable[str], *, end: bool = True) -> str:
    """A regex matching exactly what `\\b(?:word|word…)\\b` matches (without the last `\\b` if not
    `end`), for words that start with a word character, written so that the regex engine can skip
    ahead to the characters that start a word: each branch opens with its first character, then
    `(?<!\\w\\w)` puts the word boundary behind it. A pattern led by `\\b` is tried at every
    position of the text instead."""
    trie: dict = {}
    for word in words:
        if not _WORD_CHAR.match(word):
            raise ValueError(f"{word!r} does not start with a word character")
        trie.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + r"(?<!\w\w)" + _rest(rests) for first, rests in sorted(trie.items())]
    return "(?:" + "|".join(branches) + (r")\b" if end else ")")


def _rest(rests: list[str]) -> str:
    if rests == [""]:
        return ""
    alternation = word_alternation(r for r in rests if r)
    return f"(?:{alternation})?" if "" in rests else alternation


_WORD_CHAR = re.compile(r"\w")


def _case_fits(alias: _Alias, surface: str) -> bool:
    """Capitalised alias words need capitalised text; acronyms need capitals."""
    if surface == alias.surface:
        return True
    acronym_led = False  # "UN security council": after an acronym, the words' case is free
    for j, (expected, (_, _, found)) in enumerate(zip(alias.tokens, tokenize(surface), strict=False)):
        if j == 0 and alias.flexible_first:
            continue
        if len(expected) > 1 and expected.isupper():
            if not found.isupper():
                return False
            acronym_led = acronym_led or j == 0
        elif expected[:1].isupper() and not found[:1].isupper() and not acronym_led:
            return False
    return True


def _title_start(text: str, window_start: int, name_start: int) -> int:
    """Where a title written right before the name at `name_start` begins (or `name_start`)."""
    if name_start <= window_start or text[name_start - 1] != " ":
        return name_start  # no "word " right before the name
    last = _LAST_WORD_REVERSED.match(text[max(window_start, name_start - 40) : name_start][::-1])
    if not last or last.group(1)[::-1].lower() not in TITLE_HEADS:
        return name_start
    tokens = tokenize(text, window_start, name_start)
    norms = [normalise(t) for _, _, t in tokens]
    head = len(tokens) - 1
    if head >= 1 and tokens[head][2] == "." and norms[head - 1] in TITLE_HEADS:
        head -= 1  # "Gen. Name"
    if head < 0 or norms[head] not in TITLE_HEADS or name_start - tokens[-1][1] > 1:
        return name_start
    begin = j = head
    while j > 0:
        j -= 1
        word, norm = tokens[j][2], norms[j]
        if tokens[j + 1][0] - tokens[j][1] > 1:  # a line break or a double space ends the title
            break
        if norm in _NOT_TITLE and norm not in _TITLE_INNER:
            break
        if not (word[:1].isupper() or norm in _TITLE_INNER):
            break
        begin = j
    while begin < head and norms[begin] in {"of", "for", "-"}:
        begin += 1
    return tokens[begin][0]
