"""The navigation's per-person figures are cached (issue 21 §2) and never stale: after
each change, the next page shows the new roles and counts to everyone it concerns, and
a page served again costs no query for the session, the roles or the bell count."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.data_versions import data_versions
from accounts.models import HR_GROUP_NAME, Notification, User
from accounts.notifications import Reminder, reminders_send
from accounts.org_import import org_import
from accounts.services import notify
from tests.accounts.files import csv_bytes
from tests.factories import UserFactory


def menu_links(page) -> set[str]:
    return {a["href"] for a in page.html.select("#main-nav a")}


def bell(page) -> str:
    return str(page.html.select_one('[data-testid="bell"]').get_text(" ", strip=True))


def has_hr_menu(page) -> bool:
    return page.html.select_one('[data-testid="hr-menu"]') is not None


def test_a_person_made_a_manager_by_the_import_sees_team_on_the_next_page(django_app, report):
    team = reverse("plans:team")
    assert team not in menu_links(django_app.get(reverse("home"), user=report))
    result = org_import(
        data=csv_bytes(
            "rob@example.com,Rob Report,Lead,Sales,,,no",
            "nia@example.com,Nia New,Engineer,Sales,,rob@example.com,no",
        ),
        filename="org.csv",
        actor=None,
    )
    assert not result.problems
    assert team in menu_links(django_app.get(reverse("home"), user=report))


def test_a_person_given_a_report_in_the_app_sees_team_and_loses_it_when_the_report_leaves(
    django_app, report
):
    team = reverse("plans:team")
    assert team not in menu_links(django_app.get(reverse("home"), user=report))
    newcomer = UserFactory(manager=report)
    page = django_app.get(reverse("plans:my_objectives"), user=report)
    assert team in menu_links(page)
    assert django_app.get(team, user=report).status_code == 200
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert team not in menu_links(django_app.get(reverse("home"), user=report))


def test_a_person_removed_from_hr_loses_the_menu_and_the_pages_at_once(django_app, hr):
    assert has_hr_menu(django_app.get(reverse("home"), user=hr))
    assert django_app.get(reverse("plans:cycle_list"), user=hr).status_code == 200
    hr.groups.remove(Group.objects.get(name=HR_GROUP_NAME))
    assert not has_hr_menu(django_app.get(reverse("home"), user=hr))
    refused = django_app.get(reverse("plans:cycle_list"), user=hr, expect_errors=True)
    assert refused.status_code in {403, 404}
    hr.groups.add(Group.objects.get(name=HR_GROUP_NAME))
    assert has_hr_menu(django_app.get(reverse("home"), user=hr))


def test_the_bell_rises_with_a_reminder_and_an_app_notice_and_falls_when_read(
    django_app, report, manager, client
):
    assert bell(django_app.get(reverse("home"), user=report)) == "Notifications"
    reminders_send(
        [
            Reminder(
                kind="test",
                recipient=report,
                key="once",
                subject=gettext_noop("Your check-in is due."),
                lines=[],
                url="/",
            )
        ]
    )
    assert bell(django_app.get(reverse("home"), user=report)) == "Notifications 1 unread"
    notify(recipients=[report], message=gettext_noop("Maria logged a session with you."))
    # The manager's own bell is not moved by Rob's notifications.
    client.force_login(manager)
    assert b"badge rounded-pill" not in client.get(reverse("home")).content
    page = django_app.get(reverse("accounts:notifications"), user=report)
    assert bell(page) == "Notifications 2 unread"
    first = Notification.objects.filter(recipient=report).order_by("pk").first()
    assert first is not None
    opening = reverse("accounts:notification_open", args=[first.pk])
    next(form for form in page.forms.values() if form.action == opening).submit(user=report)
    page = django_app.get(reverse("accounts:notifications"), user=report)
    assert bell(page) == "Notifications 1 unread"
    next(form for form in page.forms.values() if "Mark all as read" in form.text).submit(
        user=report
    )
    assert bell(django_app.get(reverse("home"), user=report)) == "Notifications"
    notify(recipients=[report], message=gettext_noop("Maria logged a session with you."))
    assert bell(django_app.get(reverse("home"), user=report)) == "Notifications 1 unread"
    Notification.objects.filter(recipient=report).delete()
    assert bell(django_app.get(reverse("home"), user=report)) == "Notifications"


def test_a_sign_in_does_not_bump_the_org_chart_but_a_move_does(report, manager):
    before = data_versions(["org"])
    User.objects.get(pk=report.pk).save(update_fields=["last_login"])
    assert data_versions(["org"]) == before
    report.manager = None
    report.save(update_fields=["manager"])
    assert data_versions(["org"]) != before


def _second_request_queries(django_app, url: str, user: User, status: int = 200) -> list[str]:
    django_app.get(url, user=user, status=status)
    with CaptureQueriesContext(connection) as queries:
        django_app.get(url, user=user, status=status)
    return [query["sql"] for query in queries.captured_queries]


def test_a_signed_in_page_served_again_costs_no_query_for_session_roles_or_bell(
    django_app, manager, report
):
    for url, status in ((reverse("home"), 200), ("/no-such-page/", 404)):
        queries = _second_request_queries(django_app, url, manager, status)
        assert not [sql for sql in queries if "django_session" in sql], url
        assert not [sql for sql in queries if "accounts_notification" in sql], url
        assert not [sql for sql in queries if "auth_user_groups" in sql], url
    # The signed-in 404: the person's row, nothing else.
    assert len(_second_request_queries(django_app, "/no-such-page/", report, 404)) <= 1
