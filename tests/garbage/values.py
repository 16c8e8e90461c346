"""Bad values for request parameters and form fields, and bad formset shapes.

Everything that reaches a view is a string, so the bad values are strings:
letters where an id belongs, NUL characters, 10,000 characters, impossible
dates, negative, huge, NaN and infinite numbers, unknown choices, and random
text. A fixed catalogue keeps the classics in every run; Hypothesis adds
generated ones around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

LETTERS_FOR_IDS = ["abc", "1abc", "one", "²", "١٢", "１２", "0x1F", "1.5", "1e3", " 1", "+1", "1,2"]
NUL = ["\x00", "a\x00b", "1\x00", "\x00" * 100]
LONG = ["x" * 10_000, "9" * 10_000, "é" * 10_000]
IMPOSSIBLE_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1999-12-31",
    "2101-01-01",
    "2026-00-10",
    "2026-13",
    "0000-01",
    "9999-12",
    "-2026-01-01",
    "31/02/2026",
    "2026-02-29",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999.99",
    "0.0000001",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
]
UNKNOWN_CHOICES = [
    "unknown",
    "__all__",
    "None",
    "null",
    "true",
    "on",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "😀",
    "https://evil.example",
    "//evil.example",
]
EMPTY = ["", " ", "\t\n"]

CATALOGUE = [
    *LETTERS_FOR_IDS,
    *NUL,
    *LONG,
    *IMPOSSIBLE_DATES,
    *NUMBERS,
    *UNKNOWN_CHOICES,
    *EMPTY,
]


def _malformed_date(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


bad_values = st.one_of(
    st.sampled_from(CATALOGUE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(
        _malformed_date,
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    st.dates().map(lambda day: day.isoformat()),
)


@dataclass(frozen=True)
class Mutation:
    """One bad input: a parameter set to a bad value, sent twice, or left out;
    or a formset of the wrong shape."""

    # "replace", "append", "drop", "extra_form", "management"; "all" (every field and
    # parameter but the formsets' management forms at once); "none" (nothing spoiled)
    kind: str
    name: str  # the parameter, or the formset's prefix
    value: str = ""

    def describe(self) -> str:
        shown = self.value if len(self.value) <= 40 else f"{self.value[:37]}..."
        return f"{self.kind} {self.name}={shown!r}"


# The request exactly as the page sends it, tried first.
UNSPOILED = Mutation("none", "")

# Tried on every view, in every field and parameter at once (a form checks all its
# fields together): one value of each kind that has given a server error somewhere.
CLASSICS = ["abc", "\x00", "2026-02-30", "9999-12-31", "9" * 10_000, "NaN"]

# Tried alone in each date field of a form that is otherwise right, so that the
# date would be stored if the form let it through.
FAR_DATES = {"date": ["9999-12-31", "0001-01-01", "1999-12-31"], "month": ["9999-12", "1999-12"]}


def explicit_mutations(names: list[str], date_fields: dict[str, str]) -> list[Mutation]:
    """The bad inputs every run tries first, whatever Hypothesis draws after them."""
    tried = [UNSPOILED]
    if names:
        tried += [Mutation("all", "", value) for value in CLASSICS]
    tried += [
        Mutation("replace", name, value)
        for name, kind in sorted(date_fields.items())
        for value in FAR_DATES[kind]
    ]
    return tried


MANAGEMENT_VALUES = ["abc", "-1", "1001", "99999999999999999999", "", "\x00", "1.5"]


def mutations(names: list[str], formsets: list[str]) -> st.SearchStrategy[Mutation]:
    """Bad inputs for a request whose parameters are ``names`` and formsets ``formsets``."""
    options: list[st.SearchStrategy[Mutation]] = []
    if names:
        chosen = st.sampled_from(sorted(names))
        options += [
            st.builds(Mutation, st.just("replace"), chosen, bad_values),
            st.builds(Mutation, st.just("append"), chosen, bad_values),
            st.builds(Mutation, st.just("drop"), chosen),
        ]
    if formsets:
        prefix = st.sampled_from(sorted(formsets))
        options += [
            st.builds(Mutation, st.just("extra_form"), prefix, bad_values),
            st.builds(
                Mutation,
                st.just("management"),
                prefix,
                st.sampled_from(["drop", *[f"TOTAL_FORMS={v}" for v in MANAGEMENT_VALUES]])
                | st.sampled_from([f"INITIAL_FORMS={v}" for v in MANAGEMENT_VALUES]),
            ),
        ]
    if not options:
        # The view reads nothing: garbage in parameters it never looks at.
        unread = st.sampled_from(["x", "id", "page", "next", "q", "pk"])
        options.append(st.builds(Mutation, st.just("replace"), unread, bad_values))
    return st.one_of(options)
