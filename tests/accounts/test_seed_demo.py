from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import Assignment, Department, User
from accounts.selectors import user_roles
from demo.organisation import DEMO_ORG_FILE, HIRED, demo_hire_date
from plans.models import AppraisalCycle

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first_out = capsys.readouterr().out
    users = list(User.objects.values().order_by("pk"))
    departments = list(Department.objects.values().order_by("pk"))
    call_command("seed_demo")
    assert list(User.objects.values().order_by("pk")) == users
    assert list(Department.objects.values().order_by("pk")) == departments
    assert "coaching-demo" in first_out and "sofia.rossi@example.com" in first_out


def test_demo_organisation_is_realistic():
    call_command("seed_demo")
    assert User.objects.count() >= 30
    depth = 0
    for department in Department.objects.all():
        level, node = 1, department
        while node.parent_id:
            node, level = node.parent, level + 1
        depth = max(depth, level)
    assert depth >= 3
    sofia = User.objects.get(email="sofia.rossi@example.com")
    assert user_roles(sofia).is_hr
    assert User.objects.get(email="admin@example.com").is_superuser
    assert User.objects.get(email="emma.wilson@example.com").check_password("coaching-demo")


def test_every_demo_notification_opens_for_its_recipient(
    client, django_capture_on_commit_callbacks
):
    """The demo told the head of Finance about answers on tables he may not open (404)."""
    from accounts.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    notices = list(Notification.objects.exclude(url="").select_related("recipient"))
    assert notices
    for notice in notices:
        client.force_login(notice.recipient)
        response = client.get(notice.url)
        assert response.status_code == 200, (notice.recipient.email, notice.url, notice.message)


def history_rows(page) -> list[list[str]]:
    table = page.html.select_one('[data-testid="assignment-history"]')
    return [
        [td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")
    ]


def short(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_the_demo_s_people_joined_before_last_year_s_cycle_and_the_changes_come_after(
    django_app,
):
    """The organisation file's people have a hire date, so their page's "Where they were"
    does not say they joined the day the demo was seeded; Noor's move and Ben's departure
    read as this month's changes after it (made on its first morning, whatever day the
    demo is seeded: demo/lifecycle.py)."""
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    last_year = AppraisalCycle.objects.get(name=str(today.year - 1))
    from_file = User.objects.filter(email__in=list(HIRED))
    assert from_file.count() == len(HIRED) == len(DEMO_ORG_FILE.read_text().splitlines()) - 1
    for person in from_file:
        assert timezone.localdate(person.date_joined) < last_year.start_date
        first = Assignment.objects.filter(person=person).earliest("started_at")
        assert first.started_at == person.date_joined

    sofia = User.objects.get(email="sofia.rossi@example.com")
    emma = User.objects.get(email="emma.wilson@example.com")
    page = django_app.get(emma.get_absolute_url(), user=sofia)
    assert history_rows(page) == [
        [
            short(demo_hire_date(emma.email, today=today)),
            "now",
            "Priya Nair",
            "Sales East",
            "Before the history was kept",
        ]
    ]

    noor = User.objects.get(email="noor.ahmed@example.com")
    page = django_app.get(noor.get_absolute_url(), user=sofia)
    noor_hired = short(demo_hire_date(noor.email, today=today))
    changed = short(today.replace(day=1))
    assert history_rows(page) == [
        [changed, "now", "Tom Becker", "Sales West", "In the app · Sofia Rossi"],
        [noor_hired, changed, "Priya Nair", "Sales East", "Before the history was kept"],
    ]

    found = django_app.get(reverse("accounts:org_chart") + "?left=on", user=sofia)
    ben_row = found.html.find("a", string="Ben Carter").find_parent("tr").get_text(" ", strip=True)
    assert f"Left on {changed}" in ben_row
    page = found.click(description="Ben Carter")
    ben_hired = short(demo_hire_date("ben.carter@example.com", today=today))
    # Like everyone, Ben joined before last year's cycle (the README says so).
    assert history_rows(page) == [
        [ben_hired, changed, "Omar Haddad", "Customer Service", "Before the history was kept"]
    ]


def test_the_demo_shows_an_early_warning_and_a_suggestion_from_another_department(
    django_capture_on_commit_callbacks,
):
    """Issue 16 §6–§7: Wang Fang's confidence fell to 2; a Finance analyst suggests."""
    from accounts.models import Notification
    from plans.models import EarlyWarning
    from reviews.models import Inquiry

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    priya = User.objects.get(email="priya.nair@example.com")
    assert EarlyWarning.objects.filter(
        coach=priya, objective__employee__email="wang.fang@example.com"
    ).exists()
    assert Notification.objects.filter(
        recipient=priya, message__startswith="Early warning"
    ).exists()
    assert Inquiry.objects.filter(
        kind=Inquiry.Kind.SUGGESTION,
        asked_by__email="zhou.xin@example.com",
        table__department__name="Sales East",
    ).exists()
