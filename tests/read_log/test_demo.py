"""The demo shows a logged read: the administrator read one of Priya's private notes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Notification
from coaching.models import PrivateNoteRead

pytestmark = pytest.mark.django_db


def test_the_demo_coach_sees_who_read_her_private_note_and_why(django_app):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # a second run logs nothing more
    read = PrivateNoteRead.objects.select_related("session__coach", "reader").get()
    coach = read.session.coach
    assert coach.email == "priya.nair@example.com" and read.reader.is_superuser
    page = django_app.get(read.session.get_absolute_url(), user=coach)
    reads = page.html.select_one("[data-testid=note-reads]").text
    assert "Read by the administrator Demo Administrator on" in reads
    assert "employment tribunal" in reads
    assert Notification.objects.filter(
        recipient=coach, url=read.session.get_absolute_url()
    ).exists()
