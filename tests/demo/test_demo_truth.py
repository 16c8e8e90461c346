"""The demo tells the truth (issue 20 §5): no two of its texts alike, every step dated
inside the month it belongs to, and every step one the app's own rules allow (replayed
through the permission functions the views call)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

import pytest
from django.utils import timezone

from accounts.models import Notification, User
from accounts.selectors import user_roles
from coaching.models import ActionItem, CoachingSession
from coaching.permissions import can_coach, can_read_session_content, is_coachee
from coaching.praise_access import can_praise
from coaching.praise_models import Praise
from plans.models import AppraisalCycle, CheckIn
from plans.months import first_of_next_month
from reviews.models import CycleResult, Inquiry, ReviewEvent, ReviewTable, WorkPlanItem
from reviews.permissions import table_access, tables_visible_to

# Marked so that the test database is set up (the module's seed goes into it).
pytestmark = pytest.mark.django_db
Status = ReviewTable.Status
# The step a person takes to move a table from one status to another.
ACTIONS = {
    (Status.DRAFT, Status.SUBMITTED): "submit",
    (Status.RETURNED, Status.SUBMITTED): "submit",
    (Status.SUBMITTED, Status.IN_REVIEW): "start_review",
    (Status.SUBMITTED, Status.RETURNED): "return",
    (Status.IN_REVIEW, Status.RETURNED): "return",
    (Status.SUBMITTED, Status.FINALISED): "finalise",
    (Status.IN_REVIEW, Status.FINALISED): "finalise",
}
# A table's steps lie between its month's first day and a few days after its deadline.
AFTER_DEADLINE = dt.timedelta(days=3)


def repeated(texts: Iterable[str]) -> dict[str, int]:
    counts = Counter(text.strip() for text in texts if text and text.strip())
    return {text: count for text, count in counts.items() if count > 1}


def texts_of(model, field: str, **filters) -> list[str]:
    return list(model.objects.filter(**filters).values_list(field, flat=True))


KINDS = [
    ("ReviewRow", "gap_reason", {}),
    ("ReviewTable", "summary", {}),
    ("ReviewTable", "reviewer_summary", {}),
    ("ReviewTable", "suggestions", {}),
    ("ReviewTable", "expectations", {}),
    ("Inquiry", "question", {"kind": Inquiry.Kind.QUESTION}),
    ("Inquiry", "question", {"kind": Inquiry.Kind.SUGGESTION}),
    ("Inquiry", "answer", {}),
    ("ReviewEvent", "comment", {"to_status": Status.RETURNED}),
    ("WorkPlanItem", "title", {"kind": WorkPlanItem.Kind.NEXT}),
    ("CoachingSession", "note", {}),
    ("CoachingSession", "strengths", {}),
    ("CoachingSession", "agreements", {}),
    ("CheckIn", "note", {}),
    ("Praise", "behaviour", {}),
    ("Praise", "example", {}),
    ("PerformanceFact", "observed", {}),
    ("ImprovementPlan", "measures", {}),
    ("CycleResult", "proposed_comment", {}),
]


@pytest.mark.parametrize(("model", "field", "filters"), KINDS)
def test_no_two_demo_texts_of_a_kind_are_the_same(demo, model, field, filters):
    from django.apps import apps

    klass = next(m for m in apps.get_models() if m.__name__ == model)
    texts = texts_of(klass, field, **filters)
    assert len([text for text in texts if text.strip()]) >= 1 or model == "CycleResult"
    assert repeated(texts) == {}
    # Told apart by their words, not by a number added at the end.
    assert [text for text in texts if re.search(r" \(\d+\)$", text)] == []


def model_named(name: str):
    from django.apps import apps

    return next(m for m in apps.get_models() if m.__name__ == name)


def people_names() -> list[str]:
    """Every person's full and first name, longest first (to blank them out)."""
    names = set()
    for full_name in User.objects.exclude(full_name="").values_list("full_name", flat=True):
        names.update({full_name, full_name.split()[0]})
    return sorted(names, key=len, reverse=True)


def same_words(sentence: str, names: list[str]) -> str:
    """``sentence`` without what makes a template's copies differ: names and figures."""
    for name in names:
        sentence = sentence.replace(name, "NAME")
    return re.sub(r"\d[\d,.]*", "N", sentence)


