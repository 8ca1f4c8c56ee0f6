"""Helpers for the Slack tests: recorded payloads, request signing, and a runtime on the fake."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from slack_fake import FakeSlack
from sqlalchemy import func, select
from starlette.testclient import TestClient

from adapters.slack.runtime import SlackRuntime
from genjin.config import SlackSettings
from genjin.serve import Runner, build_asgi

SECRET = "s3cr3t-signing"
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
DATA = Path(__file__).parent / "data"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def sign(body: bytes, *, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends with a request: v0 HMAC-SHA256 over "v0:<ts>:<body>"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def count(app, model) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


class HttpBot:
    """Genjin's Slack runtime in HTTP mode behind the real ASGI app, talking to the fake.

    No intake workers run: a request is stored and acked, and `process()` then does
    what a worker would, on the test's thread (so a "crash" is simply not calling it).
    """

    def __init__(self, app, fake: FakeSlack, **settings) -> None:
        self.app, self.fake = app, fake
        settings = {"bot_token": "xoxb-test", **settings}
        self.settings = SlackSettings(mode="http", signing_secret=SECRET, api_url=fake.api_url, **settings)
        self.runner = Runner(app, clock=lambda: NOW)
        self.runtime = SlackRuntime(self.settings, self.runner)
        self.waits: list[float] = []
        self.runtime.sender.sleep = self.waits.append  # pacing is recorded, never slept
        self.runtime.start()
        # https: Bolt's OAuth state cookie is a secure one
        self.client = TestClient(build_asgi([self.runtime]), base_url="https://testserver")

    def post(self, body: bytes, content_type: str, *, headers: dict | None = None, timestamp: int | None = None):
        return self.client.post("/slack/events", content=body, headers={
            "Content-Type": content_type, **sign(body, timestamp=timestamp), **(headers or {})})

    def post_json(self, payload: dict, **kwargs):
        return self.post(json.dumps(payload).encode(), "application/json", **kwargs)

    def post_form(self, form: dict, **kwargs):
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **kwargs)

    def process(self) -> int:
        """Process every stored payload, as the intake workers would; how many were taken."""
        return self.runner.drain()

    def deliver(self, now: datetime = NOW) -> int:
        return self.app.deliver(platform="slack", sender=self.runtime.sender, now=now)

    def close(self) -> None:
        self.runtime.stop()
        self.runner.stop()
