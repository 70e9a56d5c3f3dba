"""Event drafting (events/ingest/eventdraft.py, figures.py, eventtypes.py) on sentences written for
these tests: invented countries, towns, people and outlets, in varied phrasings (no database)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from events.ingest.eventdraft import fatalities
from events.ingest.eventlinks import link_statements
from events.ingest.eventtypes import EVENT_WORDS, STEMS, family_of
from events.ingest.figures import estimate, find_figures, number_of
from events.ingest.gazetteer import Gazetteer
from events.ingest.parser import parse_article
from events.ingest.pipeline import extract_for_drafting

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY = dt.date(2024, 3, 6)

GAZETTEER = Gazetteer.from_entries(
    [
        ("valdoria", "Valdoria", "state", ["Valdorian", "Valdorians"]),
        ("ostmark", "Ostmark", "state", ["Ostmarkian", "Ostmarkians"]),
        ("lumeria", "Lumeria", "state", ["Lumerian"]),
        ("valdoria-mod", "Ministry of Defence (Valdoria)", "government_body", ["Valdoria’s defence ministry"]),
        ("ostmark-mod", "Ministry of Defence (Ostmark)", "government_body", ["the Ostmarkian defence ministry"]),
        ("anna-keller", "Anna Keller", "person", ["Keller"]),
        ("piet-varga", "Piet Varga", "person", ["Varga"]),
    ]
)


def drafts(
    *paragraphs: str,
    published: dt.date | None = WEDNESDAY,
    headline: str = "Headline of a test report",
    gazetteer: Gazetteer = GAZETTEER,
):
    """(the article's text, its drafted events) for a test article of these paragraphs."""
    parsed = parse_article(headline + "\n\n" + "\n\n".join(paragraphs), source="test.txt")
    return parsed.text, extract_for_drafting(parsed, gazetteer, published).events


def one(*paragraphs: str, published: dt.date | None = WEDNESDAY):
    text, found = drafts(*paragraphs, published=published)
    assert len(found) == 1, [(d.rule, text[d.start : d.end]) for d in found]
    return text, found[0]


def roles(draft) -> set[tuple[str, str]]:
    return {(p.actor_key, p.role) for p in draft.participants}


# Types -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "code", "family"),
    [
        ("Valdorian artillery shelled the village of Orsk on Monday.", "194", "fight"),
        ("Mortar rounds hit Orsk on Monday after Valdorian units fired mortars.", "194", "fight"),
        ("Valdorian troops opened fire on an Ostmarkian post near Kell on Monday.", "193", "fight"),
        ("A drone strike hit a fuel depot in Marrow on Monday.", "195", "air-strike"),
        ("Valdoria launched a military operation in the Sarn valley on Monday.", "190", "fight"),
        ("Heavy fighting was reported around Kell on Monday.", "190", "fight"),
        ("Valdorian forces captured the hilltop town of Brisk on Monday.", "192", "seizure"),
        ("Valdoria said its troops took control of three villages on Monday.", "192", "seizure"),
        ("Protesters blocked the Sarn road on Monday.", "191", "blockade"),
        ("Valdorian police closed the Hollin corridor on Monday.", "191", "blockade"),
        ("Valdoria and Ostmark signed a transit agreement in Helvik on Monday.", "057", "agreement"),
        ("The two sides declared a ceasefire on Monday.", "0871", "ceasefire"),
        ("A humanitarian truce mediated by Lumeria took effect on Monday.", "0871", "ceasefire"),
        ("Ostmark accused Valdoria of violating the ceasefire on Monday.", "196", "violation"),
        ("Keller met Varga in Helvik on Monday.", "040", "talks"),
        ("Keller held talks with Varga on Monday.", "046", "talks"),
        ("Keller and Varga spoke by phone on Monday.", "041", "talks"),
        ("Hundreds of families fled Orsk on Monday.", "200", "displacement"),
        ("Officials evacuated the residents of Kell on Monday.", "200", "displacement"),
        ("Aid workers delivered flour and medicine to Orsk on Monday.", "073", "aid"),
        ("Thousands protested in Helvik on Monday against the decree.", "141", "protest"),
        ("Valdorian police arrested two journalists in Helvik on Monday.", "173", "arrest"),
        ("A Valdorian soldier was killed on Monday.", "190", "fight"),
    ],
)
def test_each_event_word_drafts_its_cameo_code(sentence, code, family):
    _, draft = one(sentence)
    assert (draft.cameo, draft.family) == (code, family)
    assert draft.date == dt.date(2024, 3, 4)


