"""Praise (issue 18 §1): giving it, showing it, withdrawing it; the company values.

Who sees what is decided in ``coaching.praise_access`` alone; every list here is built
from ``praise_visible_to``. Praise given from an encouragement session takes only what
its coach typed into the praise form (prefilled from the session's shared *what went
well* and its example): nothing of the session is copied or shown beyond a link, and
that link only for those who may read the session.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.extensions import PagePanel
from accounts.links import named_url
from accounts.models import Department, Notification, User
from accounts.notifications import Reminder, reminders_send
from coaching.models import CoachingSession
from coaching.praise_access import (
    SHOWN_BEYOND_MANAGERS,
    can_praise,
    can_set_praise_visibility,
    can_withdraw_praise,
    mark_for_viewer,
    praise_visible_to,
)
from coaching.praise_models import CompanyValue, Praise, PraiseVisibility
from plans.models import AppraisalCycle, Objective
from plans.permissions import can_read_objectives_of

PRAISE_RECEIVED = "praise_received"
PRAISE_RECEIVED_SUBJECT = gettext_noop("%(giver)s praised you: %(behaviour)s")
PRAISE_RECEIVED_LINE = gettext_noop(
    "Only you, %(giver)s and your managers see it. You choose whether your department "
    "or the whole organisation may see it too."
)
PANEL_SIZE = 10
# The same praise typed again within this time is the praise already given (Back, then
# "Give praise" on a fresh form that the browser refilled).
SAME_PRAISE_WINDOW = dt.timedelta(hours=1)

# --- Reads ---------------------------------------------------------------------------


def organisation_wall(viewer: User) -> QuerySet[Praise]:
    """The praise its recipients showed to the whole organisation, newest first."""
    return praise_visible_to(viewer).filter(
        visibility=PraiseVisibility.ORGANISATION, withdrawn_at__isnull=True
    )


def department_wall(viewer: User, department: Department) -> QuerySet[Praise]:
    """The praise shown to ``department`` (or to everyone) of people who were in it when
    they received it, newest first. The caller checked that ``viewer`` reads the wall."""
    return praise_visible_to(viewer).filter(
        home_department=department,
        visibility__in=SHOWN_BEYOND_MANAGERS,
        withdrawn_at__isnull=True,
    )


def praise_received(viewer: User) -> QuerySet[Praise]:
    return praise_visible_to(viewer).filter(employee=viewer, withdrawn_at__isnull=True)


def praise_given(viewer: User) -> QuerySet[Praise]:
    """What ``viewer`` gave, the withdrawn included (marked so on the page)."""
    return praise_visible_to(viewer).filter(giver=viewer)


def praise_of_person(
    viewer: User,
    person: User,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> list[Praise]:
    """The standing praise ``person`` received that ``viewer`` may see, newest first,
    given between ``start`` and ``end`` (days in the organisation's time zone) if set;
    each marked with what the viewer may read of it."""
    queryset = praise_visible_to(viewer).filter(employee=person, withdrawn_at__isnull=True)
    if start is not None:
        queryset = queryset.filter(given_at__gte=_day_start(start))
    if end is not None:
        queryset = queryset.filter(given_at__lt=_day_start(end + dt.timedelta(days=1)))
    return mark_for_viewer(viewer, queryset[:limit] if limit else queryset)


def person_praise_panel(viewer: User, person: User) -> list[PagePanel]:
    """The praise ``person`` received that ``viewer`` may see, the latest first, on their
    page; with a button to give them praise for anyone who may. Nothing when there is
    neither."""
    shown = praise_of_person(viewer, person, limit=PANEL_SIZE)
    give_url = (
        f"{named_url('coaching:praise_new')}?{urlencode({'employee': person.pk})}"
        if can_praise(viewer, person)
        else ""
    )
    if not shown and not give_url:
        return []
    context = {
        "praise_list": shown,
        "person": person,
        "give_url": give_url,
        "title": _("Praise received"),
    }
    return [PagePanel(render_to_string("coaching/_praise_panel.html", context))]


def praise_of_cycle(viewer: User, person: User, cycle: AppraisalCycle) -> list[Praise]:
    """The praise ``person`` received during ``cycle``'s dates that ``viewer`` may see."""
    return praise_of_person(viewer, person, start=cycle.start_date, end=cycle.end_date)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def praise_objectives(giver: User, employee: User) -> QuerySet[Objective]:
    """The objectives of ``employee`` a praise from ``giver`` may name: theirs, when the
    giver reads them (their managers; nobody else, HR excepted)."""
    if not can_read_objectives_of(giver, employee=employee):
        return Objective.objects.none()
    return (
        Objective.objects.filter(employee=employee)
        .select_related("cycle")
        .order_by("-cycle__start_date", "title")
    )


def company_values_offered() -> QuerySet[CompanyValue]:
    return CompanyValue.objects.filter(active=True)


def praise_from_session(giver: User, session: CoachingSession) -> Praise | None:
    """The standing praise ``giver`` already gave from ``session`` (the latest), if any."""
    return (
        Praise.objects.filter(session=session, giver=giver, withdrawn_at__isnull=True)
        .order_by("-given_at", "-pk")
        .first()
    )


def session_praise_initial(session: CoachingSession) -> dict[str, str]:
    """What a praise form starts from: the shared *what went well* and its example.
    Never the private note, nor any other part of the session."""
    behaviour_field = Praise._meta.get_field("behaviour")
    limit = getattr(behaviour_field, "max_length", None) or 200
    return {
        "behaviour": session.strengths.strip()[:limit],
        "example": session.strengths_example.strip(),
    }


# --- Writes --------------------------------------------------------------------------


@transaction.atomic
def praise_give(
    *,
    giver: User,
    employee: User,
    behaviour: str,
    example: str,
    objective: Objective | None = None,
    value: CompanyValue | None = None,
    session: CoachingSession | None = None,
    form_key: uuid.UUID | None = None,
) -> tuple[Praise, bool]:
    """Praise ``employee`` (private until they show it) and tell them, in-app and by
    e-mail in their language, once the praise is saved. Returns the praise and whether
    it is new.

    Given once: ``form_key`` names the form it came from, so that form sent again (also
    twice at once, a unique key) finds the praise it gave; and the same behaviour and
    example for the same person from the same giver within ``SAME_PRAISE_WINDOW`` (not
    withdrawn) is that praise too, whatever the form. Nobody is told twice.
    """
    if not can_praise(giver, employee):
        raise ValidationError(_("You can praise anyone else in the organisation chart."))
    behaviour, example = behaviour.strip(), example.strip()
    if not example:
        raise ValidationError(_("Praise must cite a concrete example."))
    if objective is not None and objective.employee_id != employee.pk:
        raise ValidationError(_("The objective must be one of the person's own."))
    if session is not None and session.employee_id != employee.pk:
        raise ValidationError(_("The session must be one of the person's own."))
    # One giver gives one praise at a time: two sends of the same praise queue here.
    User.objects.select_for_update().filter(pk=giver.pk).exists()
    mine = Praise.objects.filter(giver=giver, employee=employee)
    if form_key is not None:
        given = mine.filter(form_key=form_key).first()
        if given is not None:
            return given, False
    same = (
        mine.filter(
            behaviour=behaviour,
            example=example,
            withdrawn_at__isnull=True,
            given_at__gte=timezone.now() - SAME_PRAISE_WINDOW,
        )
        .order_by("-given_at", "-pk")
        .first()
    )
    if same is not None:
        return same, False
    try:
        with transaction.atomic():
            praise = Praise.objects.create(
                employee=employee,
                giver=giver,
                behaviour=behaviour,
                example=example,
                objective=objective,
                value=value,
                session=session,
                form_key=form_key,
            )
    except IntegrityError:
        given = mine.filter(form_key=form_key).first() if form_key is not None else None
        if given is None:
            raise  # the key of someone else's form: not theirs to find
        return given, False
    # In this transaction: the praise, its notification and its e-mail (to the outbox),
    # together or not at all.
    praise_received_notify(praise_id=praise.pk)
    return praise, True


def praise_received_notify(*, praise_id: int) -> int:
    """Tell the recipient of a praise, once ever (``reminders_send`` records it)."""
    praise = Praise.objects.select_related("employee", "giver").filter(pk=praise_id).first()
    if praise is None or praise.withdrawn_at is not None or not praise.employee.is_active:
        return 0
    reminder = Reminder(
        kind=PRAISE_RECEIVED,
        recipient=praise.employee,
        key=f"praise:{praise.pk}",
        subject=PRAISE_RECEIVED_SUBJECT,
        lines=[PRAISE_RECEIVED_LINE],
        url=praise.get_absolute_url(),
        params={"giver": praise.giver.full_name, "behaviour": praise.behaviour},
    )
    return reminders_send([reminder])[PRAISE_RECEIVED]


@transaction.atomic
def praise_visibility_set(*, actor: User, praise: Praise, visibility: str) -> Praise:
    """The recipient chooses who sees their praise; nobody else can."""
    if not can_set_praise_visibility(actor, praise):
        raise ValidationError(_("Only the person praised chooses who sees it."))
    if visibility not in PraiseVisibility.values:
        raise ValidationError(_("Choose who may see it."))
    praise.visibility = visibility
    praise.save(update_fields=["visibility"])
    return praise


@transaction.atomic
def praise_withdraw(*, actor: User, praise: Praise) -> Praise:
    """The giver takes their praise back: from then on only they see it, as withdrawn."""
    if not can_withdraw_praise(actor, praise):
        raise ValidationError(_("Only its giver withdraws a praise, once."))
    praise.withdrawn_at = timezone.now()
    praise.save(update_fields=["withdrawn_at"])
    praise_notifications_remove([praise])
    return praise


def praise_notifications_remove(praise: Iterable[Praise]) -> int:
    """Remove every notification that links to these praise (their recipients', and
    anyone's), read or not: withdrawn or deleted, the praise opens for none of them."""
    urls = [item.get_absolute_url() for item in praise]
    if not urls:
        return 0
    removed, _kinds = Notification.objects.filter(url__in=urls).delete()
    return removed


@transaction.atomic
def company_value_save(
    *,
    value: CompanyValue | None,
    name: str,
    description: str,
    position: int,
    active: bool,
) -> CompanyValue:
    """Add a company value (``value`` None) or rename, reorder or stop offering one.
    The caller checked that the actor is HR."""
    if value is None:
        value = CompanyValue()
    value.name = name.strip()
    value.description = description.strip()
    value.position = position
    value.active = active
    value.save()
    return value
