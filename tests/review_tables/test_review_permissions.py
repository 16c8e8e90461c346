"""Every URL and every workflow step of a review table, tried as the wrong person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Inquiry, ReviewTable
from tests.review_tables.conftest import fill_data, reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def urls(table):
    return [
        reverse("reviews:table_detail", args=[table.pk]),
        reverse("reviews:table_print", args=[table.pk]),
    ]


@pytest.mark.parametrize("intruder", ["peer", "other_manager", "outsider", "indirect_report"])
def test_outsiders_never_see_an_employees_table(client, request, table, intruder):
    reach(table, Status.IN_REVIEW, assessee=table.employee, reviewer=table.employee.manager)
    client.force_login(request.getfixturevalue(intruder))
    for url in urls(table):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Orders won" not in response.content.decode()
    posts = [
        (reverse("reviews:table_detail", args=[table.pk]), fill_data(table)),
        (reverse("reviews:table_review", args=[table.pk]), {"version": 1}),
        (reverse("reviews:table_review", args=[table.pk]), {"version": 1, "action": "finalise"}),
        (reverse("reviews:inquiry_new", args=[table.pk]), {"question": "Why?"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    table.refresh_from_db()
    assert table.status == Status.IN_REVIEW and not Inquiry.objects.exists()


@pytest.mark.parametrize("action", ["start_review", "return", "finalise"])
def test_an_employee_cannot_decide_on_her_own_table(client, table, report, action):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=report.manager)
    client.force_login(report)
    response = client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {"version": table.version, "action": action, "comment": "x", "reviewer_summary": "Me"},
    )
    assert response.status_code == 403
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED


def test_the_reviewer_cannot_fill_the_employees_part(client, table, manager):
    client.force_login(manager)
    response = client.post(reverse("reviews:table_detail", args=[table.pk]), fill_data(table))
    assert response.status_code == 403
    table.refresh_from_db()
    assert table.summary == ""


def test_the_employee_cannot_write_the_reviewers_part(client, table, report):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=report.manager)
    client.force_login(report)
    response = client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {"version": table.version, "reviewer_summary": "Excellent, says I."},
    )
    assert response.status_code == 403
    table.refresh_from_db()
    assert table.reviewer_summary == ""


def test_nobody_changes_a_finalised_table(client, table, report, manager, hr):
    table = reach(table, Status.FINALISED, assessee=report, reviewer=manager)
    for person in (report, manager, hr):
        client.force_login(person)
        page = client.get(reverse("reviews:table_detail", args=[table.pk])).content.decode()
        assert 'data-testid="fill-form"' not in page and 'data-testid="reviewer-form"' not in page
        attempts = [
            (reverse("reviews:table_detail", args=[table.pk]), fill_data(table, summary="Late")),
            (
                reverse("reviews:table_review", args=[table.pk]),
                {"version": table.version, "reviewer_summary": "Late"},
            ),
            (
                reverse("reviews:table_review", args=[table.pk]),
                {"version": table.version, "action": "return", "comment": "Late"},
            ),
            (reverse("reviews:inquiry_new", args=[table.pk]), {"question": "Late?"}),
        ]
        for url, data in attempts:
            response = client.post(url, data)
            # The assessee and the reviewer are told who locked it (a tab left open);
            # everybody else is simply refused. Nobody changes anything.
            own_part = (person, url) in {
                (report, reverse("reviews:table_detail", args=[table.pk])),
                (manager, reverse("reviews:table_review", args=[table.pk])),
                (manager, reverse("reviews:inquiry_new", args=[table.pk])),
                (hr, reverse("reviews:inquiry_new", args=[table.pk])),
            }
            assert response.status_code == (409 if own_part else 403), (person, url)
            if own_part:
                assert "changed this table to “Finalised”" in response.content.decode()
    table.refresh_from_db()
    assert table.status == Status.FINALISED and table.summary == "Done."
    assert table.reviewer_summary == "Good." and not Inquiry.objects.exists()


def test_hr_reads_every_table_and_its_history_but_decides_nothing(client, table, report, hr):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=report.manager)
    client.force_login(hr)
    page = client.get(reverse("reviews:table_detail", args=[table.pk])).content.decode()
    assert "Orders won" in page and 'data-testid="history"' in page
    response = client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {"version": table.version, "reviewer_summary": "HR says fine.", "action": "finalise"},
    )
    assert response.status_code == 403


def test_department_tables_are_read_by_everyone_only_once_submitted(
    client, sales_table, manager, peer
):
    client.force_login(peer)
    url = reverse("reviews:table_detail", args=[sales_table.pk])
    assert client.get(url).status_code == 404
    reach(sales_table, Status.SUBMITTED, assessee=manager, reviewer=manager)
    assert client.get(url).status_code == 200


def test_heads_of_other_departments_question_department_tables_only(
    client, sales_table, table, manager, other_manager, report
):
    ReviewTable.objects.filter(pk=sales_table.pk).update(status=Status.IN_REVIEW)
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    client.force_login(other_manager)  # heads Finance
    asked = client.post(
        reverse("reviews:inquiry_new", args=[sales_table.pk]), {"question": "Which region?"}
    )
    assert asked.status_code == 302
    refused = client.post(reverse("reviews:inquiry_new", args=[table.pk]), {"question": "?"})
    assert refused.status_code == 404
    assert list(Inquiry.objects.values_list("question", flat=True)) == ["Which region?"]


def test_only_the_assessee_answers(client, table, report, manager, hr):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    inquiry = Inquiry.objects.create(table=table, asked_by=manager, question="Why the gap?")
    url = reverse("reviews:inquiry_answer", args=[inquiry.pk])
    for person in (manager, hr):
        client.force_login(person)
        assert client.post(url, {"answer": "Because."}).status_code == 403
    client.force_login(report)
    assert client.post(url, {"answer": "A big order slipped."}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.answer == "A big order slipped." and inquiry.answered_by == report


def test_create_page_is_for_managers_and_hr(client, report, manager, hr):
    client.force_login(report)
    assert client.get(reverse("reviews:create")).status_code == 403
    for person in (manager, hr):
        client.force_login(person)
        assert client.get(reverse("reviews:create")).status_code == 200


def test_a_manager_creates_tables_only_for_own_reports(client, manager, peer, cycle, month):
    from tests.factories import make_objective

    make_objective(cycle, employee=peer)
    client.force_login(manager)
    response = client.post(
        reverse("reviews:create"),
        {"month": month.strftime("%Y-%m"), "scope": "person", "employee": peer.pk},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ReviewTable.objects.filter(employee=peer).exists()
    everyone = client.post(
        reverse("reviews:create"), {"month": month.strftime("%Y-%m"), "scope": "everyone"}
    )
    assert "Only HR creates tables for everyone." in everyone.content.decode()