@pytest.mark.parametrize(
    "sentence",
    [
        "Lumeria called for a ceasefire on Monday.",
        "Keller urged both sides not to attack civilians.",
        "Varga warned that Valdoria could launch an offensive.",
        "Valdoria did not shell Orsk, the ministry insisted.",
        "The weather in Helvik was mild on Monday.",
    ],
)
def test_appeals_threats_and_denials_of_fact_draft_no_event(sentence):
    _, found = drafts(sentence)
    assert found == ()


def test_every_code_is_in_the_codebook_and_every_rule_has_stems():
    with open(ROOT / "fixtures" / "cameo.csv", encoding="utf-8") as f:
        codes = {row[0] for row in csv.reader(f)}
    assert {word.cameo for word in EVENT_WORDS} <= codes
    assert {word.rule.split(" (")[0] for word in EVENT_WORDS} == set(STEMS)
    assert family_of("194") == family_of("190") == "fight"
    assert family_of("1952") == "fight"


# Dates -------------------------------------------------------------------------------------------


def test_the_date_phrase_of_the_sentence_dates_the_event_with_its_phrase_and_rule():
    _, draft = one("Valdorian forces shelled Orsk on 2 March.")
    assert (draft.date, draft.precision, draft.date_phrase, draft.date_rule) == (
        dt.date(2024, 3, 2),
        "day",
        "2 March",
        "day-month",
    )


def test_overnight_spans_the_night_before_publication():
    _, draft = one("Valdorian forces shelled Orsk overnight.")
    assert (draft.date, draft.end_date, draft.date_rule) == (dt.date(2024, 3, 5), WEDNESDAY, "overnight")


def test_overnight_into_a_day_ends_on_that_day():
    _, draft = one("Ostmarkian positions near Kell came under fire overnight into Tuesday.")
    assert (draft.date, draft.end_date) == (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    assert draft.date_phrase == "overnight into Tuesday"


def test_since_a_day_starts_then_and_is_ongoing():
    _, draft = one("Valdoria has blockaded the Sarn corridor since Sunday.")
    assert (draft.date, draft.ongoing, draft.date_phrase) == (dt.date(2024, 3, 3), True, "since Sunday")
    assert draft.end_date is None


def test_from_one_date_to_another_gives_a_start_and_an_end():
    _, draft = one("Valdorian troops blocked the Sarn road from 1 March to 4 March.")
    assert (draft.date, draft.end_date, draft.date_rule) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 4),
        "range:day-month",
    )


def test_a_day_earlier_in_the_paragraph_dates_an_undated_sentence():
    _, draft = one("The envoys reached Helvik on 28 February. Later, Valdorian forces shelled Orsk.")
    assert (draft.date, draft.date_rule) == (dt.date(2024, 2, 28), "paragraph-context")


def test_an_undated_sentence_takes_the_publication_date_marked_approximate():
    _, draft = one("Valdorian forces shelled Orsk.")
    assert (draft.date, draft.precision, draft.date_rule) == (WEDNESDAY, "approximate", "publication")
    _, undated = one("Valdorian forces shelled Orsk.", published=None)
    assert (undated.date, undated.precision) == (None, "")


def test_a_month_phrase_keeps_its_precision():
    _, draft = one("Valdoria captured Brisk in January.")
    assert (draft.date, draft.precision) == (dt.date(2024, 1, 1), "month")


# Participants ------------------------------------------------------------------------------------


