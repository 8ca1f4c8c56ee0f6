"""A message's files on Slack (files upload v2): in the message's thread, once, even across retries."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from slack_sdk import WebClient
from slack_support import NOW, load

from adapters.slack.sender import SlackSender
from adapters.slack.uploads import FilesPending
from bot.events import Attachment, OutgoingMessage
from reminders import attachments
from storage.models import OutboxMessage
from storage.outbox import enqueue

XLSX, PNG = b"PK\x03\x04 workbook bytes", b"\x89PNG\r\n\x1a\n chart"


@pytest.fixture
def sender(fake):
    return SlackSender(WebClient(token="xoxb-test", base_url=fake.api_url), sleep=lambda _s: None)


def export_msg(key: str = "reply:export:1", **fields) -> OutgoingMessage:
    return OutgoingMessage(key=key, platform="slack", chat_id="C1", text="The archive is ready:", attachments=(
        Attachment("618-tracker-20261116.xlsx", "export", data=XLSX),
        Attachment("weekly-chart.png", "chart", kind="image", data=PNG)), **fields)


def test_files_and_images_go_up_into_the_thread_of_their_message(sender, fake):
    posted = sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None)
    channel, ts = posted.split(":")
    assert [p["text"] for p in fake.calls_to("chat.postMessage")] == ["The archive is ready:"]
    shared = fake.shared_files("C1")
    assert [(f["name"], f["data"], f["thread_ts"]) for f in shared] == [
        ("618-tracker-20261116.xlsx", XLSX, ts), ("weekly-chart.png", PNG, ts)]
    assert [c["length"] for c in fake.calls_to("files.getUploadURLExternal")] == [str(len(XLSX)), str(len(PNG))]


def test_a_reply_in_a_thread_puts_its_files_in_that_thread(sender, fake):
    sender.send(export_msg(), outbox_id=2, reply_to="C1:1700.000001", edit_of=None)
    assert {f["thread_ts"] for f in fake.shared_files("C1")} == {"1700.000001"}


def test_a_failed_upload_never_posts_the_text_twice_and_sends_each_file_once(sender, fake):
    fake.fail_next("upload", 500, {})  # the first file's bytes do not get through
    with pytest.raises(FilesPending):  # not RetryLater: delivery keeps maybe_sent, the retry looks first
        sender.send(export_msg(), outbox_id=3, reply_to=None, edit_of=None)
    assert fake.shared_files("C1") == []
    sender.send(export_msg(), outbox_id=3, reply_to=None, edit_of=None, maybe_sent=True)
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert sorted(f["name"] for f in fake.shared_files("C1")) == ["618-tracker-20261116.xlsx", "weekly-chart.png"]


def test_a_retry_uploads_only_the_files_not_yet_shared(sender, fake):
    fake.refuse_upload_of.add("weekly-chart.png")  # the workbook goes up, the picture does not
    with pytest.raises(FilesPending):
        sender.send(export_msg(), outbox_id=4, reply_to=None, edit_of=None)
    assert [f["name"] for f in fake.shared_files("C1")] == ["618-tracker-20261116.xlsx"]
    fake.calls.clear()
    sender.send(export_msg(), outbox_id=4, reply_to=None, edit_of=None, maybe_sent=True)
    sender.send(export_msg(), outbox_id=4, reply_to=None, edit_of=None, maybe_sent=True)  # a stray third try
    assert [c["filename"] for c in fake.calls_to("files.getUploadURLExternal")] == ["weekly-chart.png"]
    assert sorted(f["name"] for f in fake.shared_files("C1")) == ["618-tracker-20261116.xlsx", "weekly-chart.png"]
    assert fake.calls_to("chat.postMessage") == []  # never the text again


def test_a_file_slack_refuses_for_good_becomes_a_line_in_the_thread(sender, fake):
    fake.fail_next("files.getUploadURLExternal", 200, {"ok": False, "error": "file_too_large"})
    posted = sender.send(export_msg(), outbox_id=5, reply_to=None, edit_of=None)
    notes = [p for p in fake.calls_to("chat.postMessage") if p.get("thread_ts") == posted.split(":")[1]]
    assert len(notes) == 1 and "618-tracker-20261116.xlsx" in notes[0]["text"]
    assert "file_too_large" in notes[0]["text"]
    assert [f["name"] for f in fake.shared_files("C1")] == ["weekly-chart.png"]


def test_through_the_outbox_a_partial_send_is_finished_by_the_retry(app, sender, fake):
    attachments.register("test_slack_file", lambda session, params, now: XLSX)
    with app.sessions.begin() as s:
        enqueue(session=s, now=NOW, msg=OutgoingMessage(
            key="reply:export:9", platform="slack", chat_id="C1", text="归档已生成：",
            attachments=(Attachment("618大促-跟进台账-20261116.xlsx", "test_slack_file"),)))
    fake.fail_next("upload", 500, {})
    assert app.deliver(platform="slack", sender=sender, now=NOW) == 0
    assert app.deliver(platform="slack", sender=sender, now=NOW + timedelta(minutes=5)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1
    [shared] = fake.shared_files("C1")
    assert (shared["name"], shared["data"]) == ("618大促-跟进台账-20261116.xlsx", XLSX)
    with app.sessions() as s:
        row = s.query(OutboxMessage).filter_by(key="reply:export:9").one()
        assert row.status == "sent" and row.platform_message_id.endswith(shared["thread_ts"])


def test_export_in_a_channel_posts_the_archive_into_the_replys_thread(http_bot):
    for text in ("<@UBOT> todo <@U2> build the page by 2026-05-15 standard: QA passes", "<@UBOT> export"):
        mention = load("app_mention.json")["payload"]
        mention["event"]["text"] = text
        mention["event_id"] = mention["event_id"] + text[-6:]
        mention["event"]["client_msg_id"] = text
        mention["event"]["ts"] = str(float(mention["event"]["ts"]) + len(text))
        assert http_bot.post_json(mention).status_code == 200
    assert http_bot.process() == 2
    http_bot.deliver()
    fake = http_bot.fake
    reply = next(p for p in fake.calls_to("chat.postMessage") if "archive" in p["text"])
    shared = fake.shared_files("C1")
    assert [f["name"].rsplit("-", 1)[0] for f in shared] == ["C1-tracker", "C1-tracker", "C1-items", "C1-history"]
    reply_ts = next(p["ts"] for p in fake.posted if p["text"] == reply["text"])
    assert {f["thread_ts"] for f in shared} == {reply_ts}
    sheet = openpyxl.load_workbook(io.BytesIO(shared[0]["data"]))["items"]
    assert [c.value for c in sheet[2]][6] == "build the page"


def test_when_the_thread_cannot_be_read_for_good_the_missing_files_still_go(sender, fake):
    fake.fail_next("upload", 500, {})
    with pytest.raises(FilesPending):
        sender.send(export_msg(), outbox_id=6, reply_to=None, edit_of=None)
    fake.fail_next("conversations.replies", 200, {"ok": False, "error": "missing_scope"})
    sender.send(export_msg(), outbox_id=6, reply_to=None, edit_of=None, maybe_sent=True)
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert sorted(f["name"] for f in fake.shared_files("C1")) == ["618-tracker-20261116.xlsx", "weekly-chart.png"]
