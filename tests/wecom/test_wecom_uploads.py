"""A message's files on WeCom: after its text, the way the text went (webhook, app message, app chat)."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select
from test_wecom_e2e import client, deliver, known, post  # noqa: F401  (client: the e2e fixture)
from wecom_support import GROUP, NOW, ROBOT_RECEIVER, robot_text

from adapters.wecom.uploads import FilesPending
from bot.events import Attachment, OutgoingMessage
from reminders import attachments
from storage.models import OutboxMessage
from storage.outbox import enqueue

XLSX, PNG = b"PK\x03\x04 workbook", b"\x89PNG\r\n\x1a\n chart"
MB = 1024 * 1024


def texts(fake) -> list[str]:
    """The markdown that went out, to people, app chats and webhooks, in order."""
    said = []
    for call in fake.calls:
        if call.body.get("msgtype") == "markdown" and call.answer.get("errcode") == 0:
            said.append(call.body["markdown"]["content"])
    return said


def uploads(fake) -> list[tuple[str, str, str]]:
    """(API, type, file name) of each upload WeCom took."""
    return [(call.path.rsplit("/", 1)[1], call.query.get("type"), call.body["name"]) for call in fake.calls
            if call.path in ("/cgi-bin/media/upload", "/cgi-bin/webhook/upload_media")]


def send(runtime, msg: OutgoingMessage, **kwargs) -> str:
    return runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, **kwargs)


def test_export_in_a_group_delivers_its_files_through_the_webhook(app, runtime, client, fake):  # noqa: F811
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    known(app, ("LiLei", "LiLei"))
    post(client, robot_text("robot-msg-1", "@跟进 /待办 @LiLei 写活动页 截止 2026-05-15"), receiver=ROBOT_RECEIVER)
    post(client, robot_text("robot-msg-2", "@跟进 /导出"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    files = fake.files()
    assert files and all(f["to"] == "hook:group-key-1" and f["msgtype"] == "file" for f in files)
    names = [f["name"] for f in files]
    assert names[0].endswith("-跟进台账-20260511.xlsx") and names[1].endswith(".md"), names
    assert all(api == "upload_media" and kind == "file" for api, kind, _ in uploads(fake))  # the robot's own key
    sheet = openpyxl.load_workbook(io.BytesIO(files[0]["data"]))["行动项"]
    assert [c.value for c in sheet[2]][6] == "写活动页"
    ready = [n for n, t in enumerate(fake.calls) if "归档已生成" in str(t.body.get("markdown"))]
    first_file = next(n for n, c in enumerate(fake.calls) if c.body.get("msgtype") == "file")
    assert len(ready) == 1 and ready[0] < first_file  # the text once, before its files
    with app.sessions() as s:
        assert {row.status for row in s.scalars(select(OutboxMessage))} == {"sent"}


def test_a_picture_to_a_person_is_uploaded_and_sent_as_an_image_message(runtime, fake):
    chart = OutgoingMessage(key="report:1", platform="wecom", chat_id="direct:LiLei", text="本周周报",
                            attachments=(Attachment("周报图表.png", "weekly_chart", kind="image", data=PNG),))
    assert send(runtime, chart).startswith("msg:")
    assert texts(fake) == ["本周周报"]
    assert uploads(fake) == [("upload", "image", "周报图表.png")]  # media/upload with the app's token
    assert fake.files() == [{"to": "LiLei", "msgtype": "image", "name": "周报图表.png", "data": PNG}]
    [image] = [m for m in fake.messages if m["msgtype"] == "image"]
    assert image["agentid"] == runtime.settings.agent_id


def test_a_picture_through_a_webhook_goes_inline_and_a_large_one_as_a_file(runtime, fake):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    big = b"\x89PNG" + b"\0" * (3 * MB)  # over the webhook image's 2 MB
    msg = OutgoingMessage(key="report:2", platform="wecom", chat_id=GROUP, text="本周周报", attachments=(
        Attachment("周报图表.png", "weekly_chart", kind="image", data=PNG),
        Attachment("大图.png", "weekly_chart", kind="image", data=big)))
    send(runtime, msg)
    [inline] = [h["body"] for h in fake.hooks if h["body"]["msgtype"] == "image"]
    assert inline["image"]["md5"] == hashlib.md5(PNG).hexdigest()
    assert [(f["msgtype"], f["name"], f["data"]) for f in fake.files()] == [("image", None, PNG),
                                                                             ("file", "大图.png", big)]
    assert uploads(fake) == [("upload_media", "file", "大图.png")]


def test_a_file_in_an_app_chat_goes_through_appchat_send(runtime, fake):
    fake.appchats["wrAppMadeChat01"] = []
    msg = OutgoingMessage(key="reply:export:1", platform="wecom", chat_id="wrAppMadeChat01", text="📦 归档已生成：",
                          attachments=(Attachment("台账.xlsx", "export", data=XLSX),))
    assert send(runtime, msg).startswith("appchat:")
    assert [m["msgtype"] for m in fake.appchats["wrAppMadeChat01"]] == ["markdown", "file"]
    assert fake.files() == [{"to": "chat:wrAppMadeChat01", "msgtype": "file", "name": "台账.xlsx", "data": XLSX}]


@pytest.mark.parametrize("where", ["person", "group"])
def test_an_upload_failing_once_is_retried_without_a_second_text(app, runtime, fake, where):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    attachments.register("test_wecom_export", lambda session, params, now: XLSX)
    chat = "direct:LiLei" if where == "person" else GROUP
    msg = OutgoingMessage(key="reply:export:9", platform="wecom", chat_id=chat, text="📦 归档已生成：",
                          attachments=(Attachment("台账.xlsx", "test_wecom_export"),))
    with app.sessions.begin() as s:
        enqueue(session=s, msg=msg, now=NOW)
    upload = "/cgi-bin/media/upload" if where == "person" else "/cgi-bin/webhook/upload_media"
    fake.fail_next(upload, {"errcode": -1, "errmsg": "system busy"})
    assert deliver(app, runtime) == 0  # the text went, the file did not
    assert texts(fake) == ["📦 归档已生成："] and fake.files() == []
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.sending_since is not None  # the retry knows the text may be out
    assert deliver(app, runtime, NOW + timedelta(minutes=5)) == 1
    assert texts(fake) == ["📦 归档已生成："]  # once
    assert [(f["name"], f["data"]) for f in fake.files()] == [("台账.xlsx", XLSX)]
    with app.sessions() as s:
        assert s.scalar(select(OutboxMessage)).status == "sent"


def test_a_failed_upload_raises_files_pending_not_a_refusal(runtime, fake):
    fake.fail_next("/cgi-bin/media/upload", {"errcode": 60020, "errmsg": "not allow to access from your ip"})
    msg = OutgoingMessage(key="reply:export:2", platform="wecom", chat_id="direct:LiLei", text="归档",
                          attachments=(Attachment("台账.xlsx", "export", data=XLSX),))
    with pytest.raises(FilesPending):  # not RetryLater / PermanentFailure: delivery must not think nothing went
        send(runtime, msg)
    send(runtime, msg, maybe_sent=True)
    assert texts(fake) == ["归档"] and [f["name"] for f in fake.files()] == ["台账.xlsx"]


@pytest.mark.parametrize("lang, words", [("zh", "超过企业微信 20 MB 的上限"), ("en", "larger than WeCom's 20 MB limit")])
def test_a_too_large_file_becomes_a_line_saying_so(runtime, fake, lang, words):
    runtime.sender.lang = lang
    huge = b"x" * (20 * MB + 1)
    msg = OutgoingMessage(key="reply:export:3", platform="wecom", chat_id="direct:LiLei", text="归档",
                          attachments=(Attachment("全部记录.csv", "export", data=huge),
                                       Attachment("台账.xlsx", "export", data=XLSX)))
    send(runtime, msg)
    said = texts(fake)
    assert len(said) == 2 and "全部记录.csv" in said[1] and words in said[1] and "20.0 MB" in said[1]
    assert uploads(fake) == [("upload", "file", "台账.xlsx")]  # the large one was never uploaded
    assert [f["name"] for f in fake.files()] == ["台账.xlsx"]


def test_a_file_wecom_refuses_for_good_becomes_a_line_through_the_webhook(runtime, fake):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    fake.fail_next("/cgi-bin/webhook/upload_media", {"errcode": 40006, "errmsg": "invalid file size"})
    msg = OutgoingMessage(key="reply:export:4", platform="wecom", chat_id=GROUP, text="📦 归档已生成：",
                          attachments=(Attachment("台账.xlsx", "export", data=XLSX),
                                       Attachment("台账.md", "export", data=b"# notes")))
    send(runtime, msg)
    said = [h["body"]["markdown"]["content"] for h in fake.hooks if h["body"]["msgtype"] == "markdown"]
    assert len(said) == 2 and "台账.xlsx" in said[1] and "40006" in said[1]
    assert [f["name"] for f in fake.files()] == ["台账.md"]


def test_the_weekly_report_asked_for_in_a_group_shows_its_chart_inline(app, runtime, client, fake):  # noqa: F811
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    known(app, ("LiLei", "LiLei"))
    post(client, robot_text("robot-msg-1", "@跟进 /待办 @LiLei 写活动页 截止 2026-05-15"), receiver=ROBOT_RECEIVER)
    post(client, robot_text("robot-msg-2", "@跟进 /周报"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    [chart] = fake.files()
    assert chart["to"] == "hook:group-key-1" and chart["msgtype"] == "image"  # base64 + md5, no upload
    assert chart["data"].startswith(b"\x89PNG\r\n\x1a\n") and uploads(fake) == []
    kinds = [(c.body.get("msgtype"), "周报" in str(c.body.get("markdown"))) for c in fake.calls
             if c.path == "/cgi-bin/webhook/send"]
    assert kinds.index(("image", False)) == kinds.index(("markdown", True)) + 1  # right after the report
