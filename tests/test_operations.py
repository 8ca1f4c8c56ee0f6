"""Operations: /metrics after events through the Runner, JSON event lines, redaction, /healthz."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.events import EventKind, IncomingEvent, Mention, OutgoingMessage, mention
from bot.ports import RetryLater
from genjin import logs, metrics
from genjin.app import App
from genjin.config import load_settings
from genjin.serve import Runner, build_asgi
from reminders.scheduler import sweep_job
from storage.models import OutboxMessage

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
TODO = {"user": "pm", "text": "/todo @lee Build the page by friday standard: passes QA"}
PROGRESS = {"user": "lee", "text": "/progress #1 50% API wired up"}


def translate(payload: dict) -> IncomingEvent | None:
    """A toy platform: {"user": ..., "text": ...}."""
    names = re.findall(r"@(\w+)", payload["text"])
    text = re.sub(r"@(\w+)", lambda m: mention(m.group(1), m.group(1)), payload["text"])
    return IncomingEvent(platform="console", event_id="ignored", chat_id="g", user_id=payload["user"],
                         user_name=payload["user"], kind=EventKind.MESSAGE, text=text,
                         mentions=tuple(Mention(n, n) for n in names), received_at=NOW)


def process(app: App, *payloads: dict) -> Runner:
    runner = Runner(app, clock=lambda: NOW)
    runner.register("console", translate)
    for n, payload in enumerate(payloads):
        runner.accept(platform="console", event_id=f"ops-{n}", payload=payload)
    assert runner.drain() == len(payloads)
    return runner


def scrape(client: TestClient) -> dict[str, float]:
    """/metrics as {'name{label="v",...}': value}, checking it parses as Prometheus text."""
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            samples[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return samples


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Runtime:
    """A platform connection as build_asgi sees it: no routes of its own, healthy or not."""

    platform = "console"

    def __init__(self, healthy: bool = True) -> None:
        self.up = healthy

    def routes(self) -> list:
        return []

    def healthy(self) -> bool:
        return self.up


class FakeSender:
    def __init__(self, fail: Exception | None = None) -> None:
        self.fail, self.sent = fail, []

    def send(self, msg, *, outbox_id, reply_to, edit_of, maybe_sent=False) -> str:
        if self.fail is not None:
            raise self.fail
        self.sent.append(msg.key)
        return f"p{outbox_id}"


def test_metrics_report_events_latency_queues_sends_and_sweeps(app):
    handled = value("genjin_events_total", platform="console", outcome="handled")
    latency = value("genjin_event_latency_seconds_count", platform="console", kind="message")
    process(app, TODO, PROGRESS)
    client = TestClient(build_asgi([Runtime()], app))

    before = scrape(client)
    assert before['genjin_events_total{outcome="handled",platform="console"}'] == handled + 2
    assert before['genjin_event_latency_seconds_count{kind="message",platform="console"}'] == latency + 2
    with app.sessions() as session:
        waiting = session.scalar(select(func.count()).where(OutboxMessage.status == "pending"))
    assert waiting >= 2 and before['genjin_outbox_pending{platform="console"}'] == waiting  # replies, unsent
    assert 'genjin_outbox_oldest_pending_seconds{platform="console"}' in before
    assert before['genjin_inbox_rows{status="pending"}'] == 0
    assert before['genjin_inbox_rows{status="failed"}'] == 0
    assert before["genjin_inbox_oldest_pending_seconds"] == 0
    assert before["genjin_database_up"] == 1

    sent = value("genjin_sends_total", platform="console", result="sent")
    sender = metrics.CountingSender("console", FakeSender())
    while app.deliver(platform="console", sender=sender, now=NOW):
        pass
    sweeps = value("genjin_sweep_seconds_count")
    sweep_job(app, lambda: NOW, lambda: None)

    after = scrape(client)
    assert after['genjin_outbox_pending{platform="console"}'] == 0  # a served platform reports its 0
    assert after['genjin_sends_total{platform="console",result="sent"}'] == sent + waiting
    assert after["genjin_sweep_seconds_count"] == sweeps + 1
    assert "process_resident_memory_bytes" in after  # the default registry's process metrics come along


def test_sends_are_counted_by_result_and_reminders_by_kind():
    msg = OutgoingMessage(key="remind:nudge1:7", platform="slack", chat_id="C1", text="hi")
    nudges, waits = value("genjin_reminders_sent_total", kind="nudge1"), value(
        "genjin_sends_total", platform="slack", result="retry_later")
    metrics.CountingSender("slack", FakeSender()).send(msg, outbox_id=1, reply_to=None, edit_of=None)
    with pytest.raises(RetryLater):
        metrics.CountingSender("slack", FakeSender(RetryLater(3))).send(msg, outbox_id=1, reply_to=None,
                                                                        edit_of=None)
    assert value("genjin_reminders_sent_total", kind="nudge1") == nudges + 1
    assert value("genjin_sends_total", platform="slack", result="retry_later") == waits + 1
    assert metrics.reminder_kind("digest:daily:3:2026-11-23") == "digest_daily"
    assert metrics.reminder_kind("card:3:v2") is None


@pytest.fixture
def captured():
    """What the root logger writes through a handler built like `genjin run`'s, one per format."""
    settings = load_settings(None, environ={
        "GENJIN_SLACK_BOT_TOKEN": "xoxb-1111-2222-secretslacktoken",
        "GENJIN_SLACK_SIGNING_SECRET": "0123456789abcdefsigning",
        "GENJIN_FEISHU_APP_ID": "cli_a1b2c3",
        "GENJIN_FEISHU_APP_SECRET": "feishu-app-secret-value",
        "GENJIN_FEISHU_ENCRYPT_KEY": "feishu-encrypt-key-value",
        "GENJIN_DATABASE_URL": "postgresql://genjin:db-password-value@db.internal:5432/genjin",
    })
    streams = {"json": io.StringIO(), "text": io.StringIO()}
    handlers = [logs.make_handler(settings, json=kind == "json", stream=s) for kind, s in streams.items()]
    root, events = logging.getLogger(), logging.getLogger("genjin.events")
    old_level, old_events = root.level, events.level
    root.setLevel(logging.INFO)
    events.setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    yield settings, streams
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(old_level)
    events.setLevel(old_events)