def test_the_actor_before_the_event_word_initiates_and_the_one_after_is_its_target():
    _, draft = one("Valdoria attacked Ostmark on Monday.")
    assert roles(draft) == {("valdoria", "initiator"), ("ostmark", "target")}


def test_in_a_passive_sentence_the_agent_after_by_initiates():
    _, draft = one("Ostmarkian villages were shelled by Valdorian artillery on Monday.")
    assert roles(draft) == {("ostmark", "target"), ("valdoria", "initiator")}


def test_who_reports_an_event_is_its_claimant_not_a_participant():
    _, draft = one("Valdoria’s defence ministry said Ostmarkian forces shelled the town of Orsk on Monday.")
    assert roles(draft) == {("ostmark", "initiator")}
    assert draft.reported_by == ("valdoria-mod",)
    _, according = one("Valdorian forces shelled Orsk on Monday, according to Lumeria.")
    assert according.reported_by == ("lumeria",)
    assert roles(according) == {("valdoria", "initiator")}


def test_a_broker_is_the_mediator_and_the_parties_are_participants():
    _, draft = one("Valdoria and Ostmark agreed to a ceasefire brokered by Lumeria on Monday.")
    assert roles(draft) == {("valdoria", "participant"), ("ostmark", "participant"), ("lumeria", "mediator")}


# Place -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Valdorian forces shelled Orsk on Monday.", "Orsk"),
        ("Valdorian forces shelled the town of Upper Brisk on Monday.", "Upper Brisk"),
        ("Clashes erupted near Kell on Monday.", "Kell"),
        ("Valdoria attacked Ostmarkian positions on Monday.", ""),
        ("Talks were held in Helvik on Monday.", "Helvik"),
    ],
)
def test_the_place_is_kept_as_written(sentence, place):
    _, draft = one(sentence)
    assert draft.place == place


# Figures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind", "wording", "victims", "numbers"),
    [
        ("The strike killed twelve civilians.", "killed", "twelve", "civilians", (12, 12, 12)),
        ("At least 200 soldiers died.", "killed", "At least 200", "soldiers", (200, 200, None)),
        ("More than 40 people were injured.", "injured", "More than 40", "people", (40, 40, None)),
        ("Dozens of people were wounded.", "injured", "Dozens", "people", (24, 24, 99)),
        ("Nearly 1,500 residents were killed.", "killed", "Nearly 1,500", "residents", (None, 1500, 1500)),
        ("About fifty fighters were killed.", "killed", "About fifty", "fighters", (None, 50, None)),
        ("Twenty-three conscripts died.", "killed", "Twenty-three", "conscripts", (23, 23, 23)),
        ("The death toll rose to 68.", "killed", "68", "", (68, 68, 68)),
        ("Hundreds were killed.", "killed", "Hundreds", "", (200, 200, 999)),
        ("A policeman was killed.", "killed", "A", "policeman", (1, 1, 1)),
    ],
)
def test_each_figure_wording_parses_to_low_best_high(words, kind, wording, victims, numbers):
    (figure,) = find_figures(words, 0, len(words))
    assert (figure.kind, figure.wording, figure.victims) == (kind, wording, victims)
    assert (figure.low, figure.best, figure.high) == numbers


@pytest.mark.parametrize(
    "words", ["A missile strike killed nobody.", "The war of 2020 killed many.", "A convoy was hit on Monday."]
)
def test_words_that_are_no_count_of_victims_give_no_figure(words):
    assert find_figures(words, 0, len(words)) == []


def test_number_words_and_qualifiers():
    assert number_of("forty-two") == 42
    assert number_of("1,200") == 1200
    assert number_of("dozens") is None
    assert estimate("up to", "30") == (None, 30, 30)
    assert estimate("", "several") == (3, 3, 9)


