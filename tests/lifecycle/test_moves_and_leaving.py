"""Issue 15: people move and leave mid-cycle, and the record holds.

Each case is driven through the product as HR and managers use it (HR's
pages, the organisation import, the admin) and checks what everyone involved
then sees and receives.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from webtest import Upload

from accounts.models import Assignment, Notification, User
from coaching.models import ActionItem, CoachingSession
from plans.models import PerformancePlan
from reviews.models import JobSettings, ReviewEvent, ReviewTable
from reviews.services import review_table_for
from tests.factories import DepartmentFactory, UserFactory, make_objective
from tests.review_tables.conftest import reach
from tests.webtest_helpers import errors_beside, form_by_testid, form_with_button, messages, press

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def move_through_the_page(django_app, hr, person, *, manager_email="", department=None):
    """HR opens the person's page, presses *Move*, fills the form and presses *Move*."""
    person_page = django_app.get(person.get_absolute_url(), user=hr)
    page = person_page.click(href=reverse("reviews:person_move", args=[person.pk]))
    form = form_by_testid(page, "move-form")
    form["manager"] = manager_email
    if department is not None:
        form["department"] = str(department.pk)
    return press(form, "Move")


def tables_of(person, cycle, *months):
    return [review_table_for(cycle=cycle, month=m, employee=person) for m in months]


@pytest.fixture
def months(cycle):
    return [cycle.start_date.replace(month=10), cycle.start_date.replace(month=11)]


@pytest.fixture
def rob_in_review(cycle, months, report, manager):
    """Rob's October table in review with Maria; November's still a draft."""
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=100)
    october, november = tables_of(report, cycle, *months)
    october = reach(october, Status.IN_REVIEW, assessee=report, reviewer=manager)
    return october, november


def test_a_move_keeps_a_table_in_review_with_its_reviewer_and_sends_drafts_to_the_new_one(
    django_app,
    hr,
    report,
    manager,
    other_manager,
    finance,
    rob_in_review,
    cycle,
    django_capture_on_commit_callbacks,
):
    october, november = rob_in_review
    PerformancePlan.objects.create(
        cycle=cycle,
        employee=report,
        manager_confirmed_at="2026-01-10T10:00Z",
        employee_confirmed_at="2026-01-10T10:00Z",
    )
    with django_capture_on_commit_callbacks(execute=True):
        after = move_through_the_page(
            django_app, hr, report, manager_email=other_manager.email, department=finance
        ).follow()
    assert "Rob Report has moved." in messages(after)[0]
    report.refresh_from_db()
    assert (report.manager, report.department) == (other_manager, finance)

    october.refresh_from_db()
    november.refresh_from_db()
    assert october.reviewer == manager and october.status == Status.IN_REVIEW
    assert november.reviewer == other_manager
    # The new manager cannot finalise the table the old one is reviewing ...
    page = django_app.get(october.get_absolute_url(), user=other_manager)
    assert "Finalise and lock" not in page.text
    # ... the old one still can, and reads it.
    page = django_app.get(october.get_absolute_url(), user=manager)
    form = form_by_testid(page, "reviewer-form")
    form["reviewer_summary"] = "A good October."
    press(form, "Finalise and lock").follow()
    october.refresh_from_db()
    assert october.status == Status.FINALISED
    # The October record stays under the department and manager of the time.
    assert (october.home_department.name, october.line_manager) == ("Sales", manager)

    plan = PerformancePlan.objects.get(employee=report)
    assert plan.manager_confirmed_at is None and plan.employee_confirmed_at is not None
    assert plan.reopenings.get().cause == "moved"
    plan_page = django_app.get(reverse("plans:person_objectives", args=[report.pk]), user=report)
    banner = plan_page.html.select_one('[data-testid="plan-reopened"]').get_text(" ", strip=True)
    assert "the plan waits for the new manager's confirmation" in banner
    told = {n.recipient for n in Notification.objects.all()}
    assert {report, manager, other_manager} <= told
    history = list(Assignment.objects.filter(person=report).order_by("started_at"))
    assert [(a.manager, a.department, a.source) for a in history][-2:] == [
        (manager, history[-2].department, history[-2].source),
        (other_manager, finance, "app"),
    ]
    assert history[-1].changed_by == hr and history[-2].ended_at is not None


