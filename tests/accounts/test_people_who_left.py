"""HR (and managers of the time) find people who have left on the organisation chart.

The chart lists active people; ticking *Include people who left* lists the
leavers the viewer may read too, each marked *Left* with the day their last
assignment ended and linked to their page. Whoever may read no leaver is not
offered the box.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import Assignment, User
from tests.factories import DepartmentFactory, UserFactory, make_hr
from tests.webtest_helpers import HTMX, form_with_button, press, tick

pytestmark = pytest.mark.django_db


def leave(person: User) -> User:
    """The person leaves (as off-boarding and the import do: the active flag goes off)."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    return person


def results(page) -> str:
    return str(page.html.select_one("#people-results").get_text(" ", strip=True))


def names_listed(page) -> list[str]:
    return [link.get_text(strip=True) for link in page.html.select("#people-results tbody a")]


def left_on(person: User) -> str:
    ended = Assignment.objects.filter(person=person).latest("ended_at").ended_at
    assert ended is not None
    return "Left on " + formats.date_format(timezone.localtime(ended), "SHORT_DATE_FORMAT")


@pytest.fixture
def lena(manager, sales) -> User:
    """Lena sold under Maria and has left."""
    return leave(
        UserFactory(
            email="lena@example.com", full_name="Lena Left", department=sales, manager=manager
        )
    )


@pytest.fixture
def finn(other_manager, finance) -> User:
    """Finn worked in Finance under Olga and has left."""
    return leave(
        UserFactory(
            email="finn@example.com",
            full_name="Finn Former",
            department=finance,
            manager=other_manager,
        )
    )


def org_chart(django_app, user):
    return django_app.get(reverse("home"), user=user).click(description="Organisation")


def include_leavers(page):
    form = form_with_button(page, "Search")
    tick(form, "Include people who left")
    return press(form, "Search")


def test_hr_finds_someone_who_left_by_ticking_the_box_and_opens_their_page(
    django_app, hr, report, lena, finn
):
    page = org_chart(django_app, hr)
    assert "Lena Left" not in names_listed(page) and "Rob Report" in names_listed(page)
    found = include_leavers(page)
    assert {"Lena Left", "Finn Former", "Rob Report"} <= set(names_listed(found))
    row = found.html.find("a", string="Lena Left").find_parent("tr").get_text(" ", strip=True)
    assert left_on(lena) in row and "Sales" in row and "Maria Manager" in row
    assert "Left" not in found.html.find("a", string="Rob Report").find_parent("tr").text
    assert form_with_button(found, "Search")["left"].checked
    person_page = found.click(description="Lena Left")
    assert "has left" in person_page.text and "Where they were" in person_page.text


def test_the_box_stays_ticked_through_a_search_a_department_and_the_htmx_answer(
    django_app, hr, report, lena, finn
):
    found = include_leavers(org_chart(django_app, hr))
    form = form_with_button(found, "Search")
    form["q"] = "lena"
    searched = press(form, "Search")
    assert names_listed(searched) == ["Lena Left"]
    in_sales = found.click(description="^Sales$")
    assert "Lena Left" in names_listed(in_sales) and "Finn Former" not in names_listed(in_sales)
    assert "including people who left" in results(in_sales)
    # Ticking the box refreshes the results in place, as typing in the search box does.
    form = form_with_button(org_chart(django_app, hr), "Search")
    tick(form, "Include people who left")
    answer = press(form, "Search", headers=HTMX)
    assert 'id="people-results"' in answer.text and "<nav" not in answer.text
    assert "Lena Left" in answer.text


def test_a_manager_finds_her_own_former_report_only(django_app, manager, lena, finn):
    found = include_leavers(org_chart(django_app, manager))
    assert "Lena Left" in names_listed(found) and "Finn Former" not in names_listed(found)
    assert found.click(description="Lena Left").status_code == 200


def test_a_former_manager_whose_only_report_left_is_offered_the_box(django_app, finance):
    olga = UserFactory(full_name="Olga Alone", department=finance)
    leave(UserFactory(full_name="Una Only", department=finance, manager=olga))
    found = include_leavers(org_chart(django_app, olga))
    assert "Una Only" in names_listed(found)


def test_someone_who_may_read_no_leaver_is_not_offered_the_box(django_app, peer, lena, finn):
    """Paul manages nobody: no box, and the parameter typed by hand adds nobody who left."""
    page = org_chart(django_app, peer)
    assert "Include people who left" not in page.text
    typed = django_app.get(reverse("accounts:org_chart") + "?left=on", user=peer)
    assert "Lena Left" not in typed.text and "Finn Former" not in typed.text
    assert "Paul Peer" in names_listed(typed)


def test_someone_who_left_before_the_history_was_kept_is_marked_left_without_a_day(
    django_app, hr, sales
):
    UserFactory(full_name="Olaf Old", department=sales, is_active=False)
    found = include_leavers(org_chart(django_app, hr))
    row = found.html.find("a", string="Olaf Old").find_parent("tr")
    assert row.select_one('[data-testid="left"]').get_text(strip=True) == "Left"


@pytest.mark.parametrize(
    "value", ["", "0", "false", "off", "on", "yes", "是", "\x00", "on\x00", "x" * 5000]
)
def test_any_value_of_the_parameter_answers_the_page(client, hr, lena, value):
    """Typed into the address bar (an attack, not the page's form): never a server error.
    As for any checkbox, a value other than empty or "false" counts as ticked."""
    client.force_login(hr)
    response = client.get(reverse("accounts:org_chart"), {"left": value, "page": value})
    assert response.status_code == 200
    listed = "Lena Left" in response.content.decode()
    assert listed is (value not in ("", "false"))


@pytest.mark.parametrize("size", [5, 60])
def test_the_list_with_people_who_left_does_not_grow_in_queries(
    client, size, django_assert_max_num_queries
):
    top = DepartmentFactory()
    departments = [DepartmentFactory(parent=top) for _ in range(size // 5)]
    boss = UserFactory(department=top)
    hr = make_hr(UserFactory(department=top))
    for index in range(size):
        person = UserFactory(department=departments[index % len(departments)], manager=boss)
        if index % 2:
            leave(person)
    for viewer in (hr, boss):
        client.force_login(viewer)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("accounts:org_chart"), {"left": "on"})
        assert response.status_code == 200
        first_page = User.objects.order_by("full_name", "email")[:50]
        expected = sum(1 for person in first_page if not person.is_active)
        assert response.content.decode().count('data-testid="left"') == expected > 0


def test_hr_staff_are_sent_from_the_admin_to_the_page_of_someone_who_left(client, lena):
    viewer = UserFactory(email="stan@example.com", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    url = reverse("admin:accounts_user_change", args=[lena.pk])
    client.force_login(viewer)
    assert 'class="viewsitelink"' not in client.get(url).content.decode()
    make_hr(viewer)
    assert 'class="viewsitelink"' in client.get(url).content.decode()
    assert client.get(lena.get_absolute_url()).status_code == 200
