from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_shows_manager_and_direct_reports(client, manager, report, indirect_report):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert "Rob Report" in body
    assert "Ivy Indirect" not in body  # only direct reports on the home card


def test_employee_sees_own_manager(client, report, manager):
    client.force_login(report)
    body = client.get(reverse("home")).content.decode()
    assert "Maria Manager" in body


def test_navigation_fits_the_role(client, report, hr):
    client.force_login(report)
    assert reverse("accounts:org_import") not in client.get(reverse("home")).content.decode()
    client.force_login(hr)
    assert reverse("accounts:org_import") in client.get(reverse("home")).content.decode()


def test_profile_saves_name_and_language(client, report):
    client.force_login(report)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Robert Report", "language": "zh-hans"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.full_name == "Robert Report" and report.language == "zh-hans"


def test_profile_refuses_an_empty_name_and_keeps_the_old_one(client, report):
    client.force_login(report)
    response = client.post(reverse("accounts:profile"), {"full_name": "", "language": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    report.refresh_from_db()
    assert report.full_name == "Rob Report"


def test_language_switch_translates_the_interface_and_is_remembered(client, report):
    client.force_login(report)
    response = client.post(reverse("language_switch"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.language == "zh-hans"
    body = client.get(reverse("home")).content.decode()
    assert "组织" in body  # "Organisation" in the navigation


def test_person_page_shows_the_chain_of_managers(client, indirect_report, peer):
    client.force_login(peer)
    body = client.get(reverse("accounts:person_detail", args=[indirect_report.pk])).content.decode()
    assert "Rob Report" in body and "Maria Manager" in body


def test_inactive_person_has_no_page(client, report, peer):
    User.objects.filter(pk=report.pk).update(is_active=False)
    client.force_login(peer)
    assert client.get(reverse("accounts:person_detail", args=[report.pk])).status_code == 404


def results(response):
    return response.content.decode().split('id="people-results"', 1)[1]


def test_org_chart_shows_tree_heads_and_search(client, manager, report, peer, outsider):
    client.force_login(outsider)
    body = client.get(reverse("accounts:org_chart")).content.decode()
    assert "Sales" in body and "Finance" in body and "Maria Manager" in body
    found = results(client.get(reverse("accounts:org_chart"), {"q": "rob"}))
    assert "Rob Report" in found and "Paul Peer" not in found


def test_org_chart_filters_by_department_including_sub_departments(client, sales, report, peer):
    east = DepartmentFactory(name="Sales East", parent=sales)
    UserFactory(full_name="Eve East", department=east)
    client.force_login(peer)
    body = results(client.get(reverse("accounts:org_chart"), {"department": sales.pk}))
    assert "Rob Report" in body and "Eve East" in body and "Paul Peer" not in body


def test_org_chart_search_answers_htmx_with_the_results_only(client, report):
    client.force_login(report)
    response = client.get(reverse("accounts:org_chart"), {"q": "rob"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="people-results"' in body and "<nav" not in body


@pytest.mark.parametrize("size", [5, 60])
def test_org_chart_query_count_does_not_grow(client, size, django_assert_max_num_queries):
    top = DepartmentFactory()
    departments = [DepartmentFactory(parent=top) for _ in range(size // 5)]
    boss = UserFactory(department=top)
    for index in range(size):
        UserFactory(department=departments[index % len(departments)], manager=boss)
    client.force_login(boss)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:org_chart"))
    assert response.status_code == 200
