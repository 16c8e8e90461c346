"""Assigning to many people takes as many queries as assigning to a few (issue 17 §1:
1,000 people in under 5 s), and the library's pages stay flat too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Objective, ObjectiveTemplate, PerformancePlan, TemplateSet
from plans.templates_assign import assignment_preview, people_for_assignment, template_set_assign
from tests.factories import DepartmentFactory, UserFactory
from tests.templates_lib.conftest import preview

pytestmark = pytest.mark.django_db


def team_of(size, department, manager):
    return [
        UserFactory(department=department, manager=manager, job_title="Rep") for _ in range(size)
    ]


def assign_queries(hr, cycle, template_set, department):
    people, _unknown = people_for_assignment(actor=hr, department_id=department.pk)
    seen = assignment_preview(
        actor=hr, cycle=cycle, template_set=template_set, people=people
    ).fingerprint
    with CaptureQueriesContext(connection) as captured:
        done = template_set_assign(
            actor=hr, cycle=cycle, template_set=template_set, people=people, seen=seen
        )
    return len(captured.captured_queries), done


def test_assigning_takes_the_same_queries_for_5_and_50_people(hr, manager, sales_set, cycle):
    small, large = DepartmentFactory(name="Small"), DepartmentFactory(name="Large")
    team_of(5, small, manager)
    team_of(50, large, manager)
    few, done_few = assign_queries(hr, cycle, sales_set, small)
    many, done_many = assign_queries(hr, cycle, sales_set, large)
    assert (done_few.objectives, done_many.objectives) == (10, 100)
    assert many == few


def test_reopening_many_agreed_plans_takes_the_same_queries(hr, manager, cycle):
    template_set = TemplateSet.objects.create(name="Extras")
    ObjectiveTemplate.objects.create(
        template_set=template_set, title="Share", measure="milestone", default_weight=0
    )
    counts = []
    for name, size in (("Small", 3), ("Large", 30)):
        department = DepartmentFactory(name=name)
        people = team_of(size, department, manager)
        now = timezone.now()
        PerformancePlan.objects.bulk_create(
            PerformancePlan(
                cycle=cycle,
                employee=person,
                employee_confirmed_at=now,
                employee_confirmed_by=person,
                manager_confirmed_at=now,
                manager_confirmed_by=manager,
            )
            for person in people
        )
        queries, done = assign_queries(hr, cycle, template_set, department)
        assert done.reopened == size
        counts.append(queries)
    assert counts[0] == counts[1]


def test_the_preview_page_is_flat(
    django_app, hr, manager, sales_set, cycle, django_assert_max_num_queries
):
    small, large = DepartmentFactory(name="Small"), DepartmentFactory(name="Large")
    team_of(3, small, manager)
    team_of(40, large, manager)
    preview(django_app, hr, template_set=sales_set, cycle=cycle, department="Small")
    with CaptureQueriesContext(connection) as few:
        preview(django_app, hr, template_set=sales_set, cycle=cycle, department="Small")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = preview(django_app, hr, template_set=sales_set, cycle=cycle, department="Large")
    assert "40 people get new objectives." in page.text
    assert not Objective.objects.exists()


def test_the_library_pages_are_flat(django_app, hr, sales_set, django_assert_max_num_queries):
    url = reverse("plans:template_set_list")
    django_app.get(url, user=hr)
    with CaptureQueriesContext(connection) as few:
        django_app.get(url, user=hr)
        django_app.get(reverse("plans:template_set_detail", args=[sales_set.pk]), user=hr)
    for index in range(20):
        extra = TemplateSet.objects.create(name=f"Set {index}")
        ObjectiveTemplate.objects.create(
            template_set=sales_set, title=f"T{index}", unit="u", target=1, default_weight=0
        )
        ObjectiveTemplate.objects.create(
            template_set=extra, title="T", unit="u", target=1, default_weight=1
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        django_app.get(url, user=hr)
        django_app.get(reverse("plans:template_set_detail", args=[sales_set.pk]), user=hr)
