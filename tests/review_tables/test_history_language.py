"""The review history follows its reader's language (issue 20 §4): changes are stored
under field names and labelled when shown, and older entries that hold the writer's
English labels read in Chinese too."""

from __future__ import annotations

import pytest

from reviews.models import ReviewEvent, ReviewTable
from tests.review_tables.conftest import fill, reach, text

pytestmark = pytest.mark.django_db


def history(app, table, user):
    return text(app.get(table.get_absolute_url(), user=user), "[data-testid=history]")


def test_a_change_is_labelled_in_each_readers_language(django_app, table, report, manager):
    reach(table, ReviewTable.Status.RETURNED, assessee=report, reviewer=manager)
    page = django_app.get(table.get_absolute_url(), user=report)
    form = page.forms["fill-form"]
    form["summary"] = "Revised summary."
    fill(page, form, {"Actual · Orders won": "31"})
    form.submit().follow()
    change = ReviewEvent.objects.get(kind="change")
    assert set(change.changes) == {"summary", "actual|Orders won"}

    assert "Summary: Done. → Revised summary." in history(django_app, table, manager)
    assert "Orders won · Actual:" in history(django_app, table, manager)
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    chinese = history(django_app, table, manager)
    assert "总结: Done. → Revised summary." in chinese
    assert "Orders won · 实际:" in chinese
    assert "Summary" not in chinese and "Actual" not in chinese


def test_an_older_entry_holding_english_labels_reads_in_chinese(django_app, table, hr):
    ReviewEvent.objects.create(
        table=table,
        kind=ReviewEvent.Kind.CHANGE,
        changes={
            "Summary": ["Old.", "New."],
            "Orders won · own reasons for the gap": ["", "Late deliveries."],
            "Work plan · Visit three key accounts": [None, "added"],
            "Visit two clients · outcome": ["partly", "done"],
            "Something a later version wrote": ["a", "b"],
        },
    )
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    shown = history(django_app, table, hr)
    assert "总结: Old. → New." in shown
    assert "Orders won · 差距的本人原因: — → Late deliveries." in shown
    assert "工作计划 · Visit three key accounts: — → 已添加" in shown
    assert "Visit two clients · 完成情况: 部分完成 → 已完成" in shown
    assert "Something a later version wrote: a → b" in shown
