"""Anonymity attacks (issue 18 §2): each guarantee of upward feedback, tried to break.

Results exist only for fixed groups, only once the round is closed, only at N answers
or more; no parameter changes what is aggregated; no export, no admin page; the rows
carry no author and no time; comments come in an order nobody can trace."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from coaching import feedback_results
from coaching.feedback_models import (
    FeedbackAnswer,
    FeedbackGroup,
    FeedbackParticipation,
    FeedbackResponse,
)
from tests.factories import UserFactory
from tests.feedback.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db

BELOW = "Fewer than 3 people answered: results are not shown, so that nobody can be identified."
MINE = reverse("coaching:feedback_mine")


def text(page) -> str:
    return re.sub(r"\s+", " ", page.html.get_text(" ", strip=True))


def group_block(page, manager) -> str:
    """The text of ``manager``'s group on a page of results."""
    group = FeedbackGroup.objects.get(manager=manager, round__name="Spring")
    node = page.html.select_one(f"[data-group='{group.pk}']")
    assert node is not None
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


@pytest.fixture
def unsorted(monkeypatch):
    """Comments in a fixed order, so two renders can be compared as wholes."""
    monkeypatch.setattr(feedback_results, "shuffled", sorted)


def test_at_n_minus_one_answers_neither_the_manager_nor_hr_sees_anything(
    django_app, hr, manager, team
):
    feedback_round = open_round(hr)
    answer(feedback_round, team[0], (5, 5, 5), "Very helpful")
    answer(feedback_round, team[1], (1, 1, 1), "Not helpful")
    close(feedback_round)
    for viewer, url in ((manager, MINE), (hr, feedback_round.get_absolute_url())):
        block = group_block(django_app.get(url, user=viewer), manager)
        assert BELOW in block
        assert "answered" not in block.replace(BELOW, "")  # nothing on who took part
        assert "helpful" not in block
        assert "Mean" not in block


def test_at_n_answers_the_manager_and_hr_see_means_distribution_and_comments(
    django_app, hr, manager, team
):
    feedback_round = open_round(hr)
    answer(feedback_round, team[0], (5, 4, 2), "Very helpful")
    answer(feedback_round, team[1], (4, 4, 2))
    answer(feedback_round, team[2], (4, 3, 1), "More time please")
    close(feedback_round)
    for viewer, url in ((manager, MINE), (hr, feedback_round.get_absolute_url())):
        page = django_app.get(url, user=viewer)
        block = group_block(page, manager)
        assert BELOW not in block
        assert "3 of 3 answered." in block
        rows = page.html.select("[data-group] [data-testid=feedback-scores] tbody tr")
        cells = [[td.get_text(strip=True) for td in row.select("td")] for row in rows]
        assert cells == [
            ["0", "0", "0", "2", "1", "4.3"],
            ["0", "0", "1", "2", "0", "3.7"],
            ["1", "2", "0", "0", "0", "1.7"],
        ]
        comments = {
            li.get_text(strip=True) for li in page.html.select("[data-testid=feedback-comments] li")
        }
        assert comments == {"Very helpful", "More time please"}
        assert f'"feedback-{FeedbackGroup.objects.get(manager=manager).pk}"' in page.text  # chart


def test_nothing_shows_while_the_round_is_open_even_with_every_answer_in(
    django_app, hr, manager, team
):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person, comment=f"Remark by {person.full_name}")
    for viewer, url in ((manager, MINE), (hr, feedback_round.get_absolute_url())):
        page = django_app.get(url, user=viewer)
        assert "Remark by" not in text(page)
        assert not page.html.select("[data-testid=feedback-scores]")
    # While open, nobody sees any count: watched live, it would tell who answered when.
    during = text(django_app.get(feedback_round.get_absolute_url(), user=hr))
    assert "Counts and results appear once the round is closed." in during
    assert not re.search(r"\d+ of \d+", during)
    assert " of 3 " not in group_block(django_app.get(MINE, user=manager), manager)
    # Once closed, the round's count shows.
    close(feedback_round)
    after = text(django_app.get(feedback_round.get_absolute_url(), user=hr))
    assert "3 of 3 invited people answered." in after


