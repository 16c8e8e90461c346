"""Every state badge is readable: each value of a state has its own colours in app.css.

A badge is white text on a transparent background unless app.css gives its state a rule,
so a state added without one shows as an empty pill (axe reports it only as "incomplete",
so the accessibility crawl cannot catch it). Seen with *Withdrawn* and *Closed unfinished*.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plans.models import AppraisalCycle
from plans.selectors import ProgressState
from reviews.models import ReviewTable

CSS = re.sub(
    r"/\*.*?\*/",
    "",
    (Path(__file__).resolve().parents[1] / "static" / "css" / "app.css").read_text(),
    flags=re.S,
)


def _styled(css_class: str) -> bool:
    """Whether app.css gives ``.css_class`` a background colour."""
    for rule in re.finditer(r"([^{}]+)\{([^}]*)\}", CSS):
        selectors = {s.strip() for s in rule.group(1).split(",")}
        if f".{css_class}" in selectors and "background" in rule.group(2):
            return True
    return False


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("review", [value for value, _label in ReviewTable.Status.choices]),
        ("cycle", [value for value, _label in AppraisalCycle.State.choices]),
        ("progress", [str(state) for state in ProgressState]),
    ],
    ids=["review table", "cycle", "objective progress"],
)
def test_every_state_badge_has_its_colours(prefix, values):
    unstyled = [value for value in values if not _styled(f"{prefix}-{value}")]
    assert not unstyled, f"states whose .{prefix}-* badge has no colours in app.css: {unstyled}"
