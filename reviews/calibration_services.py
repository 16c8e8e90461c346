"""Calibration's writes (issue 17 §4): start, participants, adjust, done, reopen, publish.

The rules are in ``reviews.calibration``'s docstring; the reads are there too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.concurrency import version_claim
from accounts.links import pk_url
from accounts.models import User
from accounts.services import notify_each
from plans.models import AppraisalCycle
from reviews.calibration import cycle_scale, is_ended, participant_choices, rating_of
from reviews.models import Calibration, CalibrationEvent, CycleResult, RatingAdjustment
from reviews.results import results_prepare, results_published_notify

Step = CalibrationEvent.Step


# --- Writes ----------------------------------------------------------------------------


def _record(calibration: Calibration, actor: User, step: str, reason: str = "") -> None:
    CalibrationEvent.objects.create(calibration=calibration, actor=actor, step=step, reason=reason)


def _tell_participants(cycle: AppraisalCycle, people: list[User]) -> None:
    url = calibration_url(cycle)
    message = gettext_noop("You take part in the calibration of the cycle %(cycle)s.")
    active = [person for person in people if person.is_active]
    transaction.on_commit(
        lambda: notify_each((person, message, url, {"cycle": cycle.name}) for person in active)
    )


def calibration_url(cycle: AppraisalCycle) -> str:
    return pk_url("reviews:calibration", cycle.pk)


def _check_participants(participants: list[User]) -> None:
    allowed = set(participant_choices().values_list("pk", flat=True))
    if any(person.pk not in allowed for person in participants):
        raise ValidationError(
            _("Only active department heads can take part in a calibration."), code="not_head"
        )


def calibration_start(
    *, actor: User, cycle: AppraisalCycle, participants: list[User]
) -> Calibration:
    """Start the calibration of ``cycle`` with ``participants`` (§4; HR's step).

    The cycle's results are prepared first (``results_prepare``, as the daily job
    does), so that a cycle closed before its end date is calibrated with everyone.
    Raises ``ValidationError`` when the cycle has not ended (closed, or its end
    date passed), when it already has a calibration (one per cycle, a database
    constraint), or when a participant is not an active department head.
    """
    if not is_ended(cycle):
        raise ValidationError(
            _("A cycle is calibrated once it has ended: close it or wait for its end date."),
            code="not_ended",
        )
    _check_participants(participants)
    try:
        with transaction.atomic():
            results_prepare(cycle=cycle)
            calibration = Calibration.objects.create(cycle=cycle, started_by=actor)
            calibration.participants.set(participants)
            _record(calibration, actor, Step.STARTED)
    except IntegrityError as error:
        raise ValidationError(
            _("This cycle's calibration has already been started."), code="exists"
        ) from error
    _tell_participants(cycle, participants)
    return calibration


def _locked(calibration: Calibration, version: int | None) -> Calibration:
    """The calibration locked for this transaction, its version claimed (``StaleEditError``)."""
    version_claim(Calibration, calibration.pk, version)
    return Calibration.objects.select_for_update().get(pk=calibration.pk)


def _refuse_unless_open(calibration: Calibration) -> None:
    if calibration.published_at is not None:
        raise ValidationError(
            _("This calibration is published: nothing in it changes any more."), code="published"
        )
    if calibration.done_at is not None:
        raise ValidationError(
            _("This calibration is done: reopen it to change anything."), code="done"
        )


@transaction.atomic
def calibration_participants_set(
    *, actor: User, calibration: Calibration, participants: list[User], version: int | None
) -> Calibration:
    """Replace the participants while the calibration is open; those added are told in-app.

    Raises ``StaleEditError`` (changed since the form was loaded) or
    ``ValidationError`` (done or published; a participant who is not an active head).
    """
    locked = _locked(calibration, version)
    _refuse_unless_open(locked)
    _check_participants(participants)
    before = set(locked.participants.values_list("pk", flat=True))
    locked.participants.set(participants)
    _record(locked, actor, Step.PARTICIPANTS)
    _tell_participants(locked.cycle, [person for person in participants if person.pk not in before])
    return locked


@transaction.atomic
def rating_adjust(
    *, actor: User, result: CycleResult, to_rating: str, reason: str, version: int | None
) -> RatingAdjustment:
    """Change ``result``'s final rating to ``to_rating`` with ``reason`` (§4), recorded as a
    ``RatingAdjustment`` (who, when, from → to, why).

    The caller checked that ``actor`` is HR or a participant. Raises
    ``StaleEditError`` when the result changed since the form was loaded, and
    ``ValidationError`` when the cycle has no calibration, it is done or
    published, the rating is not on the cycle's scale or is the present one, the
    reason is blank, or ``actor`` adjusts their own rating.
    """
    calibration = Calibration.objects.select_for_update().filter(cycle_id=result.cycle_id).first()
    if calibration is None:
        raise ValidationError(_("This cycle has no calibration."), code="no_calibration")
    _refuse_unless_open(calibration)
    if result.employee_id is None:
        raise ValidationError(_("Only people's ratings are calibrated."), code="department")
    if result.employee_id == actor.pk:
        raise ValidationError(_("Nobody adjusts their own rating."), code="own")
    if to_rating not in cycle_scale(result.cycle):
        raise ValidationError(_("Choose a rating on the cycle's scale."), code="bad_rating")
    if not reason.strip():
        raise ValidationError(_("Say why the rating changes."), code="no_reason")
    version_claim(CycleResult, result.pk, version)
    current = CycleResult.objects.get(pk=result.pk)
    from_rating = rating_of(current)
    if to_rating == from_rating:
        raise ValidationError(_("That is already the rating."), code="unchanged")
    current.final_rating = to_rating
    current.save(update_fields=["final_rating", "updated_at"])
    return RatingAdjustment.objects.create(
        result=current,
        actor=actor,
        from_rating=from_rating,
        to_rating=to_rating,
        reason=reason.strip(),
    )


@transaction.atomic
def calibration_done(*, actor: User, calibration: Calibration, version: int | None) -> Calibration:
    """Mark the calibration done: no more proposals nor adjustments (§4; HR's step).

    Every person of the cycle must have a rating first (proposed, or given in the
    calibration with a reason): publishing would otherwise ask someone to acknowledge
    a result without one. Raises ``StaleEditError`` or ``ValidationError`` (already
    done, published, or people without a rating — the message says how many).
    """
    locked = _locked(calibration, version)
    _refuse_unless_open(locked)
    unrated = (
        CycleResult.objects.filter(cycle_id=locked.cycle_id, employee__isnull=False)
        .filter(proposed_rating="", final_rating="")
        .count()
    )
    if unrated:
        raise ValidationError(
            ngettext(
                "%(count)d person has no rating yet: their manager proposes one, or you "
                "give it here (Adjust, with a reason), before the calibration is done.",
                "%(count)d people have no rating yet: their managers propose one, or you "
                "give it here (Adjust, with a reason), before the calibration is done.",
                unrated,
            )
            % {"count": unrated},
            code="unrated",
        )
    locked.done_at, locked.done_by = timezone.now(), actor
    locked.save(update_fields=["done_at", "done_by"])
    _record(locked, actor, Step.DONE)
    return locked


@transaction.atomic
def calibration_reopen(
    *, actor: User, calibration: Calibration, reason: str, version: int | None
) -> Calibration:
    """Reopen a done calibration before it is published, with a reason (recorded).

    Raises ``StaleEditError`` or ``ValidationError`` (not done, published, no reason).
    """
    locked = _locked(calibration, version)
    if locked.published_at is not None:
        raise ValidationError(
            _("This calibration is published: nothing in it changes any more."), code="published"
        )
    if locked.done_at is None:
        raise ValidationError(_("This calibration is open already."), code="open")
    if not reason.strip():
        raise ValidationError(_("Say why the calibration is reopened."), code="no_reason")
    locked.done_at, locked.done_by = None, None
    locked.save(update_fields=["done_at", "done_by"])
    _record(locked, actor, Step.REOPENED, reason.strip())
    return locked


@transaction.atomic
def calibration_publish(
    *, actor: User, calibration: Calibration, version: int | None
) -> Calibration:
    """Publish a done calibration: each person sees their final rating from now on (§4).

    Empty final ratings take the proposal; every active person with a result (a
    department's head) is told in-app and by e-mail, in their language, once committed.
    Raises ``StaleEditError`` or ``ValidationError`` (not done yet, or published already).
    """
    locked = _locked(calibration, version)
    if locked.published_at is not None:
        raise ValidationError(_("This calibration is published already."), code="published")
    if locked.done_at is None:
        raise ValidationError(_("Mark the calibration done before publishing it."), code="open")
    locked.published_at, locked.published_by = timezone.now(), actor
    locked.save(update_fields=["published_at", "published_by"])
    results = CycleResult.objects.filter(cycle_id=locked.cycle_id)
    results.filter(final_rating="").update(final_rating=F("proposed_rating"))
    _record(locked, actor, Step.PUBLISHED)
    cycle = locked.cycle
    # In-app and by e-mail, each result once ever (reviews.results, §3).
    # In this transaction: the results published and everyone told (e-mails to the outbox).
    results_published_notify(cycle=cycle)
    return locked