# Sentences a demo may say twice (none so far: each is written for its table).
SAID_TWICE_ALLOWED: set[str] = set()


@pytest.mark.parametrize(("model", "field", "filters"), KINDS)
def test_no_sentence_comes_back_in_another_text_of_its_kind(demo, model, field, filters):
    """Unique as whole texts is not enough: a sentence of more than five words is
    written once, whoever it names ("The causes are in the rows and I have a plan for
    next month." six times, two results comments the same but for the name)."""
    from demo.texts import sentences

    names = people_names()
    where: dict[str, set[int]] = {}
    for pk, text in model_named(model).objects.filter(**filters).values_list("pk", field):
        for sentence in sentences(text or ""):
            if len(sentence.split()) > 5:  # noqa: PLR2004 - "Yes, agreed." may come back
                where.setdefault(same_words(sentence, names), set()).add(pk)
    again = {
        sentence: len(pks)
        for sentence, pks in where.items()
        if len(pks) > 1 and sentence not in SAID_TWICE_ALLOWED
    }
    assert again == {}


def test_the_demo_has_gap_reasons_questions_and_notes_to_read(demo):
    """The uniqueness above is not met by leaving the texts out."""
    assert len(texts_of(Inquiry, "answer")) >= 6
    assert CheckIn.objects.exclude(note="").count() >= 20
    assert CoachingSession.objects.exclude(note="").count() >= 20
    gap_rows = [r for r in texts_of(ReviewTable, "summary") if r]
    assert len(gap_rows) >= 10


def window(table: ReviewTable) -> tuple[dt.datetime, dt.datetime]:
    """From the first moment of the table's month to a few days after its deadline."""
    start = timezone.make_aware(dt.datetime.combine(table.month, dt.time.min))
    last = max(table.deadline, first_of_next_month(table.month))
    end = timezone.make_aware(dt.datetime.combine(last, dt.time.max)) + AFTER_DEADLINE
    return start, end


def outside(moments: dict[str, dt.datetime | None], start, end) -> dict[str, dt.datetime]:
    return {name: at for name, at in moments.items() if at is not None and not start <= at <= end}


def test_every_table_s_steps_lie_inside_its_month_or_just_after_its_deadline(demo):
    wrong = {}
    for table in ReviewTable.objects.prefetch_related("inquiries", "events"):
        start, end = window(table)
        end = min(end, demo)
        moments: dict[str, dt.datetime | None] = {
            "created": table.created_at,
            "submitted": table.submitted_at,
            "finalised": table.finalised_at,
        }
        for inquiry in table.inquiries.all():
            moments[f"asked {inquiry.pk}"] = inquiry.asked_at
            moments[f"answered {inquiry.pk}"] = inquiry.answered_at
        for event in table.events.all():
            if event.to_status in {Status.UNFINISHED, Status.WITHDRAWN}:
                continue  # the year's close and a departure: checked below
            moments[f"event {event.pk} {event.to_status}"] = event.at
        if problems := outside(moments, start, end):
            wrong[str(table)] = problems
    assert wrong == {}


def test_a_table_closed_or_withdrawn_was_so_after_its_month_began_and_by_now(demo):
    events = ReviewEvent.objects.filter(
        to_status__in=[Status.UNFINISHED, Status.WITHDRAWN]
    ).select_related("table__cycle")
    assert events
    for event in events:
        assert event.table.month <= timezone.localdate(event.at) and event.at <= demo
        if event.to_status == Status.UNFINISHED:  # the year closed after its end
            assert timezone.localdate(event.at) > event.table.cycle.end_date


def test_the_notifications_of_a_table_come_after_its_month_began(demo):
    tables = {table.get_absolute_url(): table for table in ReviewTable.objects.all()}
    notices = Notification.objects.filter(url__in=list(tables))
    assert notices.count() >= 10
    for notice in notices:
        table = tables[notice.url]
        start, end = window(table)
        if table.status in {Status.UNFINISHED, Status.WITHDRAWN}:
            end = demo  # told when the year closed or the person left
        assert start <= notice.created_at <= min(end, demo), (notice.message, notice.created_at)