def test_the_old_manager_keeps_the_records_of_their_period_and_no_later_ones(
    django_app, hr, report, manager, other_manager, rob_in_review, cycle
):
    october, november = rob_in_review
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", note="October chat."
    )
    move_through_the_page(django_app, hr, report, manager_email=other_manager.email)
    december = review_table_for(
        cycle=cycle, month=cycle.start_date.replace(month=12), employee=report
    )
    assert december.line_manager == other_manager
    django_app.get(october.get_absolute_url(), user=manager)
    django_app.get(session.get_absolute_url(), user=manager)
    django_app.get(december.get_absolute_url(), user=manager, status=404)
    # The new manager reads the history too.
    django_app.get(october.get_absolute_url(), user=other_manager)
    django_app.get(december.get_absolute_url(), user=other_manager)


def test_hr_hands_a_review_over_and_it_is_recorded(
    django_app, hr, report, manager, other_manager, rob_in_review
):
    october, _november = rob_in_review
    page = django_app.get(october.get_absolute_url(), user=hr).click(
        description="Hand over the review"
    )
    form = form_by_testid(page, "handover-form")
    form["reviewer"] = report.email
    form["reason"] = "Maria is on leave."
    refused = press(form, "Hand over")
    assert errors_beside(refused, "reviewer") == ["Nobody reviews their own table."]
    form = form_by_testid(refused, "handover-form")
    form["reviewer"] = other_manager.email.upper()
    after = press(form, "Hand over").follow()
    assert messages(after) == [f"The review of {october} is now with Olga Other."]
    october.refresh_from_db()
    assert october.reviewer == other_manager
    event = ReviewEvent.objects.filter(table=october, kind="change").latest("at")
    assert (event.actor, event.comment) == (hr, "Maria is on leave.")
    assert "Finalise and lock" in django_app.get(october.get_absolute_url(), user=other_manager)
    for intruder in (manager, report, other_manager):
        django_app.get(
            reverse("reviews:table_handover", args=[october.pk]), user=intruder, status=403
        )


def test_off_boarding_withdraws_open_work_moves_reports_and_keeps_the_record(
    django_app,
    hr,
    report,
    manager,
    indirect_report,
    rob_in_review,
    cycle,
    django_capture_on_commit_callbacks,
):
    october, november = rob_in_review
    make_objective(cycle, employee=indirect_report, title="Calls", weight=100, target=10)
    ivys = tables_of(indirect_report, cycle, october.month)
    ivys[0] = reach(ivys[0], Status.SUBMITTED, assessee=indirect_report, reviewer=report)
    assert ivys[0].reviewer == report
    for_rob = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    step_for_rob = ActionItem.objects.create(session=for_rob, owner=report, title="Call back")
    by_rob = CoachingSession.objects.create(coach=report, employee=indirect_report, type="guidance")
    robs_step = ActionItem.objects.create(session=by_rob, owner=report, title="Book training")

    notices_before = Notification.objects.filter(recipient=report).count()
    page = django_app.get(report.get_absolute_url(), user=hr).click(description="Off-board")
    assert "2 open tables will be withdrawn" in page.text
    form = form_by_testid(page, "offboard-form")
    assert form[f"report_{indirect_report.pk}"].value == manager.email
    refused = press(form, "Off-board")
    assert errors_beside(refused, "confirm")
    form = form_by_testid(refused, "offboard-form")
    form["confirm"] = True
    with django_capture_on_commit_callbacks(execute=True):
        after = press(form, "Off-board").follow()
    assert "Rob Report has been off-boarded." in messages(after)[0]
    assert after.html.select_one('[data-testid="left"]') is not None
    assert "Off-board" not in after.text
    after.click(description="Coaching timeline")
    after.click(description="^Objectives$")

    report.refresh_from_db()
    indirect_report.refresh_from_db()
    assert not report.is_active and indirect_report.manager == manager
    assert not Assignment.objects.filter(person=report, ended_at=None).exists()
    for table in (october, november):
        table.refresh_from_db()
        assert table.status == Status.WITHDRAWN
        assert table.events.filter(to_status="withdrawn", actor=hr).exists()
    ivys[0].refresh_from_db()
    assert ivys[0].reviewer == manager  # the review Rob held went with his report
    step_for_rob.refresh_from_db()
    robs_step.refresh_from_db()
    assert step_for_rob.is_withdrawn and not step_for_rob.is_done
    assert robs_step.owner == manager and not robs_step.is_done

    # Records stay readable by HR and the managers of the period (they were 404).
    for reader in (hr, manager):
        django_app.get(reverse("plans:person_objectives", args=[report.pk]), user=reader)
        django_app.get(reverse("coaching:timeline", args=[report.pk]), user=reader)
        django_app.get(october.get_absolute_url(), user=reader)
    # Nobody inactive is notified; the manager is told.
    assert Notification.objects.filter(recipient=report).count() == notices_before
    assert Notification.objects.filter(recipient=manager, message__contains="has left").exists()


