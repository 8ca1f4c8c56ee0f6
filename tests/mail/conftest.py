"""A local SMTP server (aiosmtpd) that keeps what it receives, and settings that point at it."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from genjin.config import load_settings
from reminders import attachments


class Mailbox:
    """The server's side: what arrived (envelope + parsed message), and answers to play back."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.busy = 0  # the next N messages get "451 try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def settings(mailbox):
    """[email] configured, pointing at the local server (plain SMTP, no login)."""
    return load_settings(None, environ={
        "GENJIN_EMAIL_HOST": "127.0.0.1", "GENJIN_EMAIL_PORT": str(mailbox.port), "GENJIN_EMAIL_TLS": "none",
        "GENJIN_EMAIL_FROM_ADDRESS": "Genjin 跟进 <genjin@example.com>", "GENJIN_EMAIL_TIMEOUT": "5"})


@pytest.fixture
def producers(monkeypatch):
    """Stand-ins for the export and chart producers (built on other branches), restored after."""
    made: list[tuple[str, dict]] = []

    def export(session, params, now):
        made.append(("export", dict(params)))
        return b"PK\x03\x04 xlsx of chat " + params["chat"].encode()

    def chart(session, params, now):
        made.append(("weekly_chart", dict(params)))
        return b"\x89PNG\r\n\x1a\n chart of chat " + params["chat"].encode()

    monkeypatch.setitem(attachments._PRODUCERS, "export", export)
    monkeypatch.setitem(attachments._PRODUCERS, "weekly_chart", chart)
    return made
