"""Assigning a template set (issue 17 §1): everyone gets one copy of each template, shown
first in a preview; refusals per person, nothing half-assigned, nothing twice; an
agreed plan is reopened, never silently agreed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from plans.models import (
    AppraisalCycle,
    Objective,
    ObjectiveChange,
    ObjectiveTemplate,
    PerformancePlan,
    PlanReopening,
)
from plans.services import plan_confirm, plan_get_or_create
from plans.templates_assign import (
    AssignmentRefused,
    assignment_preview,
    people_for_assignment,
    template_set_assign,
)
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.templates_lib.conftest import preview
from tests.webtest_helpers import errors_beside, form_by_testid, ids_given_twice, messages, press

pytestmark = pytest.mark.django_db


def rows(page):
    return [
        " ".join(tr.get_text(" ", strip=True).split())
        for tr in page.html.select("[data-testid=assign-preview] tbody tr")
    ]


def test_hr_assigns_a_set_to_a_department_and_everyone_gets_copies(
    django_app, hr, manager, report, indirect_report, sales, sales_set, cycle
):
    page = preview(django_app, hr, template_set=sales_set, cycle=cycle, department="Sales")
    assert "3 people get new objectives." in page.text
    assert rows(page) == [
        "Ivy Indirect Sales Gets 2 objectives 0 80",
        "Maria Manager Sales Gets 2 objectives 0 80",
        "Rob Report Sales Gets 2 objectives 0 80",
    ]
    done = press(form_by_testid(page, "assign-confirm"), "Assign").follow()
    assert "6 objectives given to 3 people." in messages(done)
    copies = Objective.objects.filter(cycle=cycle, template__template_set=sales_set)
    assert copies.count() == 6
    revenue = copies.get(employee=report, title="Revenue")
    assert (revenue.weight, revenue.unit, revenue.target, revenue.owner) == (
        60,
        "k€",
        Decimal(120),
        report,
    )
    assert revenue.created_by == hr
    assert [t.planned for t in revenue.targets.all()] == [Decimal(10 * i) for i in range(1, 13)]
    accounts = copies.get(employee=report, title="New accounts")
    planned = [t.planned for t in accounts.targets.all()]
    assert planned[0] == Decimal("0.13") and planned[-1] == Decimal(10)
    assert planned == sorted(planned)
    assert ObjectiveChange.objects.filter(objective=revenue).get().changes == {
        "created": [None, "Revenue"]
    }
    plan = django_app.get(
        reverse("plans:person_objectives", args=[report.pk]), {"cycle": cycle.pk}, user=report
    )
    assert plan.html.select("[data-testid=from-template]")[0].get_text(strip=True) == (
        "from template Sales representative"
    )
    detail = django_app.get(revenue.get_absolute_url(), user=report)
    assert "from template Sales representative" in detail.text


def test_assigning_twice_creates_nothing_twice(django_app, hr, report, sales_set, cycle):
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, target="people", emails=report.email
    )
    press(form_by_testid(page, "assign-confirm"), "Assign")
    again = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, target="people", emails=report.email
    )
    assert "1 person already has every copy: nothing is added twice." in again.text
    assert rows(again) == ["Rob Report Sales Has every copy already 80 80"]
    assert not form_by_testid(again, "assign-confirm").html.select("button")
    people, unknown = people_for_assignment(actor=hr, emails=[report.email])
    seen = assignment_preview(
        actor=hr, cycle=cycle, template_set=sales_set, people=people
    ).fingerprint
    done = template_set_assign(
        actor=hr, cycle=cycle, template_set=sales_set, people=people, seen=seen
    )
    assert (done.people, done.objectives) == (0, 0)
    assert Objective.objects.filter(employee=report, cycle=cycle).count() == 2


def test_refused_people_are_listed_and_nothing_is_written_until_hr_assigns_to_the_others(
    django_app, hr, manager, report, indirect_report, sales_set, cycle
):
    make_objective(cycle, employee=report, title="Own", weight=50)
    leaver = UserFactory(email="lea@example.com", full_name="Lea Left", is_active=False)
    page = preview(
        django_app,
        hr,
        template_set=sales_set,
        cycle=cycle,
        target="people",
        emails=f"{report.email}, {indirect_report.email}\n{leaver.email} nobody@example.com",
    )
    assert "3 people are refused (see why below)." in page.text
    assert rows(page) == [
        "Lea Left — Refused: Has left the organisation: their plan is a record. 0 80",
        "nobody@example.com — Refused: Nobody has this e-mail address. — —",
        "Rob Report Sales Refused: Their objectives already weigh 50: with 80 more the plan "
        "would weigh 130, over 100. 50 130",
        "Ivy Indirect Sales Gets 2 objectives 0 80",
    ]
    confirm = form_by_testid(page, "assign-confirm")
    labels = [b.get_text(strip=True) for b in confirm.html.select("button")]
    assert labels == ["Assign to the 1 other person only"]
    assert not Objective.objects.filter(template__isnull=False).exists()
    done = press(confirm, "Assign to the 1 other person only").follow()
    assert "2 objectives given to 1 person." in messages(done)
    assert set(
        Objective.objects.filter(template__isnull=False).values_list("employee", flat=True)
    ) == {indirect_report.pk}
    # The plans locked while checking are not left behind for the refused.
    assert not PerformancePlan.objects.filter(employee__in=[leaver, report]).exists()


def test_a_plain_assign_with_someone_refused_writes_nothing(
    client, hr, report, indirect_report, sales_set, cycle
):
    make_objective(cycle, employee=report, title="Own", weight=50)
    people, _unknown = people_for_assignment(actor=hr, emails=[report.email, indirect_report.email])
    seen = assignment_preview(
        actor=hr, cycle=cycle, template_set=sales_set, people=people
    ).fingerprint
    client.force_login(hr)
    page = client.post(
        reverse("plans:template_assign"),
        {
            "template_set": sales_set.pk,
            "cycle": cycle.pk,
            "target": "people",
            "emails": f"{report.email} {indirect_report.email}",
            "seen": seen,
            "action": "assign",
        },
    )
    assert page.status_code == 200
    assert "Some people are refused: nothing was assigned." in page.content.decode()
    assert not Objective.objects.filter(template__isnull=False).exists()
    assert not PerformancePlan.objects.filter(employee=indirect_report).exists()


def test_a_change_after_the_preview_refuses_the_whole_assignment(
    django_app, hr, report, indirect_report, sales_set, cycle
):
    page = preview(
        django_app,
        hr,
        template_set=sales_set,
        cycle=cycle,
        target="people",
        emails=f"{report.email} {indirect_report.email}",
    )
    make_objective(cycle, employee=report, title="Own", weight=50)
    again = press(form_by_testid(page, "assign-confirm"), "Assign")
    assert "Something changed since the preview: nothing was assigned." in messages(again)[0]
    assert "Rob Report Sales Refused" in " ".join(rows(again))
    assert not Objective.objects.filter(template__isnull=False).exists()


def test_an_agreed_plan_is_reopened_and_its_people_told(
    django_app, hr, manager, report, sales_set, cycle
):
    sales_set.templates.all().delete()
    ObjectiveTemplate.objects.create(
        template_set=sales_set, title="Share a lesson", measure="milestone", default_weight=0
    )
    make_objective(cycle, employee=report, title="Own", weight=100)
    plan = plan_get_or_create(cycle=cycle, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, target="people", emails=report.email
    )
    assert rows(page) == [
        "Rob Report Sales Gets 1 objective · their confirmed plan opens again 100 100"
    ]
    done = press(form_by_testid(page, "assign-confirm"), "Assign").follow()
    assert "1 plan had been confirmed: it is open again, and its people have been told." in (
        messages(done)
    )
    plan.refresh_from_db()
    assert plan.employee_confirmed_at is None and plan.manager_confirmed_at is None
    reopening = PlanReopening.objects.get(plan=plan)
    assert (reopening.cause, reopening.weight_total, reopening.reopened_by) == (
        "changed",
        100,
        hr,
    )
    assert reopening.change.objective.title == "Share a lesson"
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {report.pk, manager.pk}
    copy = Objective.objects.get(template__isnull=False)
    assert [t.planned for t in copy.targets.all()] == [Decimal(0)] * 11 + [Decimal(1)]


def test_hr_assigns_by_job_title(django_app, hr, report, peer, manager, sales_set, cycle):
    for person in (report, peer):
        person.job_title = "Account executive"
        person.save(update_fields=["job_title"])
    page = preview(
        django_app,
        hr,
        template_set=sales_set,
        cycle=cycle,
        target="job_title",
        job_title="Account executive",
    )
    assert [r.split(" Gets")[0] for r in rows(page)] == ["Paul Peer Finance", "Rob Report Sales"]
    press(form_by_testid(page, "assign-confirm"), "Assign")
    assert set(
        Objective.objects.filter(template__isnull=False).values_list("employee", flat=True)
    ) == {
        report.pk,
        peer.pk,
    }


def test_a_department_with_the_ones_below_or_without_them(
    django_app, hr, sales, report, sales_set, cycle
):
    team = DepartmentFactory(name="Sales North", parent=sales)
    north = UserFactory(full_name="Nina North", department=team)
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, department="Sales", include_below=False
    )
    assert "Nina North" not in page.text
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, department="Sales", include_below=True
    )
    assert "Nina North Sales North Gets 2 objectives 0 80" in rows(page)
    press(form_by_testid(page, "assign-confirm"), "Assign")
    assert Objective.objects.filter(employee=north, template__isnull=False).count() == 2


def test_a_head_assigning_outside_their_departments_is_refused_for_those_people(
    django_app, manager, report, peer, sales, cycle
):
    from plans.models import TemplateSet

    own = TemplateSet.objects.create(name="Sales basics", department=sales)
    ObjectiveTemplate.objects.create(
        template_set=own,
        title="Calls",
        measure="number",
        unit="calls",
        target=100,
        default_weight=10,
    )
    page = preview(
        django_app,
        manager,
        template_set=own,
        cycle=cycle,
        target="people",
        emails=f"{report.email} {peer.email}",
    )
    assert rows(page)[0] == (
        # His plan is none of her business: no weights shown.
        "Paul Peer Finance Refused: Not in a department you head: only HR assigns to them. — —"
    )
    press(form_by_testid(page, "assign-confirm"), "Assign to the 1 other person only")
    assert list(Objective.objects.values_list("employee", flat=True)) == [report.pk]


def test_a_closed_cycle_is_not_offered_and_refused_when_sent(django_app, hr, report, sales_set):
    closed = make_cycle(2020, state=AppraisalCycle.State.CLOSED)
    form = form_by_testid(django_app.get(reverse("plans:template_assign"), user=hr), "assign-form")
    assert "2020" not in [text for _v, _c, text in form["cycle"].options]
    form["template_set"] = str(sales_set.pk)
    form["cycle"].force_value(str(closed.pk))
    form["target"] = "people"
    form["emails"] = report.email
    page = press(form, "Preview")
    assert errors_beside(page, "cycle") == [
        "Choose a cycle being planned or active: not a closed one."
    ]


def test_a_cycle_closed_after_the_preview_refuses_everyone(hr, report, sales_set, cycle):
    people, _unknown = people_for_assignment(actor=hr, emails=[report.email])
    seen = assignment_preview(
        actor=hr, cycle=cycle, template_set=sales_set, people=people
    ).fingerprint
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state=AppraisalCycle.State.CLOSED)
    with pytest.raises(AssignmentRefused) as refusal:
        template_set_assign(actor=hr, cycle=cycle, template_set=sales_set, people=people, seen=seen)
    assert [o.refusal_text() for o in refusal.value.preview.refused] == [
        "The cycle is closed: nothing can be added to its plans."
    ]
    assert not Objective.objects.exists() and not PerformancePlan.objects.exists()


def test_copies_align_only_to_an_objective_of_the_same_cycle(hr, report, sales, sales_set, cycle):
    here = make_objective(cycle, department=sales, title="Grow sales", weight=100)
    elsewhere_cycle = make_cycle(timezone.localdate().year, name="This year")
    elsewhere = make_objective(elsewhere_cycle, department=sales, title="Old goal", weight=100)
    revenue, accounts = sales_set.templates.order_by("-default_weight")
    revenue.parent, accounts.parent = here, elsewhere
    revenue.save()
    accounts.save()
    people, _unknown = people_for_assignment(actor=hr, emails=[report.email])
    seen = assignment_preview(
        actor=hr, cycle=cycle, template_set=sales_set, people=people
    ).fingerprint
    template_set_assign(actor=hr, cycle=cycle, template_set=sales_set, people=people, seen=seen)
    parents = dict(Objective.objects.filter(employee=report).values_list("title", "parent"))
    assert parents == {"Revenue": here.pk, "New accounts": None}


def test_someone_in_an_overlapping_active_cycle_is_refused(hr, report, sales_set):
    year = timezone.localdate().year
    active = make_cycle(year, name="Active")
    make_objective(active, employee=report, title="Own", weight=10)
    start = dt.date(year, 7, 1)
    overlapping = AppraisalCycle.objects.create(
        name="Half", start_date=start, end_date=dt.date(year, 12, 31), state="active"
    )
    people, _unknown = people_for_assignment(actor=hr, emails=[report.email])
    outcome = assignment_preview(
        actor=hr, cycle=overlapping, template_set=sales_set, people=people
    ).outcomes[0]
    assert outcome.refusal_text() == (
        "Already has objectives in the active cycle “Active”, which covers some of the same months."
    )


def test_copies_in_an_active_cycle_store_their_progress_as_the_daily_job_would(
    hr, report, sales_set
):
    from plans.services import objective_progress_refresh

    active = make_cycle(timezone.localdate().year, name="Now")
    people, _unknown = people_for_assignment(actor=hr, emails=[report.email])
    seen = assignment_preview(
        actor=hr, cycle=active, template_set=sales_set, people=people
    ).fingerprint
    template_set_assign(actor=hr, cycle=active, template_set=sales_set, people=people, seen=seen)
    copies = list(Objective.objects.filter(cycle=active))
    assert all(copy.progress_state and copy.progress_as_of for copy in copies)
    assert objective_progress_refresh(objective_ids=[copy.pk for copy in copies]) == 0


def test_the_preview_offers_the_choice_again_to_change_it(
    django_app, hr, report, indirect_report, sales_set, cycle
):
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, target="people", emails=report.email
    )
    change = form_by_testid(page, "assign-form")
    assert change["emails"].value.strip() == report.email
    change["emails"] = f"{report.email}\n{indirect_report.email}"
    again = press(change, "Preview")
    assert "2 people get new objectives." in again.text
    assert not ids_given_twice(again)


def test_one_objective_to_one_person_is_said_in_the_singular(
    django_app, hr, report, sales_set, cycle
):
    sales_set.templates.filter(title="New accounts").delete()
    page = preview(
        django_app, hr, template_set=sales_set, cycle=cycle, target="people", emails=report.email
    )
    done = press(form_by_testid(page, "assign-confirm"), "Assign").follow()
    assert "1 objective given to 1 person." in messages(done)


def test_an_account_in_no_department_is_refused_as_not_an_employee(
    django_app, hr, report, sales_set, cycle
):
    admin = UserFactory(
        email="admin@example.com", full_name="", is_staff=True, is_superuser=True, department=None
    )
    page = preview(
        django_app,
        hr,
        template_set=sales_set,
        cycle=cycle,
        target="people",
        emails=f"{admin.email} {report.email}",
    )
    assert rows(page)[0] == (
        "admin@example.com — Refused: Not an employee of the organisation: they belong to no "
        "department. 0 80"
    )
    done = press(form_by_testid(page, "assign-confirm"), "Assign to the 1 other person only")
    assert "2 objectives given to 1 person." in messages(done.follow())
    assert not Objective.objects.filter(employee=admin).exists()
    assert Objective.objects.filter(employee=report, cycle=cycle).count() == 2
