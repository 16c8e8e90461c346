"""Who sees a result, and what of it (issue 17 §3–§4): the person sees their page but no
rating until HR published; the manager chain, HR and the calibration's participants see
the proposal; nobody else opens it (404) on any of its addresses."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from reviews.models import Calibration, CycleResult
from reviews.results import result_propose
from tests.factories import UserFactory
from tests.results.conftest import publish

pytestmark = pytest.mark.django_db

READ_URLS = ("reviews:result_detail", "reviews:result_print", "reviews:result_pdf")
PROPOSAL = "Exceeds expectations"
REASON = "Secret reasoning of the manager"


@pytest.fixture
def proposed(manager, rob_result):
    return result_propose(
        actor=manager, result_id=rob_result.pk, rating=PROPOSAL, comment=REASON,
        version=rob_result.version,
    )  # fmt: skip


@pytest.fixture
def participant(other_manager, last_year):
    calibration = Calibration.objects.create(cycle=last_year)
    calibration.participants.add(other_manager)
    return other_manager


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status(user, name: str, result: CycleResult) -> int:
    return client_of(user).get(reverse(name, args=[result.pk])).status_code


@pytest.mark.parametrize("who", ["peer", "other_manager", "outsider"])
def test_nobody_outside_opens_a_result_on_any_address(request, who, proposed):
    user = request.getfixturevalue(who)
    for name in (*READ_URLS, "reviews:result_propose", "reviews:result_acknowledge"):
        method = "post" if name.endswith(("propose", "acknowledge")) else "get"
        response = getattr(client_of(user), method)(reverse(name, args=[proposed.pk]))
        assert response.status_code == 404, name


@pytest.mark.parametrize("who", ["report", "manager", "hr", "participant", "indirect_report"])
def test_the_person_the_chain_hr_and_participants_open_it(request, who, rob_result, participant):
    user = request.getfixturevalue(who)
    expected = 404 if who == "indirect_report" else 200  # Ivy reports to Rob: not his chain
    assert status(user, "reviews:result_detail", rob_result) == expected
    assert status(user, "reviews:result_print", rob_result) == expected


def test_the_manager_of_a_manager_sees_the_report_of_the_report(report, results, indirect_report):
    ivy = results[(indirect_report.pk, "e")]
    assert status(report, "reviews:result_detail", ivy) == 200


def test_the_person_sees_no_rating_before_publication(report, proposed):
    for name in READ_URLS[:2]:
        page = client_of(report).get(reverse(name, args=[proposed.pk])).content.decode()
        assert PROPOSAL not in page and REASON not in page


def test_after_publication_the_person_sees_the_final_rating_only(report, proposed, last_year):
    CycleResult.objects.filter(pk=proposed.pk).update(final_rating="Meets expectations")
    publish(last_year)
    page = client_of(report).get(reverse("reviews:result_detail", args=[proposed.pk])).content
    text = page.decode()
    assert "Meets expectations" in text
    assert PROPOSAL not in text and REASON not in text  # never the proposal nor its history


@pytest.mark.parametrize("who", ["manager", "hr", "participant"])
def test_the_chain_hr_and_participants_see_the_proposal(request, who, proposed, participant):
    user = request.getfixturevalue(who)
    text = client_of(user).get(reverse("reviews:result_detail", args=[proposed.pk])).content
    assert PROPOSAL.encode() in text and REASON.encode() in text


@pytest.mark.parametrize("who", ["report", "hr", "participant", "peer"])
def test_only_the_proposer_proposes(request, who, rob_result, participant):
    user = request.getfixturevalue(who)
    response = client_of(user).post(
        reverse("reviews:result_propose", args=[rob_result.pk]),
        {"rating": PROPOSAL, "version": rob_result.version},
    )
    assert response.status_code in (403, 404)
    assert not CycleResult.objects.get(pk=rob_result.pk).proposed_at


def test_a_skip_level_manager_may_propose(rob_result, manager):
    boss = UserFactory(email="bea@example.com", full_name="Bea Boss")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    response = client_of(boss).post(
        reverse("reviews:result_propose", args=[rob_result.pk]),
        {"rating": PROPOSAL, "version": rob_result.version},
    )
    assert response.status_code == 302


def test_when_the_line_manager_left_the_manager_now_proposes(
    rob_result, manager, report, other_manager
):
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    report.manager = other_manager
    report.save(update_fields=["manager"])
    response = client_of(other_manager).post(
        reverse("reviews:result_propose", args=[rob_result.pk]),
        {"rating": PROPOSAL, "version": rob_result.version},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["manager", "hr", "participant", "peer"])
def test_only_the_person_acknowledges(request, who, rob_result, last_year, participant):
    publish(last_year)
    user = request.getfixturevalue(who)
    response = client_of(user).post(
        reverse("reviews:result_acknowledge", args=[rob_result.pk]),
        {"version": rob_result.version},
    )
    assert response.status_code in (403, 404)
    assert not CycleResult.objects.get(pk=rob_result.pk).acknowledged_at


def test_nobody_acknowledges_before_publication(report, rob_result):
    response = client_of(report).post(
        reverse("reviews:result_acknowledge", args=[rob_result.pk]),
        {"version": rob_result.version},
    )
    assert response.status_code == 400
    assert not CycleResult.objects.get(pk=rob_result.pk).acknowledged_at


@pytest.mark.parametrize("who", ["manager", "report", "peer", "outsider"])
def test_only_hr_prepares_results(request, who, last_year):
    user = request.getfixturevalue(who)
    response = client_of(user).post(reverse("reviews:results_prepare", args=[last_year.pk]))
    assert response.status_code == 403


def names_listed(user, cycle) -> str:
    page = client_of(user).get(reverse("reviews:result_list") + f"?cycle={cycle.pk}")
    rows = BeautifulSoup(page.content, "html.parser").select("[data-testid=result-row]")
    return " | ".join(row.get_text(" ", strip=True) for row in rows)


def test_the_list_shows_each_their_chain(
    manager, report, peer, hr, other_manager, results, last_year
):
    as_manager = names_listed(manager, last_year)
    assert "Rob Report" in as_manager and "Ivy Indirect" in as_manager
    assert "Paul Peer" not in as_manager
    as_hr = names_listed(hr, last_year)
    assert all(name in as_hr for name in ("Rob Report", "Ivy Indirect", "Paul Peer", "Sales"))
    as_other = names_listed(other_manager, last_year)
    assert "Paul Peer" in as_other and "Rob Report" not in as_other
    as_report = names_listed(report, last_year)
    assert "Rob Report" not in as_report and "Ivy Indirect" in as_report  # never their own
    assert "Paul Peer" not in names_listed(peer, last_year)


def test_an_hr_person_never_sees_her_own_proposal(hr, manager, last_year):
    from tests.factories import make_objective

    hr.manager = manager
    hr.save(update_fields=["manager"])
    make_objective(last_year, employee=hr, title="Hire twelve people", weight=100)
    from reviews.results import results_prepare

    results_prepare(cycle=last_year)
    own = CycleResult.objects.get(cycle=last_year, employee=hr)
    result_propose(
        actor=manager, result_id=own.pk, rating=PROPOSAL, comment=REASON, version=own.version
    )
    assert "Hana HR" not in names_listed(hr, last_year)
    page = client_of(hr).get(reverse("reviews:result_detail", args=[own.pk])).content.decode()
    assert PROPOSAL not in page and REASON not in page