def test_nobody_but_hr_moves_or_off_boards(django_app, report, manager, outsider):
    for person in (manager, report, outsider):
        for name in ("reviews:person_move", "reviews:person_offboard"):
            django_app.get(reverse(name, args=[report.pk]), user=person, status=403)
        assert "Off-board" not in django_app.get(report.get_absolute_url(), user=person)


def test_a_move_form_refuses_a_circle_and_nobody(django_app, hr, report, indirect_report):
    page = move_through_the_page(django_app, hr, report, manager_email=indirect_report.email)
    assert errors_beside(page, "manager") == [
        "Ivy Indirect reports to this person: the reporting line would go round in a circle."
    ]
    page = move_through_the_page(django_app, hr, report, manager_email="nobody@example.com")
    assert errors_beside(page, "manager") == ["Nobody active has this e-mail address."]
    assert User.objects.get(pk=report.pk).manager_id == report.manager_id


def test_nobody_reviews_their_own_table_and_the_top_goes_to_the_top_reviewer(
    django_app, hr, cycle, months
):
    boss = UserFactory(full_name="Bea Boss")
    top = DepartmentFactory(name="Company", head=boss)
    xavier = UserFactory(full_name="Xavier Twohats", manager=boss)
    region = DepartmentFactory(name="Region", parent=top, head=xavier)
    branch = DepartmentFactory(name="Branch", parent=region, head=xavier)
    make_objective(cycle, department=branch, title="Branch sales", weight=100, target=10)
    make_objective(cycle, employee=boss, title="Company result", weight=100, target=10)
    branch_table = review_table_for(cycle=cycle, month=months[0], department=branch)
    boss_table = review_table_for(cycle=cycle, month=months[0], employee=boss)
    # Xavier heads the branch and the region above it: the review goes up to Bea.
    assert branch_table.reviewer == boss
    branch_table = reach(branch_table, Status.SUBMITTED, assessee=xavier, reviewer=boss)
    assert "Finalise and lock" not in django_app.get(branch_table.get_absolute_url(), user=xavier)
    assert "Finalise and lock" in django_app.get(branch_table.get_absolute_url(), user=boss)

    # Bea has nobody above: HR reviews her table, until a top reviewer is named.
    assert boss_table.reviewer is None
    boss_table = reach(boss_table, Status.SUBMITTED, assessee=boss, reviewer=hr)
    assert "Finalise and lock" not in django_app.get(boss_table.get_absolute_url(), user=boss)
    assert "Finalise and lock" in django_app.get(boss_table.get_absolute_url(), user=hr)
    chair = UserFactory(full_name="Carl Chair")
    JobSettings.objects.filter(pk=JobSettings.current().pk).update(top_reviewer=chair)
    page = django_app.get(reverse("reviews:to_review"), user=chair)
    assert "Bea Boss" in page.text
    assert "Finalise and lock" in django_app.get(boss_table.get_absolute_url(), user=chair)
    assert "Finalise and lock" not in django_app.get(boss_table.get_absolute_url(), user=hr)


