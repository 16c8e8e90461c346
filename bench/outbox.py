"""Benchmark: drain 10,000 queued messages from the outbox (issue 19, section 3).

Queues N e-mails (and N webhook deliveries) in the outbox of the database named
in DATABASE_URL — a throw-away one: its outbox is emptied first — then times
``outbox_send`` until nothing is due, with 1 and with 2 sender processes at
once, against real servers on loopback: an SMTP server (aiosmtpd) and an HTTP
receiver answering 204. Prints messages per second; writes bench/results/outbox.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/outbox.py [--count 10000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SMTP_PORT = _free_port()
HTTP_PORT = _free_port()
os.environ["EMAIL_HOST"] = "127.0.0.1"
os.environ["EMAIL_PORT"] = str(SMTP_PORT)


class _Sink:
    received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        _Sink.received += 1
        return "250 OK"


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def _drain(_: int) -> int:
    import django  # noqa: PLC0415 - each sender process sets Django up itself

    django.setup()
    from accounts.outbox import outbox_send  # noqa: PLC0415

    sent = 0
    while True:
        outcome = outbox_send(limit=200)
        sent += outcome["sent"]
        if not outcome["sent"] and not outcome["failed"]:
            return sent


def _queue(count: int) -> None:
    from django.core.mail import EmailMultiAlternatives  # noqa: PLC0415

    from accounts.models import OutboxMessage, WebhookEndpoint  # noqa: PLC0415
    from accounts.outbox import email_payload  # noqa: PLC0415

    OutboxMessage.objects.all().delete()
    WebhookEndpoint.objects.filter(name="bench").delete()
    endpoint = WebhookEndpoint.objects.create(
        name="bench", url=f"http://127.0.0.1:{HTTP_PORT}/hook", events=["review_table.submitted"]
    )
    mail = EmailMultiAlternatives(
        "Your November table is due in 3 days",
        "Fill it in: http://127.0.0.1:8000/reviews/1/\n" * 5,
        "coaching@localhost",
        ["person@example.com"],
    )
    mail.attach_alternative("<p>Fill it in.</p>" * 5, "text/html")
    payload = email_payload(mail)
    body = json.dumps({"event": "review_table.submitted", "data": {"id": 1, "month": "2026-11"}})
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                channel="email", recipient="person@example.com", subject="due", payload=payload
            )
            for _ in range(count)
        ]
        + [
            OutboxMessage(
                channel="webhook",
                endpoint=endpoint,
                event="review_table.submitted",
                recipient=endpoint.url,
                payload={"body": body},
            )
            for _ in range(count)
        ],
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()

    import logging  # noqa: PLC0415

    import django  # noqa: PLC0415

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from aiosmtpd.controller import Controller  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    smtp = Controller(_Sink(), hostname="127.0.0.1", port=SMTP_PORT)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), _Receiver)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    results: dict[str, Any] = {"count": args.count}
    try:
        for senders in (1, 2):
            _queue(args.count)
            from django.db import connections  # noqa: PLC0415

            connections.close_all()
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(senders) as pool:
                sent = sum(pool.map(_drain, range(senders)))
            seconds = time.perf_counter() - started
            rate = sent / seconds
            results[f"{senders}_senders"] = {
                "sent": sent,
                "seconds": round(seconds, 1),
                "per_second": round(rate),
            }
            print(
                f"{senders} sender(s): {sent:,} messages ({args.count:,} e-mails + "
                f"{args.count:,} webhooks) in {seconds:.1f} s = {rate:,.0f}/s"
            )
    finally:
        smtp.stop()
        http.shutdown()
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "outbox.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
