"""The demo's words: every reason, summary, question and note written for its objective,
person and month, and never the same twice (a buyer reads the demo closely).

The facts come from the subject's month (``demo.story``): every text about Emma's
October names the customers of Emma's October in the part they play in it. Each
function returns the first of its candidates whose sentences were not used yet in this
seed (the ``Ledger``); the candidates name the objective, the month, the figures and a
customer, so they run out only for a much larger demo, where a number is appended as a
last resort.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from decimal import Decimal
from typing import TypeVar

from demo.story import CUSTOMERS, DEPARTMENTS, Story, story

T = TypeVar("T")

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A sentence this short may come back ("Yes.", "A one-off."); a longer one is written once.
SHORT_SENTENCE = 5


def sentences(text: str) -> list[str]:
    """``text``'s sentences, stripped."""
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


class Ledger:
    """The texts used so far in this seed, per kind: whole texts and their sentences
    (a sentence of more than ``SHORT_SENTENCE`` words is used once per kind, whoever it
    is about: the names of the people are left out when comparing)."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}
        self.names: set[str] = set()

    def person(self, who: str) -> None:
        """Remember ``who`` (and their first name) as a name to leave out."""
        self.names.add(who)
        self.names.add(who.split()[0])

    def key(self, sentence: str) -> str:
        for name in sorted(self.names, key=len, reverse=True):
            sentence = sentence.replace(name, "NAME")
        return sentence

    def _long(self, text: str) -> list[str]:
        return [self.key(part) for part in sentences(text) if len(part.split()) > SHORT_SENTENCE]

    def fresh(self, kind: str, text: str) -> bool:
        used = self.used.setdefault(kind, set())
        return text not in used and not any(part in used for part in self._long(text))

    def pick(self, kind: str, candidates: list[str]) -> str:
        """The first candidate of ``kind`` not used yet, nor any of its long sentences
        (marked used); if every one was, the first with a number appended."""
        used = self.used.setdefault(kind, set())
        text = next((text for text in candidates if self.fresh(kind, text)), None)
        if text is None:
            number = 2
            while f"{candidates[0]} ({number})" in used:
                number += 1
            text = f"{candidates[0]} ({number})"
        used.add(text)
        used.update(self._long(text))
        return text


LEDGER = Ledger()


def ledger_reset() -> None:
    """Start a new seed's ledger (the demo is seeded into a fresh database)."""
    LEDGER.used.clear()
    LEDGER.names.clear()


def _seed(*parts: object) -> int:
    return zlib.crc32("|".join(str(part) for part in parts).encode())


def _rotate(options: list[T], *parts: object) -> list[T]:
    """``options`` starting from one chosen by ``parts`` (stable from run to run)."""
    start = _seed(*parts) % len(options)
    return options[start:] + options[:start]


def customers_in(text: str) -> list[str]:
    """The demo's customers ``text`` names, in the order of ``CUSTOMERS``."""
    return [name for name in CUSTOMERS if name in text]


def _story(who: str, month: dt.date) -> Story:
    if who not in DEPARTMENTS:
        LEDGER.person(who)
    return story(who, month)


def month_name(month: dt.date) -> str:
    return f"{month:%B}"


def lower_first(title: str) -> str:
    """``title`` inside a sentence: "New-customer revenue" → "new-customer revenue",
    "Grow East region revenue" → "grow East region revenue"."""
    return title[:1].lower() + title[1:]


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _figure(value: Decimal | None) -> str:
    if value is None:
        return "0"
    return f"{value.quantize(Decimal(1)):,}"


def _family(title: str) -> str:
    lowered = title.lower()
    for family, words in (
        ("meetings", ("meeting", "visit", "call", "demo")),
        ("satisfaction", ("satisf",)),
        ("renewal", ("renewal",)),
        ("stock", ("stock", "warehouse")),
        ("tickets", ("ticket",)),
        ("learning", ("course", "certification")),
        ("revenue", ("revenue", "pipeline", "upsell")),
    ):
        if any(word in lowered for word in words):
            return family
    return "other"


