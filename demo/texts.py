"""The demo's words: every reason, summary, question and note written for its objective,
person and month, and never the same twice (a buyer reads the demo closely).

Each function returns the first of its candidates not used yet in this seed (the
``Ledger``); the candidates name the objective, the month, the figures and a customer,
so they run out only for a much larger demo, where a number is appended as a last resort.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")

CUSTOMERS = (
    "Northwind Foods",
    "Lakeside Retail",
    "Harbour Foods",
    "Blue Ridge Hotels",
    "Meridian Clinics",
    "Alpine Outdoor",
    "Cedar & Co",
    "Riverside Schools",
    "Summit Logistics",
    "Oakfield Dairy",
    "Granite Builders",
    "Willow Pharmacy",
    "Beacon Hotels",
    "Falcon Freight",
    "Maple Bakeries",
    "Coastal Fitness",
)


class Ledger:
    """The texts used so far in this seed, per kind."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}

    def pick(self, kind: str, candidates: list[str]) -> str:
        """The first candidate of ``kind`` not used yet (marked used); if every one
        was, the first with a number appended."""
        used = self.used.setdefault(kind, set())
        for text in candidates:
            if text not in used:
                used.add(text)
                return text
        number = 2
        while f"{candidates[0]} ({number})" in used:
            number += 1
        text = f"{candidates[0]} ({number})"
        used.add(text)
        return text


LEDGER = Ledger()


def ledger_reset() -> None:
    """Start a new seed's ledger (the demo is seeded into a fresh database)."""
    LEDGER.used.clear()


def _seed(*parts: object) -> int:
    return zlib.crc32("|".join(str(part) for part in parts).encode())


def _rotate(options: list[T], *parts: object) -> list[T]:
    """``options`` starting from one chosen by ``parts`` (stable from run to run)."""
    start = _seed(*parts) % len(options)
    return options[start:] + options[:start]


def customers(*parts: object, count: int = 2) -> list[str]:
    """``count`` different customers, chosen by ``parts``."""
    return _rotate(list(CUSTOMERS), *parts)[:count]


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


_GAP = {
    "revenue": [
        "{c1} moved its {month} order to next month; the contract is with their lawyers.",
        "Two proposals ({c1}, {c2}) were still waiting for budget sign-off at the end of {month}.",
        "{c1} halved its {month} order after our price increase; we are renegotiating the volume.",
        "Lost the {c1} tender on price in {month}; {c2} is still open.",
        "{c1} paused new projects in {month} while it changes owner.",
    ],
    "meetings": [
        "{c1} and {c2} cancelled their {month} meetings during their year-end close.",
        "Two of {month}'s four weeks went on the trade fair, so fewer first meetings.",
        "Half of the {month} leads from the campaign had no budget; I stopped calling them.",
        "Was ill for a week in {month}; {c1} and {c2} are rebooked for next month.",
    ],
    "satisfaction": [
        "Late deliveries to {c1} in {month} pulled the survey down.",
        "{c1} rated us low after a billing error in {month}; it is corrected now.",
        "Only a few answers came back in {month}; {c1}'s one low score weighs a lot.",
    ],
    "renewal": [
        "{c1} did not renew in {month}: they moved to a cheaper supplier.",
        "{c1}'s renewal slipped past {month} while their new buyer settles in.",
        "{c1} and {c2} renewed for a smaller scope in {month}.",
    ],
    "stock": [
        "The {month} count found {gap} mislabelled pallets from the autumn delivery.",
        "Returns from {c1} were booked late in {month}, so the count disagreed.",
        "The warehouse move took two people off the {month} count.",
    ],
    "tickets": [
        "A product recall in {month} doubled the time per ticket.",
        "Two agents on leave in {month}; the queue was shared across fewer people.",
    ],
    "learning": [
        "The {month} module was postponed by the trainer.",
        "Customer work came first in {month}; the module moved to next month.",
    ],
    "other": [
        "{c1}'s project was delayed in {month}.",
        "Fewer working days in {month} than the plan assumed.",
    ],
}


def gap_reason(
    *, title: str, month: dt.date, planned: Decimal | None, actual: Decimal | None, who: str
) -> str:
    """Why ``who`` is behind on ``title`` in ``month`` (actual below plan)."""
    c1, c2 = customers(who, title, month)
    gap = _figure((planned or Decimal(0)) - (actual or Decimal(0)))
    values = {"c1": c1, "c2": c2, "month": month_name(month), "gap": gap}
    options = [text.format(**values) for text in _rotate(_GAP[_family(title)], who, month)]
    numbered = [
        f"{text} ({_figure(actual)} against {_figure(planned)} planned.)" for text in options
    ]
    return LEDGER.pick("gap_reason", options + numbered)


