"""A message's files on DingTalk: media upload, then a file (or picture) message; /导出 end to end."""

from __future__ import annotations

import io

import openpyxl
import pytest
from dingtalk_support import CID, message
from test_dingtalk_delivery import deliver, post

from adapters.dingtalk.runtime import DingTalkRuntime
from adapters.dingtalk.uploads import FilesPending
from bot.events import Attachment, OutgoingMessage

XLSX, PNG = b"PK\x03\x04 workbook", b"\x89PNG\r\n\x1a\n chart"


@pytest.fixture
def make(runner, fake):
    made = []

    def build(**overrides) -> DingTalkRuntime:
        from dingtalk_support import dingtalk_settings
        rt = DingTalkRuntime(dingtalk_settings(fake, **overrides), runner)
        made.append(rt)
        return rt

    yield build
    for rt in made:
        rt.close()


def export_msg(**fields) -> OutgoingMessage:
    return OutgoingMessage(key="reply:export:1", platform="dingtalk", chat_id=CID, text="📦 归档已生成：", attachments=(
        Attachment("618大促-跟进台账-20261116.xlsx", "export", data=XLSX),
        Attachment("周报图表.png", "chart", kind="image", data=PNG)), **fields)


def texts(fake) -> list[str]:
    return [m["param"]["text"] for m in fake.messages if m["msgKey"] == "sampleMarkdown"]


def test_a_file_goes_as_a_file_message_and_a_picture_as_an_image(make, fake):
    runtime = make()
    runtime.sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None)
    assert texts(fake) == ["📦 归档已生成："]
    sent = fake.files_sent()
    assert [(f["msgKey"], f["type"], f["name"], f["data"], f["to"]) for f in sent] == [
        ("sampleFile", "file", "618大促-跟进台账-20261116.xlsx", XLSX, CID),
        ("sampleImageMsg", "image", "周报图表.png", PNG, CID)]
    assert sent[0]["param"]["fileName"] == "618大促-跟进台账-20261116.xlsx" and sent[0]["param"]["fileType"] == "xlsx"


def test_a_retry_after_a_failed_upload_sends_only_what_is_missing(make, fake):
    runtime = make()
    fake.fail_next("POST", "/media/upload", 500, {"errcode": -1, "errmsg": "系统繁忙"})
    with pytest.raises(FilesPending):  # not RetryLater: delivery must not think nothing was posted
        runtime.sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None)
    assert texts(fake) == ["📦 归档已生成："] and fake.files_sent() == []
    runtime.sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    assert texts(fake) == ["📦 归档已生成："]  # the text once
    assert [f["name"] for f in fake.files_sent()] == ["618大促-跟进台账-20261116.xlsx", "周报图表.png"]


def test_a_file_dingtalk_refuses_for_good_becomes_a_line_saying_so(make, fake):
    runtime = make()
    fake.fail_next("POST", "/media/upload", 200, {"errcode": 40006, "errmsg": "不合法的文件大小"})
    runtime.sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None)
    said = texts(fake)
    assert len(said) == 2 and "618大促-跟进台账-20261116.xlsx" in said[1] and "40006" in said[1]
    assert [f["name"] for f in fake.files_sent()] == ["周报图表.png"]


def test_export_in_a_group_posts_the_archive_files(app, make, fake):
    runtime = make()
    post(runtime, message("msg-1", " /待办 @李雷 写活动页 截止 2026-05-15", at=("lee01",)))
    post(runtime, message("msg-2", " /导出"))
    deliver(app, runtime)
    names = [f["name"] for f in fake.files_sent()]
    assert names[:2] == [n for n in names if n.endswith((".xlsx", ".md"))]
    assert any(n.endswith("-跟进台账-20260511.xlsx") for n in names), names
    workbook = next(f["data"] for f in fake.files_sent() if f["name"].endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["行动项"]
    assert [c.value for c in sheet[2]][6] == "写活动页"
    assert any("归档已生成" in t for t in texts(fake) + [h["body"]["markdown"]["text"] for h in fake.hooks])