# The causes of a gap, by family; they name the month's late customers ({late},
# {late2}) and nothing that went well.
_GAP = {
    "revenue": [
        "{late} moved its {month} order to next month; the contract is with their lawyers.",
        "Two proposals ({late}, {late2}) were still waiting for budget sign-off at the end of "
        "{month}.",
        "{late} halved its {month} order after our price increase; {late2} waits for the new "
        "price list.",
        "{late} and {late2} paused new projects in {month} while they change owner.",
        "{late} pushed its {month} delivery back four weeks; {late2} wants a second quote.",
    ],
    "meetings": [
        "{late} and {late2} cancelled their {month} meetings during their year-end close.",
        "{late} asked to move the {month} visits to next month; {late2} is short of staff.",
        "Was ill for a week in {month}; {late} and {late2} are rebooked for next month.",
        "{late} postponed its {month} workshop twice; {late2} has no buyer until January.",
    ],
    "satisfaction": [
        "Late deliveries to {late} in {month} pulled the survey down.",
        "{late} rated us low after a billing error in {month}; it is corrected now.",
        "Only a few answers came back in {month}; {possessive_late} one low score weighs a lot.",
    ],
    "renewal": [
        "{possessive_late} renewal slipped past {month} while their new buyer settles in.",
        "{late} and {late2} asked for a smaller scope before renewing in {month}.",
        "{late} wants the {month} renewal priced in two steps; {late2} is comparing offers.",
    ],
    "stock": [
        "The {month} count found {gap} mislabelled pallets for {late} from the autumn delivery.",
        "Returns from {late} were booked late in {month}, so the count disagreed.",
        "The warehouse move took two people off the {month} count of the {late} stock.",
    ],
    "tickets": [
        "A product recall at {late} in {month} doubled the time per ticket.",
        "Two agents on leave in {month}; the {late} backlog was shared across fewer people.",
    ],
    "learning": [
        "The {month} module was postponed by the trainer; {late} needed me that week.",
        "Work for {late} came first in {month}; the module moved to next month.",
    ],
    "other": [
        "{possessive_late} project was delayed in {month}.",
        "Fewer working days in {month} than the plan assumed; {late} took the rest.",
    ],
}


def _values(facts: Story, **extra: object) -> dict[str, object]:
    return {
        "won": facts.won,
        "late": facts.late,
        "late2": facts.late2,
        "open": facts.open,
        "lost": facts.lost,
        "possessive_late": possessive(facts.late),
        "month": month_name(facts.month),
        **extra,
    }


def gap_reason(
    *, title: str, month: dt.date, planned: Decimal | None, actual: Decimal | None, who: str
) -> str:
    """Why ``who`` is behind on ``title`` in ``month`` (actual below plan): the month's
    late customers (``demo.story``)."""
    facts = _story(who, month)
    gap = _figure((planned or Decimal(0)) - (actual or Decimal(0)))
    values = _values(facts, gap=gap)
    options = [text.format(**values) for text in _rotate(_GAP[_family(title)], who, month)]
    numbered = [
        f"{text} ({_figure(actual)} against {_figure(planned)} planned.)" for text in options
    ]
    return LEDGER.pick("gap_reason", options + numbered)


def summary(*, who: str, month: dt.date, on_plan: list[str], behind: list[str]) -> str:
    """The assessee's summary of their ``month``: each sentence names its own facts."""
    facts = _story(who, month)
    name = month_name(month)
    if not behind:
        main = lower_first(on_plan[0]) if on_plan else "the main objective"
        options = [
            f"Every objective was on plan in {name}; {main} was my focus, with {facts.won} signed.",
            f"On plan across the board in {name}: {facts.won} signed and {facts.open} is close.",
            f"A good {name}: {main} on plan after the {facts.won} contract.",
        ]
    else:
        gaps = " and ".join(lower_first(title) for title in behind)
        good = " and ".join(lower_first(title) for title in on_plan)
        if on_plan:
            options = [
                f"{good[:1].upper() + good[1:]} on plan; {gaps} behind in {name} because of "
                f"{facts.late}.",
                f"{name} was uneven: {good} on plan, {gaps} behind while {facts.late} and "
                f"{facts.late2} wait.",
                f"The gap in {gaps} is {possessive(name)} main issue; {good} went as planned "
                f"with {facts.won}.",
            ]
        else:
            options = [
                f"A difficult {name}: {gaps} behind plan, mostly {facts.late}.",
                f"Behind in {gaps} in {name}; I have agreed new dates with {facts.late}.",
                f"{name} fell short in {gaps}; {facts.late} and {facts.late2} explain it.",
            ]
    return LEDGER.pick("summary", _rotate(options, who, month))


