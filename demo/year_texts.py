"""The demo's words on last year's results: the managers' comments proposing a rating,
and the calibration's reason for moving one (arguing the way the rating moved)."""

from __future__ import annotations

from decimal import Decimal

from demo.texts import LEDGER, _figure, _rotate, lower_first

_RESULT = {
    0: [
        "{first} reached {completion} % of the year's targets; {main} missed most months, so "
        "we coach every two weeks now.",
        "At {completion} %, {first} fell short on {main}; the first quarter decides the "
        "improvement plan.",
    ],
    1: [
        "A solid year for {first}: {completion} % overall, {main} met in most months.",
        "{first} kept {main} close to plan all year ({completion} %), with steady monthly reviews.",
        "{completion} % for {first}: {main} recovered after a slow spring.",
        "Dependable on {main} ({completion} %); {first} should now take a larger territory.",
    ],
    2: [
        "An outstanding year for {first}: {completion} % with {main} well above target.",
        "{first} met the whole plan on {main} ({completion} %) and coached the newer colleagues.",
    ],
}


def result_comment(*, who: str, index: int, completion: Decimal | None, main: str) -> str:
    """The manager's comment proposing ``who``'s year result (rating step ``index``)."""
    LEDGER.person(who)
    values = {
        "first": who.split()[0],
        "completion": _figure(completion),
        "main": lower_first(main),
    }
    # A template once per seed where there are enough (not the same words, other names).
    templates = _rotate(_RESULT[index], who)
    used = LEDGER.used.setdefault("result_template", set())
    ordered = [text for text in templates if text not in used] + templates
    used.add(ordered[0])
    return LEDGER.pick("result_comment", [text.format(**values) for text in ordered])


# A calibration's reasons, by the direction of the change.
RAISED_REASONS = (
    "Took over two key accounts in the autumn; her completion understates it.",
    "Carried the team's largest renewal alone; the figures do not show it.",
)
LOWERED_REASONS = (
    "Her {completion} % rests on targets set low in January; her peers met harder ones.",
    "Ahead of plan on revenue but behind on satisfaction all year; the top step is for both.",
)


def calibration_reason(*, raised: bool, completion: Decimal | None) -> str:
    """Why a calibration moved a rating up (``raised``) or down: a reason that argues
    the way the rating moved (``completion``: the result's, in %)."""
    return (RAISED_REASONS if raised else LOWERED_REASONS)[0].format(completion=_figure(completion))
