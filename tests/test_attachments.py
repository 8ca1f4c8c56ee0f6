"""Files sent with a message: produced once at the first send, kept, the same bytes on retry."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.console.simulator import ConsoleSender
from bot.events import Attachment, OutgoingMessage
from reminders import attachments
from storage.models import OutboxFile, OutboxMessage
from storage.outbox import enqueue

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Recorder:
    def __init__(self, failures: int = 0) -> None:
        self.failures, self.sent = failures, []

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("reset")
        self.sent.append(msg)
        return f"p{outbox_id}"


def _counting_producer(calls: list):
    def produce(session, params, now):
        calls.append(dict(params))
        return f"report for {params['chat']} #{len(calls)}".encode()
    return produce


def _put(app, *, source: str = "test_report", kind: str = "file") -> None:
    msg = OutgoingMessage(key="report:1", platform="test", chat_id="c", text="周报",
                          attachments=(Attachment(name="周报.xlsx", source=source, kind=kind,
                                                  params={"chat": "c"}),))
    with app.sessions.begin() as s:
        enqueue(session=s, msg=msg, now=NOW)


def test_the_file_is_made_once_and_a_retry_uploads_the_same_bytes(app):
    calls: list = []
    attachments.register("test_report", _counting_producer(calls))
    _put(app)
    sender = Recorder(failures=1)
    assert app.deliver(platform="test", sender=sender, now=NOW) == 0
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(minutes=1)) == 1
    assert calls == [{"chat": "c"}]  # made at the first attempt only
    sent = sender.sent[0].attachments[0]
    assert (sent.name, sent.kind, sent.data) == ("周报.xlsx", "file", b"report for c #1")
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "report:1"))
        assert "data" not in row.payload["attachments"][0]  # the stored message never holds bytes
        assert s.scalars(select(OutboxFile.content)).all() == [b"report for c #1"]


def test_a_file_that_cannot_be_made_holds_the_message_and_is_retried(app):
    state = {"fail": True}

    def flaky(session, params, now):
        if state["fail"]:
            raise RuntimeError("chart backend down")
        return b"png"
    attachments.register("test_flaky", flaky)
    _put(app, source="test_flaky", kind="image")
    sender = Recorder()
    assert app.deliver(platform="test", sender=sender, now=NOW) == 0
    assert sender.sent == []
    state["fail"] = False
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(seconds=4)) == 0  # backing off
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(seconds=5)) == 1
    assert sender.sent[0].attachments[0].data == b"png"


def test_an_unknown_producer_never_sends_the_message_without_its_file(app):
    _put(app, source="nobody_registered_this")
    sender = Recorder()
    assert app.deliver(platform="test", sender=sender, now=NOW) == 0
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "report:1"))
        assert row.status == "pending" and "nobody_registered_this" in row.last_error


def test_the_console_writes_each_file_and_prints_its_path(tmp_path):
    out = io.StringIO()
    sender = ConsoleSender(out, UTC, lambda: NOW, tmp_path)
    msg = OutgoingMessage(key="k", platform="console", chat_id="demo", text="导出完成",
                          attachments=(Attachment(name="../618大促-行动项-20261116.csv", source="export",
                                                  data=b"\xef\xbb\xbfid"),))
    assert sender.send(msg, outbox_id=7, reply_to=None, edit_of=None) == "m7"
    path = tmp_path / "m7" / "618大促-行动项-20261116.csv"
    assert path.read_bytes() == b"\xef\xbb\xbfid"
    assert out.getvalue().splitlines()[-1] == f"📎 {path}"
