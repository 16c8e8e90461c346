from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DepartmentFactory, UserFactory
from tests.webtest_helpers import (
    HTMX,
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
    page = django_app.get(reverse("plans:team"), user=report)
    switcher = form_with_button(page, "Switch")  # the select submits itself; without JS, this
    assert options(switcher, "language") == ["English", "简体中文"]  # each in its own words
    choose(switcher, "language", "简体中文")
    response = press(switcher, "Switch")
    assert response.location == reverse("plans:team")  # back where the person was
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


def search(page, query, **kwargs):
    form = form_with_button(page, "Search")
    form["q"] = query
    return press(form, "Search", **kwargs)


def test_org_chart_shows_tree_heads_and_search(django_app, manager, report, peer, outsider):
    page = django_app.get(reverse("home"), user=outsider).click(description="Organisation")
    assert "Sales" in page.text and "Finance" in page.text and "Maria Manager" in page.text
    found = search(page, "rob")
    assert "Rob Report" in results(found) and "Paul Peer" not in results(found)
    assert form_with_button(found, "Search")["q"].value == "rob"


def test_org_chart_filters_by_department_including_sub_departments(django_app, sales, report, peer):
    east = DepartmentFactory(name="Sales East", parent=sales)
    UserFactory(full_name="Eve East", department=east)
    page = django_app.get(reverse("accounts:org_chart"), user=peer)
    sales_page = page.click(description="^Sales$")
    body = results(sales_page)
    assert "Rob Report" in body and "Eve East" in body and "Paul Peer" not in body
    found = results(search(sales_page, "eve"))  # the search stays within the department
    assert "Eve East" in found and "Rob Report" not in found


def test_org_chart_search_answers_htmx_with_the_results_only(django_app, report):
    page = django_app.get(reverse("accounts:org_chart"), user=report)
    response = search(page, "rob", headers=HTMX)  # as typing in the box does
    assert 'id="people-results"' in response.text and "<nav" not in response.text
    assert "Rob Report" in response.text


def test_password_change_from_the_profile(django_app, report, password):
    page = django_app.get(reverse("accounts:profile"), user=report)
    form = form_with_button(
        page.click(description="Change password", index=1), "Change my password"
    )
    form["old_password"] = "nope"
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    refused = press(form, "Change my password")
    assert errors_beside(refused, "old_password") == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    form = form_with_button(refused, "Change my password")
    form["old_password"] = password
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    done = press(form, "Change my password").follow()
    assert "Your password has been changed." in done.text
    report.refresh_from_db()
    assert report.check_password("another-secret-77")


def test_log_out_from_the_menu(django_app, report):
    page = django_app.get(reverse("home"), user=report)
    django_app.set_user(None)  # from here on, only the session cookie says who this is
    press(form_with_button(page, "Log out"), "Log out")
    after = django_app.get(reverse("home"))
    assert after.status_code == 302 and reverse("accounts:login") in after.location


@pytest.mark.parametrize("size", [5, 60])
def test_org_chart_query_count_does_not_grow(client, size, django_assert_max_num_queries):
    top = DepartmentFactory()
    departments = [DepartmentFactory(parent=top) for _ in range(size // 5)]
    boss = UserFactory(department=top)
    for index in range(size):
        UserFactory(department=departments[index % len(departments)], manager=boss)
    client.force_login(boss)
    # One of them asks whether the boss may read anyone who left (the box to list them).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("accounts:org_chart"))
    assert response.status_code == 200
