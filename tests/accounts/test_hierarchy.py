from __future__ import annotations

import pytest

from accounts.models import User
from accounts.selectors import (
    all_report_ids,
    department_subtree_ids,
    direct_report_ids,
    in_reports,
    is_manager_of,
    manager_chain_ids,
    nearest_active_manager,
    reports_of,
    user_roles,
)
from tests.factories import DepartmentFactory, UserFactory, make_chain, make_hr

pytestmark = pytest.mark.django_db


def test_manager_manages_direct_and_indirect_reports(manager, report, indirect_report):
    assert is_manager_of(manager, report)
    assert is_manager_of(manager, indirect_report)
    assert is_manager_of(report, indirect_report)


def test_nobody_manages_upwards_sideways_or_themselves(manager, report, indirect_report, peer):
    assert not is_manager_of(report, manager)
    assert not is_manager_of(indirect_report, report)
    assert not is_manager_of(manager, peer)
    assert not is_manager_of(manager, manager)


def test_deep_chain_is_followed_to_the_bottom():
    chain = make_chain(8)
    top, bottom = chain[0], chain[-1]
    assert is_manager_of(top, bottom)
    assert all_report_ids(top) == {person.pk for person in chain[1:]}
    assert manager_chain_ids(bottom) == [person.pk for person in reversed(chain[:-1])]


def test_direct_reports_are_only_the_first_level(manager, report, indirect_report):
    assert direct_report_ids(manager) == {report.pk}
    assert set(reports_of(manager)) == {report}
    assert set(reports_of(manager, indirect=True)) == {report, indirect_report}


@pytest.mark.parametrize("team_size", [5, 200])
def test_whole_team_costs_one_query_whatever_its_size(team_size, django_assert_num_queries):
    boss = UserFactory()
    leads = UserFactory.create_batch(max(1, team_size // 10), manager=boss)
    for index in range(team_size - len(leads)):
        UserFactory(manager=leads[index % len(leads)])
    boss = User.objects.get(pk=boss.pk)
    with django_assert_num_queries(1):
        ids = all_report_ids(boss)
        checks = [is_manager_of(boss, pk) for pk in ids]
    assert len(ids) == team_size and all(checks)


@pytest.mark.parametrize("team_size", [5, 50])
def test_listing_the_whole_team_is_one_query(team_size, django_assert_num_queries):
    boss = UserFactory()
    lead = UserFactory(manager=boss)
    UserFactory.create_batch(team_size - 1, manager=lead)
    # The chain is walked once per request (issue 21), then each list is one query.
    with django_assert_num_queries(2):
        names = [(p.full_name, p.manager.full_name) for p in reports_of(boss, indirect=True)]
    assert len(names) == team_size
    with django_assert_num_queries(1):
        again = [(p.full_name, p.manager.full_name) for p in reports_of(boss, indirect=True)]
    assert again == names


def test_a_corrupt_cycle_in_the_data_does_not_hang():
    first, second = UserFactory(), UserFactory()
    User.objects.filter(pk=first.pk).update(manager=second)
    User.objects.filter(pk=second.pk).update(manager=first)
    assert all_report_ids(first) == {first.pk, second.pk}
    assert set(manager_chain_ids(first)) <= {first.pk, second.pk}


def test_roles_come_from_the_org_chart_in_one_query(manager, report, hr, django_assert_num_queries):
    manager = User.objects.get(pk=manager.pk)
    with django_assert_num_queries(1):
        roles = user_roles(manager)
        assert user_roles(manager) is roles
    assert roles.is_manager and roles.is_department_head and not roles.is_hr
    assert user_roles(hr).is_hr and not user_roles(hr).is_manager
    assert user_roles(report).is_employee_only


def test_department_subtree_includes_every_level():
    top = DepartmentFactory()
    middle = DepartmentFactory(parent=top)
    bottom = DepartmentFactory(parent=middle)
    DepartmentFactory()  # elsewhere
    assert department_subtree_ids(top) == {top.pk, middle.pk, bottom.pk}
    assert department_subtree_ids(bottom) == {bottom.pk}


def test_hr_is_a_group_not_a_flag():
    person = UserFactory()
    assert not user_roles(person).is_hr
    make_hr(person)
    assert user_roles(User.objects.get(pk=person.pk)).is_hr


@pytest.mark.parametrize("large", [False, True])
def test_lists_filter_by_a_chain_of_any_size_alike(large, monkeypatch):
    top, *below = make_chain(4)
    outsider = UserFactory()
    if large:  # the recursive subquery instead of the list of ids
        monkeypatch.setattr("accounts.selectors.LARGE_CHAIN", 2)
    fresh = User.objects.get(pk=top.pk)
    found = set(User.objects.filter(in_reports(fresh)).values_list("pk", flat=True))
    assert found == {person.pk for person in below}
    assert outsider.pk not in found


def test_nearest_active_manager_steps_over_people_who_left() -> None:
    top = UserFactory()
    middle = UserFactory(manager=top)
    person = UserFactory(manager=middle)
    assert nearest_active_manager(person) == middle
    middle.is_active = False
    middle.save()
    assert nearest_active_manager(person) == top
    top.is_active = False
    top.save()
    assert nearest_active_manager(person) is None