def test_an_import_that_moves_people_routes_their_drafts_and_says_so(
    django_app, hr, report, manager, other_manager, rob_in_review, sales
):
    october, november = rob_in_review
    page = django_app.get(reverse("accounts:org_import"), user=hr)
    form = page.forms["org-import-form"]
    form["file"] = Upload(
        "org.csv",
        f"email,full_name,department,manager_email\n{report.email},Rob Report,Sales,"
        f"{other_manager.email}\n".encode(),
    )
    result = form.submit("submit")
    followed = [
        p.get_text(" ", strip=True) for p in result.html.select('[data-testid="import-followed"]')
    ]
    assert followed == ["Followed: 1 draft table sent to the new reviewer."]
    november.refresh_from_db()
    october.refresh_from_db()
    assert (november.reviewer, october.reviewer) == (other_manager, manager)
    latest = Assignment.objects.filter(person=report).latest("started_at")
    assert (latest.source, latest.changed_by, latest.manager) == ("import", hr, other_manager)


def test_an_import_that_deactivates_someone_off_boards_them(
    django_app, hr, report, manager, indirect_report, rob_in_review
):
    october, november = rob_in_review
    page = django_app.get(reverse("accounts:org_import"), user=hr)
    form = page.forms["org-import-form"]
    form["file"] = Upload(
        "org.csv",
        f"email,full_name,department,active\n{report.email},Rob Report,Sales,no\n".encode(),
    )
    result = form.submit("submit")
    followed = " ".join(
        p.get_text(" ", strip=True) for p in result.html.select('[data-testid="import-followed"]')
    )
    assert "2 open tables withdrawn" in followed
    assert "1 report moved to a new manager" in followed
    indirect_report.refresh_from_db()
    assert indirect_report.manager == manager
    assert set(ReviewTable.objects.filter(employee=report).values_list("status", flat=True)) == {
        Status.WITHDRAWN
    }
    assert not Assignment.objects.filter(person=report, ended_at=None).exists()


