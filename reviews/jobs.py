"""The background jobs: month-end generation, reminders and the weekly digest.

Beat runs each job every hour; the job itself decides what is due from the
organisation's local time and the HR settings, so a missed run is caught up
by the next one, and everything it does is safe to run twice (tables are
unique per subject and month; each reminder is recorded before it is sent).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.functional import lazystr
from django.utils.translation import gettext_noop, ngettext_lazy

from accounts.integration_models import WebhookEvent
from accounts.models import HR_GROUP_NAME, SentReminder, User
from accounts.notifications import Reminder, reminders_send, unsent
from accounts.texts import day_param
from coaching.checkpoints import (
    checkpoints_open,
    coaches_with_open_checkpoints,
    open_checkpoint_counts,
)
from coaching.feedback import feedback_rounds_close_due
from coaching.models import ActionItem
from coaching.permissions import sessions_of_closed_cycles
from coaching.reminders import (
    action_item_reminders,
    checkpoint_reminders,
    follow_up_reminders,
    improvement_plan_reminders,
    not_coached,
    not_coached_reminders,
)
from plans.early_warnings import early_warnings_for_digest
from plans.models import AppraisalCycle, EarlyWarning
from plans.months import first_of_next_month, month_end, months_between
from plans.services import objective_progress_refresh
from reviews.job_outcomes import (
    Outcome,
    digests_sent,
    feedback_rounds_closed,
    nothing_due,
    outcome_log,
    progress_restated,
    reminders_sent,
    results_prepared,
    tables_generated,
    targets_checked,
)
from reviews.models import JobRun, JobSettings, ReviewTable
from reviews.results import results_prepare_due
from reviews.selectors import late_tables
from reviews.services import month_tables_generate
from reviews.webhook_events import review_table_webhook

OPEN = (ReviewTable.Status.DRAFT, ReviewTable.Status.RETURNED)
CLOSED_CYCLE = AppraisalCycle.State.CLOSED
# Told to the manager and HR, in each one's language (``accounts.texts``).
KEY = "reminder_key"  # each table's reminders are keyed by its pk (``unsent``)
DAYS_OVERDUE = ngettext_lazy(
    "%(table)s is %(days)s day overdue.", "%(table)s is %(days)s days overdue.", "days"
)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now or timezone.now())


def months_due(
    today: dt.date, job_settings: JobSettings, since: dt.date | None = None
) -> list[dt.date]:
    """Every month from ``since``'s (the day of the last successful run; None: this
    month) to this one, and, near this month's end, the next (issue 15 §4, catch-up).

    Re-running a month since the last run is what lets an objective added after
    that run, or a month missed while the worker was down, still get its tables.
    """
    month = today.replace(day=1)
    due = months_between(min(since, today), today) if since is not None else [month]
    if today >= month_end(month) - dt.timedelta(days=job_settings.generation_lead_days):
        due.append(first_of_next_month(month))
    return due


def _last_ok_day(job: str) -> dt.date | None:
    """The local day the job last succeeded on, if ever."""
    last = (
        JobRun.objects.filter(job=job, outcome=JobRun.Outcome.OK)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return timezone.localtime(last).date() if last is not None else None


def _ran_ok_today(job: str, today: dt.date) -> bool:
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return JobRun.objects.filter(job=job, outcome=JobRun.Outcome.OK, started_at__gte=start).exists()


def _record(job: str, work: Callable[[], list[Outcome]]) -> JobRun:
    """Run ``work`` as a recorded run of ``job``: what it did is kept as data (``report``,
    worded in each reader's language on the jobs page) and as an English log line."""
    run = JobRun.objects.create(job=job)
    try:
        report = work()
    except Exception as error:
        run.outcome, run.detail = JobRun.Outcome.FAILED, f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "detail", "finished_at"])
        raise
    run.outcome, run.report, run.finished_at = JobRun.Outcome.OK, report, timezone.now()
    run.detail = outcome_log(report)
    run.save(update_fields=["outcome", "report", "detail", "finished_at"])
    return run