def inquiry(
    *, who: str, month: dt.date, title: str, named: list[str] | None = None
) -> tuple[str, str]:
    """A reviewer's (or another department's head's) question on ``title`` in ``month``,
    and the assessee's answer to it; ``named``: the customers the table's gap reasons
    name (an answer on "which customers" names those)."""
    facts = _story(who, month)
    name = month_name(month)
    lower = lower_first(title)
    named = named or []
    following = _following(month)
    pairs = [
        (
            f"Is the {facts.late} delay in {name} a one-off, or should we expect it again?",
            f"A one-off: {facts.late} changed its buyer in {name}. I meet {possessive(facts.late)} "
            f"new buyer in {following}.",
        ),
        (
            f"What would help you close the {lower} gap of {name} faster?",
            f"An introduction to {possessive(facts.late2)} finance director; I will send you "
            "the contact.",
        ),
        (
            f"Did anything change in {lower} between the mid-{name} check-in and the month's end?",
            f"Nothing after the check-in; by mid-{name} {facts.late} had already moved its order.",
        ),
    ]
    if named:
        which = " and ".join(named[:2])
        pairs.insert(
            0,
            (
                f"Which customers does the {name} gap in {lower} come from?",
                f"{which}, as in the reasons; both have dates in {following}."
                if len(named) > 1
                else f"Only {which}, as in the reason; it has a date in {following}.",
            ),
        )
    ordered = _rotate(pairs, who, month)
    question, answer = next(
        (
            pair
            for pair in ordered
            if LEDGER.fresh("question", pair[0]) and LEDGER.fresh("answer", pair[1])
        ),
        ordered[0],
    )
    return LEDGER.pick("question", [question]), LEDGER.pick("answer", [answer])


def department_suggestion(*, department: str, month: dt.date, title: str) -> str:
    """Another department's suggestion for improvement on a department's table."""
    facts = _story(department, month)
    name = month_name(month)
    options = [
        f"Share the payment terms of {possessive(facts.late)} delayed deal with Finance before "
        "signing.",
        f"Send us the {facts.open} forecast each week, so Finance can plan the {name} cash-in.",
        f"Agree the discount limits for {lower_first(title)} with Finance before the "
        f"{facts.late2} offer.",
    ]
    return LEDGER.pick("suggestion", _rotate(options, department, month))


def suggestion_answer(*, department: str, month: dt.date) -> str:
    """The department head's answer to another department's suggestion."""
    facts = _story(department, month)
    name = month_name(month)
    options = [
        f"Agreed: from the month after {name} the terms go to Finance first, {facts.late} "
        "included.",
        f"Good idea; we start with the {facts.open} deal still open from {name}.",
        f"Yes. Our coordinator sends the {facts.late2} figures every Monday from the end of "
        f"{name}.",
    ]
    return LEDGER.pick("suggestion_answer", _rotate(options, department, month))


def review(*, who: str, month: dt.date, behind: list[str]) -> tuple[str, str, str]:
    """The reviewer's summary, suggestions and expectations of ``who``'s ``month``."""
    facts = _story(who, month)
    name = month_name(month)
    first = who.split()[0]
    gaps = " and ".join(lower_first(title) for title in behind)
    if behind:
        summaries = [
            f"{name}: {gaps} behind plan because of {facts.late}, which {first} explains well.",
            f"A mixed {name}; the gap in {gaps} has a credible plan for {facts.late}.",
            f"{first}'s {name} was honest about {gaps} and {facts.late2}.",
        ]
        suggestions = [
            f"Qualify deals like {facts.late} earlier, so that a slip in {gaps} shows before "
            "month-end.",
            f"Check in on {gaps} weekly until {facts.late} is back on plan.",
            f"Bring the {facts.late2} risks to our one-to-one as soon as you see them.",
        ]
        expectations = [
            f"Close the gap in {gaps} next month with the {facts.late} order.",
            f"Back on plan in {gaps} within two months, {facts.late2} included.",
            f"Half of the {gaps} gap recovered by the end of next month, starting with "
            f"{facts.late}.",
        ]
    else:
        summaries = [
            f"A strong {name} for {first}: every objective on plan, {facts.won} signed.",
            f"{name} on plan throughout; {first} kept {facts.won} and {facts.open} close.",
            f"Everything delivered in {name}, {facts.won} included; well organised.",
        ]
        suggestions = [
            f"Share how you won {facts.won} in {name} with the newer colleagues.",
            f"Try a stretch target with {facts.open} next month.",
            f"Write down what made the {facts.won} deal work before the busy season.",
        ]
        expectations = [
            f"Keep the pace, and take {facts.open} on as a key account.",
            f"Stay on plan and coach one newer colleague on accounts like {facts.won}.",
            f"The same result next month, with {facts.open} as the next key account.",
        ]
    return (
        LEDGER.pick("reviewer_summary", _rotate(summaries, who, month, "r")),
        LEDGER.pick("review_suggestions", _rotate(suggestions, who, month, "s")),
        LEDGER.pick("expectations", _rotate(expectations, who, month, "e")),
    )


def return_comment(*, who: str, month: dt.date, title: str) -> str:
    """The reviewer's reason for returning ``who``'s table of ``month``."""
    facts = _story(who, month)
    name = month_name(month)
    options = [
        f"Please explain the {lower_first(title)} gap of {name} in more detail: what did "
        f"{facts.late} say?",
        f"The reason for {lower_first(title)} in {name} is too short: when does "
        f"{facts.late} order?",
        f"Add next month's plan for {lower_first(title)} and {facts.late2} before I review {name}.",
    ]
    return LEDGER.pick("return_comment", _rotate(options, who, month))


