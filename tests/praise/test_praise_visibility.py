"""Who sees a praise, at each level (issue 18 §1): one rule (``praise_visible_to``), the
same on the praise's page, the walls, "My praise" and the person's page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coaching.praise_access import praise_visible_to
from coaching.praise_models import Praise

pytestmark = pytest.mark.django_db

EVERYONE = {"maria", "rob", "ivy", "paul", "olga", "hana", "otto", "sam", "cleo"}
# The recipient, the giver, the line manager (Rob) and the manager above (Maria).
PRIVATE = {"ivy", "paul", "rob", "maria"}
# ... and the present members of Sales (Sam) and the head above it (Cleo, Commercial).
DEPARTMENT = PRIVATE | {"sam", "cleo"}
LEVELS = {"private": PRIVATE, "department": DEPARTMENT, "organisation": EVERYONE}


def _seers(people: dict[str, User], praise: Praise) -> set[str]:
    return {name for name, user in people.items() if praise_visible_to(user).filter(pk=praise.pk)}


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_is_seen_by_exactly_its_people(people, praise, level):
    Praise.objects.filter(pk=praise.pk).update(visibility=level)
    assert _seers(people, praise) == LEVELS[level]


@pytest.mark.parametrize("level", LEVELS)
def test_the_praise_page_opens_for_exactly_its_people(client, people, praise, level):
    Praise.objects.filter(pk=praise.pk).update(visibility=level)
    url = reverse("coaching:praise_detail", args=[praise.pk])
    opened = set()
    for name, user in people.items():
        client.force_login(user)
        status = client.get(url).status_code
        assert status in (200, 404), (name, status)
        if status == 200:
            opened.add(name)
    assert opened == LEVELS[level]


def test_hr_has_no_special_right(people, praise):
    assert not praise_visible_to(people["hana"]).filter(pk=praise.pk).exists()


def test_the_line_manager_of_the_time_keeps_seeing_it_after_a_move(people, praise):
    ivy = people["ivy"]
    ivy.manager = people["olga"]
    ivy.save()
    seers = _seers(people, praise)
    # Rob was her line manager when it was given; Olga is above her now. Maria is not.
    assert {"rob", "olga", "ivy", "paul"} <= seers
    assert "maria" not in seers


def test_the_department_is_that_of_the_time_and_its_present_members(people, praise, finance):
    Praise.objects.filter(pk=praise.pk).update(visibility="department")
    sam = people["sam"]
    sam.department = finance
    sam.save()
    # Sam left Sales: no longer a member of the department of the time.
    assert "sam" not in _seers(people, praise)
    # Ivy herself moving does not take her praise to Finance's wall.
    ivy = people["ivy"]
    ivy.department = finance
    ivy.save()
    assert "olga" not in _seers(people, praise)


def test_withdrawn_praise_is_seen_by_its_giver_alone(people, praise):
    Praise.objects.filter(pk=praise.pk).update(
        visibility="organisation", withdrawn_at=timezone.now()
    )
    assert _seers(people, praise) == {"paul"}


def test_nobody_who_has_left_sees_anything(people, praise):
    Praise.objects.filter(pk=praise.pk).update(visibility="organisation")
    otto = people["otto"]
    otto.is_active = False
    otto.save()
    assert not praise_visible_to(otto).exists()
