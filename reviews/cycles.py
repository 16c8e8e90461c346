"""Closing an appraisal cycle with its review tables (issue 15 §4).

Closing touches ``plans`` (the cycle's state) and ``reviews`` (its open tables), so
it is run from here, the higher app, by HR's close page; ``plans`` alone never
closes a cycle (its page and admin offer no such step). Before closing, HR may
withdraw chosen open tables; the close then closes every table still open as
*closed unfinished*. Each table's step is a ``ReviewEvent`` with the actor and
the reason, and the close itself is a ``CycleEvent`` in the cycle's history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from plans.models import AppraisalCycle
from plans.services import cycle_transition
from reviews.models import OPEN_STATUSES, ReviewEvent, ReviewTable

Status = ReviewTable.Status
_CHUNK = 2000


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why.")]})
    return reason[:500]


def _close_tables(
    *,
    actor: User,
    cycle: AppraisalCycle,
    status: str,
    reason: str,
    table_ids: Iterable[int] | None = None,
) -> int:
    """Move the cycle's open tables (those of ``table_ids``, or all) to ``status``; each
    step recorded. Returns how many. A table no longer open is left as it is."""
    tables = ReviewTable.objects.select_for_update().filter(cycle=cycle, status__in=OPEN_STATUSES)
    if table_ids is not None:
        tables = tables.filter(pk__in=list(table_ids))
    found = list(tables.order_by("pk").values_list("pk", "status"))
    for start in range(0, len(found), _CHUNK):
        chunk = found[start : start + _CHUNK]
        # The version bump makes every open form of these tables stale.
        ReviewTable.objects.filter(pk__in=[pk for pk, _status in chunk]).update(
            status=status, version=F("version") + 1
        )
        ReviewEvent.objects.bulk_create(
            [
                ReviewEvent(
                    table_id=pk,
                    kind=ReviewEvent.Kind.TRANSITION,
                    actor=actor,
                    from_status=old,
                    to_status=status,
                    comment=reason,
                )
                for pk, old in chunk
            ]
        )
    return len(found)


def _lock_active(cycle: AppraisalCycle) -> AppraisalCycle:
    locked = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.state != AppraisalCycle.State.ACTIVE:
        raise ValidationError(
            _("This cycle is %(state)s: only an active cycle is closed here.")
            % {"state": locked.get_state_display()}
        )
    return locked


@transaction.atomic
def review_tables_withdraw(
    *, actor: User, cycle: AppraisalCycle, table_ids: Iterable[int], reason: str
) -> int:
    """Withdraw the chosen open tables of an active cycle (closed without a review).

    Returns how many were withdrawn: a table of another cycle, or one finalised or
    closed meanwhile, is not touched. Raises ``ValidationError`` without a reason
    (``{"reason": ...}``) or when the cycle is no longer active.
    """
    reason = _reason(reason)
    locked = _lock_active(cycle)
    return _close_tables(
        actor=actor, cycle=locked, status=Status.WITHDRAWN, reason=reason, table_ids=table_ids
    )


@transaction.atomic
def cycle_close(*, actor: User, cycle: AppraisalCycle, reason: str) -> int:
    """Close an active cycle: every table still open (draft, submitted, in review,
    returned) becomes *closed unfinished*, then the cycle is closed; all or nothing.

    Returns how many tables were closed. Raises ``ValidationError`` without a reason
    (``{"reason": ...}``) or when the cycle is no longer active. The cycle row is
    locked first, so generation (which takes it too) adds no table meanwhile.
    """
    reason = _reason(reason)
    locked = _lock_active(cycle)
    closed = _close_tables(actor=actor, cycle=locked, status=Status.UNFINISHED, reason=reason)
    cycle_transition(
        actor=actor,
        cycle=locked,
        state=AppraisalCycle.State.CLOSED,
        seen_state=AppraisalCycle.State.ACTIVE,
        reason=reason,
        tables_closed=closed,
    )
    return closed
