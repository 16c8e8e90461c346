"""The garbage test's tally: how many bad inputs were tried, shown after the run."""

from __future__ import annotations

from collections import Counter

import pytest

# "inputs": requests each carrying one bad input; "read": those whose bad input
# went into a parameter or field the view reads (the rest spoil parameters of
# views that read none, which must be ignored just as safely).
TALLY: Counter[str] = Counter()
FINISHED_CASES: set[str] = set()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY["inputs"]:
        terminalreporter.write_sep(
            "-",
            f"garbage test: {TALLY['inputs']} bad inputs tried "
            f"({TALLY['read']} in parameters and fields the views read), "
            f"{TALLY['refused']} refused, {TALLY['accepted']} accepted",
        )