def test_someone_re_activated_in_the_admin_is_invited_again(
    django_app, report, hr, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    report.is_active = False
    report.save()
    User.objects.filter(pk=report.pk).update(invited_at="2026-01-05T09:00Z")
    page = django_app.get(reverse("admin:accounts_user_change", args=[report.pk]), user=admin)
    form = page.forms["user_form"]
    form["is_active"] = True
    with django_capture_on_commit_callbacks(execute=False):
        after = form.submit("_save").follow()
    assert "Rob Report is active again and will be invited to sign in again." in after.text
    report.refresh_from_db()
    assert report.is_active and report.invited_at is None
    assert report.invitation_requested_at is not None
    latest = Assignment.objects.filter(person=report).latest("started_at")
    assert (latest.ended_at, latest.source, latest.changed_by) == (None, "admin", admin)


def test_off_boarding_refuses_to_put_two_reports_under_each_other(
    django_app, hr, manager, report, peer
):
    second = UserFactory(full_name="Sam Second", email="sam@example.com", manager=manager)
    page = django_app.get(reverse("reviews:person_offboard", args=[manager.pk]), user=hr)
    form = form_by_testid(page, "offboard-form")
    form[f"report_{report.pk}"] = second.email
    form[f"report_{second.pk}"] = report.email
    form["confirm"] = True
    refused = press(form, "Off-board")
    assert refused.status_code == 200
    assert "go round in a circle" in " ".join(errors_beside(refused, f"report_{report.pk}"))
    manager.refresh_from_db()
    assert manager.is_active


def test_a_handover_goes_only_to_someone_who_can_review_and_both_reviewers_are_told(
    django_app,
    hr,
    report,
    manager,
    other_manager,
    indirect_report,
    outsider,
    rob_in_review,
    django_capture_on_commit_callbacks,
):
    october, _november = rob_in_review
    page = django_app.get(reverse("reviews:table_handover", args=[october.pk]), user=hr)
    assert "Reviewer now: Maria Manager" in page.text
    refusals = {
        manager.email: "Maria Manager reviews this table already.",
        indirect_report.email: "Ivy Indirect reports to the person this table assesses.",
        outsider.email: (
            "Otto Outsider neither manages people nor works in HR: choose a manager, a "
            "department head or someone in HR."
        ),
    }
    for email, refusal in refusals.items():
        form = form_by_testid(page, "handover-form")
        form["reviewer"] = email
        form["reason"] = "Maria is on leave."
        page = press(form, "Hand over")
        assert errors_beside(page, "reviewer") == [refusal]
        assert form_by_testid(page, "handover-form")["reason"].value == "Maria is on leave."
    october.refresh_from_db()
    assert october.reviewer == manager and not october.events.filter(kind="change").exists()

    form = form_by_testid(page, "handover-form")
    form["reviewer"] = other_manager.email
    with django_capture_on_commit_callbacks(execute=True):
        press(form, "Hand over").follow()
    told = Notification.objects.filter(message__contains="the review of").order_by("pk")
    assert [(n.recipient, n.message) for n in told] == [
        (other_manager, f"Hana HR handed you the review of {october}."),
        (manager, f"Hana HR handed the review of {october} to Olga Other."),
    ]
    # The history says who, to whom and why, labelled in each reader's language.
    history = django_app.get(october.get_absolute_url(), user=hr).html.select_one(
        '[data-testid="history"]'
    )
    assert "Reviewer: Maria Manager → Olga Other — Maria is on leave." in " ".join(
        history.get_text(" ", strip=True).split()
    )
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    history = django_app.get(october.get_absolute_url(), user=hr).html.select_one(
        '[data-testid="history"]'
    )
    assert "评审人: Maria Manager → Olga Other" in history.get_text(" ", strip=True)


def test_off_boarding_a_head_hands_their_department_to_its_parents_head_without_self_review(
    django_app, hr, cycle, months, django_capture_on_commit_callbacks
):
    """Lena heads the branch; Xavier, who heads the region above, is named its new head:
    the branch's tables then go to Bea above him, never to Xavier himself."""
    boss = UserFactory(full_name="Bea Boss", email="bea@example.com")
    company = DepartmentFactory(name="Company", head=boss)
    xavier = UserFactory(full_name="Xavier Region", email="xavier@example.com", manager=boss)
    region = DepartmentFactory(name="Region", parent=company, head=xavier)
    lena = UserFactory(full_name="Lena Branch", email="lena@example.com", manager=xavier)
    branch = DepartmentFactory(name="Branch", parent=region, head=lena)
    rita = UserFactory(full_name="Rita Rep", email="rita@example.com", manager=lena)
    make_objective(cycle, department=branch, title="Branch sales", weight=100, target=10)
    submitted, draft = (
        review_table_for(cycle=cycle, month=month, department=branch) for month in months
    )
    submitted = reach(submitted, Status.SUBMITTED, assessee=lena, reviewer=xavier)
    assert (submitted.reviewer, draft.reviewer) == (xavier, xavier)

    page = django_app.get(reverse("reviews:person_offboard", args=[lena.pk]), user=hr)
    form = form_by_testid(page, "offboard-form")
    assert form[f"head_{branch.pk}"].value == xavier.email
    assert form[f"report_{rita.pk}"].value == xavier.email
    form["confirm"] = True
    with django_capture_on_commit_callbacks(execute=True):
        after = press(form, "Off-board").follow()
    summary = messages(after)[0]
    assert "1 department has a new head" in summary and "withdrawn" not in summary

    for table in (submitted, draft):
        table.refresh_from_db()
        assert table.reviewer == boss
    assert submitted.events.filter(
        kind="change", comment="The reviewer now heads this department."
    ).exists()
    assert "Finalise and lock" not in django_app.get(submitted.get_absolute_url(), user=xavier)
    assert "Finalise and lock" in django_app.get(submitted.get_absolute_url(), user=boss)

    # Each person hears what concerns them, and nothing untrue.
    notices = {
        person.full_name: [n.message for n in Notification.objects.filter(recipient=person)]
        for person in (xavier, rita, boss)
    }
    assert "Lena Branch has left: you now head Branch." in notices["Xavier Region"]
    assert "Lena Branch has left the organisation." in notices["Xavier Region"]
    assert any(m.startswith("Rita Rep now reports to you: Lena Branch has left.")
               for m in notices["Xavier Region"])  # fmt: skip
    assert not any("stay with their reviewer" in m for m in notices["Xavier Region"])
    assert any(m.startswith("Lena Branch has left. You now report to Xavier Region")
               for m in notices["Rita Rep"])  # fmt: skip
    assert (
        f"The review of {submitted} is now yours: its reviewer now heads the department."
        in notices["Bea Boss"]
    )


def test_the_top_reviewer_is_named_on_the_table_and_is_never_at_the_top_themselves(
    django_app, hr, cycle, months
):
    boss = UserFactory(full_name="Bea Boss", email="bea@example.com")
    DepartmentFactory(name="Company", head=boss)
    UserFactory(full_name="Xavier Below", manager=boss)
    make_objective(cycle, employee=boss, title="Company result", weight=100, target=10)
    table = review_table_for(cycle=cycle, month=months[0], employee=boss)

    def reviewer_line():
        page = django_app.get(table.get_absolute_url(), user=boss)
        return page.html.select_one('[data-testid="reviewer"]').get_text(" ", strip=True)

    assert reviewer_line().startswith("Reviewer: HR")
    page = django_app.get(reverse("reviews:jobs"), user=hr)
    form = form_with_button(page, "Save")
    form["top_reviewer"] = boss.email
    refused = press(form, "Save")
    assert errors_beside(refused, "top_reviewer") == [
        "Bea Boss is at the top of the organisation: the tables they would review include "
        "their own. Choose someone outside the line, such as the chair of the board, or leave "
        "it empty for HR."
    ]
    assert JobSettings.current().top_reviewer is None
    UserFactory(full_name="Carl Chair", email="carl@example.com")
    form = form_with_button(refused, "Save")
    form["top_reviewer"] = "carl@example.com"
    press(form, "Save")
    assert JobSettings.current().top_reviewer.full_name == "Carl Chair"
    assert reviewer_line().startswith("Reviewer: Carl Chair (top reviewer)")


def test_off_boarding_refuses_a_circle_through_another_reports_team(
    django_app, hr, manager, report, indirect_report
):
    """Rob goes under Tess, in Sam's team, while Sam goes under Rob: no report is put
    straight under another, yet Tess → Sam → Rob → Tess would go round."""
    second = UserFactory(full_name="Sam Second", email="sam@example.com", manager=manager)
    tess = UserFactory(full_name="Tess Third", email="tess@example.com", manager=second)
    page = django_app.get(reverse("reviews:person_offboard", args=[manager.pk]), user=hr)
    form = form_by_testid(page, "offboard-form")
    form[f"report_{report.pk}"] = tess.email
    form[f"report_{second.pk}"] = report.email
    form["confirm"] = True
    refused = press(form, "Off-board")
    assert errors_beside(refused, f"report_{report.pk}") == [
        "Rob Report would then report to someone below them: the reporting line would go "
        "round in a circle."
    ]
    assert "go round in a circle" in " ".join(errors_beside(refused, f"report_{second.pk}"))
    manager.refresh_from_db()
    report.refresh_from_db()
    assert manager.is_active and report.manager == manager
    # Either one alone is no circle, and is done.
    form = form_by_testid(refused, "offboard-form")
    form[f"report_{second.pk}"] = ""
    form["confirm"] = True
    press(form, "Off-board").follow()
    report.refresh_from_db()
    second.refresh_from_db()
    assert report.manager == tess and second.manager is None
    assert not User.objects.get(pk=manager.pk).is_active
