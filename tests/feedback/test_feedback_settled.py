"""Who counts in a group (issue 18 §2, the tester's attack): a team reshaped for the
occasion is not a group, and the answers of HR — who read every group's results —
never help reveal anyone else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Assignment, User
from coaching.feedback import feedback_round_open
from coaching.feedback_groups import SETTLED_DAYS
from coaching.feedback_models import FeedbackGroup, FeedbackParticipation
from tests.factories import UserFactory, make_hr
from tests.feedback.conftest import answer, close, make_round

pytestmark = pytest.mark.django_db

MINE = "/coaching/feedback/mine/"
TOO_SMALL = "This team is smaller than 3 people: no results can be shown."
BELOW = "Fewer than 3 people answered: results are not shown, so that nobody can be identified."


def move(person: User, manager: User | None) -> None:
    """Today, by the app, an import or the admin: the history records it."""
    person.manager = manager
    person.save(update_fields=["manager"])


def open_now(hr: User, feedback_round) -> None:
    feedback_round_open(actor=hr, feedback_round=feedback_round, version=feedback_round.version)
    feedback_round.refresh_from_db()


def invited(feedback_round, manager: User) -> set[str]:
    return set(
        FeedbackParticipation.objects.filter(
            round=feedback_round, group__manager=manager
        ).values_list("employee__full_name", flat=True)
    )


def group_text(page, feedback_round, manager: User) -> str:
    group = FeedbackGroup.objects.get(round=feedback_round, manager=manager)
    return " ".join(page.html.select_one(f"[data-group='{group.pk}']").get_text(" ").split())


def test_the_attack_a_team_reshaped_for_the_round_and_planted_with_hr_reveals_nothing(
    django_app, hr, manager, team
):
    """HR moves two HR people under Maria and her other reports away, opens the round,
    puts the org chart back; the planted people answer. Rob's answer stays hidden."""
    rob, sam, tia = team
    hannah = make_hr(UserFactory(full_name="Hannah HR", email="hannah@example.com"))
    feedback_round = make_round(hr)  # everyone settled in their team for a year
    for planted in (hr, hannah):
        move(planted, manager)
    for moved in (sam, tia):
        move(moved, None)
    open_now(hr, feedback_round)
    assert invited(feedback_round, manager) == {rob.full_name}
    assert not FeedbackParticipation.objects.filter(employee__in=[hr, hannah, sam, tia]).exists()
    for planted in (hr, hannah):
        move(planted, None)
    for moved in (sam, tia):
        move(moved, manager)
    answer(feedback_round, rob, (1, 1, 1), "Rob's own words")
    close(feedback_round)
    for viewer in (hr, manager):
        page = django_app.get(
            feedback_round.get_absolute_url() if viewer == hr else MINE, user=viewer
        )
        text = group_text(page, feedback_round, manager)
        assert text == TOO_SMALL
        assert "Rob's own words" not in page.text


def test_hr_people_settled_in_a_team_answer_but_do_not_count(django_app, hr, manager, team):
    rob, sam, tia = team
    hannah = make_hr(UserFactory(full_name="Hannah HR", email="hannah@example.com"))
    for planted in (hr, hannah):
        move(planted, manager)
    feedback_round = make_round(hr)  # settled: HR people have been in Maria's team a year
    open_now(hr, feedback_round)
    assert invited(feedback_round, manager) == {p.full_name for p in (*team, hr, hannah)}
    for person in (rob, sam, hr, hannah):  # four answers, two of them HR's
        answer(feedback_round, person, (2, 2, 2), f"Said by {person.full_name}")
    close(feedback_round)
    page = django_app.get(MINE, user=manager)
    assert group_text(page, feedback_round, manager) == BELOW
    assert "Said by" not in page.text


def test_people_in_hr_when_the_round_opened_never_count_even_after_leaving_hr(
    django_app, hr, manager, team
):
    """Taking the planted HR people out of the HR group after they answered does not make
    their answers count: HR membership is recorded when the round opens."""
    rob, sam, _tia = team
    hannah = make_hr(UserFactory(full_name="Hannah HR", email="hannah@example.com"))
    move(hannah, manager)
    feedback_round = make_round(hr)
    open_now(hr, feedback_round)
    assert FeedbackParticipation.objects.get(employee=hannah).reads_results
    for person in (rob, sam, hannah):
        answer(feedback_round, person, (2, 2, 2), f"Said by {person.full_name}")
    hannah.groups.clear()  # no longer in HR when the results are read
    close(feedback_round)
    page = django_app.get(MINE, user=manager)
    assert group_text(page, feedback_round, manager) == BELOW
    assert "Said by" not in page.text


