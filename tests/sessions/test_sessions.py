"""Logging coaching: the one-minute note, the full session, suggestions, lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.models import (
    ActionItem,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from coaching.selectors import coaching_type_suggest
from tests.factories import UserFactory, check_in, make_cycle, make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_errors,
    form_with_button,
    messages,
    options,
    press,
    tick,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def test_a_one_minute_note_is_three_fields(django_app, manager, report):
    page = django_app.get(reverse("coaching:session_quick"), user=manager)
    form = form_with_button(page, "Save note")
    choose(form, "employee", "Rob Report")
    choose(form, "type", "Encouragement & promotion")
    form["note"] = "Nice demo today."
    response = press(form, "Save note")
    session = CoachingSession.objects.get()
    assert response.location == session.get_absolute_url()
    assert (session.duration_minutes, session.type, session.note, session.coach) == (
        1,
        "encouragement",
        "Nice demo today.",
        manager,
    )
    assert session.held_on == timezone.localdate()
    shown = response.follow()
    assert messages(shown) == ["Note saved. You can expand it into a full session any time."]
    assert "Nice demo today." in shown.text


def test_the_quick_note_starts_with_the_person_it_was_opened_for(django_app, manager, report):
    page = django_app.get(reverse("coaching:session_quick"), {"employee": report.pk}, user=manager)
    form = form_with_button(page, "Save note")
    assert form["employee"].value == str(report.pk)
    form["note"] = "Good call."
    press(form, "Save note")
    assert CoachingSession.objects.get().employee == report


def test_an_empty_quick_note_is_refused_beside_the_note(django_app, manager, report):
    page = django_app.get(reverse("coaching:session_quick"), user=manager)
    form = form_with_button(page, "Save note")
    choose(form, "employee", "Rob Report")
    refused = press(form, "Save note")
    assert refused.status_code == 200
    assert errors_beside(refused, "note") == ["This field is required."]
    assert form_with_button(refused, "Save note")["employee"].value == str(report.pk)
    assert not CoachingSession.objects.exists()


def test_the_quick_note_offers_only_ones_own_reports(django_app, manager, report, indirect_report):
    page = django_app.get(reverse("coaching:session_quick"), user=manager)
    people = options(form_with_button(page, "Save note"), "employee")
    assert people == ["Choose a person", "Ivy Indirect", "Rob Report"]


def test_a_quick_note_about_someone_elses_report_is_refused(client, manager, peer):
    # An attack: Paul is not among the people offered, so only a forged POST names him.
    client.force_login(manager)
    response = client.post(
        reverse("coaching:session_quick"), {"employee": peer.pk, "type": "guidance", "note": "x"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CoachingSession.objects.exists()


def session_page(django_app, coach, url=None, **query):
    page = django_app.get(url or reverse("coaching:session_new"), query, user=coach)
    return page, form_with_button(page, "Save session")


def test_a_specific_instruction_session_breaks_the_work_into_dated_steps(
    django_app, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, title="Orders won", weight=60)
    make_objective(cycle, employee=report, title="Calls made", weight=40)
    due = timezone.localdate() + dt.timedelta(days=7)
    _page, form = session_page(django_app, manager, employee=report.pk)
    choose(form, "type", "Specific instruction")
    form["duration_minutes"] = "45"
    choose(form, "form", "Formal, planned session")
    choose(form, "moment", "Before the work starts")
    tick(form, "Orders won")
    choose(form, f"obj-{orders.pk}-assessment", "Lagging the plan")
    for index, title in enumerate(["Read the guide", "Shadow two calls", "Make ten calls"]):
        form[f"items-{index}-title"] = title
        choose(form, f"items-{index}-owner", "Rob Report (coachee)")
        form[f"items-{index}-due_date"] = due.isoformat()
    response = press(form, "Save session")
    session = CoachingSession.objects.get()
    assert response.location == session.get_absolute_url()
    assert (session.type, session.duration_minutes, session.form, session.moment) == (
        "instruction",
        45,
        "formal",
        "before",
    )
    assert [(i.title, i.owner, i.due_date) for i in session.action_items.all()] == [
        ("Read the guide", report, due),
        ("Shadow two calls", report, due),
        ("Make ten calls", report, due),
    ]
    link = SessionObjective.objects.get(session=session)  # "Calls made" was left unticked
    assert (link.objective, link.assessment) == (orders, "lagging")
    assert session.suggested_type  # the suggestion is kept with the session
    shown = response.follow()
    assert messages(shown) == ["The coaching session has been saved."]
    assert "Make ten calls" in shown.text and "Lagging the plan" in shown.text


def test_a_full_session_keeps_all_six_parts_and_the_private_note_for_its_author(
    django_app, manager, report, cycle
):
    make_objective(cycle, employee=report, title="Orders won")
    follow_up = timezone.localdate() + dt.timedelta(days=14)
    _page, form = session_page(django_app, manager, employee=report.pk)
    choose(form, "type", "Directional guidance")
    choose(form, "occasion", "Periodic mid-term review")
    form["note"] = "Mid-term talk."
    tick(form, "Orders won")
    choose(form, f"obj-{report.objectives.get().pk}-assessment", "Quality problem")
    form["strengths"] = "Clear proposals."
    form["strengths_example"] = "The Lakeside proposal on Monday."
    form["improvements"] = "Follow-up speed."
    form["improvement_cause"] = "Too many open leads."
    form["improvement_suggestion"] = "Close the cold ones."
    form["difficulties"] = "No CRM access."
    choose(form, "difficulty_cause", "Outside the person: give support")
    choose(form, "support", "Resources")
    form["countermeasure"] = "Ask IT for a licence."
    form["plan_adjustments"] = "Lower Q3 calls."
    form["next_objectives"] = "Ten proposals."
    form["agreements"] = "Weekly pipeline check."
    form["open_topics"] = "Training budget."
    form["follow_up_on"] = follow_up.isoformat()
    form["private_note"] = "Seems tired."
    response = press(form, "Save session")
    session = CoachingSession.objects.get()
    assert (session.difficulty_cause, session.support) == ("outside", "resources")
    assert session.follow_up_on == follow_up and session.private_note == "Seems tired."
    assert session.sessionobjective_set.get().assessment == "quality"
    mine = response.follow()
    for text in (
        "Clear proposals.",
        "Close the cold ones.",
        "Ask IT for a licence.",
        "Lower Q3 calls.",
        "Weekly pipeline check.",
        "Training budget.",
        "Seems tired.",
    ):
        assert text in mine.text
    theirs = django_app.get(session.get_absolute_url(), user=report)
    assert "Weekly pipeline check." in theirs.text and "Seems tired." not in theirs.text


def test_the_type_of_coaching_offers_the_three_kinds_only(django_app, manager, report):
    _page, form = session_page(django_app, manager, employee=report.pk)
    assert options(form, "type") == [
        "Specific instruction",
        "Directional guidance",
        "Encouragement & promotion",
    ]


DURATION = "Say how long it lasted: between 1 minute and 10 hours (600 minutes)."
SKILL = "Skill or knowledge: arrange training and coaching"
OUTSIDE = "Outside the person: give support"


@pytest.mark.parametrize(
    ("typed", "chosen", "field", "message"),
    [
        (
            {"strengths": "Great job!"},
            {},
            "strengths_example",
            "Praise must cite a concrete example: what exactly did they do, and when?",
        ),
        # One message for every duration out of range (0 said "≥ 1", -5 said "≥ 0").
        *(
            ({"duration_minutes": minutes}, {}, "duration_minutes", DURATION)
            for minutes in ("0", "-5", "601", "900")
        ),
        (
            {"countermeasure": "x"},
            {"difficulty_cause": SKILL, "support": "Authority"},
            "support",
            "A lack of skill or knowledge calls for training.",
        ),
        (
            {},
            {"difficulty_cause": OUTSIDE},
            "countermeasure",
            "Say what will be done about the difficulty.",
        ),
        (
            {"follow_up_on": "2000-01-01"},
            {},
            "follow_up_on",
            "The follow-up comes after the session.",
        ),
        (
            {"items-0-title": "Late", "items-0-due_date": "2000-01-01"},
            {"items-0-owner": "Rob Report (coachee)"},
            "items-0-due_date",
            "The due date comes after the session.",
        ),
        (
            {"items-1-due_date": "2030-01-01"},
            {},
            "items-1-title",
            "Say what the step is.",
        ),
    ],
)
def test_bad_session_input_is_refused_next_to_the_field(
    django_app, manager, report, typed, chosen, field, message
):
    _page, form = session_page(django_app, manager, employee=report.pk)
    form["note"] = "Typed before the mistake."
    for name, value in typed.items():
        form[name] = value
    for name, label in chosen.items():
        choose(form, name, label)
    refused = press(form, "Save session")
    assert refused.status_code == 200
    assert message in errors_beside(refused, field)
    assert form_with_button(refused, "Save session")["note"].value == "Typed before the mistake."
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()


def test_a_broken_action_item_list_is_refused_with_a_message_on_the_page(
    django_app, manager, report
):
    # A page cut short in transit (or edited) loses the list's bookkeeping fields:
    # whatever the reason, the person is told, and nothing half-saved.
    _page, form = session_page(django_app, manager, employee=report.pk)
    choose(form, "type", "Directional guidance")
    form["note"] = "Typed."
    form["items-TOTAL_FORMS"].force_value("")
    refused = press(form, "Save session")
    assert refused.status_code == 200
    assert any("ManagementForm data is missing" in error for error in form_errors(refused))
    assert not CoachingSession.objects.exists()


def test_an_unknown_progress_of_an_objective_is_refused_beside_it(client, manager, report, cycle):
    # An attack: the page offers four choices of progress.
    orders = make_objective(cycle, employee=report, title="Orders won")
    client.force_login(manager)
    response = client.post(
        reverse("coaching:session_new"),
        {
            "employee": report.pk,
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "5",
            "type": "guidance",
            "form": "formal",
            "occasion": "daily",
            "moment": "before",
            f"obj-{orders.pk}-assessment": "splendid",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice. splendid is not one of the available choices." in (
        response.content.decode()
    )
    assert not CoachingSession.objects.exists()


def test_a_session_of_an_unknown_type_is_refused(client, manager, report):
    # An attack: the page offers three types only.
    client.force_login(manager)
    response = client.post(
        reverse("coaching:session_new"),
        {
            "employee": report.pk,
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "5",
            "type": "shouting",
            "form": "formal",
            "occasion": "daily",
            "moment": "before",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CoachingSession.objects.exists()


def test_a_note_expands_into_the_full_form_later(django_app, manager, report):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", note="Quick word on pricing."
    )
    note_page = django_app.get(session.get_absolute_url(), user=manager)
    edit = note_page.click(description="Edit or expand")
    form = form_with_button(edit, "Save session")
    assert form["note"].value == "Quick word on pricing."
    form["duration_minutes"] = "45"
    form["strengths"] = "Clear pricing talk."
    form["strengths_example"] = "Explained the discount tiers to Lakeside on Monday."
    shown = press(form, "Save session").follow()
    session.refresh_from_db()
    assert session.strengths_example.startswith("Explained") and session.duration_minutes == 45
    assert session.type == "guidance" and session.note == "Quick word on pricing."
    assert "Clear pricing talk." in shown.text


def test_editing_a_session_changes_removes_and_adds_action_items(
    django_app, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, title="Orders won")
    session = CoachingSession.objects.create(coach=manager, employee=report, type="instruction")
    SessionObjective.objects.create(session=session, objective=orders, assessment="lagging")
    keep = ActionItem.objects.create(session=session, title="Read the guide", owner=report)
    drop = ActionItem.objects.create(session=session, title="Old step", owner=manager, position=1)
    _page, form = session_page(
        django_app, manager, url=reverse("coaching:session_edit", args=[session.pk])
    )
    assert form["items-0-title"].value == "Read the guide"
    assert form[f"obj-{orders.pk}-linked"].checked
    form["items-0-title"] = "Read the whole guide"
    form["items-1-DELETE"] = True
    form["items-2-title"] = "Call two customers"
    choose(form, "items-2-owner", "Maria Manager (coach)")
    tick(form, "Orders won", checked=False)
    choose(form, f"obj-{orders.pk}-assessment", "—")
    press(form, "Save session").follow()
    keep.refresh_from_db()
    assert keep.title == "Read the whole guide"
    assert not ActionItem.objects.filter(pk=drop.pk).exists()
    assert [(i.title, i.owner) for i in session.action_items.all()] == [
        ("Read the whole guide", report),
        ("Call two customers", manager),
    ]
    assert not SessionObjective.objects.filter(session=session).exists()


def test_unticking_a_linked_objective_unlinks_it_even_with_its_progress_still_chosen(
    django_app, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, title="Orders won")
    session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    SessionObjective.objects.create(session=session, objective=orders, assessment="lagging")
    _page, form = session_page(
        django_app, manager, url=reverse("coaching:session_edit", args=[session.pk])
    )
    tick(form, "Orders won", checked=False)
    press(form, "Save session")
    assert not SessionObjective.objects.filter(session=session).exists()


def test_a_progress_chosen_for_an_unticked_objective_asks_which_was_meant(
    django_app, manager, report, cycle
):
    # It was saved, and shown as linked, although the box said "not linked".
    orders = make_objective(cycle, employee=report, title="Orders won")
    _page, form = session_page(django_app, manager, employee=report.pk)
    choose(form, "type", "Directional guidance")
    form["note"] = "Pipeline."
    choose(form, f"obj-{orders.pk}-assessment", "On track")  # the box left unticked
    refused = press(form, "Save session")
    assert errors_beside(refused, f"obj-{orders.pk}-assessment") == [
        "Tick the objective to link it, or set its progress back to “—”."
    ]
    assert not CoachingSession.objects.exists() and not SessionObjective.objects.exists()
    form = form_with_button(refused, "Save session")
    assert form["note"].value == "Pipeline."
    tick(form, "Orders won")
    press(form, "Save session")
    assert SessionObjective.objects.get().assessment == "on_track"


def test_editing_a_session_keeps_links_the_form_would_no_longer_offer(
    django_app, manager, report, cycle
):
    # Linked when it was held: an objective since dropped, one of last year's cycle,
    # and an improvement plan since closed.
    dropped = make_objective(cycle, employee=report, title="Dropped one", status="dropped")
    last_year = make_objective(make_cycle(cycle.start_date.year - 1), employee=report)
    plan = ImprovementPlan.objects.create(
        employee=report, opened_by=manager, measures="x", outcome="improved"
    )
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", improvement_plan=plan
    )
    for objective in (dropped, last_year):
        SessionObjective.objects.create(session=session, objective=objective, assessment="lagging")
    _page, form = session_page(
        django_app, manager, url=reverse("coaching:session_edit", args=[session.pk])
    )
    form["note"] = "Added later."
    press(form, "Save session")
    session.refresh_from_db()
    assert session.note == "Added later." and session.improvement_plan == plan
    assert set(session.sessionobjective_set.values_list("objective", "assessment")) == {
        (dropped.pk, "lagging"),
        (last_year.pk, "lagging"),
    }


def test_editing_a_department_session_keeps_the_step_of_a_head_who_has_moved_on(
    django_app, manager, sales
):
    from tests.factories import DepartmentFactory

    east = DepartmentFactory(name="Sales East", parent=sales)
    erin = UserFactory(full_name="Erin East", department=east, manager=manager)
    session = CoachingSession.objects.create(coach=manager, department=east, type="guidance")
    item = ActionItem.objects.create(session=session, title="Collect a story", owner=erin)
    east.head = UserFactory(full_name="Nick New", department=east, manager=manager)
    east.save()
    _page, form = session_page(
        django_app, manager, url=reverse("coaching:session_edit", args=[session.pk])
    )
    assert form["items-0-owner"].value == str(erin.pk)
    form["note"] = "Added later."
    press(form, "Save session")
    item.refresh_from_db()
    assert item.owner == erin


def test_clearing_a_steps_text_asks_to_remove_it_instead(django_app, manager, report):
    session = CoachingSession.objects.create(coach=manager, employee=report, type="instruction")
    item = ActionItem.objects.create(session=session, title="Read the guide", owner=report)
    _page, form = session_page(
        django_app, manager, url=reverse("coaching:session_edit", args=[session.pk])
    )
    form["items-0-title"] = ""
    refused = press(form, "Save session")
    assert refused.status_code == 200
    assert errors_beside(refused, "items-0-title") == [
        "Say what the step is, or tick Remove to delete it."
    ]
    item.refresh_from_db()
    assert item.title == "Read the guide"


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
    # 9: two for the rows' coaching trajectory (the cycle, the sessions by month).
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    # Issue 21: cold, the navigation computes its four figures at once (roles, bell, plans,
    # feedback), then serves them from the cache.
    with django_assert_max_num_queries(13):
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


def test_overview_shows_the_last_session_and_filters_by_type(django_app, manager, report):
    today = timezone.localdate()
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=today - dt.timedelta(days=9)
    )
    CoachingSession.objects.create(
        coach=manager, employee=report, type="encouragement", held_on=today - dt.timedelta(days=2)
    )
    page = django_app.get(reverse("coaching:overview"), user=manager)
    assert "Encouragement" in page.text and ">2</td>" in page.text
    filters = form_with_button(page, "Apply")
    choose(filters, "type", "Directional guidance")
    guidance = press(filters, "Apply")
    assert ">9</td>" in guidance.text
    filters = form_with_button(guidance, "Apply")
    assert filters["type"].value == "guidance"  # the filter stays as chosen
    filters["since"] = (today - dt.timedelta(days=5)).isoformat()
    recent = press(filters, "Apply")  # no guidance in the last five days
    assert "never" in recent.text and ">9</td>" not in recent.text


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
    # 18: four for the coaching trajectory (cycle, sessions, check-ins, target checks).
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert response.content.decode().count("Step ") == size


def test_an_improvement_plan_is_opened_and_followed_by_sessions(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, title="Orders won")
    review = timezone.localdate() + dt.timedelta(days=14)
    page = django_app.get(
        reverse("coaching:improvement_plan_new"), {"employee": report.pk}, user=manager
    )
    form = form_with_button(page, "Save")
    choose(form, "objective", "Orders won")
    missing = press(form, "Save")
    assert errors_beside(missing, "measures") == ["This field is required."]
    assert errors_beside(missing, "first_review") == ["This field is required."]
    assert errors_beside(missing, "own_reasons") == [
        "Give the reasons: the person's own, outside, or both."
    ]
    assert not ImprovementPlan.objects.exists()
    form = form_with_button(missing, "Save")
    assert form["objective"].value == str(report.objectives.get().pk)  # kept on screen
    form["own_reasons"] = "Late proposals."
    form["measures"] = "Proposals within two days."
    form["first_review"] = review.isoformat()
    shown = press(form, "Save").follow()
    plan = ImprovementPlan.objects.get()
    assert plan.review_days == [review] and plan.is_open and plan.opened_by == manager
    assert plan.objective == report.objectives.get()
    assert messages(shown) == ["The improvement plan has been opened."]
    follow_up = shown.click(description="Log a follow-up session")
    form = form_with_button(follow_up, "Save session")
    assert form["improvement_plan"].value == str(plan.pk)
    choose(form, "type", "Directional guidance")
    form["note"] = "Follow-up"
    press(form, "Save session")
    assert CoachingSession.objects.get().improvement_plan == plan
    body = django_app.get(plan.get_absolute_url(), user=manager).text
    assert "Proposals within two days." in body and "Directional guidance" in body


def test_an_improvement_plan_is_closed_with_its_outcome(django_app, manager, report, cycle):
    first = timezone.localdate() + dt.timedelta(days=14)
    plan = ImprovementPlan.objects.create(
        employee=report,
        opened_by=manager,
        own_reasons="Late proposals.",
        measures="Proposals within two days.",
        review_dates=[first.isoformat()],
    )
    page = django_app.get(reverse("coaching:improvement_plan_edit", args=[plan.pk]), user=manager)
    form = form_with_button(page, "Save")
    assert form["first_review"].value == first.isoformat()
    form["second_review"] = (first - dt.timedelta(days=7)).isoformat()
    refused = press(form, "Save")
    assert errors_beside(refused, "second_review") == ["Put the review dates in order."]
    form = form_with_button(refused, "Save")
    form["second_review"] = (first + dt.timedelta(days=14)).isoformat()
    choose(form, "outcome", "Improved: objective back on plan")
    form["outcome_note"] = "Back on plan in May."
    shown = press(form, "Save").follow()
    plan.refresh_from_db()
    assert plan.outcome == "improved" and plan.closed_on == timezone.localdate()
    assert plan.review_days == [first, first + dt.timedelta(days=14)]
    assert plan.measures == "Proposals within two days."  # untouched fields stay
    assert messages(shown) == ["The improvement plan has been saved."]
    assert "Back on plan in May." in shown.text


def test_demo_has_every_kind_of_coaching(db):
    call_command("seed_demo")
    assert set(CoachingSession.objects.values_list("type", flat=True)) == set(CoachingType.values)
    today = timezone.localdate()
    assert ActionItem.objects.filter(done_at__isnull=True, due_date__lt=today).exists()
    assert ActionItem.objects.filter(done_at__isnull=True, due_date__gte=today).exists()
    # Wang's, and the Sales East department's (issue 16 §5).
    assert ImprovementPlan.objects.filter(employee__isnull=False).count() == 1
    assert ImprovementPlan.objects.filter(department__isnull=False).count() == 1


def test_a_head_coaches_a_department_below_and_its_head_acknowledges(
    django_app, manager, sales, cycle
):
    from tests.factories import DepartmentFactory

    east = DepartmentFactory(name="Sales East", parent=sales)
    east_head = UserFactory(full_name="Erin East", department=east, manager=manager)
    east.head = east_head
    east.save()
    plan_page = django_app.get(reverse("plans:department_objectives", args=[east.pk]), user=manager)
    form = form_with_button(plan_page.click(description="Log session"), "Save session")
    assert options(form, "items-0-owner") == ["Maria Manager (coach)", "Erin East (coachee)"]
    choose(form, "type", "Directional guidance")
    choose(form, "occasion", "Periodic mid-term review")
    form["agreements"] = "Share one customer story a week."
    form["items-0-title"] = "Collect the first story"
    choose(form, "items-0-owner", "Erin East (coachee)")
    press(form, "Save session")
    session = CoachingSession.objects.get(department=east)
    assert session.action_items.get().owner == east_head
    page = django_app.get(session.get_absolute_url(), user=east_head)
    assert "Share one customer story a week." in page.text
    form = form_with_button(page, "Acknowledge")
    form["comment"] = "Thanks, clear plan."
    shown = press(form, "Acknowledge").follow()
    session.refresh_from_db()
    assert session.acknowledged_by == east_head and session.coachee_comment == "Thanks, clear plan."
    assert messages(shown) == ["Thank you: the session is acknowledged."]
    assert "Acknowledged by Erin East" in shown.text and "Thanks, clear plan." in shown.text


# --- What was saved is shown ---------------------------------------------------------


def test_a_difficulty_without_its_text_still_shows_its_cause_support_and_countermeasure(
    django_app, manager, report
):
    # The form demands a countermeasure once a cause is chosen; the page hid both
    # whenever the "Difficulties" text itself was left empty.
    _page, form = session_page(django_app, manager, employee=report.pk)
    choose(form, "type", "Directional guidance")
    choose(form, "difficulty_cause", OUTSIDE)
    choose(form, "support", "Resources")
    form["countermeasure"] = "Ask IT for a CRM licence."
    form["improvement_cause"] = "Too many open leads."
    form["strengths_example"] = "The Lakeside proposal."
    shown = press(form, "Save session").follow()
    difficulties = shown.html.select_one("[data-testid=part-difficulties]").get_text(
        " ", strip=True
    )
    assert difficulties == (
        "Difficulties Outside the person: give support · Resources "
        "Countermeasure: Ask IT for a CRM licence."
    )
    improvements = shown.html.select_one("[data-testid=part-improvements]").get_text(
        " ", strip=True
    )
    assert improvements == "Areas to improve Cause: Too many open leads."
    strengths = shown.html.select_one("[data-testid=part-strengths]").get_text(" ", strip=True)
    assert strengths == "What went well Example: The Lakeside proposal."


def test_the_admin_gives_the_same_duration_message_for_zero_and_negative(
    django_app, manager, report
):
    superuser = UserFactory(email="sue@example.com", is_staff=True, is_superuser=True)
    session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    url = reverse("admin:coaching_coachingsession_change", args=[session.pk])
    for minutes in ("0", "-5", "601"):
        form = form_with_button(django_app.get(url, user=superuser), "Save")
        form["duration_minutes"] = minutes
        refused = form.submit("_save")
        assert [li.get_text() for li in refused.html.select(".errorlist li")] == [DURATION]
    session.refresh_from_db()
    assert session.duration_minutes == 1
