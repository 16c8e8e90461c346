"""Nobody but HR and heads sees the template library; a head only the sets of the
departments they head (and below); every URL tried as the wrong person (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import ObjectiveTemplate, TemplateSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_owned(sales):
    template_set = TemplateSet.objects.create(name="Sales basics", department=sales)
    ObjectiveTemplate.objects.create(
        template_set=template_set, title="Calls", unit="calls", target=100, default_weight=10
    )
    return template_set


def urls(template_set):
    template = template_set.templates.get()
    return [
        ("GET", reverse("plans:template_set_detail", args=[template_set.pk])),
        ("GET", reverse("plans:template_set_edit", args=[template_set.pk])),
        ("POST", reverse("plans:template_set_edit", args=[template_set.pk])),
        ("POST", reverse("plans:template_set_delete", args=[template_set.pk])),
        ("GET", reverse("plans:template_new", args=[template_set.pk])),
        ("POST", reverse("plans:template_new", args=[template_set.pk])),
        ("GET", reverse("plans:template_edit", args=[template.pk])),
        ("POST", reverse("plans:template_edit", args=[template.pk])),
        ("POST", reverse("plans:template_delete", args=[template.pk])),
    ]


LIBRARY = [
    ("GET", "plans:template_set_list"),
    ("GET", "plans:template_set_new"),
    ("POST", "plans:template_set_new"),
    ("GET", "plans:template_assign"),
    ("POST", "plans:template_assign"),
]


@pytest.mark.parametrize("persona", ["report", "peer", "outsider", "indirect_report"])
def test_people_who_are_neither_hr_nor_heads_find_no_library(client, request, persona, sales_owned):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    for method, name in LIBRARY:
        response = getattr(client, method.lower())(reverse(name), {"name": "x"})
        assert response.status_code == 404, (method, name)
    for method, url in urls(sales_owned):
        response = getattr(client, method.lower())(url, {"name": "x", "version": "1"})
        assert response.status_code == 404, (method, url)
    assert TemplateSet.objects.get().name == "Sales basics"


def test_another_head_cannot_see_or_change_a_departments_set(client, other_manager, sales_owned):
    client.force_login(other_manager)
    assert client.get(reverse("plans:template_set_list")).status_code == 200
    assert "Sales basics" not in client.get(reverse("plans:template_set_list")).content.decode()
    for method, url in urls(sales_owned):
        response = getattr(client, method.lower())(url, {"name": "x", "version": "1"})
        assert response.status_code == 404, (method, url)
    assert TemplateSet.objects.filter(pk=sales_owned.pk).exists()


def test_a_head_does_not_see_hrs_organisation_wide_sets(client, manager, sales_set):
    client.force_login(manager)
    assert client.get(reverse("plans:template_set_detail", args=[sales_set.pk])).status_code == 404


def test_a_head_cannot_assign_a_set_they_do_not_keep(client, manager, report, sales_set, cycle):
    client.force_login(manager)
    response = client.post(
        reverse("plans:template_assign"),
        {
            "template_set": sales_set.pk,
            "cycle": cycle.pk,
            "target": "people",
            "emails": report.email,
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_head_cannot_create_a_set_for_another_department(client, manager, finance):
    client.force_login(manager)
    response = client.post(
        reverse("plans:template_set_new"), {"name": "Mine now", "department": finance.pk}
    )
    assert response.status_code == 200
    assert not TemplateSet.objects.exists()


def test_a_head_sees_and_edits_their_departments_set(client, manager, sales_owned):
    client.force_login(manager)
    assert (
        client.get(reverse("plans:template_set_detail", args=[sales_owned.pk])).status_code == 200
    )


def test_anonymous_visitors_are_sent_to_log_in(client, sales_owned):
    response = client.get(reverse("plans:template_set_detail", args=[sales_owned.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