def month_end_generation_run(
    *, now: dt.datetime | None = None, force: bool = False
) -> JobRun | None:
    """Create the tables of every due month in active cycles (once a day, after the hour):
    each month since the last successful run, so nothing missed is left (``months_due``)."""
    moment = local_now(now)
    job_settings = JobSettings.current()
    if not force and (
        moment.hour < job_settings.generation_hour
        or _ran_ok_today("month_end_generation", moment.date())
    ):
        return None

    since = _last_ok_day("month_end_generation")

    def work() -> list[Outcome]:
        done = [
            tables_generated(
                cycle=cycle.name,
                month=month,
                tables=result.tables_created,
                rows=result.rows_created,
                carried=result.items_carried,
            )
            for month in months_due(moment.date(), job_settings, since)
            for cycle, result in month_tables_generate(month=month)
        ]
        # The plan moves with the calendar: restate every objective for today.
        done.append(progress_restated(count=objective_progress_refresh(today=moment.date())))
        # Cycles that ended: their results (issue 17 §3), refreshed until proposed.
        done.extend(
            results_prepared(cycle=cycle.name, created=made.created, refreshed=made.refreshed)
            for cycle, made in results_prepare_due(today=moment.date())
            if made.created or made.refreshed
        )
        # Time nodes that passed: judge their phase targets, open checkpoints for misses.
        opened = checkpoints_open(today=moment.date())
        if opened.checked:
            done.append(
                targets_checked(checked=opened.checked, missed=opened.missed, opened=opened.opened)
            )
        # Upward feedback rounds past their closing date (issue 18 §2): closed.
        done.extend(
            feedback_rounds_closed(round=name)
            for name in feedback_rounds_close_due(today=moment.date())
        )
        return done

    return _record("month_end_generation", work)


# --- Reminders -------------------------------------------------------------------


def _hr_people() -> list[User]:
    return list(User.objects.filter(groups__name=HR_GROUP_NAME, is_active=True))


def _review_reminders(today: dt.date, job_settings: JobSettings) -> Iterable[Reminder]:
    # Nothing about a person who has left (issue 15, section 3): their table is theirs
    # alone; nothing about a closed cycle (§4), even a table left open by an old close.
    tables = (
        ReviewTable.objects.filter(status__in=OPEN)
        .exclude(employee__is_active=False)
        .exclude(cycle__state=CLOSED_CYCLE)
        .select_related("employee__manager", "department__head", "department__parent__head")
    )
    hr = _hr_people()
    tables = _review_reminders_unsent(tables, today, job_settings, hr)
    for table in tables:
        days_left = (table.deadline - today).days
        assessee = table.employee or (table.department.head if table.department else None)
        params: dict[str, Any] = {
            "table": lazystr(table),  # "Rob Report · March 2026", in the reader's language
            "deadline": day_param(table.deadline),
        }
        url = table.get_absolute_url()
        if assessee is None:
            continue
        if 0 <= days_left <= job_settings.due_soon_days:
            yield Reminder(
                "review_due_soon",
                assessee,
                str(table.pk),
                gettext_noop("Your review table %(table)s is due on %(deadline)s."),
                [gettext_noop("Fill it in and submit it before the deadline.")],
                url,
                params,
                # A department's head who left: the stand-in reads it about the table.
                stand_in_subject=gettext_noop("The review table %(table)s is due on %(deadline)s."),
            )
        if days_left < 0:
            overdue = -days_left
            params = {**params, "days": overdue}
            yield Reminder(
                "review_overdue",
                assessee,
                str(table.pk),
                gettext_noop("Your review table %(table)s is overdue since %(deadline)s."),
                [gettext_noop("Please submit it as soon as you can.")],
                url,
                params,
                stand_in_subject=gettext_noop(
                    "The review table %(table)s is overdue since %(deadline)s."
                ),
                # Recorded once per table: the endpoints hear of it once too.
                webhook=review_table_webhook(table, event=WebhookEvent.REVIEW_OVERDUE),
            )
            if overdue >= job_settings.overdue_manager_days:
                if table.employee is not None:
                    manager = table.employee.manager
                    managers = [manager] if manager is not None else []
                else:
                    parent = table.department.parent if table.department else None
                    managers = [parent.head] if parent and parent.head else []
                for manager in managers:
                    yield Reminder(
                        "review_overdue_manager",
                        manager,
                        str(table.pk),
                        DAYS_OVERDUE,
                        [gettext_noop("The review table has not been submitted yet.")],
                        url,
                        params,
                    )
            if overdue >= job_settings.overdue_hr_days:
                for person in hr:
                    yield Reminder(
                        "review_overdue_hr",
                        person,
                        str(table.pk),
                        DAYS_OVERDUE,
                        [gettext_noop("Neither the assessee nor the manager has acted yet.")],
                        url,
                        params,
                    )


