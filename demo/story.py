"""The demo's facts: which customer did what, for whom, in which month.

Every person of the demo has accounts of their own (``ACCOUNTS``). In each month each
account plays one part in that person's month (``Story``): signed (``won``), late with
an order (``late``), still open (``open``), lost (``lost``), or quiet. A text about a
person's month (gap reason, answer, summary, note, work plan) names its customers from
that month's story only, so the demo never says a customer both signed and was lost.
The parts move on by one each month: what was late in October signs in November.

A department's story is made of its members' (its texts name its members' customers in
the parts they play for them); a subject the demo does not know gets accounts of its own
from ``SPARE``.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

ACCOUNTS: dict[str, tuple[str, ...]] = {
    "Emma Wilson": (
        "Lakeside Retail",
        "Harbour Foods",
        "Coastal Fitness",
        "Maple Bakeries",
        "Beacon Hotels",
        "Falcon Freight",
    ),
    "Wang Fang": (
        "Northwind Foods",
        "Blue Ridge Hotels",
        "Meridian Clinics",
        "Alpine Outdoor",
        "Cedar & Co",
        "Riverside Schools",
    ),
    "Noor Ahmed": (
        "Summit Logistics",
        "Oakfield Dairy",
        "Granite Builders",
        "Willow Pharmacy",
        "Pinecrest Hotels",
        "Redwood Garden Centres",
    ),
    "Lucas Silva": (
        "Silverline Optics",
        "Bayview Dental",
        "Orchard Cafés",
        "Kestrel Engineering",
        "Lighthouse Books",
        "Ironbridge Motors",
    ),
    "Jack Turner": (
        "Fernhill Nurseries",
        "Copper Kettle Inns",
        "Starling Print",
        "Heron Wholesale",
        "Ashford Bikes",
        "Brookside Vets",
    ),
    "Ravi Patel": (
        "Thornbury Markets",
        "Quayside Fish",
        "Elmwood Furniture",
        "Hillcrest Farms",
        "Saltmarsh Brewery",
        "Foxglove Florists",
    ),
    "Ben Carter": (
        "Wren Home Insurance",
        "Larkspur Travel",
        "Juniper Telecom",
        "Marigold Energy",
        "Sandpiper Water",
        "Bramble Broadband",
    ),
}
SPARE: tuple[str, ...] = (
    "Goldcrest Studios",
    "Puffin Toys",
    "Nightingale Care",
    "Osprey Marine",
    "Kingfisher Glass",
    "Magpie Records",
)
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Sales East": ("Emma Wilson", "Wang Fang", "Noor Ahmed"),
}
CUSTOMERS: tuple[str, ...] = tuple(
    name for accounts in (*ACCOUNTS.values(), SPARE) for name in accounts
)
# The parts, in the order a customer moves through them month by month (a quiet
# account comes back as next month's lost tender's successor, see ``story``).
PARTS = ("won", "late", "late2", "open", "lost", "quiet")


@dataclass(frozen=True)
class Story:
    """One subject's month: the customer in each part."""

    who: str
    month: dt.date
    won: str
    late: str
    late2: str
    open: str
    lost: str
    quiet: str

    @property
    def customers(self) -> tuple[str, ...]:
        return (self.won, self.late, self.late2, self.open, self.lost, self.quiet)


def _accounts(who: str) -> tuple[str, ...]:
    if who in ACCOUNTS:
        return ACCOUNTS[who]
    start = zlib.crc32(who.encode()) % len(SPARE)
    return SPARE[start:] + SPARE[:start]


def story(who: str, month: dt.date) -> Story:
    """``who``'s month (a person's full name or a department's name); stable run to run."""
    if who in DEPARTMENTS:
        first, second, third = (story(member, month) for member in DEPARTMENTS[who])
        return Story(
            who=who,
            month=month,
            won=first.won,
            late=first.late,
            late2=second.late,
            open=third.open,
            lost=second.lost,
            quiet=third.quiet,
        )
    accounts = _accounts(who)
    # Month by month each account moves one part on: late → won, late2 → late, ...
    # (and a year later the parts are not those of the same month of the year before).
    shift = (month.year * 13 + month.month) % len(accounts)
    ordered = accounts[shift:] + accounts[:shift]
    return Story(who, month, *ordered[: len(PARTS)])


def subject_of(customer: str) -> str | None:
    """Whose account ``customer`` is (None for a spare one)."""
    return next((who for who, names in ACCOUNTS.items() if customer in names), None)