@pytest.mark.parametrize(
    "query",
    [
        {"department": "1"},
        {"since": "2020-01-01"},
        {"until": "2020-01-01"},
        {"employee": "1"},
        {"question": "1"},
        {"manager": "1"},
        {"page": "2"},
        {"round": "1"},
        {"group": "1"},
        {"min_answers": "1"},
    ],
)
def test_no_parameter_changes_what_a_results_page_shows(
    django_app, hr, manager, team, peer, unsorted, query
):
    feedback_round = open_round(hr)
    for person, scores in zip(team, [(5, 4, 2), (4, 4, 2), (4, 3, 1)], strict=True):
        answer(feedback_round, person, scores, comment=f"Comment {person.pk}")
    answer(feedback_round, peer, (1, 1, 1), "Olga's one answer")
    close(feedback_round)
    query = {key: str(peer.pk) if key == "employee" else value for key, value in query.items()}
    for viewer, url in ((manager, MINE), (hr, feedback_round.get_absolute_url())):
        plain = django_app.get(url, user=viewer)
        narrowed = django_app.get(url, query, user=viewer)
        assert plain.html.select_one("main").decode() == narrowed.html.select_one("main").decode()
    dashboard = reverse("reviews:dashboard")
    plain = django_app.get(dashboard, user=hr).html.select_one("[data-testid=feedback-dashboard]")
    narrowed = django_app.get(dashboard, query, user=hr, expect_errors=True)
    if narrowed.status_code == 200:
        assert (
            narrowed.html.select_one("[data-testid=feedback-dashboard]").decode() == plain.decode()
        )


def test_the_hr_round_page_and_the_managers_page_show_the_same_figures(
    django_app, hr, manager, team
):
    feedback_round = open_round(hr)
    for person, scores in zip(team, [(5, 4, 2), (4, 4, 2), (3, 3, 1)], strict=True):
        answer(feedback_round, person, scores)
    close(feedback_round)

    def figures(page):
        return [
            [td.get_text(strip=True) for td in row.select("td")]
            for row in page.html.select("[data-testid=feedback-scores] tbody tr")
        ]

    hr_page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    mine = django_app.get(MINE, user=manager)
    assert figures(hr_page) == figures(mine) != []


def test_no_organisation_wide_figure_counts_a_group_below_the_threshold(
    django_app, hr, manager, team, peer
):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person, (5, 5, 5))
    answer(feedback_round, peer, (1, 1, 1))  # Olga's group: one answer of one
    close(feedback_round)
    section = django_app.get(reverse("reviews:dashboard"), user=hr).html.select_one(
        "[data-testid=feedback-dashboard]"
    )
    table = section.select_one("table").get_text(" ", strip=True)
    assert "Maria Manager" in table and "5.0" in table
    assert "Olga Other" not in table and "1.0" not in table
    assert "1 team had too few answers: not shown." in section.get_text(" ", strip=True)


def test_a_person_who_changed_team_stays_in_the_group_of_the_round_they_were_invited_to(
    django_app, hr, manager, team, other_manager, peer
):
    first = open_round(hr, name="Spring")
    mover = team[2]
    mover.manager = other_manager  # moves to Olga after Spring opened
    mover.save(update_fields=["manager"])
    for person in team:
        answer(first, person, (4, 4, 4))
    close(first)
    spring = FeedbackGroup.objects.get(round=first, manager=manager)
    assert spring.responses.count() == 3  # Tia's answer counts for Maria's Spring group
    second = open_round(hr, name="Autumn")  # by Autumn, Tia has been with Olga for long
    assert FeedbackGroup.objects.get(round=second, manager=manager).invited == 2
    assert FeedbackGroup.objects.get(round=second, manager=other_manager).invited == 2
    assert FeedbackParticipation.objects.get(round=second, employee=mover).group.manager == (
        other_manager
    )
    for person in team:
        answer(second, person, (1, 1, 1), f"Autumn {person.full_name}")
    close(second)
    page = django_app.get(MINE, user=manager)
    sections = page.html.select("[data-testid=feedback-round]")
    autumn = re.sub(r"\s+", " ", sections[0].get_text(" ", strip=True))
    assert "Autumn" in autumn and "Autumn Rob" not in autumn
    assert "This team is smaller than 3 people: no results can be shown." in autumn


