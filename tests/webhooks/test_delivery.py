"""Deliveries to a real receiver on this machine: it fails, times out, then accepts; it
checks every signature with the README's own verification example."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Notification, OutboxMessage, WebhookEndpoint
from accounts.outbox import outbox_send
from accounts.webhook_events import webhook_ping
from tests.webhooks.conftest import make_endpoint

pytestmark = pytest.mark.django_db

SNIPPET = Path(__file__).with_name("verify_snippet.txt")
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verify() -> Callable[..., bool]:
    """The README's ten-line ``verify``, executed as a receiver would paste it."""
    namespace: dict[str, Any] = {}
    exec(SNIPPET.read_text(), namespace)  # noqa: S102 - our own documented example
    verify: Callable[..., bool] = namespace["verify"]
    return verify


def test_the_example_is_ten_lines_and_is_the_readmes():
    snippet = SNIPPET.read_text()
    # Ten lines, not counting the blank ones the formatter puts before a function.
    assert len([line for line in snippet.splitlines() if line.strip()]) <= 10
    if "### Webhooks and chat" not in README.read_text():
        pytest.skip("README has no webhook section yet (the text is in notes/readme_hooks.md)")
    assert snippet.strip() in README.read_text()


class Receiver:
    """An HTTP server in a thread answering each POST as ``script`` says, in turn:
    a status code, or ``"sleep"`` (answer 200 after ``OUTBOX_HTTP_TIMEOUT`` has passed)."""

    def __init__(self, script: list[int | str], secret: str) -> None:
        self.script = list(script)
        self.secret = secret
        self.verify = readme_verify()
        self.seen: set[str] = set()
        self.calls: list[tuple[Message, bytes]] = []
        self.processed: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((self.headers, body))
                step = receiver.script.pop(0) if receiver.script else 200
                if step == "sleep":
                    time.sleep(2)
                    step = 200
                if step == 200:
                    try:
                        fresh = receiver.verify(receiver.secret, self.headers, body, receiver.seen)
                    except PermissionError:
                        step = 401
                    else:
                        if fresh:
                            receiver.processed.append(body)
                self.send_response(int(step))
                self.end_headers()
                self.wfile.write(b"no" if step != 200 else b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # Closing waits for the handlers still answering (a "sleep"): no thread of this test
        # outlives it (a parse in a later test then failed: CPython 3.11's AST depth check).
        self.server.daemon_threads = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_for(settings) -> Iterator[Callable[..., tuple[Receiver, WebhookEndpoint]]]:
    settings.OUTBOX_HTTP_TIMEOUT = 1
    made: list[Receiver] = []

    def make(script: list[int | str]) -> tuple[Receiver, WebhookEndpoint]:
        endpoint = make_endpoint(url="http://127.0.0.1:9/")
        receiver = Receiver(script, endpoint.secret)
        endpoint.url = receiver.url
        endpoint.save(update_fields=["url"])
        made.append(receiver)
        return receiver, endpoint

    yield make
    for receiver in made:
        receiver.close()


def send_at(moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=True):
        outbox_send()


def test_fails_times_out_then_is_accepted_once(receiver_for):
    receiver, endpoint = receiver_for([500, "sleep", 200])
    message = webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    send_at(start)
    message.refresh_from_db()
    assert (message.state, message.last_status, message.attempts) == ("pending", 500, 1)
    send_at(start + dt.timedelta(minutes=2))
    message.refresh_from_db()
    assert message.state == "pending" and "timed out" in message.last_error.lower()
    send_at(start + dt.timedelta(minutes=10))
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 3
    assert [try_.accepted for try_ in message.tries.order_by("at")] == [False, False, True]
    # One id across the attempts: the receiver took the delivery once.
    assert {headers["Webhook-Id"] for headers, _body in receiver.calls} == {str(message.key)}
    assert receiver.processed == [message.payload["body"].encode()]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_the_example_refuses_forgeries_replays_and_drops_repeats(receiver_for):
    receiver, endpoint = receiver_for([200])
    webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    send_at(start)
    headers, body = receiver.calls[0]
    verify, seen = readme_verify(), set()
    with time_machine.travel(start, tick=False):
        assert verify(endpoint.secret, headers, body, seen) is True
        assert verify(endpoint.secret, headers, body, seen) is False  # a repeat
        with pytest.raises(PermissionError):
            verify(endpoint.secret, headers, body.replace(b"ping", b"pong"), set())
        with pytest.raises(PermissionError):
            verify("another secret", headers, body, set())
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        with pytest.raises(PermissionError):  # a replay of an old, genuine delivery
            verify(endpoint.secret, headers, body, set())


def test_a_resend_carries_the_same_id(receiver_for, hr):
    receiver, endpoint = receiver_for([200, 200])
    message = webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    send_at(start)
    from accounts.outbox import outbox_resend

    outbox_resend(message_ids=[message.pk])
    send_at(start + dt.timedelta(seconds=5))
    ids = [headers["Webhook-Id"] for headers, _body in receiver.calls]
    assert ids == [str(message.key)] * 2
    assert len(receiver.processed) == 1  # the example dropped the repeat


def test_switched_off_after_repeated_failures_and_hr_told(receiver_for, settings, hr):
    settings.OUTBOX_WEBHOOK_DISABLE_AFTER = 3
    settings.OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS = 1
    receiver, endpoint = receiver_for([500] * 10)
    message = webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    for minutes in (0, 5, 30, 120, 240):
        send_at(start + dt.timedelta(minutes=minutes))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.consecutive_failures == 4
    assert "every delivery has failed since" in endpoint.switched_off_reason
    assert "4 attempts in a row" in endpoint.switched_off_reason
    assert len(receiver.calls) == 4  # a switched-off endpoint is not called again
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING  # waits for HR or for its day to end
    notice = Notification.objects.get(recipient=hr)
    assert notice.url == f"/accounts/webhooks/{endpoint.pk}/"
    assert endpoint.name in notice.message
    assert OutboxMessage.objects.filter(channel="email", recipient=hr.email).exists()


def test_gives_up_after_a_day(receiver_for, settings):
    settings.OUTBOX_WEBHOOK_DISABLE_AFTER = 1000
    receiver, endpoint = receiver_for([500] * 100)
    message = webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    for hours in range(24):
        send_at(start + dt.timedelta(hours=hours, minutes=50))
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING  # still trying, nearly a day on
    send_at(start + dt.timedelta(hours=26))  # the last wait is at most 1.5 hours
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED and message.attempts >= 15


def test_a_short_outage_of_a_busy_endpoint_does_not_switch_it_off(receiver_for, settings):
    # The tester's case: many deliveries failing for four minutes counted 15 in a row.
    settings.OUTBOX_WEBHOOK_DISABLE_AFTER = 3
    receiver, endpoint = receiver_for([500] * 40 + [200] * 40)
    for _ in range(20):
        webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    send_at(start)
    send_at(start + dt.timedelta(minutes=4))
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures >= 20
    send_at(start + dt.timedelta(hours=2))  # the receiver is back
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert endpoint.failing_since is None


def test_a_receiver_that_hangs_is_waited_for_once_per_batch(receiver_for, settings):
    # The tester's case: 38 deliveries to a hung receiver held the worker for 50 s.
    receiver, endpoint = receiver_for(["sleep"] * 10)
    for _ in range(5):
        webhook_ping(endpoint=endpoint)
    start = timezone.now() + dt.timedelta(seconds=1)
    send_at(start)
    assert len(receiver.calls) == 1
    attempts = sorted(OutboxMessage.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 0, 0, 1]  # the others wait a minute, no attempt counted
    webhook_ping(endpoint=endpoint)  # a new event, and its own run, within that minute
    send_at(start + dt.timedelta(seconds=20))
    assert len(receiver.calls) == 1


def test_a_delivery_to_a_forbidden_address_is_never_made(monkeypatch):
    # Saved before the form refused it, or a host name resolving to the metadata address.
    from accounts.models import WebhookEndpoint  # noqa: PLC0415
    from accounts.webhooks import webhook_post  # noqa: PLC0415

    endpoint = WebhookEndpoint.objects.create(
        name="Metadata", url="http://metadata.example/", events=["export.ready"]
    )
    monkeypatch.setattr(
        "socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("169.254.169.254", 0))]
    )
    message = webhook_ping(endpoint=endpoint)
    result = webhook_post(message)
    assert not result.accepted and "cannot receive webhooks" in result.error
