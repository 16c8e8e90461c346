"""Real servers for the outbox tests: an SMTP server that refuses, then accepts, and a Redis
of the test's own that can be stopped and started without touching anyone else's."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An SMTP server on localhost: ``refuse`` next mails with a 451 (or ``refuse_code``),
    wait ``delay`` seconds before accepting each; ``received`` counts Message-IDs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.refuse = 0
        self.refuse_code = 451
        self.delay = 0.0
        self.received: Counter[str] = Counter()
        self.messages: list[object] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            self.refuse -= 1
            return (
                f"{self.refuse_code} 4.3.0 Not now"
                if self.refuse_code < 500
                else (f"{self.refuse_code} 5.1.1 No such mailbox")
            )
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        self.received[str(parsed["Message-ID"])] += 1
        self.messages.append(parsed)
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, settings: object) -> None:
        """Point the outbox's real mail server at this one."""
        settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
        settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
        settings.EMAIL_PORT = self.port  # type: ignore[attr-defined]
        settings.EMAIL_TIMEOUT = 3  # type: ignore[attr-defined]
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False  # type: ignore[attr-defined]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test stops and starts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self._process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
