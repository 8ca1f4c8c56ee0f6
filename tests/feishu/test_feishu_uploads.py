"""A message's files on Feishu: uploaded (im/v1/files, im/v1/images), posted after the text, once."""

from __future__ import annotations

import json

import pytest

from adapters.feishu.api import FeishuApi
from adapters.feishu.sender import FeishuSender, Pacer
from adapters.feishu.uploads import FilesPending
from bot.events import Attachment, OutgoingMessage

XLSX, PNG, CSV = b"PK\x03\x04 workbook", b"\x89PNG\r\n\x1a\n chart", "\ufeff编号,类型\r\n".encode()


@pytest.fixture
def api(fake):
    client = FeishuApi(domain=fake.url, app_id="cli_test", app_secret="secret")
    yield client
    client.close()


@pytest.fixture
def sender(api):
    return FeishuSender(api, pacer=Pacer(sleep=lambda _s: None))


def export_msg() -> OutgoingMessage:
    return OutgoingMessage(key="reply:export:1", platform="feishu", chat_id="oc_group", text="📦 归档已生成：",
                           attachments=(Attachment("618大促-跟进台账-20261116.xlsx", "export", data=XLSX),
                                        Attachment("618大促-行动项-20261116.csv", "export", data=CSV),
                                        Attachment("周报图表.png", "chart", kind="image", data=PNG)))


def test_files_and_images_are_uploaded_then_posted_after_the_text(sender, fake):
    text_id = sender.send(export_msg(), outbox_id=1, reply_to=None, edit_of=None)
    assert json.loads(fake.messages[text_id]["content"])["text"] == "📦 归档已生成："
    shared = fake.shared()
    assert [(s["msg_type"], s["name"], s["type"], s["data"]) for s in shared] == [
        ("file", "618大促-跟进台账-20261116.xlsx", "xls", XLSX),
        ("file", "618大促-行动项-20261116.csv", "stream", CSV),
        ("image", "周报图表.png", None, PNG)]
    assert {s["chat_id"] for s in shared} == {"oc_group"}


def test_a_reply_puts_its_files_in_the_same_thread(sender, fake):
    parent = sender.send(OutgoingMessage(key="card:1", platform="feishu", chat_id="oc_group", text="#1"),
                         outbox_id=1, reply_to=None, edit_of=None)
    sender.send(export_msg(), outbox_id=2, reply_to=parent, edit_of=None)
    assert {s["parent_id"] for s in fake.shared()} == {parent}
    assert all(m["thread"] for m in fake.messages.values() if m["parent_id"] == parent)


def test_a_retry_after_a_failed_upload_posts_neither_the_text_nor_a_file_twice(sender, fake):
    fake.fail_next("POST", "/open-apis/im/v1/images", 500, {"code": 1, "msg": "internal error"})
    with pytest.raises(FilesPending):  # not RetryLater / PermanentFailure: something was posted
        sender.send(export_msg(), outbox_id=3, reply_to=None, edit_of=None)
    assert [s["msg_type"] for s in fake.shared()] == ["file", "file"]
    sender.send(export_msg(), outbox_id=3, reply_to=None, edit_of=None, maybe_sent=True)
    texts = [m for m in fake.messages.values() if m["msg_type"] == "text"]
    assert len(texts) == 1
    assert [s["name"] for s in fake.shared()] == ["618大促-跟进台账-20261116.xlsx", "618大促-行动项-20261116.csv",
                                                  "周报图表.png"]


def test_a_file_feishu_refuses_for_good_becomes_a_line_saying_so(sender, fake):
    fake.fail_next("POST", "/open-apis/im/v1/files", 400, {"code": 230025, "msg": "file too large"})
    sender.send(export_msg(), outbox_id=4, reply_to=None, edit_of=None)
    notes = [json.loads(m["content"])["text"] for m in fake.messages.values() if m["msg_type"] == "text"]
    assert len(notes) == 2 and "618大促-跟进台账-20261116.xlsx" in notes[1] and "无法发送" in notes[1]
    assert [s["name"] for s in fake.shared()] == ["618大促-行动项-20261116.csv", "周报图表.png"]


def test_a_file_too_large_for_feishu_is_said_not_retried_forever(sender, fake):
    fake.fail_next("POST", "/open-apis/im/v1/files", 400, {"code": 234006, "msg": "The file size exceeds the limit"})
    sender.send(export_msg(), outbox_id=5, reply_to=None, edit_of=None)
    notes = [json.loads(m["content"])["text"] for m in fake.messages.values() if m["msg_type"] == "text"]
    assert "234006" in notes[1] and len(fake.shared()) == 2