def _review_reminders_unsent(
    tables: QuerySet[ReviewTable], today: dt.date, job_settings: JobSettings, hr: list[User]
) -> QuerySet[ReviewTable]:
    """``tables`` with a reminder ``_review_reminders`` would send that nobody recorded
    yet (``unsent``), decided in SQL: a re-run with nothing to send loads no table
    (issue 21 §5). Each branch mirrors one reminder of ``_review_reminders``."""
    soon = today + dt.timedelta(days=job_settings.due_soon_days)
    to_manager = today - dt.timedelta(days=job_settings.overdue_manager_days)
    to_hr = today - dt.timedelta(days=job_settings.overdue_hr_days)
    # One condition per HR person (a handful): each an anti-join PostgreSQL can hash.
    hr_not_told = Q(pk__in=[])
    for person in hr:
        told = SentReminder.objects.filter(kind="review_overdue_hr", recipient=person)
        hr_not_told |= Q(~Exists(told.filter(key=OuterRef(KEY))))
    return tables.alias(
        reminder_key=Cast("pk", CharField()),
        assessee_id=Coalesce("employee_id", "department__head_id"),
        manager_id=Case(
            When(employee__isnull=False, then=F("employee__manager_id")),
            default=F("department__parent__head_id"),
        ),
    ).filter(
        Q(assessee_id__isnull=False)
        & (
            Q(
                unsent("review_due_soon", recipient="assessee_id", key=KEY),
                deadline__gte=today,
                deadline__lte=soon,
            )
            | Q(unsent("review_overdue", recipient="assessee_id", key=KEY), deadline__lt=today)
            | Q(
                unsent("review_overdue_manager", recipient="manager_id", key=KEY),
                manager_id__isnull=False,
                deadline__lt=today,
                deadline__lte=to_manager,
            )
            | Q(hr_not_told, deadline__lt=today, deadline__lte=to_hr)
        )
    )


def reminders_run(*, now: dt.datetime | None = None, force: bool = False) -> JobRun | None:
    """Send every reminder that is due; each at most once, ever."""
    moment = local_now(now)
    job_settings = JobSettings.current()
    if not force and moment.hour < job_settings.generation_hour:
        return None
    today = moment.date()

    def work() -> list[Outcome]:
        counts: Counter[str] = Counter()
        sources = [
            _review_reminders(today, job_settings),
            action_item_reminders(today),
            follow_up_reminders(today),
            improvement_plan_reminders(today),
            checkpoint_reminders(today),
            not_coached_reminders(today, days=job_settings.not_coached_days),
        ]
        for source in sources:
            counts.update(reminders_send(source))
        sent = [reminders_sent(kind=k, count=v) for k, v in sorted(counts.items())]
        return sent or [nothing_due()]

    return _record("reminders", work)