def test_with_enough_answers_outside_hr_the_results_show(django_app, hr, manager, team):
    hannah = make_hr(UserFactory(full_name="Hannah HR", email="hannah@example.com"))
    move(hannah, manager)
    feedback_round = make_round(hr)
    open_now(hr, feedback_round)
    for person in (*team, hannah):
        answer(feedback_round, person, (4, 4, 4), f"Said by {person.full_name}")
    close(feedback_round)
    text = group_text(django_app.get(MINE, user=manager), feedback_round, manager)
    assert text.startswith("4 of 4 answered.")
    assert "Said by Rob Report" in text and "4.0" in text


def test_the_normal_case_a_settled_team_of_three_shows_its_results(django_app, hr, manager, team):
    feedback_round = make_round(hr)
    open_now(hr, feedback_round)
    for person in team:
        answer(feedback_round, person, (5, 4, 3))
    close(feedback_round)
    text = group_text(django_app.get(MINE, user=manager), feedback_round, manager)
    assert text.startswith("3 of 3 answered.")


@pytest.mark.parametrize(("days", "asked"), [(SETTLED_DAYS - 1, False), (SETTLED_DAYS + 1, True)])
def test_a_person_is_asked_only_after_reporting_to_the_manager_for_30_days(
    hr, manager, other_manager, team, days, asked
):
    tia = team[2]
    feedback_round = make_round(hr)
    move(tia, other_manager)
    moved_at = timezone.now() - dt.timedelta(days=days)
    Assignment.objects.filter(person=tia, ended_at__isnull=False).update(ended_at=moved_at)
    Assignment.objects.filter(person=tia, ended_at__isnull=True).update(started_at=moved_at)
    open_now(hr, feedback_round)
    assert (tia.full_name in invited(feedback_round, other_manager)) is asked
    assert tia.full_name not in invited(feedback_round, manager)


def test_a_newcomer_is_not_asked(hr, manager, team):
    feedback_round = make_round(hr)
    newcomer = UserFactory(full_name="New Nina", manager=manager)
    since = timezone.now() - dt.timedelta(days=SETTLED_DAYS + 5)
    Assignment.objects.filter(person=newcomer).update(started_at=since)  # history, but hired now
    open_now(hr, feedback_round)
    assert invited(feedback_round, manager) == {p.full_name for p in team}


def test_a_change_of_department_under_the_same_manager_keeps_the_run(hr, manager, team, finance):
    rob = team[0]
    feedback_round = make_round(hr)
    since = timezone.now() - dt.timedelta(days=5)
    rob.department = finance
    rob.save(update_fields=["department"])
    Assignment.objects.filter(person=rob, ended_at__isnull=False).update(ended_at=since)
    Assignment.objects.filter(person=rob, ended_at__isnull=True).update(started_at=since)
    open_now(hr, feedback_round)
    assert rob.full_name in invited(feedback_round, manager)


def test_someone_who_left_and_came_back_this_month_is_not_asked(hr, manager, team):
    rob = team[0]
    feedback_round = make_round(hr)
    rob.is_active = False
    rob.save(update_fields=["is_active"])
    rob.is_active = True
    rob.save(update_fields=["is_active"])
    back = timezone.now() - dt.timedelta(days=3)
    Assignment.objects.filter(person=rob, ended_at__isnull=False).update(
        ended_at=back - dt.timedelta(days=10)
    )
    Assignment.objects.filter(person=rob, ended_at__isnull=True).update(started_at=back)
    open_now(hr, feedback_round)
    assert rob.full_name not in invited(feedback_round, manager)


def test_the_round_page_says_who_is_asked(django_app, hr):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    text = " ".join(page.html.select_one("[data-testid=feedback-settled]").get_text().split())
    assert "after reporting to them for at least 30 days when the round opens" in text


def org_file(*rows: str) -> bytes:
    header = "email,full_name,job_title,department,parent_department,manager_email,is_head"
    return "\n".join([header, *rows, ""]).encode()


def test_the_attack_by_two_org_imports(django_app, hr, manager, team, other_manager):
    """As the tester did it: one import reshapes Maria's team (two HR people in, her
    other reports out to Olga), the round opens, a second import puts it all back."""
    from accounts.org_import.importer import org_import

    rob, sam, tia = team
    hannah = make_hr(UserFactory(full_name="Hannah HR", email="hannah@example.com"))
    feedback_round = make_round(hr)

    def place(people_and_managers) -> None:
        rows = [
            f"{p.email},{p.full_name},Specialist,Sales,,{m.email if m else ''},no"
            for p, m in people_and_managers
        ]
        result = org_import(data=org_file(*rows), filename="org.csv", actor=hr)
        assert result.ok, result.problems

    place([(hr, manager), (hannah, manager), (sam, other_manager), (tia, other_manager)])
    open_now(hr, feedback_round)
    assert invited(feedback_round, manager) == {rob.full_name}
    place([(hr, None), (hannah, None), (sam, manager), (tia, manager)])
    answer(feedback_round, rob, (1, 1, 1), "Rob's own words")
    close(feedback_round)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    assert group_text(page, feedback_round, manager) == TOO_SMALL
    assert "Rob's own words" not in page.text
