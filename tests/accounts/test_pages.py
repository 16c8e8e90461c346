from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DepartmentFactory, UserFactory
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_with_button,
    messages,
    options,
    press,
)

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


def test_profile_saves_name_language_and_digest(django_app, report):
    page = django_app.get(reverse("home"), user=report).click(description="My profile")
    form = form_with_button(page, "Save")
    assert form["full_name"].value == "Rob Report"
    form["full_name"] = "Robert Report"
    choose(form, "language", "Simplified Chinese")
    form["weekly_digest"] = False
    response = press(form, "Save")
    assert response.location == reverse("accounts:profile")
    report.refresh_from_db()
    assert (report.full_name, report.language, report.weekly_digest) == (
        "Robert Report",
        "zh-hans",
        False,
    )
    shown = response.follow()
    assert messages(shown) == ["个人资料已保存。"]  # "Your profile has been saved."
    assert "组织" in shown.text  # the whole interface now in Chinese ("Organisation")


def test_profile_refuses_an_empty_name_and_keeps_the_old_one(django_app, report):
    page = django_app.get(reverse("accounts:profile"), user=report)
    form = form_with_button(page, "Save")
    form["full_name"] = ""
    choose(form, "language", "Simplified Chinese")
    refused = press(form, "Save")
    assert refused.status_code == 200
    assert errors_beside(refused, "full_name") == ["This field is required."]
    assert form_with_button(refused, "Save")["language"].value == "zh-hans"  # kept on screen
    report.refresh_from_db()
    assert report.full_name == "Rob Report" and report.language == ""


def test_language_switch_translates_the_interface_and_is_remembered(django_app, report):
    page = django_app.get(reverse("coaching:team"), user=report)
    switcher = form_with_button(page, "Switch")  # the select submits itself; without JS, this
    assert options(switcher, "language") == ["English", "简体中文"]  # each in its own words
    choose(switcher, "language", "简体中文")
    response = press(switcher, "Switch")
    assert response.location == reverse("coaching:team")  # back where the person was
    report.refresh_from_db()
    assert report.language == "zh-hans"
    assert "组织" in response.follow().text  # "Organisation" in the navigation
    assert "组织" in django_app.get(reverse("home")).text


def test_the_language_switch_works_before_logging_in(django_app):
    page = django_app.get(reverse("accounts:login"))
    switcher = form_with_button(page, "Switch")
    choose(switcher, "language", "简体中文")
    assert "登录" in press(switcher, "Switch").follow().text  # "Log in"


def test_a_notification_is_opened_and_marked_read(django_app, report, manager):
    session_url = reverse("coaching:overview")
    report.notifications.create(message="Maria logged a session with you.", url=session_url)
    report.notifications.create(message="Your table is due soon.")
    page = django_app.get(reverse("home"), user=report).click(
        href=reverse("accounts:notifications")
    )
    assert bell(page) == "Notifications 2 unread"
    opened = press(
        form_with_button(page, "Maria logged a session with you."),
        "Maria logged a session with you.",
    )
    assert opened.location == session_url
    assert report.notifications.get(url=session_url).read_at is not None
    page = django_app.get(reverse("accounts:notifications"))
    assert bell(page) == "Notifications 1 unread"
    done = press(form_with_button(page, "Mark all as read"), "Mark all as read").follow()
    assert not report.notifications.filter(read_at__isnull=True).exists()
    assert bell(done) == "Notifications" and "Mark all as read" not in done.text


def bell(page):
    return page.html.select_one('[data-testid="bell"]').get_text(" ", strip=True)


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
