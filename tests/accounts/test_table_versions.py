"""Table versions (accounts/table_versions.py): what bumps, and what does not. A bump too
few leaves a page stale; a bump too many throws away pages nobody changed."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accounts.data_versions import data_versions, recording
from accounts.models import User
from accounts.table_versions import table_scope
from plans.models import Objective
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

USERS, OBJECTIVES = table_scope("accounts_user"), table_scope("coaching_objective")


def _versions() -> tuple[int, ...]:
    return data_versions([USERS, OBJECTIVES])


def test_a_write_that_matched_no_row_bumps_nothing(report):
    before = _versions()
    assert User.objects.filter(pk=-1).update(full_name="Nobody") == 0
    assert Objective.objects.filter(pk=-1).delete()[0] == 0
    assert _versions() == before


def test_an_update_bumps_the_table_it_writes_not_the_tables_it_only_reads(report):
    objective = make_objective(make_cycle(2026), employee=report)
    users, objectives = _versions()
    Objective.objects.filter(employee__full_name=report.full_name).update(title="Renamed")
    assert Objective.objects.get(pk=objective.pk).title == "Renamed"
    after_users, after_objectives = _versions()
    assert after_users == users and after_objectives > objectives


def test_raw_sql_and_bulk_writes_bump_their_table(report):
    before = _versions()[0]
    with connection.cursor() as cursor:
        cursor.execute("update accounts_user set job_title = %s where id = %s", ["Lead", report.pk])
    assert _versions()[0] > before
    before = _versions()[0]
    report.job_title = "Senior lead"
    User.objects.bulk_update([report], ["job_title"])
    assert _versions()[0] > before


def test_a_sign_in_bumps_nothing(report, client):
    before = _versions()
    client.force_login(report)
    assert _versions() == before


def test_a_recording_notes_the_tables_read_and_any_write(report):
    with recording() as reads:
        list(Objective.objects.filter(employee=report))
    assert "coaching_objective" in reads.tables and not reads.wrote
    with recording() as reads:
        User.objects.filter(pk=report.pk).update(job_title="Lead")
    assert reads.wrote


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_at_once_and_again_when_it_commits(report):
    before = _versions()[0]
    with transaction.atomic():
        User.objects.filter(pk=report.pk).update(job_title="Lead")
        User.objects.filter(pk=report.pk).update(job_title="Senior lead")
        inside = _versions()[0]
        assert inside == before + 2  # each statement at once
    assert _versions()[0] == inside + 1  # and once more, after the commit


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_still_leaves_the_commit_bump_of_what_stayed(report):
    objective = make_objective(make_cycle(2026), employee=report)
    users, objectives = _versions()
    with transaction.atomic():
        try:
            with transaction.atomic():
                User.objects.filter(pk=report.pk).update(job_title="Gone")
                raise RuntimeError
        except RuntimeError:
            pass
        Objective.objects.filter(pk=objective.pk).update(title="Kept")
        inside_users, inside_objectives = _versions()
    after_users, after_objectives = _versions()
    assert after_objectives == inside_objectives + 1
    assert after_users == inside_users == users + 1  # the rolled-back write's own bump only
    assert User.objects.get(pk=report.pk).job_title != "Gone"
