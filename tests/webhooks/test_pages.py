"""HR's webhook pages, used as HR uses them; nobody else may open or post to any of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from webtest import Form

from accounts.models import OutboxAttempt, OutboxMessage, WebhookEndpoint, WebhookEvent
from accounts.webhook_events import PING, webhook_ping
from tests.webhooks.conftest import make_endpoint
from tests.webtest_helpers import (
    choose,
    field_by_label,
    form_with_button,
    messages,
    options,
    press,
    tick,
)

pytestmark = pytest.mark.django_db


def tick_events(form: Form, values: list[str]) -> None:
    for box in form.fields["events"]:
        box.checked = box._value in values  # noqa: SLF001 - WebTest keeps the value there


def test_hr_adds_an_endpoint_from_the_menu(django_app, hr):
    home = django_app.get("/", user=hr)
    listing = home.click("Webhooks and chat")
    page = listing.click("Add endpoint")
    form = form_with_button(page, "Add endpoint")
    form[field_by_label(form, "Name")] = "Team channel"
    form[field_by_label(form, "URL")] = "https://hooks.slack.com/services/T0/B0/x"
    choose(form, "format", "Slack channel")
    choose(form, "language", "简体中文")
    tick_events(form, [WebhookEvent.REVIEW_SUBMITTED, WebhookEvent.EXPORT_READY])
    detail = press(form, "Add endpoint").follow()
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.name, endpoint.format, endpoint.language) == (
        "Team channel",
        "slack",
        "zh-hans",
    )
    assert endpoint.events == ["review_table.submitted", "export.ready"]
    assert endpoint.created_by == hr
    assert endpoint.secret in detail.text
    assert messages(detail) == ["The endpoint was added. Send it a test event to check it."]
    listing = django_app.get("/accounts/webhooks/", user=hr)
    row = listing.html.select_one("[data-testid=webhook-endpoints] tbody tr").get_text(" ")
    assert "hooks.slack.com" in row and "Slack channel" in row and "active" in row


def test_the_language_defaults_to_the_organisations(django_app, hr):
    page = django_app.get("/accounts/webhooks/new/", user=hr)
    form = form_with_button(page, "Add endpoint")
    assert form["language"].value == ""
    assert "The organisation's default (English)" in options(form, "language")


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "file:///etc/passwd", "example"])
def test_only_http_and_https_urls(django_app, hr, url):
    page = django_app.get("/accounts/webhooks/new/", user=hr)
    form = form_with_button(page, "Add endpoint")
    form[field_by_label(form, "Name")] = "Bad"
    form[field_by_label(form, "URL")] = url
    tick_events(form, [WebhookEvent.EXPORT_READY])
    press(form, "Add endpoint")
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_an_event(django_app, hr):
    page = django_app.get("/accounts/webhooks/new/", user=hr)
    form = form_with_button(page, "Add endpoint")
    form[field_by_label(form, "Name")] = "No events"
    form[field_by_label(form, "URL")] = "https://example.com/hook"
    after = press(form, "Add endpoint")
    assert "Choose at least one event." in after.text
    assert not WebhookEndpoint.objects.exists()


def test_switching_an_endpoint_back_on_starts_afresh(django_app, hr):
    endpoint = make_endpoint(
        is_active=False, consecutive_failures=15, disabled_reason="15 failed deliveries in a row"
    )
    detail = django_app.get(f"/accounts/webhooks/{endpoint.pk}/", user=hr)
    assert (
        "15 failed deliveries in a row"
        in detail.html.select_one("[data-testid=switched-off]").get_text()
    )
    page = detail.click("Edit")
    form = form_with_button(page, "Save endpoint")
    tick(form, "Active")
    press(form, "Save endpoint").follow()
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert endpoint.disabled_reason == ""


def test_rotating_the_secret_asks_first(django_app, hr):
    endpoint = make_endpoint()
    old = endpoint.secret
    detail = django_app.get(f"/accounts/webhooks/{endpoint.pk}/", user=hr)
    confirm = detail.click("Rotate secret")
    endpoint.refresh_from_db()
    assert endpoint.secret == old  # opening the question changes nothing
    after = press(form_with_button(confirm, "Change the secret"), "Change the secret").follow()
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in after.text


def test_deleting_asks_first_and_takes_the_log_along(django_app, hr):
    endpoint = make_endpoint()
    webhook_ping(endpoint=endpoint)
    confirm = django_app.get(f"/accounts/webhooks/{endpoint.pk}/", user=hr).click("Delete")
    assert WebhookEndpoint.objects.exists()
    listing = press(form_with_button(confirm, "Delete endpoint"), "Delete endpoint").follow()
    assert not WebhookEndpoint.objects.exists() and not OutboxMessage.objects.exists()
    assert messages(listing) == ["The endpoint was deleted."]


def test_a_test_event_is_logged_and_can_be_resent(django_app, hr):
    endpoint = make_endpoint(format="json")
    detail = django_app.get(f"/accounts/webhooks/{endpoint.pk}/", user=hr)
    detail = press(form_with_button(detail, "Send a test event"), "Send a test event").follow()
    ping = OutboxMessage.objects.get(endpoint=endpoint, event=PING)
    assert ping.payload["body"].startswith('{"id":"' + str(ping.key))
    rows = detail.html.select("[data-testid=delivery]")
    assert len(rows) == 1 and "ping" in rows[0].get_text()
    OutboxMessage.objects.filter(pk=ping.pk).update(state=OutboxMessage.State.FAILED)
    detail = django_app.get(f"/accounts/webhooks/{endpoint.pk}/", user=hr)
    after = press(form_with_button(detail, "Resend"), "Resend").follow()
    ping.refresh_from_db()
    assert ping.state == OutboxMessage.State.PENDING
    assert messages(after) == ["The delivery will be sent again with the same Webhook-Id."]


def test_a_delivery_of_another_endpoint_is_not_resent_through_this_one(django_app, hr):
    mine, other = make_endpoint(name="Mine"), make_endpoint(name="Other")
    theirs = webhook_ping(endpoint=other)
    OutboxMessage.objects.filter(pk=theirs.pk).update(state=OutboxMessage.State.FAILED)
    page = django_app.get(f"/accounts/webhooks/{mine.pk}/", user=hr)
    django_app.post(
        f"/accounts/webhooks/{mine.pk}/deliveries/{theirs.pk}/resend/",
        {"csrfmiddlewaretoken": page.forms[1]["csrfmiddlewaretoken"].value},
        user=hr,
        status=404,
    )
    theirs.refresh_from_db()
    assert theirs.state == OutboxMessage.State.FAILED


# --- Nobody but HR --------------------------------------------------------------


def urls(endpoint: WebhookEndpoint, delivery: OutboxMessage) -> list[tuple[str, str]]:
    base = f"/accounts/webhooks/{endpoint.pk}"
    return [
        ("get", "/accounts/webhooks/"),
        ("get", "/accounts/webhooks/new/"),
        ("post", "/accounts/webhooks/new/"),
        ("get", f"{base}/"),
        ("get", f"{base}/edit/"),
        ("post", f"{base}/edit/"),
        ("post", f"{base}/test/"),
        ("get", f"{base}/secret/"),
        ("post", f"{base}/secret/"),
        ("get", f"{base}/delete/"),
        ("post", f"{base}/delete/"),
        ("post", f"{base}/deliveries/{delivery.pk}/resend/"),
    ]


@pytest.mark.parametrize("persona", ["report", "manager", "outsider"])
def test_nobody_but_hr_opens_or_changes_anything(client, request, persona):
    person = request.getfixturevalue(persona)
    endpoint = make_endpoint(name="Kept", url="https://example.com/hook")
    delivery = webhook_ping(endpoint=endpoint)
    OutboxMessage.objects.filter(pk=delivery.pk).update(state=OutboxMessage.State.FAILED)
    before = (endpoint.secret, OutboxMessage.objects.count())
    client.force_login(person)
    form = {
        "name": "Hijacked",
        "url": "https://evil.example/",
        "format": "json",
        "events": [WebhookEvent.EXPORT_READY],
        "is_active": "on",
    }
    for method, url in urls(endpoint, delivery):
        response = getattr(client, method)(url, form if method == "post" else None)
        assert response.status_code == 403, (method, url)
    endpoint.refresh_from_db()
    assert (endpoint.secret, OutboxMessage.objects.count()) == before
    assert endpoint.name == "Kept" and WebhookEndpoint.objects.count() == 1
    assert OutboxMessage.objects.get().state == OutboxMessage.State.FAILED


def test_signed_out_people_are_sent_to_log_in(client):
    endpoint = make_endpoint()
    delivery = webhook_ping(endpoint=endpoint)
    for method, url in urls(endpoint, delivery):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert WebhookEndpoint.objects.count() == 1


def test_the_menu_shows_the_page_to_hr_only(django_app, hr, manager):
    assert "/accounts/webhooks/" in django_app.get("/", user=hr).text
    assert "/accounts/webhooks/" not in django_app.get("/", user=manager).text


# --- Query counts -----------------------------------------------------------------


def queries_of(django_app, url: str, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        django_app.get(url, user=user)
    return len(queries)


def test_the_list_is_flat(django_app, hr, django_assert_max_num_queries):
    for i in range(3):
        webhook_ping(endpoint=make_endpoint(name=f"A{i:02d}"))
    few = queries_of(django_app, "/accounts/webhooks/", hr)
    for i in range(27):
        webhook_ping(endpoint=make_endpoint(name=f"B{i:02d}"))
    with django_assert_max_num_queries(few):
        page = django_app.get("/accounts/webhooks/", user=hr)
    assert len(page.html.select("[data-testid=webhook-endpoints] tbody tr")) == 30


def test_the_delivery_log_is_flat(django_app, hr, django_assert_max_num_queries):
    endpoint = make_endpoint()
    url = f"/accounts/webhooks/{endpoint.pk}/"
    for _ in range(3):
        webhook_ping(endpoint=endpoint)
    few = queries_of(django_app, url, hr)
    for _ in range(27):
        OutboxAttempt.objects.create(message=webhook_ping(endpoint=endpoint), status_code=500)
    with django_assert_max_num_queries(few):
        page = django_app.get(url, user=hr)
    assert len(page.html.select("[data-testid=delivery]")) == 25
    assert "HTTP 500" in page.text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "cannot receive webhooks"),
        ("http://[fe80::1]/", "cannot receive webhooks"),
        ("http://0.0.0.0:8000/", "cannot receive webhooks"),
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "cannot receive webhooks"),
        ("http://[::ffff:a9fe:a9fe]/", "cannot receive webhooks"),
        ("http://user:pw@example.com/hook", "Leave the user name and password out"),
    ],
)
def test_an_address_that_would_leak_is_refused(django_app, hr, url, message):
    from accounts.models import WebhookEndpoint  # noqa: PLC0415

    page = django_app.get(reverse("accounts:webhook_new"), user=hr)
    form = page.forms[[k for k, f in page.forms.items() if "url" in f.fields][0]]
    form["name"] = "Leak"
    form["url"] = url
    form["events"] = ["export.ready"]
    refused = form.submit()
    assert message in refused.text
    assert not WebhookEndpoint.objects.filter(name="Leak").exists()


def test_sending_again_to_a_switched_off_endpoint_says_to_switch_it_on(django_app, hr, client):
    endpoint = WebhookEndpoint.objects.create(
        name="Off", url="https://example.com/hook", events=["export.ready"], is_active=False
    )
    message = webhook_ping(endpoint=endpoint)
    OutboxMessage.objects.filter(pk=message.pk).update(state="failed", attempts=3)
    page = django_app.get(reverse("reviews:jobs"), user=hr)
    form = next(f for f in page.forms.values() if f"/outbox/{message.pk}/" in (f.action or ""))
    after = form.submit().follow()
    assert "is switched off: switch it on first" in after.text
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == 3
    client.force_login(hr)
    assert client.post(reverse("reviews:outbox_resend", args=[99999])).status_code == 404
