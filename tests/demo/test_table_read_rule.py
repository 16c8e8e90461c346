"""Who may open a review table: the table page checks one table in Python
(``may_read_table``), the lists filter by ``tables_visible_to``; the two spell the same
rule and must never differ. Checked for every person and every table of the seeded demo
(managers, skip-levels, department heads, HR, the top reviewer, people who moved)."""

from __future__ import annotations

import pytest

from accounts.models import User
from reviews.models import ReviewTable
from reviews.permissions import may_read_table, tables_visible_to

pytestmark = pytest.mark.django_db


def test_the_table_page_and_the_lists_agree_on_who_reads_every_demo_table(demo):
    tables = list(ReviewTable.objects.all())
    assert len(tables) >= 20
    differ = []
    for person in User.objects.filter(is_active=True):
        listed = set(tables_visible_to(person).values_list("pk", flat=True))
        for table in tables:
            if may_read_table(person, table) != (table.pk in listed):
                differ.append((person.email, str(table), table.pk in listed))
    assert differ == []