def test_the_notifications_of_a_past_month_s_steps_carry_the_step_s_date(demo):
    """A question asked on a table of September does not reach its reader in December."""
    words = {Inquiry.Kind.QUESTION: "asked a question", Inquiry.Kind.SUGGESTION: "suggestion"}
    for inquiry in Inquiry.objects.select_related("table"):
        told = Notification.objects.filter(
            url=inquiry.table.get_absolute_url(), message__contains=words[inquiry.kind]
        )
        assert any(
            abs(notice.created_at - inquiry.asked_at) < dt.timedelta(minutes=1) for notice in told
        ), inquiry.question


def test_check_ins_sessions_and_answers_are_written_on_their_own_days(demo):
    for checkin in CheckIn.objects.all():
        assert timezone.localdate(checkin.created_at) == checkin.recorded_on, checkin.note
    for session in CoachingSession.objects.all():
        assert timezone.localdate(session.created_at) == session.held_on, session.note
        if session.acknowledged_at:
            assert timezone.localdate(session.acknowledged_at) >= session.held_on
    for item in ActionItem.objects.exclude(done_at=None).select_related("session"):
        assert timezone.localdate(item.done_at) >= item.session.held_on
    last_year = AppraisalCycle.objects.get(name=str(timezone.localdate().year - 1))
    for result in CycleResult.objects.filter(cycle=last_year).exclude(proposed_at=None):
        assert timezone.localdate(result.proposed_at) > last_year.end_date


def test_nothing_in_the_demo_is_dated_after_it_was_seeded(demo):
    from django.apps import apps
    from django.db import models

    later = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "plans", "coaching", "reviews"}:
            continue
        for field in model._meta.concrete_fields:
            if type(field) is models.DateTimeField and field.name not in {
                "due_at",
                "give_up_at",
                "claimed_until",
                "expires_at",
                "locked_until",
            }:
                latest = model.objects.filter(**{f"{field.name}__gt": demo}).count()
                if latest:
                    later[f"{model.__name__}.{field.name}"] = latest
    assert later == {}


# --- The replay: every step through the permission checks the views make -------------


def as_it_was(table: ReviewTable, status: str) -> ReviewTable:
    """``table`` as it stood before a step: in ``status``, in a cycle still open."""
    table.status = status
    table.cycle.state = AppraisalCycle.State.ACTIVE
    return table


def fresh(pk: int) -> ReviewTable:
    return ReviewTable.objects.select_related(
        "cycle", "employee", "department__head", "department__parent"
    ).get(pk=pk)


def test_every_review_step_of_the_demo_is_one_its_actor_may_take(demo):
    refused = []
    events = ReviewEvent.objects.filter(kind=ReviewEvent.Kind.TRANSITION).select_related("actor")
    replayed = 0
    for event in events:
        if event.to_status in {Status.UNFINISHED, Status.WITHDRAWN}:
            # Closing a year and off-boarding are HR's (or the system's) steps.
            assert event.actor is None or user_roles(event.actor).is_hr
            continue
        action = ACTIONS[(event.from_status, event.to_status)]
        actor = event.actor
        assert actor is not None
        assert tables_visible_to(actor).filter(pk=event.table_id).exists(), (event, actor)
        access = table_access(actor, as_it_was(fresh(event.table_id), event.from_status))
        if action not in access.actions:
            refused.append((str(event.table), action, actor.email))
        replayed += 1
    assert replayed >= 20
    assert refused == []


def test_every_question_and_answer_of_the_demo_is_one_its_author_may_write(demo):
    refused = []
    for inquiry in Inquiry.objects.select_related("asked_by", "answered_by"):
        table = fresh(inquiry.table_id)
        asker = inquiry.asked_by
        if not tables_visible_to(asker).filter(pk=table.pk).exists():
            refused.append(("cannot open", str(table), asker.email))
        if not table_access(asker, as_it_was(table, Status.IN_REVIEW)).can_ask:
            refused.append(("ask", str(table), asker.email))
        if inquiry.answered_by is not None:
            access = table_access(inquiry.answered_by, as_it_was(fresh(table.pk), Status.IN_REVIEW))
            if not access.can_answer:
                refused.append(("answer", str(table), inquiry.answered_by.email))
    assert Inquiry.objects.count() >= 8
    assert refused == []