def summary(*, who: str, month: dt.date, on_plan: list[str], behind: list[str]) -> str:
    """The assessee's summary of their ``month``."""
    name = month_name(month)
    if not behind:
        main = lower_first(on_plan[0]) if on_plan else "the main objective"
        options = [
            f"Every objective was on plan in {name}; {main} was my focus.",
            f"Every objective was on plan in {name}. I kept the weekly planning and it paid off.",
            f"On plan across the board in {name}, a month I am happy with.",
        ]
    else:
        gaps = " and ".join(lower_first(title) for title in behind)
        good = " and ".join(lower_first(title) for title in on_plan)
        if on_plan:
            options = [
                f"{good[:1].upper() + good[1:]} on plan; {gaps} behind in {name}. The causes "
                "are in the rows and I have a plan for next month.",
                f"{name} was uneven: {good} on plan, {gaps} behind. I have agreed dates with "
                "the customers concerned.",
                f"The gap in {gaps} is {possessive(name)} main issue; {good} went as planned.",
            ]
        else:
            options = [
                f"A difficult {name}: {gaps} behind plan. The causes are in the rows and I have "
                "a plan for next month.",
                f"Behind in {gaps} in {name}. I have agreed dates with the customers concerned.",
                f"{name} fell short in {gaps}; I explain each gap row by row.",
            ]
    return LEDGER.pick("summary", _rotate(options, who, month))


def inquiry(*, who: str, month: dt.date, title: str) -> tuple[str, str]:
    """A reviewer's (or another department's head's) question on ``title`` in ``month``,
    and the assessee's answer to it."""
    c1, c2 = customers(who, title, month, "q")
    name = month_name(month)
    lower = lower_first(title)
    pairs = [
        (
            f"Which customers does the {name} gap in {lower} come from?",
            f"Mostly {c1} and {c2}; both have confirmed dates for next month.",
        ),
        (
            f"Is the {c1} delay in {name} a one-off, or should we expect it again?",
            f"A one-off: {c1} changed its buyer in {name}. I meet the new one next week.",
        ),
        (
            f"What would help you close the {lower} gap of {name} faster?",
            f"An introduction to {possessive(c2)} finance director; I will send you the contact.",
        ),
        (
            f"Did anything change in {lower} between the mid-{name} check-in and the month's end?",
            f"Nothing after the check-in; the gap was already there by mid-{name}, mostly {c1}.",
        ),
    ]
    ordered = _rotate(pairs, who, month)
    used = LEDGER.used.setdefault("question", set())
    question, answer = next((pair for pair in ordered if pair[0] not in used), ordered[0])
    return LEDGER.pick("question", [question]), LEDGER.pick("answer", [answer])


def department_suggestion(*, department: str, month: dt.date, title: str) -> str:
    """Another department's suggestion for improvement on a department's table."""
    c1, _c2 = customers(department, month, "s")
    name = month_name(month)
    options = [
        f"Share the payment terms of the deals delayed in {name} with Finance before signing.",
        f"Send us the {c1} forecast each week, so Finance can plan the {name} cash-in.",
        f"Agree the discount limits for {lower_first(title)} with Finance before the quarter ends.",
    ]
    return LEDGER.pick("suggestion", _rotate(options, department, month))


def suggestion_answer(*, department: str, month: dt.date) -> str:
    name = month_name(month)
    options = [
        f"Agreed: from the month after {name} the terms go to Finance first.",
        f"Good idea; we start with the deals still open from {name}.",
        f"Yes. Our coordinator sends the list every Monday from the end of {name}.",
    ]
    return LEDGER.pick("suggestion_answer", _rotate(options, department, month))


def review(*, who: str, month: dt.date, behind: list[str]) -> tuple[str, str, str]:
    """The reviewer's summary, suggestions and expectations of ``who``'s ``month``."""
    name = month_name(month)
    first = who.split()[0]
    gaps = " and ".join(lower_first(title) for title in behind)
    if behind:
        summaries = [
            f"{name}: {gaps} behind plan, for reasons {first} understands and explains well.",
            f"A mixed {name}; the gap in {gaps} has a credible plan behind it.",
            f"{first}'s {name} was honest about {gaps}; the rest was on track.",
        ]
        suggestions = [
            f"Qualify deals earlier, so that a slip in {gaps} shows up before month-end.",
            f"Check in on {gaps} weekly instead of monthly until it is back on plan.",
            f"Bring the {gaps} risks to our one-to-one as soon as you see them.",
        ]
        expectations = [
            f"Close the gap in {gaps} next month and keep the rest where it is.",
            f"Back on plan in {gaps} within two months, with weekly updates.",
            f"Half of the {gaps} gap recovered by the end of next month.",
        ]
    else:
        summaries = [
            f"A strong {name} for {first}: every objective on plan.",
            f"{name} on plan throughout; {first} kept the customers close.",
            f"Everything delivered in {name}; well organised.",
        ]
        suggestions = [
            f"Share how you planned {name} with the newer colleagues.",
            "Try a stretch target on the main objective next month.",
            f"Write down what made {name} work before the busy season.",
        ]
        expectations = [
            "Keep the pace, and take on one key account more.",
            "Stay on plan and coach one newer colleague.",
            "The same result next month with less overtime.",
        ]
    return (
        LEDGER.pick("reviewer_summary", _rotate(summaries, who, month, "r")),
        LEDGER.pick("review_suggestions", _rotate(suggestions, who, month, "s")),
        LEDGER.pick("expectations", _rotate(expectations, who, month, "e")),
    )