def weekly_digest_run(*, now: dt.datetime | None = None, force: bool = False) -> JobRun | None:
    """On the digest day, one e-mail per manager with the team at a glance."""
    moment = local_now(now)
    job_settings = JobSettings.current()
    if not force and (
        moment.weekday() != job_settings.digest_weekday
        or moment.hour < job_settings.generation_hour
    ):
        return None
    today = moment.date()
    year, week, _day = today.isocalendar()

    key = f"{year}-W{week:02d}"

    def digests() -> Iterator[Reminder]:
        # Those with a team, and coaches with early warnings not yet in a digest (the
        # head above a department may manage nobody directly).
        warned = EarlyWarning.objects.filter(digest_key="").values("coach_id")
        to_talk = coaches_with_open_checkpoints().values("pk")
        managers = list(
            User.objects.filter(is_active=True, weekly_digest=True)
            .filter(Q(direct_reports__is_active=True) | Q(pk__in=warned) | Q(pk__in=to_talk))
            .distinct()
        )
        # Those whose digest this week went already keep their warnings for the next.
        sent = SentReminder.objects.filter(kind="weekly_digest", key=key).values_list(
            "recipient_id", flat=True
        )
        warnings = early_warnings_for_digest(
            coach_ids=set(m.pk for m in managers) - set(sent), key=key
        )
        # Each count grouped by manager: five queries for every digest together.
        team = Q(employee__manager__in=managers, employee__is_active=True)
        tables = (
            ReviewTable.objects.filter(team)
            .exclude(cycle__state=CLOSED_CYCLE)
            .values("employee__manager_id")
            .order_by()
        )
        late = dict(
            tables.filter(late_tables(today))
            .annotate(n=Count("pk"))
            .values_list("employee__manager_id", "n")
        )
        waiting = dict(
            tables.filter(status__in=[ReviewTable.Status.SUBMITTED, ReviewTable.Status.IN_REVIEW])
            .annotate(n=Count("pk"))
            .values_list("employee__manager_id", "n")
        )
        overdue_items = dict(
            ActionItem.objects.filter(
                session__employee__manager__in=managers,
                session__employee__is_active=True,
                done_at__isnull=True,
                due_date__lt=today,
            )
            .exclude(session__in=sessions_of_closed_cycles())
            .values("session__employee__manager_id")
            .order_by()
            .annotate(n=Count("pk"))
            .values_list("session__employee__manager_id", "n")
        )
        uncoached = Counter(
            not_coached(
                User.objects.filter(manager__in=managers, is_active=True),
                today=today,
                days=job_settings.not_coached_days,
            ).values_list("manager_id", flat=True)
        )
        checkpoints = open_checkpoint_counts([m.pk for m in managers])
        for manager in managers:
            counts = {
                "checkpoints": checkpoints.get(manager.pk, 0),
                "waiting": waiting.get(manager.pk, 0),
                "late": late.get(manager.pk, 0),
                "items": overdue_items.get(manager.pk, 0),
                "days": job_settings.not_coached_days,
                "not_coached": uncoached.get(manager.pk, 0),
            }
            early = warnings.get(manager.pk, [])
            counts["warnings"] = len(early)
            yield Reminder(
                "weekly_digest",
                manager,
                key,
                ngettext_lazy(
                    "Your team this week: %(waiting)s table to review, %(late)s late, "
                    "%(warnings)s early warnings.",
                    "Your team this week: %(waiting)s tables to review, %(late)s late, "
                    "%(warnings)s early warnings.",
                    "waiting",
                )
                if early
                else ngettext_lazy(
                    "Your team this week: %(waiting)s table to review, %(late)s late.",
                    "Your team this week: %(waiting)s tables to review, %(late)s late.",
                    "waiting",
                ),
                [
                    gettext_noop("Review tables waiting for you: %(waiting)s."),
                    gettext_noop("Review tables past their deadline: %(late)s."),
                    gettext_noop("Overdue action items: %(items)s."),
                    ngettext_lazy(
                        "People nobody has coached for %(days)s day: %(not_coached)s.",
                        "People nobody has coached for %(days)s days: %(not_coached)s.",
                        "days",
                    ),
                    gettext_noop(
                        "Checkpoints to talk through (missed phase targets): %(checkpoints)s."
                    ),
                    # Already in the coach's language; "%" escaped for the formatting after.
                    *(line.replace("%", "%%") for line in early),
                ],
                "/",
                counts,
            )

    def work() -> list[Outcome]:
        return [digests_sent(count=sum(reminders_send(digests()).values()))]

    return _record("weekly_digest", work)
