from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from accounts.selectors import user_roles

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
