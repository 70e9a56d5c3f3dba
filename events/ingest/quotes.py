"""Find quotations in an article and attribute each one to its speaker.

The rules, tried in order for every quotation (the first that names a speaker wins):

1. quote-first: a cue right after the quotation ("“…,” Blinken warned", "“…,” said a
   senior official", "“…,” the minister, Anna Example, said");
2. speaker-first: the last cue before it in the same sentence ("Price said: “…”",
   "X told Y that “…”", "calling the operation “…”", "According to X, Y “…”"); the
   speaker is the subject of that cue (a participle's speaker is the name right before it);
3. sentence-final cue: "The move is “…” and must stop, the minister said.";
4. split around the cue: a quotation opening a sentence after a quote-first attribution
   in the same paragraph ("“…,” Price said. “…”") continues that speaker;
5. a paragraph that is nothing but a quotation continues the previous paragraph's speaker,
   and a quotation left open at the end of a paragraph runs on into the next one.

Speakers are known actors (gazetteer mentions), proposed actors (a named person or body
the gazetteer lacks, "European Council President Charles Michel"), or anonymous sources
("a senior official"). He/she resolve to the subject of the nearest earlier sentence that
names a person; "the ministry" to the latest actor whose name or title has that word.
Whatever cannot be resolved is left unattributed: a wrong speaker is worse than none.

A short quoted phrase with no cue governing it (“counter-terrorism measures”,
the so-called “Zangezur Corridor”) is a term, not a statement by the writer; it is
credited to a speaker only when it sits inside that speaker's reported words.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from events.ingest.candidates import (
    AND_VERB,
    ANON,
    BARE_VERB,
    BOUNDARY,
    BY_AGENT,
    COORDINATED,
    CUE,
    DEMONYM_ENDINGS,
    DETERMINER,
    LAST_TOKEN,
    MARKED_NAME,
    NAME,
    NAMED,
    NEXT_WORD,
    NOMINAL_RANK,
    NOT_A_TERM,
    NOUN_BEFORE,
    PASSIVE_BEFORE,
    RELATIVE,
    REPORTED_HINT,
    REPORTED_PATTERNS,
    REPORTED_RULES,
    STATEMENT_BY,
    SUBJECT_BEFORE,
    TERMED_BY,
    THAT_BETWEEN,
    TITLED,
    Candidate,
    CandidateFinder,
)
from events.ingest.quotations import Quotation
from events.ingest.records import (
    DIRECT,
    PARTIAL,
    REPORTED,
    TERM,
    Mention,
    Span,
    Speaker,
)


@dataclass(frozen=True)
class Attribution:
    quotation: Quotation
    kind: str
    speaker: Speaker | None
    rule: str
    cue: str = ""
    cue_span: Span | None = None

    def __init__(
        self,
        quotation: Quotation,
        kind: str,
        speaker: Speaker | None,
        rule: str,
        cue: str = "",
        cue_span: Span | None = None,
    ) -> None:
        d = self.__dict__  # as records.Span
        d["quotation"], d["kind"], d["speaker"], d["rule"], d["cue"], d["cue_span"] = (
            quotation,
            kind,
            speaker,
            rule,
            cue,
            cue_span,
        )


@dataclass(slots=True)  # slotted, not frozen: as candidates.Candidate
class _Cue:
    word: str
    start: int
    end: int

    @property
    def participle(self) -> bool:
        return self.word.lower().endswith("ing")

    @property
    def according_to(self) -> bool:
        return self.word.lower().startswith("according")


class Attributor(CandidateFinder):
    """Attributes the quotations of one article; see the module docstring for the rules."""

    def attribute_all(self) -> list[Attribution]:
        results: list[Attribution] = []
        for index, q in enumerate(self.quotations):
            attribution = self._attribute(q, index, results)
            speaker = self._chosen(attribution.speaker)
            results.append(attribution)
            if speaker and speaker.actor_key:
                kind = self._kinds.get(speaker.actor_key) or (
                    self.proposed[speaker.actor_key].kind if speaker.actor_key in self.proposed else ""
                )
                self._said.append((q.mark, speaker, kind))
        return self._share_final_cues(_propagate_runs(results))

    def _share_final_cues(self, results: list[Attribution]) -> list[Attribution]:
        """A cue closing a sentence ("…, the ministry said.") governs every quotation of the
        sentence: the earlier ones left without a speaker share the last one's."""
        for i in range(len(results) - 2, -1, -1):
            a, b = results[i], results[i + 1]
            if a.speaker is not None or b.speaker is None:
                continue
            if b.rule not in {"sentence-final-cue", "quote-first", "sentence-final-shared"}:
                continue
            if self._sentence_of(a.quotation.mark) != self._sentence_of(b.quotation.mark):
                continue
            if self._cues(a.quotation.end + 1, b.quotation.mark):
                continue  # a cue of its own in between: not one speech act
            rule = "sentence-final-shared"
            results[i] = Attribution(a.quotation, a.kind, b.speaker, rule, b.cue, b.cue_span)
        return results

    def _attribute(self, q: Quotation, index: int, previous: list[Attribution]) -> Attribution:
        left_start = self._left_start(q, index)
        right_end = self._right_end(q, index)
        left = self.text[left_start : q.mark]
        quote = self.text[q.start : q.end]
        right_cue = self._quote_first(q, right_end)
        left_cue = self._last_cue(left_start, q.mark)
        kind = self._kind(q, quote, left, left_cue, right_cue is not None)

        termed = (
            TERMED_BY.search(self.lower, max(left_start, q.mark - 120), q.mark)
            if kind == TERM and "what " in self.lower[max(left_start, q.mark - 120) : q.mark]
            else None
        )
        if termed:
            who = [c for c in self._candidates(termed.start("who"), termed.end("who")) if c.rank >= NOMINAL_RANK]
            if who and who[-1].speaker:
                verb = Span(termed.end("who"), termed.end())
                return Attribution(q, kind, who[-1].speaker, "term-of-speaker", verb.of(self.text).strip(), verb)
        if right_cue:
            speaker, cue = right_cue
            return Attribution(q, kind, speaker, "quote-first", cue.word, Span(cue.start, cue.end))
        if left_cue:
            speaker = self._speaker_of(left_cue, left_start)
            if speaker:
                rule = "term-in-reported-speech" if kind == TERM else "speaker-first"
                return Attribution(q, kind, speaker, rule, left_cue.word, Span(left_cue.start, left_cue.end))
        final = self._sentence_final_cue(q)
        if final:
            speaker, cue = final
            rule = "term-in-reported-speech" if kind == TERM else "sentence-final-cue"
            return Attribution(q, kind, speaker, rule, cue.word, Span(cue.start, cue.end))
        if kind != TERM:
            inherited = self._inherited(q, left, previous)
            if inherited:
                return inherited
        cue_span = Span(left_cue.start, left_cue.end) if left_cue else None
        return Attribution(
            q, kind, None, "term" if kind == TERM else "unattributed", left_cue.word if left_cue else "", cue_span
        )

    def _kind(self, q: Quotation, quote: str, left: str, cue: _Cue | None, quote_first: bool) -> str:
        words = quote.split()
        lead = left.strip()
        tail = left.rstrip()[-9:].lower()
        if tail.endswith(("so-called", "dubbed")):
            return TERM
        if "what " in left[-120:].lower() and TERMED_BY.search(left[-120:].lower()):
            return TERM
        if (
            len(words) <= 4
            and quote.rstrip()[-1:] not in ".?!,;:"
            and not NOT_A_TERM.match(quote.lower())
            and not quote_first
            and q.closed
        ):
            governed = cue is not None and self._governs(cue, q.mark)
            if not governed:
                return TERM
        if not lead or lead.endswith(":") or q.continues:
            return DIRECT
        if cue is not None and len(self.text[cue.end : q.mark].split()) <= 3:
            if quote[:1].isupper() or quote.lower().startswith("that "):
                return DIRECT
        return PARTIAL

    def _governs(self, cue: _Cue, at: int) -> bool:
        """Is the quotation at `at` the cue's own object ("calling it “…”"), not inside a clause after it?"""
        between = self.lower[cue.end : at]
        return len(between.split()) <= 6 and not THAT_BETWEEN.search(between)

    def _left_start(self, q: Quotation, index: int) -> int:
        """Where the context before quotation number `index` starts: its sentence, or the quote before it."""
        start = self.sentences[self._sentence_of(q.mark)].start if self.sentences else q.mark
        before = self.quotations[index - 1] if index else None
        if before and before.paragraph == q.paragraph and before.closed:
            start = max(start, before.end + 1)
        return min(start, q.mark)

    def _right_end(self, q: Quotation, index: int) -> int:
        """Where the context after quotation number `index` ends: its sentence, or the next quote."""
        if not q.closed:
            return q.end
        after = q.end + 1
        sentence = self.sentences[self._sentence_of(after)] if self.sentences else Span(after, after)
        end = sentence.end if sentence.start <= after else after
        if index + 1 < len(self.quotations):
            end = min(end, max(after, self.quotations[index + 1].mark))
        paragraph = self.paragraphs[q.paragraph]
        return min(max(end, after), paragraph.end)

    def _cues(self, start: int, end: int) -> list[_Cue]:
        cues = []
        for match in CUE.finditer(self.lower, start, end):
            if NOUN_BEFORE.search(self.lower, max(0, match.start() - 12), match.start()):
                continue
            cues.append(_Cue(self.text[match.start() : match.end()], match.start(), match.end()))
        return cues

    def _last_cue(self, start: int, end: int) -> _Cue | None:
        cues = self._cues(start, end)
        return cues[-1] if cues else None

    def _quote_first(self, q: Quotation, right_end: int) -> tuple[Speaker, _Cue] | None:
        """“…,” X said / “…,” said X: a cue within the first words after the closing mark."""
        if not q.closed:
            return None
        quote_end = self.text[q.start : q.end].rstrip()[-1:]
        after = q.end + 1
        right = self.text[after:right_end]
        if quote_end in "?!" and not right.strip():
            # “…?” he asked. The sentence splitter ends the sentence at the question mark.
            following = self.sentences[self._sentence_of(after + 1)] if self.sentences else None
            if following and following.start > after and not self.text[after : following.start].strip():
                right_end = following.end
                right = self.text[after:right_end]
        if not (quote_end in ",?!—–-…" or right[:1] in ",—–"):
            return None
        cues = [c for c in self._cues(after, right_end) if len(self.text[after : c.start].split()) <= 8]
        if not cues:
            return None
        cue = cues[0]
        if cue.according_to and not self.text[after : cue.start].strip(" ,—–-\n"):
            speaker = self._speaker_of(cue, after)
            return (speaker, cue) if speaker else None
        before = [c for c in self._candidates(after, cue.start) if not self._possessive(c)]
        if before:
            # "“…,” the minister, Anna Example, said": a name beats a description or a pronoun;
            # "“…,” Anna Example, adviser to the president, said": the name before the apposition.
            first = before[0]
            if first.rank == NAMED and self.text[first.end : first.end + 1] == "," and len(before) > 1:
                return (first.speaker, cue) if first.speaker else None
            best = max(before, key=lambda c: (c.rank, c.start))
            return (best.speaker, cue) if best.speaker else None
        if self.text[after : cue.start].strip(" ,—–-\n"):
            return None  # someone we cannot name ("a passer-by told AFP"): not whoever comes next
        after_cue = self._candidates(cue.end, min(right_end, cue.end + 120))
        if after_cue and not self.text[cue.end : after_cue[0].start].strip():
            first = after_cue[0]
            appositive = [
                c for c in after_cue[1:3] if c.rank == NAMED and self.text[first.end : c.start].strip() == ","
            ]
            chosen = appositive[0] if first.rank < NAMED and appositive else first
            return (chosen.speaker, cue) if chosen.speaker else None
        return None

    def _sentence_final_cue(self, q: Quotation) -> tuple[Speaker, _Cue] | None:
        """“…” and must stop, the minister said."""
        if not q.closed:
            return None
        sentence = self.sentences[self._sentence_of(q.end + 1)]
        tail_start = self.text.rfind(",", q.end, sentence.end)
        if tail_start == -1:
            return None
        cues = self._cues(tail_start, sentence.end)
        if not cues or len(self.text[cues[0].end : sentence.end].split()) > 6:
            return None
        cue = cues[0]
        before = [c for c in self._candidates(tail_start + 1, cue.start) if not self._possessive(c)]
        if not before or self.text[tail_start + 1 : before[0].start].strip():
            return None
        best = max(before, key=lambda c: (c.rank, c.start))
        return (best.speaker, cue) if best.speaker else None

    def _speaker_of(self, cue: _Cue, region_start: int) -> Speaker | None:
        """The speaker of a cue found before a quotation."""
        text = self.lower
        if cue.according_to:
            skip = STATEMENT_BY.match(text, cue.end)
            after = self._candidates(skip.end(), min(len(text), skip.end() + 120))
            if after and not text[skip.end() : after[0].start].strip():
                return after[0].speaker
            return None
        if PASSIVE_BEFORE.search(text, max(region_start, cue.start - 30), cue.start):
            agent = BY_AGENT.match(text, cue.end)
            after = self._candidates(agent.end(), agent.end() + 120) if agent else []
            return after[0].speaker if after and after[0].start == agent.end() else None
        if cue.participle:
            # "with X saying", "X, calling it", "quoted X as saying": the name right before.
            before = self._candidates(region_start, cue.start)
            if before and text[before[-1].end : cue.start].strip(" ,") in {"", "as"}:
                return before[-1].speaker
        return self._subject(region_start, cue.start)

    def _subject(self, region_start: int, cue_start: int) -> Speaker | None:
        """The nearest candidate before the cue that can be its subject (not an object or a modifier).

        Two subjects joined by "and" or a comma ("Baku and Yerevan said") name no single
        speaker. A verb with no subject of its own ("…, but warned") shares the one before.
        """
        start, boundary = region_start, None
        for boundary in BOUNDARY.finditer(self.lower, region_start, cue_start):
            start = boundary.end()
        hidden = [(m.start(), m.end()) for m in RELATIVE.finditer(self.lower, start, cue_start)]
        candidates = [
            c
            for c in self._candidates(start, cue_start)
            if not any(a <= c.start < b for a, b in hidden)
            and not self._possessive(c)
            and not self._modifier(c, cue_start)
            and self._subject_position(c, start)
        ]
        if candidates:
            subject = candidates[-1]
            if len(candidates) > 1 and COORDINATED.fullmatch(self.lower[candidates[-2].end : subject.start]):
                return None
            return subject.speaker
        if boundary and BARE_VERB.fullmatch(self.lower[boundary.start() : cue_start]):
            return self._subject(self.sentences[self._sentence_of(boundary.start())].start, boundary.start())
        sentence_start = self.sentences[self._sentence_of(cue_start)].start
        if region_start > sentence_start and AND_VERB.search(self.lower, max(region_start, cue_start - 12), cue_start):
            # "X issued a statement condemning “…” and called for …": the subject the quotation
            # before the verb cut off from it is the sentence's own.
            opening = [
                c
                for c in self._candidates(sentence_start, cue_start)
                if c.rank >= NOMINAL_RANK and not self._possessive(c)
            ]
            if opening and self._subject_position(opening[0], sentence_start):
                return opening[0].speaker
        return None

    def _modifier(self, candidate: Candidate, cue_start: int) -> bool:
        """A demonym before a noun ("Azeri human rights official accuses"): it describes the
        speaker, it is not the speaker."""
        surface = self.text[candidate.start : candidate.end]
        if candidate.kind != "state" or not surface.lower().endswith(DEMONYM_ENDINGS):
            return False
        following = NEXT_WORD.match(self.text, candidate.end, cue_start)
        return bool(following and following.group(1).islower())

    def _possessive(self, candidate: Candidate) -> bool:
        return self.text[candidate.end : candidate.end + 2] in {"’s", "'s"} or self.text[
            candidate.end : candidate.end + 1
        ] in {"’", "'"}

    def _subject_position(self, candidate: Candidate, region_start: int) -> bool:
        """A subject follows the start of its clause, punctuation, a conjunction, or a date."""
        start = candidate.start
        for _ in range(2):
            last = LAST_TOKEN.search(self.text, max(region_start, start - 40), start)
            if not last:
                return True
            word = last.group(1)
            lower = word.lower()
            if lower in DETERMINER:
                start = last.start()
                continue
            if not word[0].isalnum() or lower in SUBJECT_BEFORE or word[0].isupper() or word[0].isdigit():
                return True
            return False
        return True

    def reported_speech(self) -> list[Attribution]:
        """Positions reported without quotation marks: "X said that …", "X accused Y of …",
        "according to X, …", each with the span of the paraphrase and the cue's speaker (only
        where the speaker is found: an unsure paraphrase is not worth a curator's time)."""
        found: list[Attribution] = []
        quoted = {self._sentence_of(q.mark) for q in self.quotations} | {
            self._sentence_of(q.end) for q in self.quotations
        }
        for k, sentence in enumerate(self.sentences):
            if k in quoted or not REPORTED_HINT.search(self.lower, sentence.start, sentence.end):
                continue
            match = next(
                filter(None, (r.search(self.lower, sentence.start, sentence.end) for r in REPORTED_PATTERNS)), None
            )
            if not match or (match.group("cue") == "according to" and match.start() != sentence.start):
                continue
            cue = _Cue(self.text[match.start("cue") : match.end("cue")], match.start("cue"), match.end("cue"))
            speaker = self._speaker_of(cue, sentence.start)
            end = sentence.end
            while end > match.end() and (self.text[end - 1].isspace() or self.text[end - 1] in ".;"):
                end -= 1
            start = match.start("cue") if match.group("cue").startswith("accus") else match.end()
            if speaker is None or end - start < 12:
                continue
            span = Quotation(start, end, self._paragraph_of(start), start, True, False)
            found.append(
                Attribution(
                    span, REPORTED, self._chosen(speaker), "reported-speech", cue.word, Span(cue.start, cue.end)
                )
            )
        return found

    def named_unknowns(self) -> list[Mention]:
        """People and bodies the gazetteer lacks that the text marks as names: a title before
        them ("Deputy Prime Minister Anna Example"), an apposition after them ("Anna Example, a
        resident of …"), or a verb they are the subject of ("Anna Example says …"). For the
        article's list of actors named; they become proposed actors only when they speak."""
        found: list[Mention] = []
        proposed = {p.key for p in self.proposed.values()}
        for match in NAME.finditer(self.text, self.paragraphs[0].start if self.paragraphs else 0):
            start, end = match.span()
            if " " not in self.text[start:end] or self._inside_quotation(start):
                continue
            marked = MARKED_NAME.match(self.lower, end - (self.text[end - 1] == "."))
            if not marked and not TITLED.search(self.lower, start, end):
                continue  # neither a title nor an apposition nor a verb: cheap to rule out first
            i = bisect.bisect_left(self._mention_starts, start - 120)
            known = []
            while i < len(self.mentions) and self.mentions[i].start < end:
                m = self.mentions[i]
                if m.end > start:
                    known.append(Candidate(m.start, m.end, NAMED, None, m.kind))
                i += 1
            candidate = self._name_candidate(start, end, known)
            if candidate is None or candidate.speaker is None or candidate.speaker.actor_key in proposed:
                continue
            pending = self._pending.get(candidate.speaker.actor_key)
            after = self.lower[candidate.end : candidate.end + 40]
            if (pending and pending.role) or MARKED_NAME.match(after):
                name = candidate.speaker.label
                found.append(
                    Mention(
                        candidate.speaker.actor_key, candidate.start, candidate.end, name, False, name, candidate.kind
                    )
                )
        return found

    def _inherited(self, q: Quotation, left: str, previous: list[Attribution]) -> Attribution | None:
        kind = DIRECT if not left.strip() else PARTIAL
        same = [a for a in previous if a.quotation.paragraph == q.paragraph and a.kind != TERM]
        if same and not left.strip():
            last = same[-1]
            # Names in the attribution clause ("“…,” said X, the ICRC's director.") are X's description.
            after = last.quotation.end + 1
            if last.rule == "quote-first" and last.cue_span:
                after = max(after, min(q.mark, self.sentences[self._sentence_of(last.cue_span.start)].end))
            if last.speaker and self._only_speaker_between(after, q.mark, last.speaker):
                return Attribution(q, kind, last.speaker, "split-cue", last.cue, last.cue_span)
        here = self._sentence_of(q.mark)
        in_sentence = [a for a in previous if a.speaker and self._sentence_of(a.quotation.mark) == here]
        if in_sentence and in_sentence[-1].rule in REPORTED_RULES:
            # "X stressed that the “…” were “important,” but would be “…”": one speaker, one sentence.
            last = in_sentence[-1]
            between = self._cues(last.quotation.end + 1, q.mark)
            if all(c.participle for c in between) and (
                between or self._only_speaker_between(last.quotation.end + 1, q.mark, last.speaker)
            ):
                return Attribution(q, PARTIAL, last.speaker, "same-sentence", last.cue, last.cue_span)
        if (
            q.paragraph == 0
            and self.headline_speaker
            and q.mark == self.paragraphs[0].start
            and self._pure_quotation_paragraph(0)
        ):
            # A statement published as it is under "X statement on …": the body's opening quotation is X's.
            return Attribution(q, DIRECT, self.headline_speaker, "headline-speaker")
        if (
            q.paragraph > 0
            and self._pure_quotation_paragraph(q.paragraph)
            and q.mark == self.paragraphs[q.paragraph].start
        ):
            speaker = self._last_speaker(q.paragraph - 1, previous)
            if speaker:
                return Attribution(q, DIRECT, speaker, "continues-speaker")
        return None

    def _only_speaker_between(self, start: int, end: int, speaker: Speaker) -> bool:
        return all(
            c.speaker and c.speaker.actor_key == speaker.actor_key and c.speaker.label == speaker.label
            for c in self._candidates(start, end)
            if c.rank >= ANON or c.speaker
        )

    def _pure_quotation_paragraph(self, index: int) -> bool:
        paragraph = self.paragraphs[index]
        outside, position = [], paragraph.start
        for q in self.quotations:
            if q.paragraph == index:
                outside.append(self.text[position : q.mark])
                position = q.end + 1
        outside.append(self.text[position : paragraph.end])
        return not re.search(r"\w", "".join(outside))

    def _last_speaker(self, index: int, previous: list[Attribution]) -> Speaker | None:
        """Who was speaking at the end of paragraph `index`, if nobody else was named after them."""
        paragraph = self.paragraphs[index]
        said = [a for a in previous if a.quotation.paragraph == index and a.kind != TERM]
        if said:
            last = said[-1]
            if last.speaker and self._only_speaker_between(last.quotation.end + 1, paragraph.end, last.speaker):
                return last.speaker
            return None
        last_sentence = self.sentences[self._sentence_of(paragraph.end - 1)]
        cue = self._last_cue(last_sentence.start, paragraph.end)
        speaker = self._speaker_of(cue, last_sentence.start) if cue else None
        return speaker or self._introduced(index)

    def _introduced(self, index: int) -> Speaker | None:
        """A short paragraph that opens on a person ("Anna Example is still shaken by what she saw.")
        introduces the quotation paragraph after it."""
        paragraph = self.paragraphs[index]
        first, last = self._sentence_of(paragraph.start), self._sentence_of(paragraph.end - 1)
        if last - first > 1 or any(q.paragraph == index for q in self.quotations):
            return None
        opening = self._candidates(paragraph.start, min(paragraph.end, paragraph.start + 80))
        if not opening or opening[0].start != paragraph.start or opening[0].rank != NAMED:
            return None
        person = opening[0]
        return self._chosen(person.speaker) if person.kind == "person" else None


def _propagate_runs(results: list[Attribution]) -> list[Attribution]:
    """A quotation running on across paragraphs has one speaker: share the one found."""
    groups: list[list[int]] = []
    for i, a in enumerate(results):
        if a.quotation.continues and groups and not results[groups[-1][-1]].quotation.closed:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        speakers = [results[i] for i in group if results[i].speaker]
        if not speakers or len(group) == 1:
            continue
        source = speakers[0]
        for i in group:
            if not results[i].speaker:
                results[i] = Attribution(
                    results[i].quotation,
                    results[i].kind,
                    source.speaker,
                    "continued-quotation",
                    source.cue,
                    source.cue_span,
                )
    return results