def test_an_answer_sheet_has_no_author_and_no_time():
    for model in (FeedbackResponse, FeedbackAnswer):
        fields = {field.name for field in model._meta.get_fields()}
        kinds = {type(field).__name__ for field in model._meta.concrete_fields}
        assert not {"author", "employee", "user", "created_at", "created", "answered_at"} & fields
        assert not {"DateTimeField", "DateField", "TimeField"} & kinds
        assert type(model._meta.pk).__name__ == "UUIDField"
    related = {f.related_model for f in FeedbackResponse._meta.concrete_fields if f.is_relation}
    assert related == {FeedbackGroup}
    participation = {field.name for field in FeedbackParticipation._meta.concrete_fields}
    assert participation == {"id", "group", "round", "employee", "answered", "reads_results"}


def test_comments_are_not_shown_in_the_order_they_were_written(django_app, hr, manager, team):
    feedback_round = open_round(hr)
    answer(feedback_round, team[0], comment="A wrote first")
    answer(feedback_round, team[1], comment="B wrote second")
    answer(feedback_round, team[2], comment="C wrote third")
    close(feedback_round)
    seen = set()
    for _attempt in range(60):
        page = django_app.get(MINE, user=manager)
        seen.add(
            tuple(
                li.get_text(strip=True)[0]
                for li in page.html.select("[data-testid=feedback-comments] li")
            )
        )
        if len(seen) >= 3:
            break
    assert len(seen) >= 3, seen  # several orders appear: none follows the writing
    assert isinstance(feedback_results._random, __import__("random").SystemRandom)


def test_responses_are_keyed_and_ordered_at_random(hr, team):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person)
    assert FeedbackResponse._meta.ordering == ["id"]
    assert all(response.pk.version == 4 for response in FeedbackResponse.objects.all())


@pytest.mark.parametrize("model", ["feedbackresponse", "feedbackanswer", "feedbackparticipation"])
def test_no_admin_page_shows_answers_or_who_answered(client, model):
    for action in ("changelist", "add"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:coaching_{model}_{action}")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(f"/admin/coaching/{model}/").status_code == 404


def test_no_url_exports_answers():
    """The feedback URLs are the eight pages below; none is a file or an export."""
    from coaching.urls import urlpatterns

    feedback = sorted(p.name for p in urlpatterns if "feedback" in str(p.pattern))
    assert feedback == [
        "feedback_answer",
        "feedback_mine",
        "feedback_round",
        "feedback_round_delete",
        "feedback_round_list",
        "feedback_round_new",
        "feedback_round_step",
        "feedback_todo",
    ]


def test_nobody_but_the_manager_and_hr_sees_a_groups_results(
    django_app, hr, manager, team, peer, other_manager
):
    boss = UserFactory(full_name="Bea Boss")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person, comment=f"Said by {person.full_name}")
    close(feedback_round)
    # The manager's own page and panel show only their own groups.
    for person in (boss, other_manager):
        page = django_app.get(MINE, user=person)
        assert "Said by" not in page.text
    django_app.get(MINE, user=peer, status=403)  # never a manager: no page at all
    for person in (boss, team[0], team[1], peer, other_manager):
        page = django_app.get(
            reverse("accounts:person_detail", args=[manager.pk]), user=person, expect_errors=True
        )
        assert "Said by" not in page.text
        django_app.get(feedback_round.get_absolute_url(), user=person, status=403)
    own = django_app.get(reverse("accounts:person_detail", args=[manager.pk]), user=manager)
    panel = own.html.select_one("[data-testid=feedback-panel]")
    assert panel is not None and "Said by Rob Report" in panel.get_text(" ", strip=True)
