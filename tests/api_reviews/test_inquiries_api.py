"""Questions on a review table through the API: asked by whom the page lets ask, answered
by the assessee, the first answer standing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Notification
from reviews.models import Inquiry, JobSettings, ReviewTable
from tests.api_helpers import ROLES, client_for, outcome, problem
from tests.review_tables.conftest import reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def inquiries(table):
    return f"/api/v1/review-tables/{table.pk}/inquiries/"


def answer(inquiry):
    return f"/api/v1/inquiries/{inquiry.pk}/answer/"


@pytest.fixture
def in_review(table, report, manager):
    return reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)


@pytest.fixture
def sales_in_review(sales_table, manager, hr):
    """Sales' table in review; with nobody above Sales, HR reviews it."""
    return reach(sales_table, Status.IN_REVIEW, assessee=manager, reviewer=hr)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["in_review", "sales_in_review"])
def test_questions_are_asked_by_whom_the_page_lets_ask(client, request, role, which):
    table = request.getfixturevalue(which)
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.post(reverse("reviews:inquiry_new", args=[table.pk]), {"question": "Why?"})
    page_asked = Inquiry.objects.filter(asked_by=person).exists()
    Inquiry.objects.all().delete()
    response = client_for(person).post(inquiries(table), {"question": "Why?"}, format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    assert Inquiry.objects.filter(asked_by=person).exists() == page_asked
    if response.status_code == 201:
        assert response.json()["question"] == "Why?" and response.json()["open"] is True
    else:
        problem(response, page.status_code)


def test_when_hr_narrows_askers_to_heads_a_member_is_refused(sales_in_review, peer):
    JobSettings.objects.update_or_create(
        pk=JobSettings.current().pk, defaults={"department_askers": JobSettings.Askers.HEADS}
    )
    response = client_for(peer).post(inquiries(sales_in_review), {"question": "?"}, format="json")
    problem(response, 403)
    assert not Inquiry.objects.exists()


def test_a_question_before_the_review_opened_is_a_409(table, report, manager):
    table = reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    problem(client_for(manager).post(inquiries(table), {"question": "?"}, format="json"), 409)
    assert not Inquiry.objects.exists()


def test_an_empty_question_gets_the_forms_message(in_review, manager):
    body = problem(
        client_for(manager).post(inquiries(in_review), {"question": ""}, format="json"), 400
    )
    assert body["errors"] == {"question": ["This field is required."]}


def test_the_assessee_is_told_of_a_question_as_from_the_page(
    in_review, manager, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(
            inquiries(in_review), {"question": "Why?", "kind": "suggestion"}, format="json"
        )
    assert Inquiry.objects.get().kind == "suggestion"
    assert "put forward a suggestion" in Notification.objects.get(recipient=report).message


@pytest.mark.parametrize("role", ROLES)
def test_questions_are_answered_by_whom_the_page_lets_answer(
    client, request, in_review, manager, role
):
    inquiry = Inquiry.objects.create(table=in_review, asked_by=manager, question="Why?")
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.post(reverse("reviews:inquiry_answer", args=[inquiry.pk]), {"answer": "Because."})
    page_answered = Inquiry.objects.get(pk=inquiry.pk).answered_at is not None
    Inquiry.objects.filter(pk=inquiry.pk).update(answer="", answered_at=None, answered_by=None)
    response = client_for(person).post(answer(inquiry), {"answer": "Because."}, format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    assert (Inquiry.objects.get(pk=inquiry.pk).answered_at is not None) == page_answered
    if response.status_code != 200:
        problem(response, page.status_code)


def test_the_first_answer_stands(in_review, manager, report):
    inquiry = Inquiry.objects.create(table=in_review, asked_by=manager, question="Why?")
    api = client_for(report)
    assert api.post(answer(inquiry), {"answer": "First"}, format="json").status_code == 200
    problem(api.post(answer(inquiry), {"answer": "Second"}, format="json"), 409)
    assert Inquiry.objects.get().answer == "First"


def test_a_read_only_token_asks_and_answers_nothing(in_review, manager, report):
    inquiry = Inquiry.objects.create(table=in_review, asked_by=manager, question="Why?")
    problem(
        client_for(manager, ApiToken.Scope.READ).post(
            inquiries(in_review), {"question": "?"}, format="json"
        ),
        403,
    )
    problem(
        client_for(report, ApiToken.Scope.READ).post(
            answer(inquiry), {"answer": "x"}, format="json"
        ),
        403,
    )
    assert Inquiry.objects.count() == 1 and Inquiry.objects.get().is_open


@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_questions_reads_as_the_table_does(client, request, in_review, manager, role):
    Inquiry.objects.create(table=in_review, asked_by=manager, question="Why?")
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.get(in_review.get_absolute_url())
    response = client_for(person).get(inquiries(in_review))
    assert outcome(response.status_code) == outcome(page.status_code)
    if response.status_code == 200:
        assert [i["question"] for i in response.json()["results"]] == ["Why?"]
    else:
        assert "Why?" not in response.content.decode()


def test_the_list_filters_open_questions(in_review, manager, report):
    Inquiry.objects.create(table=in_review, asked_by=manager, question="Open one")
    done = Inquiry.objects.create(table=in_review, asked_by=manager, question="Answered one")
    client_for(report).post(answer(done), {"answer": "Yes"}, format="json")
    api = client_for(manager)
    assert [
        i["question"] for i in api.get(inquiries(in_review), {"open": "true"}).json()["results"]
    ] == ["Open one"]
    problem(api.get(inquiries(in_review), {"kind": "rant"}), 400)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_of_questions_costs_the_same_for_3_or_30(
    in_review, manager, count, django_assert_max_num_queries
):
    Inquiry.objects.bulk_create(
        Inquiry(table=in_review, asked_by=manager, question=f"Q{n}") for n in range(count)
    )
    api = client_for(manager)
    with django_assert_max_num_queries(9):
        response = api.get(inquiries(in_review))
    assert len(response.json()["results"]) == count
