"""Logging coaching: the one-minute note, the full session, suggestions, lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, CoachingType, ImprovementPlan
from coaching.selectors import coaching_type_suggest
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def test_a_one_minute_note_is_three_fields(client, manager, report):
    client.force_login(manager)
    response = client.post(
        reverse("coaching:session_quick"),
        {"employee": report.pk, "type": "encouragement", "note": "Nice demo today."},
    )
    session = CoachingSession.objects.get()
    assert response.url == session.get_absolute_url()
    assert (session.duration_minutes, session.type, session.note) == (
        1,
        "encouragement",
        "Nice demo today.",
    )
    assert session.held_on == timezone.localdate()


def test_a_quick_note_is_only_for_ones_own_reports(client, manager, peer):
    client.force_login(manager)
    response = client.post(
        reverse("coaching:session_quick"), {"employee": peer.pk, "type": "guidance", "note": "x"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CoachingSession.objects.exists()


def session_data(report, **extra):
    data = {
        "employee": report.pk,
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "type": "instruction",
        "form": "formal",
        "occasion": "daily",
        "moment": "before",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_a_specific_instruction_session_breaks_the_work_into_dated_steps(
    client, manager, report, cycle
):
    objective = make_objective(cycle, employee=report)
    due = timezone.localdate() + dt.timedelta(days=7)
    client.force_login(manager)
    steps = {}
    for index, title in enumerate(["Read the guide", "Shadow two calls", "Make ten calls"]):
        steps[f"items-{index}-title"] = title
        steps[f"items-{index}-owner"] = str(report.pk)
        steps[f"items-{index}-due_date"] = due.isoformat()
    response = client.post(
        reverse("coaching:session_new"),
        session_data(
            report,
            **steps,
            **{f"obj-{objective.pk}-linked": "on", f"obj-{objective.pk}-assessment": "lagging"},
        ),
    )
    session = CoachingSession.objects.get()
    assert response.status_code == 302
    assert [i.title for i in session.action_items.all()] == [
        "Read the guide",
        "Shadow two calls",
        "Make ten calls",
    ]
    assert session.sessionobjective_set.get().assessment == "lagging"
    assert session.suggested_type  # the suggestion is kept with the session


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"strengths": "Great job!"}, "Praise must cite a concrete example"),
        ({"duration_minutes": "0"}, "greater than or equal to 1"),
        ({"duration_minutes": "900"}, "less than or equal to 600"),
        ({"type": "shouting"}, "Select a valid choice"),
        (
            {"difficulty_cause": "skill", "support": "authority", "countermeasure": "x"},
            "calls for training",
        ),
        ({"difficulty_cause": "outside"}, "Say what will be done"),
        ({"follow_up_on": "2000-01-01"}, "The follow-up comes after the session."),
        ({"items-0-due_date": "2000-01-01", "items-0-title": "Late"}, "The due date comes after"),
    ],
)
def test_bad_session_input_is_refused_next_to_the_field(client, manager, report, extra, message):
    client.force_login(manager)
    data = session_data(report, **extra)
    data.setdefault("items-0-owner", str(report.pk))
    response = client.post(reverse("coaching:session_new"), data)
    assert message in response.content.decode()
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()


def test_a_note_expands_into_the_full_form_later(client, manager, report):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", note="Quick word on pricing."
    )
    client.force_login(manager)
    client.post(
        reverse("coaching:session_edit", args=[session.pk]),
        session_data(
            report,
            type="guidance",
            note="Quick word on pricing.",
            strengths="Clear pricing talk.",
            strengths_example="Explained the discount tiers to Lakeside on Monday.",
        ),
    )
    session.refresh_from_db()
    assert session.strengths_example.startswith("Explained") and session.duration_minutes == 45


# --- The suggested type: every branch ------------------------------------------


def test_no_plan_suggests_specific_instruction(cycle, report):
    suggestion = coaching_type_suggest(employee=report)
    assert suggestion.type == CoachingType.INSTRUCTION and "No objectives" in suggestion.reason


def test_lagging_with_falling_confidence_suggests_directional_guidance(cycle, report):
    today = timezone.localdate()
    for title in ("A", "B"):
        objective = make_objective(cycle, employee=report, title=title, weight=30)
        check_in(objective, 0, on=today, author=report, confidence=2)
    make_objective(cycle, employee=report, title="C", weight=40, target=1)
    done = report.objectives.get(title="C")
    check_in(done, 1, on=today, author=report, confidence=2)
    suggestion = coaching_type_suggest(employee=report, today=today)
    assert suggestion.type == CoachingType.GUIDANCE
    assert suggestion.reason.startswith("2 of 3 objectives lag the plan and confidence fell to 2")


def test_low_confidence_alone_suggests_guidance(cycle, report):
    today = timezone.localdate()
    objective = make_objective(cycle, employee=report, target=1)
    check_in(objective, 1, on=today, author=report, confidence=1)
    suggestion = coaching_type_suggest(employee=report, today=today)
    assert suggestion.type == CoachingType.GUIDANCE and "confidence fell to 1" in suggestion.reason


def test_still_lagging_after_two_guidance_sessions_suggests_instruction(cycle, report, manager):
    today = timezone.localdate()
    objective = make_objective(cycle, employee=report)
    check_in(objective, 0, on=today, author=report, confidence=3)
    for days in (20, 10):
        CoachingSession.objects.create(
            coach=manager, employee=report, type="guidance", held_on=today - dt.timedelta(days=days)
        )
    suggestion = coaching_type_suggest(employee=report, today=today)
    assert suggestion.type == CoachingType.INSTRUCTION and "after two guidance" in suggestion.reason


def test_everything_on_track_suggests_encouragement(cycle, report):
    today = timezone.localdate()
    objective = make_objective(cycle, employee=report, target=1)
    check_in(objective, 1, on=today, author=report, confidence=4)
    suggestion = coaching_type_suggest(employee=report, today=today)
    assert suggestion.type == CoachingType.ENCOURAGEMENT


def test_the_suggestion_is_shown_when_a_session_is_started(client, manager, report, cycle):
    client.force_login(manager)
    body = client.get(reverse("coaching:session_new"), {"employee": report.pk}).content.decode()
    assert "Suggested:" in body and "specific instruction" in body


# --- Lists ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_overview_queries_do_not_grow(client, manager, size, django_assert_max_num_queries):
    people = UserFactory.create_batch(size, manager=manager)
    for person in people:
        session = CoachingSession.objects.create(coach=manager, employee=person, type="guidance")
        ActionItem.objects.create(session=session, title="Step", owner=person)
    client.force_login(manager)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("coaching:overview"), {"type": "guidance"})
    assert response.content.decode().count("data-person=") == size


def test_overview_pages_a_large_chain_longest_waiting_first(client, manager):
    today = timezone.localdate()
    people = [UserFactory(full_name=f"Person {n:02d}", manager=manager) for n in range(53)]
    for n, person in enumerate(people[:50]):  # 50 coached, 3 never
        CoachingSession.objects.create(
            coach=manager, employee=person, type="guidance", held_on=today - dt.timedelta(days=n)
        )
    client.force_login(manager)
    first = client.get(reverse("coaching:overview")).content.decode()
    assert first.count("data-person=") == 50 and "53 people" in first
    rows = first.split('data-testid="overview"', 1)[1]
    assert rows.index("Person 52") < rows.index("Person 49") < rows.index("Person 03")
    second = client.get(reverse("coaching:overview"), {"page": 2}).content.decode()
    assert second.count("data-person=") == 3 and "Person 00" in second  # coached today: last
    assert "Person 03" not in second


def test_overview_shows_the_last_session_and_filters_by_type(client, manager, report):
    today = timezone.localdate()
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=today - dt.timedelta(days=9)
    )
    CoachingSession.objects.create(
        coach=manager, employee=report, type="encouragement", held_on=today - dt.timedelta(days=2)
    )
    client.force_login(manager)
    body = client.get(reverse("coaching:overview")).content.decode()
    assert "Encouragement" in body and ">2</td>" in body
    guidance = client.get(reverse("coaching:overview"), {"type": "guidance"}).content.decode()
    assert ">9</td>" in guidance


@pytest.mark.parametrize("size", [5, 50])
def test_timeline_queries_do_not_grow(
    client, manager, report, cycle, size, django_assert_max_num_queries
):
    objective = make_objective(cycle, employee=report)
    for index in range(size):
        session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
        ActionItem.objects.create(session=session, title=f"Step {index}", owner=report)
        check_in(objective, index, on=cycle.start_date, author=report)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert response.content.decode().count("Step ") == size


def test_an_improvement_plan_is_opened_and_followed_by_sessions(client, manager, report, cycle):
    objective = make_objective(cycle, employee=report)
    client.force_login(manager)
    review = timezone.localdate() + dt.timedelta(days=14)
    missing = client.post(
        reverse("coaching:improvement_plan_new"),
        {"employee": report.pk, "objective": objective.pk, "measures": "", "first_review": ""},
    )
    assert "This field is required" in missing.content.decode()
    client.post(
        reverse("coaching:improvement_plan_new"),
        {
            "employee": report.pk,
            "objective": objective.pk,
            "own_reasons": "Late proposals.",
            "measures": "Proposals within two days.",
            "first_review": review.isoformat(),
        },
    )
    plan = ImprovementPlan.objects.get()
    assert plan.review_days == [review] and plan.is_open
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", improvement_plan=plan, note="Follow-up"
    )
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Proposals within two days." in body and "Directional guidance" in body


def test_demo_has_every_kind_of_coaching(db):
    call_command("seed_demo")
    assert set(CoachingSession.objects.values_list("type", flat=True)) == set(CoachingType.values)
    today = timezone.localdate()
    assert ActionItem.objects.filter(done_at__isnull=True, due_date__lt=today).exists()
    assert ActionItem.objects.filter(done_at__isnull=True, due_date__gte=today).exists()
    assert ImprovementPlan.objects.count() == 1


def test_a_head_coaches_a_department_below_and_its_head_acknowledges(client, manager, sales, cycle):
    from tests.factories import DepartmentFactory

    east = DepartmentFactory(name="Sales East", parent=sales)
    east_head = UserFactory(department=east, manager=manager)
    east.head = east_head
    east.save()
    client.force_login(manager)
    page = client.get(reverse("coaching:department_objectives", args=[east.pk])).content.decode()
    assert f"?department={east.pk}" in page
    client.post(
        reverse("coaching:session_new"),
        {
            "department": east.pk,
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "30",
            "type": "guidance",
            "form": "formal",
            "occasion": "midterm",
            "moment": "during",
            "agreements": "Share one customer story a week.",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    session = CoachingSession.objects.get(department=east)
    client.force_login(east_head)
    body = client.get(session.get_absolute_url()).content.decode()
    assert "Share one customer story a week." in body
    client.post(reverse("coaching:session_acknowledge", args=[session.pk]), {"comment": ""})
    session.refresh_from_db()
    assert session.acknowledged_by == east_head
