"""Our own dictionary of event words: verb and noun patterns, each with the CAMEO code it drafts.

Every code is one of fixtures/cameo.csv (test_eventdraft checks it). A pattern is matched on
the lower-cased sentence; the first family whose pattern matches at the earliest place in the
sentence wins, and a family listed earlier wins a tie (the more specific reading first: a
"ceasefire violation" is not a ceasefire, a "missile strike" not any attack).

`family` is what "one incident, one event" compares (two outlets may code one shelling as
194 and another as 190: both are `fight`), and what a statement naming the event's type is
matched on. CAMEO has no code for people fleeing a war: `displacement` drafts 200 (the
unconventional mass violence root) for a curator to recode, and says so in its rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EventWord:
    family: str
    cameo: str
    rule: str
    pattern: re.Pattern
    # Cooperative events (talks, agreements) have participants, not an initiator and a target.
    symmetric: bool = False
    # A word an appeal or a threat before it cannot make unreal: a document named by its date ("the
    # 9 November statement") exists whoever calls for it to be honoured.
    hedged: bool = True
    # A background word (a war): an event only with a date of its own, never dated by publication.
    needs_date: bool = False


def _w(
    family: str,
    cameo: str,
    rule: str,
    pattern: str,
    *,
    symmetric: bool = False,
    hedged: bool = True,
    needs_date: bool = False,
) -> EventWord:
    return EventWord(family, cameo, rule, re.compile(pattern), symmetric, hedged, needs_date)


_CEASEFIRE = r"(?:humanitarian\s+)?(?:ceasefire|cease-fire|truce|armistice)"
_ROAD = r"(?:road|roads|corridor|highway|route|border\s+crossing|checkpoint|bridge)"
# A word of a name or a quoted name between a verb and its noun: "a “Revenge” operation", "the 24-hour operation".
_ANY = r"[\w“”\"‘’'-]+"
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_DOCUMENT = r"(?:statement|declaration|agreement|accord|memorandum|treaty)"

EVENT_WORDS: tuple[EventWord, ...] = (
    # An agreement named by its date or its kind: "the October 10 Moscow statement", "the 9 November
    # statement", "the tripartite statement of November 9, 2020", "a Russian-brokered agreement".
    _w(
        "agreement",
        "057",
        "named-agreement",
        rf"\b(?:{_MONTHS}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS})\s+(?:[a-z-]+\s+)?{_DOCUMENT}\b"
        rf"|\b(?:trilateral|tripartite|joint|bilateral|peace)\s+{_DOCUMENT}\s+(?:of|signed|on)\b"
        rf"|\b[\w-]+-(?:brokered|mediated)\s+(?:peace\s+|ceasefire\s+)?(?:agreement|deal|accord|truce|ceasefire)\b",
        symmetric=True,
        hedged=False,
    ),
    _w(
        "violation",
        "196",
        "violate-ceasefire",
        rf"\b(?:violat(?:e|es|ed|ing|ion|ions)\s+(?:of\s+)?(?:the\s+|a\s+)?{_CEASEFIRE}|{_CEASEFIRE}\s+violations?"
        rf"|(?:broke|breaking|breached?|breaching)\s+(?:the\s+)?{_CEASEFIRE})",
    ),
    _w(
        "ceasefire",
        "0871",
        "ceasefire",
        rf"\b(?:(?:declared|declares|declare|announced|announces|agreed|agree|agrees|reached|reach|brokered|signed)"
        rf"\s+(?:on\s+|to\s+)?(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){{0,2}}{_CEASEFIRE}"
        rf"|{_CEASEFIRE}\s+(?:[\w,-]+\s+){{0,5}}?(?:(?:had|has)\s+)?(?:entered|enters|came|comes|went|took|takes|was\s+declared|was\s+agreed)"
        r"|(?:agreed|agreement|agree|agrees)\s+(?:on\s+|to\s+)?(?:a\s+|the\s+)?(?:complete\s+)?"
        r"(?:cessation\s+of\s+hostilities|cease\s+hostilities|halt\s+(?:the\s+)?fighting|stop\s+(?:the\s+)?fighting))",
        symmetric=True,
    ),
    _w(
        "air-strike",
        "195",
        "aerial-weapons",
        r"\b(?:air\s*strikes?|air\s+raids?|airstrikes?|drone\s+(?:strikes?|attacks?)|missiles?\s+(?:strikes?|attacks?|raids?)"
        r"|missiles?\s+(?:were\s+|was\s+)?fired"
        r"|(?:bombed|bombing|bombarded|bombardment)|(?:fired|launched)\s+(?:\w+\s+){0,2}missiles?)",
    ),
    _w(
        "fight",
        "194",
        "shelling",
        r"\b(?:shell(?:ed|ing|s)?|artillery\s+(?:fire|strikes?|attacks?)|mortar(?:s|\s+fire)?|rocket\s+fire"
        r"|(?:fired|launched)\s+(?:\w+\s+){0,2}rockets?)\b",
    ),
    _w(
        "fight",
        "193",
        "small-arms",
        r"\b(?:open(?:ed|s)?\s+fire|fir(?:ed|ing|es)\s+(?:on|at|upon)|(?:came|comes?|coming)\s+under\s+(?:[\w-]+\s+){0,2}fire"
        r"|small[- ]arms\s+fire|sniper\s+fire|gunfire|shot\s+(?:dead|and\s+killed))\b",
    ),
    _w(
        "fight",
        "190",
        "military-operation",
        rf"\b(?:(?:launch(?:ed|es|ing)?|start(?:ed|s)?|beg[au]n|began|conduct(?:ed|s|ing)?|carr(?:ied|ies)\s+out)\s+"
        rf"(?:{_ANY}\s+){{0,4}}(?:offensive|operation|operations|attack|assault|measures|activities)"
        r"|(?:military|counter-?terror(?:ist|ism)|anti-?terror(?:ist)?)\s+(?:operation|offensive|measures|activities)"
        r"|offensive\s+(?:against|on|in)|attack(?:ed|s|ing)?|assault(?:ed)?"
        r"|fighting\s+(?:[\w-]+\s+){0,4}?(?:broke|erupted|resumed|began|started)"
        r"|(?:heavy|fierce)\s+fighting|hostilities\s+(?:broke|erupted|resumed|began)|struck|strikes?\s+on)\b",
    ),
    _w(
        "fight",
        "190",
        "clash",
        r"\b(?:clash(?:ed|es)?|skirmish(?:es)?|(?:exchanged|exchange\s+of)\s+fire)\b",
        symmetric=True,
    ),
    # A war named with its year or its length ("a war in 2020", "the 44-day war", "fought two wars"):
    # background, drafted only when the article dates it.
    _w(
        "fight",
        "190",
        "war",
        r"\b(?:fought\s+(?:(?:a|two|three|several|[\w-]+)\s+)?(?:wars?\b|over\b|in\b)|(?:a|the)\s+(?:[\w-]+\s+){0,2}?war\s+in\s+(?=[0-9])"
        r"|(?:19|20)[0-9]{2}\s+war\b|[\w-]+-day\s+war\b)",
        symmetric=True,
        needs_date=True,
    ),
    _w(
        "seizure",
        "192",
        "seize-territory",
        r"\b(?:seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|took\s+control|taken\s+control|takes\s+control|(?:gained|established)\s+control"
        r"|retook|retaken|recaptured|liberat(?:ed|es|ing)|occupied)\b",
    ),
    _w(
        "blockade",
        "191",
        "blockade",
        rf"\b(?:blockad(?:e|ed|es|ing)|(?:block(?:ed|s|ing)?|clos(?:ed|es|ing|e)|shut(?:s|ting)?(?:\s+down)?)\s+"
        rf"(?:off\s+)?(?:the\s+)?(?:[\w-]+\s+){{0,2}}{_ROAD}|closure\s+of\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}{_ROAD})\b",
    ),
    _w(
        "agreement",
        "057",
        "sign-agreement",
        r"\b(?:sign(?:ed|s|ing)?\s+(?:\w+\s+){0,3}(?:agreement|deal|accord|declaration|memorandum|statement|treaty|document)"
        r"|(?:reached|reach|struck)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:agreement|deal|accord)"
        r"|agreement\s+(?:was|has\s+been|had\s+been)\s+(?:reached|signed)"
        r"|(?:ended|end|ends)\s+with\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}(?:agreement|deal|accord|ceasefire|truce))\b",
        symmetric=True,
    ),
    _w(
        "talks",
        "041",
        "phone-call",
        r"\b(?:(?:phone|telephone)\s+(?:call|conversation|talks)|(?:spoke|speaks|talked)\s+(?:\w+\s+){0,3}by\s+(?:tele)?phone)\b",
        symmetric=True,
    ),
    _w(
        "talks",
        "046",
        "negotiation",
        r"\b(?:held\s+(?:\w+\s+){0,2}(?:talks|negotiations)|(?:talks|negotiations)\s+(?:were\s+held|took\s+place|in\s+[A-Z]?)"
        r"|(?:following|after)\s+(?:\w+\s+){0,2}(?:talks|negotiations|consultations)\s+with|negotiated)\b",
        symmetric=True,
    ),
    _w(
        "talks",
        "040",
        "meet",
        r"\b(?:met|meets|meeting\s+(?:with|between|of)|(?:held|hold|holds|convened?|convenes)\s+(?:an?\s+)?(?:\w+\s+){0,2}meeting)\b",
        symmetric=True,
    ),
    # A request to meet is an appeal (CAMEO 026), not a meeting: "requested an emergency meeting".
    _w(
        "statement",
        "026",
        "request-meeting",
        r"\b(?:request(?:ed|s|ing)?|call(?:ed|s|ing)?\s+for|ask(?:ed|s|ing)?\s+for|demand(?:ed|s|ing)?)\s+(?:an?\s+|the\s+)?"
        r"(?:[\w-]+\s+){0,2}(?:meeting|session|consultations)\b",
        hedged=False,
    ),
    # Speech made an act of its own: a statement issued, a briefing, an interview, a press conference.
    _w(
        "statement",
        "010",
        "statement",
        r"\b(?:(?:issued|issues|released|releases|published|publishes|made|makes|adopted|adopts)\s+(?:an?\s+|the\s+)?"
        r"(?:[\w-]+\s+){0,2}(?:statement|declaration|communiqu[eé])"
        r"|(?:at|during|in)\s+an?\s+(?:[\w-]+\s+){0,2}(?:briefing|press\s+conference|news\s+conference)"
        r"|(?:held|gave|gives|holds)\s+an?\s+(?:[\w-]+\s+){0,2}(?:briefing|press\s+conference|news\s+conference))\b",
    ),
    _w(
        "statement",
        "112",
        "accuse-each-other",
        r"\b(?:blamed|blame|blames|accused|accuse|accuses)\s+(?:each\s+other|one\s+another|the\s+other)\b",
        symmetric=True,
        hedged=False,
    ),
    _w(
        "symbolic",
        "017",
        "symbolic-act",
        r"\b(?:(?:minute|moment|minutes)[’']s\s+silence|(?:minute|moment)\s+of\s+silence|laid\s+(?:a\s+)?wreaths?"
        r"|day\s+of\s+mourning|declared\s+mourning)\b",
    ),
    _w(
        "displacement",
        "200",
        "displacement (CAMEO has no code for flight: recode)",
        r"\b(?:fle(?:e|es|d|eing)|exodus|evacuat(?:e|ed|es|ing|ion)|displaced|refugees\s+(?:arrived|crossed)"
        r"|(?:have|had|has)\s+arrived\s+in|left\s+for|leave\s+for|leaving\s+for)\b",
        symmetric=True,
    ),
    _w(
        "aid",
        "073",
        "humanitarian-aid",
        r"\b(?:deliver(?:ed|s|ing)?\s+(?:\w+\s+){0,4}(?:aid|flour|food|medical|supplies|goods)|humanitarian\s+(?:convoy|cargo))\b",
    ),
    _w(
        "protest",
        "141",
        "protest",
        r"\b(?:protest(?:ed|ers|s)?\s+(?:in|outside|near|at|against)|rall(?:y|ied|ies)\s+(?:in|outside)|demonstrat(?:ors|ion|ions|ed))\b",
    ),
    _w("arrest", "173", "arrest", r"\b(?:arrest(?:ed|s)?|detain(?:ed|s)?)\b"),
    _w("mobilisation", "154", "mobilise", r"\b(?:mobili[sz](?:ation|ed|es)|martial\s+law)\b"),
    # A report of deaths or wounds with no other event word is a fight's: "an Azerbaijani soldier was killed".
    _w(
        "fight",
        "190",
        "casualties",
        r"\b(?:killed|killing|kills|dead|died|wounded|injured|injuring|casualties|death\s+toll)\b",
    ),
)

# The word beginnings one of which every match of a rule contains: one scan of a sentence for all of them tells
# which few patterns can match there (most sentences need none of them tried).
STEMS = {
    "named-agreement": ("statement declaration agreement accord memorandum treaty deal truce ceasefire"),
    "violate-ceasefire": "violat broke breach",
    "ceasefire": "ceasefire cease-fire cease truce armistice halt stop",
    "aerial-weapons": "air drone missile bomb",
    "shelling": "shell artiller mortar rocket",
    "small-arms": "fire fir shot gunfire",
    "military-operation": ("offensive operation measures activities attack assault fighting hostilit struck strike"),
    "clash": "clash skirmish fire",
    "war": "fought war",
    "seize-territory": "seiz captur control retook retaken recaptur liberat occupied",
    "blockade": "blockad road corridor highway route crossing checkpoint bridge",
    "sign-agreement": "agreement deal accord declaration memorandum statement treaty document ceasefire truce",
    "phone-call": "phone telephone",
    "negotiation": "talks negotiat consultations",
    "meet": "met meet",
    "request-meeting": "meeting session consultations",
    "statement": "statement declaration communiq briefing conference",
    "accuse-each-other": "blame accus",
    "symbolic-act": "silence wreath mourning",
    "displacement": "fle exodus evacuat displaced refugees arrived left leav",
    "humanitarian-aid": "deliver humanitarian",
    "protest": "protest rall demonstrat",
    "arrest": "arrest detain",
    "mobilise": "mobilis mobiliz martial",
    "casualties": "kill dead died wound injur casualt toll",
}

# Families whose events are violence: a reported death count belongs to them.
VIOLENT = frozenset({"fight", "air-strike", "violation", "seizure"})


_ROOT_FAMILIES = {
    "19": "fight", "18": "fight", "04": "talks", "05": "agreement", "08": "ceasefire", "14": "protest",
    "01": "statement", "02": "statement", "10": "statement", "11": "statement", "12": "statement", "13": "statement",
}  # fmt: skip


def family_of(code: str) -> str:
    """The family a stored event's CAMEO code belongs to, for matching drafts against stored events."""
    for word in EVENT_WORDS:
        if word.cameo == code:
            return word.family
    return _ROOT_FAMILIES.get(code[:2], code[:2])


def family_codes(families: set[str]) -> tuple[set[str], set[str]]:
    """(codes, roots): every code of these families is one of the codes or begins with one of the
    roots (a superset: family_of tells which of them are), for a database query."""
    codes = {word.cameo for word in EVENT_WORDS if word.family in families}
    roots = {root for root, family in _ROOT_FAMILIES.items() if family in families}
    roots |= {family for family in families if family.isdigit()}
    return codes, roots
