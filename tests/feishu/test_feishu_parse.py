"""Recorded Feishu payloads -> the IncomingEvent each must produce (table-driven)."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime

import pytest
from feishu_support import DATA, load

from adapters.feishu.crypto import decrypt
from adapters.feishu.parse import parse, reaction_table

CASES = sorted(name[:-5] for name in os.listdir(DATA) if name.endswith(".json"))
RECEIVED = datetime(2026, 5, 11, 2, 0, 5, tzinfo=UTC)


def _parse(case: dict, **extra):
    context, payload = dict(case["context"]), case["payload"]
    key = context.pop("encrypt_key", None)
    if key:
        payload = json.loads(decrypt(payload["encrypt"], key))
    return parse(payload, received_at=RECEIVED, **{**context, **extra})


@pytest.mark.parametrize("name", CASES)
def test_recorded_payload(name):
    case = load(name)
    event = _parse(case)
    if case["expect"] is None:
        assert event is None, case["description"]
        return
    assert event is not None, case["description"]
    for field, want in case["expect"].items():
        got = getattr(event, field)
        if field == "mentions":
            got = [[m.user_id, m.name] for m in got]
        elif field == "received_at":
            got = got.isoformat()
        assert got == want, f"{name}: {field}"
    assert event.platform == "feishu"


def test_every_kind_of_event_is_recorded():
    kinds = {(load(name)["expect"] or {}).get("kind") for name in CASES}
    assert {"message", "reaction_added", "reaction_removed", "button"} <= kinds


def test_without_the_bot_open_id_the_bot_mention_is_told_by_its_type():
    event = _parse(load("group_at_bot_command"), bot_open_id=None)
    assert event.addressed_to_bot and event.text.startswith("/todo <@ou_lee|李雷>")


def test_configured_reaction_names_extend_and_override_the_defaults():
    case = load("reaction_other_emoji")
    assert _parse(case, reactions=reaction_table({"SMILE": "✅"})).reaction == "✅"
    assert _parse(load("reaction_created"), reactions=reaction_table({"DONE": ""})) is None


def test_a_thumbs_up_acknowledges_rather_than_confirms():
    """In Feishu groups 👍 means "got it": it must not try to confirm someone's delivery."""
    case = copy.deepcopy(load("reaction_created"))
    case["payload"]["event"]["reaction_type"]["emoji_type"] = "THUMBSUP"
    assert _parse(case).reaction == "👀"


def test_a_bitable_edit_reads_each_row_as_neutral_values():
    event = _parse(load("bitable_record_changed"))
    edit = event.table_edit
    assert (edit.app_token, edit.table_id) == ("bascnAPPtoken12345", "tblTable0001")
    edited, deleted = edit.rows
    assert edited.record_id == "recuMcQNcB" and edited.action == "record_edited"
    assert dict(edited.values) == {"任务": "写活动页（终稿）", "负责人": "ou_lee", "截止": 1778839200000, "状态": "进行中",
                                   "进度": 60, "完成标准": "", "风险": "", "链接": "https://applink.feishu.cn/client/chat/"
                                   "open?openChatId=oc_group"}
    assert [(m.user_id, m.name) for m in edited.names] == [("ou_lee", "李雷")]
    assert deleted.record_id == "recGone0001" and deleted.action == "record_deleted" and deleted.values == ()


def test_a_bitable_edit_by_the_bot_itself_or_of_an_unbound_table_is_nothing():
    case = copy.deepcopy(load("bitable_record_changed"))
    assert _parse(case, bot_open_id="ou_pm") is None  # the bot's own write
    case["context"]["chat_id"] = None
    assert _parse(case) is None
