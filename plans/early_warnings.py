"""Early warning (issue 16 §7; source text, answer 5: "find problems before they arise").

Three events tell the coach — the person's manager, or for a department's
objective the head of the department above — in-app at once and in the next
weekly digest:

- a check-in whose confidence falls to 2 or below (from above 2, or the first
  check-in): staying low is not a new event;
- a check-in whose confidence drops by 2 or more from the previous check-in;
- an objective whose stored progress state goes from on track to lagging.

Each event is recorded once (``EarlyWarning``, unique per check-in, and per
objective and day for a crossing), so a re-save or a re-run tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.integration_models import WebhookEvent
from accounts.models import User
from accounts.services import notify_each
from accounts.webhook_events import WebhookCall
from plans.models import CheckIn, Objective
from plans.warning_models import EarlyWarning

LOW_CONFIDENCE = 2
CONFIDENCE_DROP = 2

MESSAGES = {
    EarlyWarning.Kind.LOW_CONFIDENCE: gettext_noop(
        "Early warning: confidence in “%(objective)s” (%(subject)s) fell to %(confidence)s of 5."
    ),
    EarlyWarning.Kind.CONFIDENCE_DROP: gettext_noop(
        "Early warning: confidence in “%(objective)s” (%(subject)s) dropped from "
        "%(previous)s to %(confidence)s."
    ),
    EarlyWarning.Kind.LAGGING: gettext_noop(
        "Early warning: “%(objective)s” (%(subject)s) went from on track to lagging."
    ),
}

COACH_RELATED = ("employee__manager", "department__parent__head")


def coach_of(objective: Objective) -> User | None:
    """Who coaches the objective's subject: the person's manager, or the head above
    the department (load with ``COACH_RELATED``)."""
    if objective.employee_id is not None:
        return objective.employee.manager if objective.employee else None
    department = objective.department
    if department is None or department.parent is None:
        return None
    return department.parent.head


def _params(warning: EarlyWarning) -> dict[str, object]:
    objective = warning.objective
    return {
        "objective": objective.title,
        "subject": str(objective.subject),
        "confidence": warning.confidence if warning.confidence is not None else "—",
        "previous": warning.previous_confidence if warning.previous_confidence else "—",
    }


def _tell(warnings: Iterable[EarlyWarning], *, actor: User | None = None) -> None:
    """In-app, once the transaction commits; a coach who recorded the check-in
    themselves is not told what they just wrote (the digest still lists it)."""
    items = [
        (w.coach, MESSAGES[EarlyWarning.Kind(w.kind)], w.objective.get_absolute_url(), _params(w))
        for w in warnings
        if w.coach is not None and (actor is None or w.coach.pk != actor.pk)
    ]
    if items:
        transaction.on_commit(lambda: notify_each(items))


def _previous_checkin(checkin: CheckIn) -> CheckIn | None:
    """The check-in before ``checkin`` on the same objective, in date order."""
    return (
        CheckIn.objects.filter(objective_id=checkin.objective_id)
        .exclude(pk=checkin.pk)
        .filter(recorded_on__lte=checkin.recorded_on)
        .order_by("-recorded_on", "-created_at", "-pk")
        .first()
    )


def confidence_warning_kind(confidence: int, previous: int | None) -> str | None:
    """Which warning a check-in of ``confidence`` after one of ``previous`` raises, if any."""
    if previous is not None and previous - confidence >= CONFIDENCE_DROP:
        return EarlyWarning.Kind.CONFIDENCE_DROP
    if confidence <= LOW_CONFIDENCE and (previous is None or previous > LOW_CONFIDENCE):
        return EarlyWarning.Kind.LOW_CONFIDENCE
    return None


@transaction.atomic
def checkin_warning_raise(*, checkin: CheckIn, actor: User) -> EarlyWarning | None:
    """Record (and tell the coach of) the warning ``checkin`` raises, if any; once ever."""
    previous = _previous_checkin(checkin)
    previous_confidence = previous.confidence if previous is not None else None
    kind = confidence_warning_kind(checkin.confidence, previous_confidence)
    if kind is None:
        return None
    objective = Objective.objects.select_related("cycle", *COACH_RELATED).get(
        pk=checkin.objective_id
    )
    if objective.cycle.is_closed:
        return None  # a record being completed, not a problem to find before it arises
    warning, created = EarlyWarning.objects.get_or_create(
        checkin=checkin,
        defaults={
            "kind": kind,
            "objective": objective,
            "coach": coach_of(objective),
            "confidence": checkin.confidence,
            "previous_confidence": previous_confidence,
        },
    )
    if created:
        _tell([warning], actor=actor)
    return warning


def lagging_warnings_raise(
    *, objective_ids: Iterable[int], today: dt.date | None = None
) -> list[EarlyWarning]:
    """Record and tell the crossings from on track to lagging of these objectives (the
    caller saw them cross); a crossing already recorded that day is skipped."""
    ids = list(objective_ids)
    if not ids:
        return []
    today = today or timezone.localdate()
    raised: list[EarlyWarning] = []
    for objective in Objective.objects.select_related(*COACH_RELATED).filter(pk__in=ids):
        try:
            with transaction.atomic():
                raised.append(
                    EarlyWarning.objects.create(
                        kind=EarlyWarning.Kind.LAGGING,
                        objective=objective,
                        coach=coach_of(objective),
                        raised_on=today,
                    )
                )
                objective_lagging_webhook(objective).emit()
        except IntegrityError:
            continue  # another run recorded this crossing first
    _tell(raised)
    return raised


LAGGING_WEBHOOK = gettext_noop("“%(objective)s” (%(subject)s) went from on track to lagging.")


def objective_lagging_webhook(objective: Objective) -> WebhookCall:
    """The crossing to lagging, as HR reads the objective: title, whose, which cycle."""
    subject = objective.subject
    kind = "person" if isinstance(subject, User) else "department"
    return WebhookCall(
        event=WebhookEvent.OBJECTIVE_LAGGING,
        data=lambda: {
            "objective": {
                "id": objective.pk,
                "title": objective.title,
                "subject": {"type": kind, "id": subject.pk, "name": str(subject)},
                "cycle_id": objective.cycle_id,
                "progress_state": "lagging",
            }
        },
        text=LAGGING_WEBHOOK,
        params={"objective": objective.title, "subject": str(subject)},
        url=objective.get_absolute_url(),
    )


# --- The weekly digest ----------------------------------------------------------


def early_warnings_for_digest(*, coach_ids: Iterable[int], key: str) -> dict[int, list[str]]:
    """Claim for the digest ``key`` every warning of these coaches not yet in a digest,
    and return each coach's warnings of that digest as lines in the coach's language.

    Claimed in one UPDATE, so each warning lands in exactly one digest; a warning
    claimed by an earlier, unfinished run of the same digest is listed again. A
    warning about an objective whose cycle has closed since is claimed but not
    listed: it is no longer a problem to act on. Two queries for all coaches together.
    """
    ids = list(coach_ids)
    if not ids:
        return {}
    EarlyWarning.objects.filter(coach_id__in=ids, digest_key="").update(digest_key=key)
    claimed = (
        EarlyWarning.objects.filter(coach_id__in=ids, digest_key=key)
        .exclude(objective__cycle__state="closed")
        .select_related("coach", "objective__employee", "objective__department")
        .order_by("created_at", "pk")
    )
    lines: dict[int, list[str]] = defaultdict(list)
    for warning in claimed:
        coach = warning.coach
        assert coach is not None  # noqa: S101 - filtered on coach_id
        with translation.override(coach.preferred_language):
            lines[coach.pk].append(_(MESSAGES[EarlyWarning.Kind(warning.kind)]) % _params(warning))
    return dict(lines)