def test_a_figure_keeps_the_side_it_names_and_its_owners_own_men_are_the_claimants():
    text, draft = one(
        "The Ostmarkian defence ministry said two of its servicemen were killed and 14 wounded near Kell on Monday."
    )
    killed, injured = draft.figures
    assert (killed.kind, killed.wording, killed.victims, killed.side) == (
        "killed",
        "two",
        "its servicemen",
        "ostmark-mod",
    )
    assert (injured.kind, injured.best) == ("injured", 14)
    _, sided = one("Valdorian shelling of Orsk killed at least 12 Ostmarkian civilians on Monday.")
    assert sided.figures[0].side == "ostmark"
    assert fatalities(sided.figures) == (12, 12, None)


def test_figures_in_a_sentence_about_talks_are_not_the_talks_own():
    _, draft = one("Keller met Varga in Helvik on Monday, a week after 30 people were killed.")
    assert draft.family == "talks" and draft.figures == ()


# One incident, one draft per article ------------------------------------------------------------


def test_sentences_about_one_incident_make_one_draft_with_what_each_adds():
    text, found = drafts(
        "Valdorian artillery shelled Orsk on Monday.",
        "The shelling of Orsk on Monday killed at least nine civilians, Ostmark said.",
        "Keller met Varga in Helvik on Monday.",
    )
    shelling, talks = found
    assert shelling.family == "fight" and talks.family == "talks"
    assert text[shelling.start : shelling.end] == "Valdorian artillery shelled Orsk on Monday."
    assert [f.wording for f in shelling.figures] == ["at least nine"]
    assert len(shelling.sentences) == 2
    assert shelling.title == "Shelling: Valdoria, in Orsk"


def test_incidents_on_different_days_stay_apart():
    _, found = drafts("Valdorian forces shelled Orsk on Monday.", "Valdorian forces shelled Orsk again on Tuesday.")
    assert [d.date for d in found] == [dt.date(2024, 3, 4), dt.date(2024, 3, 5)]


def test_a_text_whose_lower_case_changes_length_is_still_read():
    _, draft = one("İstanbul-based Valdorian media said Valdoria shelled Orsk on Monday.")
    assert draft.family == "fight" and draft.place == "Orsk"


# Statements about the events ---------------------------------------------------------------------


def links_of(*paragraphs: str):
    parsed = parse_article("Headline of a test report\n\n" + "\n\n".join(paragraphs), source="test.txt")
    extraction = extract_for_drafting(parsed, GAZETTEER, WEDNESDAY)
    links = link_statements(parsed, extraction.statements, extraction.events)
    return extraction, [
        (extraction.statements[link.statement].quote, link.event, link.stance, link.rule) for link in links
    ]


def test_a_statement_naming_the_place_of_an_event_is_linked_to_it_and_not_to_the_others():
    extraction, links = links_of(
        "Valdorian artillery shelled Orsk on Monday.",
        "Keller met Varga in Helvik on Tuesday.",
        "“We are following the news from Orsk closely,” Varga said.",
    )
    assert [e.place for e in extraction.events] == ["Orsk", "Helvik"]
    assert links == [("We are following the news from Orsk closely,", 0, "responds", "place")]


@pytest.mark.parametrize(
    ("said", "stance"),
    [
        ("Valdoria denied shelling Orsk on Monday, calling the reports “pure fabrication.”", "denies"),
        ("Keller condemned the shelling of Orsk: “This is barbaric and unacceptable.”", "condemns"),
        ("Keller accused Valdoria of the attack on Orsk: “They are to blame.”", "blames"),
        ("After the shelling of Orsk, Keller urged restraint: “We call on both sides to stop.”", "calls_for"),
    ],
)
def test_the_stance_of_a_statement_towards_an_event(said, stance):
    extraction, links = links_of("Valdorian artillery shelled Orsk on Monday.", said)
    assert extraction.events[0].family == "fight"
    assert [link[2] for link in links if link[1] == 0] == [stance]


def test_the_source_of_an_event_claims_it():
    _, links = links_of("“Valdorian guns shelled Orsk on Monday,” Ostmark said.")
    assert [link[2] for link in links] == ["claims"]
