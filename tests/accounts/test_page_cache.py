"""The page cache (accounts/page_cache.py, issue 21 §3–§4): a page seen again costs no
query, and no change a person makes or should see leaves anyone a stale page — whatever
wrote it (a form, a bulk update, raw SQL, another transaction)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.data_versions import data_versions
from accounts.models import User
from accounts.page_cache import build
from accounts.table_versions import table_scope
from plans.models import CheckIn
from tests.factories import check_in, make_cycle, make_objective
from tests.webtest_helpers import HTMX, another_browser, choose, form_with_button, press

pytestmark = pytest.mark.django_db

JUNE = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _mid_june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def objective(db, report):
    return make_objective(make_cycle(2026), employee=report, title="Orders won")


def _team(browser) -> object:
    return browser.get(reverse("plans:team"))


def _team_table(page) -> str:
    """The text of the Team page's table of people and objectives."""
    return " ".join(page.html.select_one('[data-testid="team"]').get_text(" ").split())


def _visit_twice(browser, url: str, **kwargs) -> object:
    """A first visit sets the CSRF cookie (so its page is not kept); the second is kept."""
    browser.get(url, **kwargs)
    return browser.get(url)


def test_a_page_seen_again_comes_from_the_cache_without_a_query(
    client, manager, report, objective, django_assert_num_queries
):
    client.force_login(manager)
    first = _visit_twice(client, reverse("plans:team"))
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(reverse("plans:team"))
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in again


def test_a_check_in_the_employee_records_shows_on_the_managers_team_page(
    django_app, manager, report, objective
):
    boss = another_browser(django_app)
    _visit_twice(boss, reverse("plans:team"), user=manager)
    assert _team(boss).headers["X-Page-Cache"] == "hit"
    assert "37" not in _team_table(_team(boss))

    page = django_app.get(objective.get_absolute_url(), user=report)
    form = form_with_button(page, "Record check-in")
    form["value"] = "37"
    choose(form, "confidence", "3")
    press(form, "Record check-in").follow()

    seen = _team(boss)
    assert seen.headers["X-Page-Cache"] == "miss"
    assert "37" in _team_table(seen)


@pytest.mark.parametrize("how", ["QuerySet.update", "bulk_create", "raw SQL", "delete"])
def test_writes_that_send_no_signal_refresh_the_pages_that_show_them(
    client, manager, report, objective, how
):
    client.force_login(manager)
    _visit_twice(client, reverse("plans:team"))
    assert client.get(reverse("plans:team"))["X-Page-Cache"] == "hit"
    if how == "QuerySet.update":
        User.objects.filter(pk=report.pk).update(full_name="Robin Renamed")
        expected, absent = "Robin Renamed", "Rob Report"
    elif how == "raw SQL":
        with connection.cursor() as cursor:
            cursor.execute(
                "update accounts_user set full_name = %s where id = %s",
                ["Robin Raw", report.pk],
            )
        expected, absent = "Robin Raw", "Rob Report"
    elif how == "bulk_create":
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    objective=objective,
                    value=41,
                    confidence=3,
                    recorded_on=JUNE.date(),
                    author=report,
                )
            ]
        )
        expected, absent = "41 orders", None
    else:
        check_in(objective, 43, on=JUNE.date(), author=report)
        assert "43 orders" in client.get(reverse("plans:team")).content.decode()
        CheckIn.objects.filter(objective=objective).delete()
        expected, absent = None, "43 orders"
    page = client.get(reverse("plans:team"))
    assert page["X-Page-Cache"] == "miss"
    body = page.content.decode()
    assert expected is None or expected in body
    assert absent is None or absent not in body


def test_the_next_day_a_page_is_computed_again(client, manager, report, objective):
    client.force_login(manager)
    _visit_twice(client, reverse("plans:team"))
    assert client.get(reverse("plans:team"))["X-Page-Cache"] == "hit"
    with time_machine.travel(JUNE + dt.timedelta(days=1), tick=False):
        assert client.get(reverse("plans:team"))["X-Page-Cache"] == "miss"


def test_someone_switched_off_is_not_served_the_page_they_saw(client, manager, report):
    client.force_login(report)
    _visit_twice(client, reverse("home"))
    assert client.get(reverse("home"))["X-Page-Cache"] == "hit"
    User.objects.filter(pk=report.pk).update(is_active=False)
    refused = client.get(reverse("home"))
    assert refused.status_code == 302 and reverse("accounts:login") in refused["Location"]


def test_a_sign_in_elsewhere_does_not_throw_the_cache_away(client, manager, report):
    """``last_login`` changes at every sign-in and no page shows it."""
    client.force_login(manager)
    _visit_twice(client, reverse("plans:team"))
    versions = data_versions([table_scope("accounts_user")])
    Client().force_login(report)
    assert data_versions([table_scope("accounts_user")]) == versions
    assert client.get(reverse("plans:team"))["X-Page-Cache"] == "hit"


def test_the_language_chosen_shows_at_once(django_app, report):
    home = _visit_twice(django_app, reverse("home"), user=report)
    assert django_app.get(reverse("home")).headers["X-Page-Cache"] == "hit"
    User.objects.filter(pk=report.pk).update(language="zh-hans")
    chinese = django_app.get(reverse("home"))
    assert chinese.text != home.text
    assert "首页" in chinese.text or "辅导" in chinese.text


def test_an_htmx_request_never_gets_the_whole_page_cached_for_a_visit(client, report):
    client.force_login(report)
    whole = _visit_twice(client, reverse("home"))
    swapped = client.get(reverse("home"), headers=HTMX)
    assert swapped["X-Page-Cache"] == "miss"
    assert client.get(reverse("home"))["X-Page-Cache"] == "hit"
    assert client.get(reverse("home")).content == whole.content


def test_an_unreachable_redis_serves_every_page_computed(client, settings, report):
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["default"]["LOCATION"] = "redis://127.0.0.1:1/0"
    settings.CACHES = caches
    client.force_login(report)
    for _ in range(3):
        page = client.get(reverse("home"))
        assert page.status_code == 200 and page.get("X-Page-Cache") != "hit"


@pytest.mark.django_db(transaction=True)
def test_a_page_computed_while_a_change_was_not_yet_committed_is_not_believed(
    manager, report, objective
):
    """The writer bumps the version at once and again after its commit: a reader on
    another connection that computed in between, from the rows before the change, stored
    its page under a version that the commit then leaves behind."""
    client = Client()
    client.force_login(manager)
    _visit_twice(client, reverse("plans:team"))
    seen: list[str] = []

    def read_in_another_thread() -> None:
        try:
            seen.append(client.get(reverse("plans:team")).content.decode())
        finally:
            connection.close()

    with transaction.atomic():
        User.objects.filter(pk=report.pk).update(full_name="Robin Renamed")
        reader = threading.Thread(target=read_in_another_thread)
        reader.start()
        reader.join()
    assert "Rob Report" in seen[0]  # computed from the committed rows, and stored
    after = client.get(reverse("plans:team"))
    assert after["X-Page-Cache"] == "miss"
    assert "Robin Renamed" in after.content.decode()


def test_a_deploy_that_changes_a_template_computes_every_page_afresh(settings):
    """The key holds a digest of the code, templates, translations, packages and
    settings (``page_cache.build``), so no page cached before a deploy outlives it."""
    probe = Path(settings.BASE_DIR) / "templates" / "_build_probe.html"
    build.cache_clear()
    before = build()
    try:
        probe.write_text("changed")
        build.cache_clear()
        assert build() != before
    finally:
        probe.unlink(missing_ok=True)
        build.cache_clear()
    assert build() == before
