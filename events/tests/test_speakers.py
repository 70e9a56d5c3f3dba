"""Speakers on news the gazetteer has never seen, and the knowledge base they are read against.

Every sentence here is written for these tests, with invented people, bodies and outlets
(Vardan Example, the Republic of Testland…), so the rules are checked on wordings that no
seed or dev-set article contains. No database: the knowledge base is read from documents
the tests build.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from events.ingest.extract import extract_article, is_a_name, to_json
from events.ingest.gazetteer import Gazetteer
from events.ingest.knowledge import load_knowledge_base, parse_knowledge_base, wordings
from events.ingest.parser import parse_article
from events.ingest.quotations import find_quotations
from events.ingest.records import PROPOSED, REPORTED, TERM, ParseError, Span

SOURCE = "https://example.org/reference"


def actor(slug, name, kind, **fields):
    return {"slug": slug, "name": name, "kind": kind, "notes": SOURCE, **fields}


KB = parse_knowledge_base(
    [
        (
            "test.json",
            {
                "actors": [
                    actor("testland", "Testland", "state", country="TL", aliases=["Testlandic", "Testville"]),
                    actor("otherland", "Otherland", "state", country="OL", aliases=["Otherlandic", "Otherburg"]),
                    actor(
                        "republic-of-highland",
                        "Republic of Highland",
                        "government_body",
                        aliases=["Highland authorities", "separatist authorities in Highland", "Highland separatists"],
                    ),
                    actor(
                        "ministry-of-defence-testland",
                        "Ministry of Defence (Testland)",
                        "government_body",
                        affiliation="testland",
                        aliases=["Testlandic Defence Ministry"],
                    ),
                    actor(
                        "ministry-of-foreign-affairs-otherland",
                        "Ministry of Foreign Affairs (Otherland)",
                        "government_body",
                        affiliation="otherland",
                        aliases=["Otherlandic Foreign Ministry"],
                    ),
                    actor("vardan-example", "Vardan Example", "person", gender="male", affiliation="testland"),
                    actor("lilit-sample", "Lilit Sample", "person", gender="female", affiliation="otherland"),
                    actor("old-spokesman", "Aram Former", "person", gender="male"),
                    actor("new-spokeswoman", "Nune Latter", "person", gender="female"),
                    actor("kamal-ministeryan", "Kamal Ministeryan", "person", gender="male"),
                    actor("testland-wire", "Testland Wire", "media", aliases=["TLW"]),
                ],
                "offices": [
                    {
                        "slug": "otherland-mfa-spokesperson",
                        "title": "Spokesperson of the Ministry of Foreign Affairs (Otherland)",
                        "organisation": "ministry-of-foreign-affairs-otherland",
                        "aliases": ["Otherlandic Foreign Ministry spokesperson", "Otherlandic ministry spokesperson"],
                        "holders": [
                            {"actor": "old-spokesman", "start": "2019-01-01", "end": "2021-06-30"},
                            {"actor": "new-spokeswoman", "start": "2021-07-01", "end": None},
                        ],
                        "notes": SOURCE,
                    },
                    {
                        "slug": "prime-minister-of-testland",
                        "title": "Prime Minister of Testland",
                        "organisation": "testland",
                        "aliases": ["Testlandic Prime Minister", "Testlandic PM"],
                        "holders": [{"actor": "kamal-ministeryan", "start": "2018-05-08", "end": None}],
                        "notes": SOURCE,
                    },
                ],
            },
        )
    ]
)
GAZETTEER = Gazetteer.from_entries(KB.gazetteer_entries())
DAY = dt.date(2023, 9, 20)


def extract(*paragraphs: str, published_on: dt.date | None = DAY, headline: str = "A headline of the tests"):
    text = headline + "\n\n" + "\n\n".join(paragraphs)
    return extract_article(parse_article(text, source="test.txt"), GAZETTEER, published_on, list_unknowns=True)


def said(extraction) -> list[tuple[str | None, str]]:
    return [(s.speaker and (s.speaker.actor_key or s.speaker.label), s.quote) for s in extraction.statements]


# --- the knowledge base ------------------------------------------------------------------


def test_an_office_resolves_to_whoever_held_it_on_the_articles_date():
    text = "“The talks are over,” the Otherlandic Foreign Ministry spokesperson said."
    assert said(extract(text, published_on=dt.date(2020, 3, 1))) == [("old-spokesman", "The talks are over,")]
    assert said(extract(text, published_on=dt.date(2022, 3, 1))) == [("new-spokeswoman", "The talks are over,")]


def test_an_office_without_a_date_or_holder_credits_nobody():
    text = "“The talks are over,” the Otherlandic Foreign Ministry spokesperson said."
    assert said(extract(text, published_on=None)) == [(None, "The talks are over,")]
    assert said(extract(text, published_on=dt.date(2010, 1, 1))) == [(None, "The talks are over,")]


def test_an_office_as_the_title_of_a_new_name_is_that_persons_title():
    e = extract("“We will answer,” Otherlandic Foreign Ministry spokesperson Mariam Newcomer said.")
    assert said(e) == [("new:mariam-newcomer", "We will answer,")]
    assert e.proposed_actors[0].name == "Mariam Newcomer"


def test_the_separatist_authorities_are_their_own_actor_never_the_state():
    e = extract("“The road must reopen,” the Highland authorities said, as Testland denied any blockade.")
    assert said(e) == [("republic-of-highland", "The road must reopen,")]


def test_ministries_go_by_their_country_first_wordings_and_both_spellings():
    names = wordings(KB.actor("ministry-of-defence-testland"))
    assert {"Testland Defence Ministry", "Testland Defense Ministry", "Defense Ministry of Testland"} <= set(names)
    e = extract("“Positions were shelled overnight,” the Testland Defense Ministry said.")
    assert said(e) == [("ministry-of-defence-testland", "Positions were shelled overnight,")]


def test_transliterated_surnames_are_one_person():
    gazetteer = Gazetteer.from_entries([("davit-khachikyan", "Davit Khachikyan", "person", [])])
    found = gazetteer.find_mentions("Khachikian met Davit Khachikyan and Davit Khachikian.")
    assert [m.actor_key for m in found] == ["davit-khachikyan"] * 3


def test_the_knowledge_base_refuses_bad_data_naming_the_entry(tmp_path):
    bad = {
        "actors": [
            actor("a-state", "A State", "state"),
            actor("a-body", "A Body", "government_body", affiliation="nowhere"),
        ]
    }
    with pytest.raises(ParseError, match="actor 'a-body': affiliation 'nowhere' is not a known actor"):
        parse_knowledge_base([("bad.json", bad)])
    loop = {"actors": [actor("a", "A", "state", affiliation="b"), actor("b", "B", "state", affiliation="a")]}
    with pytest.raises(ParseError, match="loop back"):
        parse_knowledge_base([("loop.json", loop)])
    tenure = {
        "actors": [actor("p", "P Person", "person")],
        "offices": [
            {
                "slug": "o",
                "title": "O",
                "holders": [{"actor": "p", "start": "2022-01-01", "end": "2021-01-01"}],
                "notes": SOURCE,
            }
        ],
    }
    with pytest.raises(ParseError, match="'end' 2021-01-01 is before 'start' 2022-01-01"):
        parse_knowledge_base([("tenure.json", tenure)])
    with pytest.raises(ParseError, match="must give a source URL"):
        parse_knowledge_base(
            [("nourl.json", {"actors": [{"slug": "x", "name": "X", "kind": "state", "notes": "trust me"}]})]
        )
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ParseError, match="broken.json:1: not valid JSON"):
        load_knowledge_base(tmp_path)


def test_the_shipped_knowledge_base_loads_and_has_the_conflicts_actors():
    kb = load_knowledge_base()
    assert len(kb.actors) >= 300
    reference = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "reference.json").read_text())
    slugs = {a.slug for a in kb.actors}
    assert {o["fields"]["slug"] for o in reference if o["model"] == "events.actor"} <= slugs
    assert all(a.gender for a in kb.actors if a.kind == "person"), "every person has a gender, for he/she"
    # The Kremlin's spokesman on the first day of the 2023 offensive is a person the base knows.
    assert any(o.holder(dt.date(2023, 9, 19)) for o in kb.offices)


# --- open-world speakers ------------------------------------------------------------------


def test_an_unknown_speaker_with_a_title_is_proposed_with_the_title_as_role():
    e = extract("“Supplies are running out,” said Regional Governor Anahit Unknownyan.")
    assert said(e) == [("new:anahit-unknownyan", "Supplies are running out,")]
    assert e.proposed_actors[0].role == "Regional Governor"


def test_an_unknown_speaker_in_apposition_then_by_surname_with_an_honorific():
    e = extract(
        "“We are relieved,” said Gayane Relief, the agency’s regional director.",
        "“I hope it lasts,” said Ms Relief.",
    )
    assert said(e) == [("new:gayane-relief", "We are relieved,"), ("new:gayane-relief", "I hope it lasts,")]


def test_a_name_before_an_apposition_that_names_someone_else_is_the_speaker():
    e = extract("“Rescue work goes on,” Rafael Adviserov, assistant to Vardan Example, wrote on social media.")
    assert said(e)[0][0] == "new:rafael-adviserov"


def test_two_speakers_in_one_paragraph_are_told_apart_by_their_cues():
    e = extract("“We want peace,” Vardan Example said, while Lilit Sample replied: “Then withdraw.”")
    assert said(e) == [("vardan-example", "We want peace,"), ("lilit-sample", "Then withdraw.")]


def test_pronouns_follow_the_gender_the_knowledge_base_gives():
    e = extract(
        "Vardan Example met Lilit Sample in Testville on Monday.",
        "“The border must be marked,” she said.",
        "“Not before the prisoners are home,” he said.",
    )
    assert said(e) == [
        ("lilit-sample", "The border must be marked,"),
        ("vardan-example", "Not before the prisoners are home,"),
    ]


def test_it_is_the_body_that_spoke_last():
    e = extract(
        "“The shelling stopped at dawn,” the Testlandic Defence Ministry said.",
        "“Our units hold their positions,” it added.",
    )
    assert [s for s, _ in said(e)] == ["ministry-of-defence-testland"] * 2


def test_the_pm_and_the_statement_resolve_to_who_they_stand_for():
    e = extract(
        "Testlandic Prime Minister Kamal Ministeryan spoke to parliament.",
        "“We have lost many soldiers,” the PM said.",
        "The Otherlandic Foreign Ministry issued a statement on Tuesday.",
        "“Both sides must stop,” the statement said.",
    )
    assert said(e) == [
        ("kamal-ministeryan", "We have lost many soldiers,"),
        ("ministry-of-foreign-affairs-otherland", "Both sides must stop,"),
    ]


def test_a_headline_that_names_the_speaker_credits_the_opening_quotation():
    e = extract(
        "“We are aware of the reports and support no such activity.",
        "“Our work remains strictly humanitarian.”",
        headline="Testlandic Defence Ministry statement on the convoy",
    )
    assert [s for s, _ in said(e)] == ["ministry-of-defence-testland"] * 2


def test_a_short_paragraph_introducing_a_person_gives_the_next_quotation_its_speaker():
    e = extract(
        "Siranush Villager is still shaken by what she saw.",
        "“We hid in the basement for three days. Nobody came.”",
    )
    assert said(e) == [("new:siranush-villager", "We hid in the basement for three days. Nobody came.")]


def test_what_a_side_calls_something_is_that_sides_term():
    e = extract("Otherland condemned what Testland has termed its “local security measures” in the valley.")
    assert said(e) == [("testland", "local security measures")]
    assert e.statements[0].kind == TERM


def test_quotations_later_in_a_sentence_share_the_cues_speaker():
    e = extract(
        "Vardan Example stressed that the words of “some partners” were “welcome,” but without steps would stay “empty words.”"
    )
    assert {s for s, _ in said(e)} == {"vardan-example"}


def test_a_coordinated_verb_without_its_own_subject_is_the_sentences_subject():
    e = extract(
        "The Otherlandic Foreign Ministry issued a statement condemning the attack and called on the mediators to “act before it is too late.”"
    )
    assert said(e) == [("ministry-of-foreign-affairs-otherland", "act before it is too late.")]


def test_a_sentence_final_cue_gives_its_speaker_to_the_earlier_quotations():
    e = extract("The army moved to “suppress at once” the “hostile groups,” the Testlandic Defence Ministry said.")
    assert {s for s, _ in said(e)} == {"ministry-of-defence-testland"}


def test_a_demonym_describing_an_unnamed_speaker_is_not_the_speaker():
    e = extract("Testlandic rights official accuses Otherland of ‘provocations’ at the border")
    assert said(e) == [(None, "provocations")]


def test_a_name_in_quotation_marks_is_nobodys_statement():
    assert is_a_name("Operation Lightning") and is_a_name("Highland Herald")
    assert not is_a_name("we will win.") and not is_a_name("provocations")
    e = extract("Testland launched “Operation Lightning”, the “Highland Herald” reported.")
    assert said(e) == []


def test_single_quotation_marks_are_quotations_and_apostrophes_are_not():
    text = "Testland's army said it used 'precision strikes', and the ministers’ aides spoke of ‘restraint’."
    quotes = [text[q.start : q.end] for q in find_quotations(text, [Span(0, len(text))])]
    assert quotes == ["precision strikes", "restraint"]


# --- reported speech and nothing dropped -----------------------------------------------------


def test_reported_positions_are_drafted_with_the_span_of_the_paraphrase():
    e = extract(
        "The Testlandic Defence Ministry said on Tuesday that Otherlandic units had shelled three villages.",
        "Otherland accused Testland of violating the truce.",
        "According to Lilit Sample, the next round of talks will take place in Otherburg.",
    )
    reported = [(s.speaker.actor_key, s.quote) for s in e.statements if s.kind == REPORTED]
    assert reported == [
        ("ministry-of-defence-testland", "Otherlandic units had shelled three villages"),
        ("otherland", "accused Testland of violating the truce"),
        ("lilit-sample", "the next round of talks will take place in Otherburg"),
    ]
    tuesday = next(s for s in e.statements if s.kind == REPORTED)
    assert (tuesday.date, tuesday.date_phrase) == (dt.date(2023, 9, 19), "on Tuesday")
    reported_json = [s for s in to_json(e)["statements"] if s["kind"] == "reported"]
    assert all(s["quote"] is None for s in reported_json)


def test_a_paraphrase_whose_speaker_is_unknown_is_not_drafted():
    e = extract("It was said that the road would reopen soon, and many believed it.")
    assert [s for s in e.statements if s.kind == REPORTED] == []


def test_every_quotation_is_kept_even_without_a_speaker():
    e = extract("Residents fear the winter. “There is no gas and no bread,” one sign read in the square.")
    assert [s for _, s in said(e)] == ["There is no gas and no bread,"]


def test_unknown_people_the_text_marks_as_names_are_listed_among_the_actors():
    e = extract(
        "Deputy Governor Arpine Newname visited the shelter.",
        "Sona Resident, a teacher from the valley, was there too.",
        "The Winter Was Long and nobody came.",
    )
    names = {m.name for m in e.named_unknowns}
    assert names == {"Arpine Newname", "Sona Resident"}
    assert all(not m.known for m in e.named_unknowns)
    assert {a["name"] for a in to_json(e)["actors"]} >= names


def test_a_title_names_the_body_of_its_office_and_its_state():
    e = extract("“We will see,” Testlandic Prime Minister Kamal Ministeryan said.")
    assert {m.actor_key for m in e.title_mentions} >= {"testland"}
    assert said(e) == [("kamal-ministeryan", "We will see,")]
    assert e.proposed_actors == () and all(m.status != PROPOSED for m in [s.speaker for s in e.statements])


def test_a_misspelt_surname_of_a_person_named_before_is_that_person():
    e = extract(
        "“The strike was deliberate,” Vardan Example said.",
        "Condemning the strike, Exanple added: “It will not go unanswered.”",
    )
    assert said(e) == [
        ("vardan-example", "The strike was deliberate,"),
        ("vardan-example", "It will not go unanswered."),
    ]


def test_the_longest_name_wins_over_one_that_takes_the_article():
    gazetteer = Gazetteer.from_entries(
        [
            ("un", "United Nations", "international_org", ["UN", "the UN"]),
            ("unsc", "UN Security Council", "international_org", []),
        ]
    )
    found = gazetteer.find_mentions("a member of the UN Security Council and of the UN")
    assert [m.actor_key for m in found] == ["unsc", "un"]


def test_the_agency_a_dateline_credits_is_among_the_actors_named():
    e = extract("OTHERBURG (TLW) – “We are ready,” Lilit Sample said.")
    assert "testland-wire" in {m.actor_key for m in e.mentions}
    assert said(e) == [("lilit-sample", "We are ready,")]


def test_a_body_named_only_by_what_it_does_is_not_a_new_actor():
    e = extract("A soldier was killed in what the Defence Ministry described as a “hostile provocation” near the post.")
    assert e.proposed_actors == ()
    e = extract("“Positions were shelled,” the General Staff said.")
    assert said(e) == [(None, "Positions were shelled,")] and e.proposed_actors == ()