def return_comment(*, who: str, month: dt.date, title: str) -> str:
    name = month_name(month)
    options = [
        f"Please explain the {lower_first(title)} gap of {name} in more detail.",
        f"The reason for {lower_first(title)} in {name} is too short: which customers?",
        f"Add next month's plan for {lower_first(title)} before I review {name}.",
    ]
    return LEDGER.pick("return_comment", _rotate(options, who, month))


def work_plan(*, who: str, month: dt.date, titles: list[str]) -> list[tuple[str, str]]:
    """Next month's two work items (title, target), planned at the end of ``month``."""
    c1, c2, c3, c4 = customers(who, month, "plan", count=4)
    main = lower_first(titles[0]) if titles else "the main objective"
    following = f"{month.replace(day=28) + dt.timedelta(days=7):%B}"
    options = [
        (f"Close the {c1} deal in {following}", "signed contract"),
        (f"Visit {c2} with the product team", "visit report in the CRM"),
        (f"Weekly review of {main} in {following}", "4 reviews"),
        (f"Prepare the {c3} renewal", "offer sent"),
        (f"Two demos for {c4}", "2 demos"),
        (f"Follow up the {following} leads from {c1}", "every lead called"),
        (f"Update the {c2} account plan", "plan shared with the team"),
        (f"Recover the {main} gap with {c3}", "order confirmed"),
    ]
    ordered = _rotate(options, who, month)
    targets = dict(options)
    first = LEDGER.pick("work_item", [title for title, _target in ordered])
    second = LEDGER.pick("work_item", [title for title, _target in ordered])
    return [(first, targets.get(first, "done")), (second, targets.get(second, "done"))]


def checkin_note(*, who: str, title: str, day: dt.date, stage: str) -> str:
    """A check-in's note on ``title`` recorded on ``day``; ``stage`` is ``first``,
    ``on_track`` or ``behind`` (the latest check-in's)."""
    c1, c2 = customers(who, title, day, "c")
    lower, when = lower_first(title), f"{day.day} {day:%B}"
    options = {
        "first": [
            f"First figures for {lower}, counted on {when}.",
            f"{title} mid-way: {c1} is the big one still open.",
            f"Steady start on {lower}; {c1} and {c2} in the pipeline.",
            f"{title} as of {when}: {c2} still to decide.",
        ],
        "on_track": [
            f"{title} on track: {c1} signed this week.",
            f"Updated {lower} after the {c1} meeting on {when}.",
            f"{title} on plan on {when}; {c2} came through as expected.",
            f"On track with {lower}; {c1} confirmed on {when}.",
        ],
        "behind": [
            f"{title} is behind: {c1} postponed again on {when}.",
            f"Slower than planned on {lower}; {c1} and {c2} still undecided.",
            f"Behind on {lower} on {when}; I need {c1} to sign to catch up.",
            f"{title} slipping: {c2} moved its order past {day:%B}.",
        ],
    }[stage]
    return LEDGER.pick("checkin_note", _rotate(options, who, title, day))


_SESSION = {
    "instruction": [
        "Broke {month}'s calls into steps: list, script, follow-up e-mail.",
        "Walked through the {c1} proposal line by line before it went out.",
        "Practised the price conversation for {c1} twice, then {first} led it.",
        "Set up {first}'s CRM views for the {month} pipeline together.",
        "Showed how to qualify a lead in five questions, using {c1} as the example.",
        "Went through the objection guide with {first}, one objection a day for {month}.",
    ],
    "guidance": [
        "Talked through what blocks the {month} pipeline; {first} chose where to look next.",
        "{first} proposed a plan for {c1}; we agreed on the first two steps.",
        "Looked at why {c1} went quiet; {first} will try their operations lead.",
        "{first} led the {month} forecast review; I only asked questions.",
    ],
    "encouragement": [
        "Praised the {c1} win in {month} and agreed the next stretch goal.",
        "{first} ran the {c1} renewal alone in {month}; we talked about what made it work.",
        "Short check: {first}'s {month} is on plan; agreed to take on {c1}.",
    ],
}


def session_note(*, who: str, kind: str, month: dt.date, index: int) -> str:
    """The note of a coaching session of ``kind`` with ``who`` in ``month``."""
    c1, _c2 = customers(who, month, index, "session")
    values = {"c1": c1, "month": month_name(month), "first": who.split()[0]}
    options = [text.format(**values) for text in _rotate(_SESSION[kind], who, month, index)]
    return LEDGER.pick("session_note", options)