def _following(month: dt.date) -> str:
    return f"{month.replace(day=28) + dt.timedelta(days=7):%B}"


def work_plan(*, who: str, month: dt.date, titles: list[str]) -> list[tuple[str, str]]:
    """Next month's two work items (title, target), planned at the end of ``month``: the
    first closes the customer who signs next month (done, on the next table), the second
    recovers one still late then (partly done)."""
    following_month = month.replace(day=28) + dt.timedelta(days=7)
    facts = _story(who, following_month.replace(day=1))
    main = lower_first(titles[0]) if titles else "the main objective"
    following = f"{following_month:%B}"
    closing = [
        (f"Close the {facts.won} deal in {following}", "signed contract"),
        (f"Get the {facts.won} contract signed in {following}", "contract signed"),
        (f"Sign {facts.won} before the end of {following}", "signature"),
    ]
    recovering = [
        (f"Recover the {main} gap with {facts.late}", "order confirmed"),
        (f"Agree a new delivery date with {facts.late}", "date agreed"),
        (f"Bring the {facts.late} order back on plan", "order on plan"),
        (f"Follow up the {following} offer to {facts.late2}", "answer received"),
    ]
    targets = dict(closing + recovering)
    first = LEDGER.pick("work_item", [title for title, _target in closing])
    second = LEDGER.pick("work_item", [title for title, _target in _rotate(recovering, who)])
    return [(first, targets.get(first, "done")), (second, targets.get(second, "done"))]


def checkin_note(*, who: str, title: str, day: dt.date, stage: str) -> str:
    """A check-in's note on ``title`` recorded on ``day``; ``stage`` is ``first``,
    ``on_track`` or ``behind`` (the latest check-in's)."""
    facts = _story(who, day.replace(day=1))
    lower, when = lower_first(title), f"{day.day} {day:%B}"
    won, late, late2, still = facts.won, facts.late, facts.late2, facts.open
    options = {
        "first": [
            f"First figures for {lower}, counted on {when}; {still} still to decide.",
            f"{title} mid-way: {still} is the big one still open.",
            f"Steady start on {lower}; {still} in the pipeline.",
            f"{title} as of {when}: {still} still to decide.",
        ],
        "on_track": [
            f"{title} on track: {won} signed this week.",
            f"Updated {lower} after {won} signed on {when}.",
            f"{title} on plan on {when}; {won} came through as expected.",
            f"On track with {lower}; {won} confirmed on {when}.",
        ],
        "behind": [
            f"{title} is behind: {late} postponed again on {when}.",
            f"Slower than planned on {lower}; {late} and {late2} still undecided.",
            f"Behind on {lower} on {when}; I need {late} to sign to catch up.",
            f"{title} slipping: {late2} moved its order past {day:%B}.",
        ],
    }[stage]
    return LEDGER.pick("checkin_note", _rotate(options, who, title, day))


_SESSION = {
    "instruction": [
        "Broke {first}'s {month} calls to {open} into steps: list, script, follow-up e-mail.",
        "Walked through the {open} proposal line by line before it went out.",
        "Practised the price conversation for {open} twice, then {first} led it.",
        "Set up {first}'s CRM views for the {open} pipeline together.",
        "Showed how to qualify a lead in five questions, using {open} as the example.",
        "Went through the objection guide with {first}, with {possessive_late} objections.",
    ],
    "guidance": [
        "Talked through what blocks the {late} deal; {first} chose where to look next.",
        "{first} proposed a plan for {open}; we agreed on the first two steps.",
        "Looked at why {late2} went quiet; {first} will try their operations lead.",
        "{first} led the forecast review of {late} and {open}; I only asked questions.",
    ],
    "encouragement": [
        "Praised the {won} win in {month} and agreed the next stretch goal.",
        "{first} closed {won} alone in {month}; we talked about what made it work.",
        "Short check after the {won} signature: agreed {first} takes on {open} next.",
    ],
}


def session_note(*, who: str, kind: str, month: dt.date, index: int) -> str:
    """The note of a coaching session of ``kind`` with ``who`` in ``month``."""
    facts = _story(who, month)
    values = _values(facts, first=who.split()[0])
    options = [text.format(**values) for text in _rotate(_SESSION[kind], who, month, index)]
    return LEDGER.pick("session_note", options)


def won_of(who: str, day: dt.date) -> str:
    """The customer ``who`` signed in ``day``'s month (for the demo's hand-written notes)."""
    return _story(who, day.replace(day=1)).won


def open_of(who: str, day: dt.date) -> str:
    """A customer still open for ``who`` in ``day``'s month."""
    return _story(who, day.replace(day=1)).open