def test_each_processed_event_is_one_json_line_with_its_fields(captured, app):
    _settings, streams = captured
    process(app, TODO, PROGRESS)
    lines = [json.loads(line) for line in streams["json"].getvalue().splitlines()]
    done = [line for line in lines if line.get("logger") == "genjin.events"]
    assert [(d["event_id"], d["outcome"], d["item"]) for d in done] == [("ops-0", "handled", None),
                                                                         ("ops-1", "handled", 1)]
    for line in done:
        assert line["platform"] == "console" and line["chat"] == "g" and line["kind"] == "message"
        assert line["level"] == "INFO" and line["time"] and isinstance(line["latency_ms"], float)
    assert "event console/ops-1 handled" in streams["text"].getvalue()


def test_no_secret_from_the_settings_reaches_the_logs(captured):
    settings, streams = captured
    secrets = ["xoxb-1111-2222-secretslacktoken", "0123456789abcdefsigning", "feishu-app-secret-value",
               "feishu-encrypt-key-value", "db-password-value"]
    log = logging.getLogger("adapters.test")
    log.warning("starting with %s", settings)  # pydantic's repr shows every value
    log.warning("token %s, url %s", settings.slack.bot_token, settings.database_url)
    log.warning("call", extra={"headers": f"Authorization: Bearer {settings.slack.bot_token}"})
    try:
        raise RuntimeError(f"refused app_secret={settings.feishu.app_secret}")
    except RuntimeError:
        log.exception("feishu failed")
    # Shaped like secrets though not configured: another Slack token, a URL password, a bearer token.
    log.warning("xapp-1-A0-other sqlite+x://u:hunter22@h/db Bearer abc.def-ghi {\"app_secret\": \"zz9\"}")
    for kind, stream in streams.items():
        written = stream.getvalue()
        assert "feishu failed" in written and "RuntimeError" in written, kind
        assert "***" in written, kind
        for secret in [*secrets, "xapp-1-A0-other", "hunter22", "abc.def-ghi", "zz9"]:
            assert secret not in written, (kind, secret)
    assert "cli_a1b2c3" in streams["text"].getvalue()  # an app id is no secret: left readable


def test_json_is_the_default_only_when_serving_a_platform():
    plain = load_settings(None, environ={})
    slack = load_settings(None, environ={"GENJIN_SLACK_BOT_TOKEN": "xoxb-1"})
    text = load_settings(None, environ={"GENJIN_SLACK_BOT_TOKEN": "xoxb-1", "GENJIN_LOG_FORMAT": "text"})
    assert logs.wants_json(slack, "run") and not logs.wants_json(plain, "run")
    assert not logs.wants_json(slack, "console") and not logs.wants_json(text, "run")
    assert logs.wants_json(load_settings(None, environ={"GENJIN_LOG_FORMAT": "json"}), "console")


def test_healthz_is_503_when_the_database_is_unreachable(settings, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    app = App(settings, db_url=f"sqlite:///{folder / 'genjin.sqlite3'}")
    try:
        client = TestClient(build_asgi([], app))
        up = client.get("/healthz")
        assert (up.status_code, up.json()["database"]) == (200, True)
        lost = TestClient(build_asgi([Runtime(healthy=False)], app)).get("/healthz")  # a dead connection
        assert lost.status_code == 503 and lost.json()["platforms"] == {"console": False}
        shutil.rmtree(folder)  # the database is gone: no new connection can open it
        down = client.get("/healthz")
        assert down.status_code == 503
        assert down.json() == {"ok": False, "database": False, "platforms": {}}
        assert scrape(client)["genjin_database_up"] == 0  # /metrics still answers, saying so
    finally:
        app.close()