def test_nobody_questions_a_person_s_table_but_its_reviewers_and_hr(demo):
    """The head of Finance questions Sales East's table, never an employee's own."""
    for inquiry in Inquiry.objects.filter(table__employee__isnull=False).select_related(
        "table", "asked_by"
    ):
        access = table_access(inquiry.asked_by, fresh(inquiry.table_id))
        assert access.is_reviewer or access.is_hr, (str(inquiry.table), inquiry.asked_by)


def _as_when_held(session: CoachingSession) -> CoachingSession:
    """The session as at the time: its coachee still here (Ben Carter left since)."""
    if session.employee is not None:
        session.employee.is_active = True
    return session


def test_every_session_and_action_item_of_the_demo_is_one_its_people_may_hold(demo):
    refused = []
    sessions = CoachingSession.objects.select_related("coach", "employee", "department")
    for session in sessions:
        coach = session.coach
        if session.employee is not None and not session.employee.is_active:
            # Left since: coached by whom they reported to at the time.
            allowed = session.line_manager_id == coach.pk or session.employee.manager_id == coach.pk
        else:
            allowed = can_coach(coach, employee=session.employee, department=session.department)
        if not allowed or not can_read_session_content(coach, session):
            refused.append(("coach", session.pk, coach.email))
        if session.acknowledged_by is not None and not is_coachee(session.acknowledged_by, session):
            refused.append(("acknowledge", session.pk, session.acknowledged_by.email))
    for item in ActionItem.objects.select_related("session__employee", "owner", "done_by"):
        session = _as_when_held(item.session)
        people = {session.coach_id, session.employee_id}
        if item.owner_id not in people:
            refused.append(("owner", item.title, item.owner.email))
        if item.done_by is not None and item.done_by_id not in people | {item.owner_id}:
            refused.append(("done", item.title, item.done_by.email))
    assert sessions.count() >= 20
    assert refused == []


def test_every_praise_of_the_demo_is_one_its_giver_may_give(demo):
    for praise in Praise.objects.select_related("giver", "employee"):
        employee = praise.employee
        employee.is_active = True  # as at the time it was given
        assert can_praise(praise.giver, employee), (praise.giver, employee)


def test_the_demo_s_people_are_real_people(demo):
    """Sanity of the replay: the demo's accounts exist and the seed made its steps."""
    assert User.objects.filter(email="daniel.kim@example.com").exists()
    assert re.search(r"\w", " ".join(texts_of(ReviewTable, "summary")))


def test_every_checkpoint_talk_and_fact_of_the_demo_is_its_coach_s(demo):
    """A checkpoint is answered by the subject's coach; a fact recorded by the manager."""
    from coaching.checkpoint_models import Checkpoint
    from coaching.checkpoints import can_answer_checkpoint
    from coaching.facts import PerformanceFact, can_edit_fact

    answered = Checkpoint.objects.exclude(answered_by=None).select_related(
        "answered_by", "objective__cycle", "objective__employee", "objective__department"
    )
    assert answered
    for checkpoint in answered:
        assert can_answer_checkpoint(checkpoint.answered_by, checkpoint), checkpoint
    facts = PerformanceFact.objects.select_related("author", "employee")
    assert facts
    for fact in facts:
        assert can_edit_fact(fact.author, fact), fact.observed


def test_the_plans_were_agreed_in_the_cycle_s_first_weeks_not_when_the_demo_was_seeded(demo):
    """A plan the October tables were reviewed against was agreed early in its cycle (a
    tester read "confirmed on 1 Dec" on a whole year's plan)."""
    from plans.models import PerformancePlan

    agreed = PerformancePlan.objects.filter(
        employee_confirmed_at__isnull=False, manager_confirmed_at__isnull=False
    ).select_related("cycle")
    assert agreed.exists()
    for plan in agreed:
        first_weeks = plan.cycle.start_date + dt.timedelta(days=21)
        for moment in (plan.employee_confirmed_at, plan.manager_confirmed_at):
            day = timezone.localtime(moment).date()
            assert plan.cycle.start_date <= day <= max(first_weeks, plan.cycle.start_date), (
                f"{plan} agreed on {day}, outside its cycle's first weeks"
            )
