"""Helpers for the Slack tests: recorded payloads, request signing, and a runtime on the fake."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from slack_fake import FakeSlack, wait_for
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


class Probe:
    """Stands in for the App in the Runner and notes each event the core has finished with."""

    def __init__(self, app) -> None:
        self.app, self.processed = app, []

    def process(self, event, *, now):
        try:
            return self.app.process(event, now=now)
        finally:
            self.processed.append(event.event_id)


class HttpBot:
    """Genjin's Slack runtime in HTTP mode behind the real ASGI app, talking to the fake."""

    def __init__(self, app, fake: FakeSlack) -> None:
        self.app, self.fake = app, fake
        settings = SlackSettings(mode="http", bot_token="xoxb-test", signing_secret=SECRET, api_url=fake.api_url)
        self.probe = Probe(app)
        self.runner = Runner(self.probe, clock=lambda: NOW)
        self.runtime = SlackRuntime(settings, self.runner)
        self.waits: list[float] = []
        self.runtime.sender.sleep = self.waits.append  # pacing is recorded, never slept
        self.runtime.start()
        self.client = TestClient(build_asgi([self.runtime]))

    def post_json(self, payload: dict, *, headers: dict | None = None, timestamp: int | None = None):
        body = json.dumps(payload).encode()
        return self.client.post("/slack/events", content=body, headers={
            "Content-Type": "application/json", **sign(body, timestamp=timestamp), **(headers or {})})

    def post_form(self, form: dict, *, timestamp: int | None = None):
        body = urlencode(form).encode()
        return self.client.post("/slack/events", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", **sign(body, timestamp=timestamp)})

    def wait_processed(self, n: int) -> None:
        """Wait until the core has handled `n` events in all (a request is acked before that)."""
        wait_for(lambda: len(self.probe.processed) >= n, what=f"{n} processed events")

    def deliver(self, now: datetime = NOW) -> int:
        return self.app.deliver(platform="slack", sender=self.runtime.sender, now=now)

    def drain(self) -> None:
        """Wait until every acknowledged request has been processed (stops the workers)."""
        self.runtime.stop()
        self.runner.stop()
