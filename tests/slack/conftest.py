"""Slack fixtures: the loopback fake of Slack and Genjin's HTTP-mode runtime talking to it."""

from __future__ import annotations

import pytest
from slack_fake import FakeSlack
from slack_support import HttpBot


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # slack_sdk reads these and ignores NO_PROXY: loopback traffic must not go to a proxy.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake():
    server = FakeSlack()
    server.names.update({"U1": "Pat", "U2": "Lee"})
    yield server
    server.close()


@pytest.fixture
def http_bot(app, fake):
    bot = HttpBot(app, fake)
    yield bot
    bot.close()
