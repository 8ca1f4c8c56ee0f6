"""Feishu Bitable two-way sync against the loopback fake: /多维表格 绑定 creates the fields and
writes the items; item changes update their rows once; edits made in the table come back as the
commands would make them, with a history row "via Bitable"; conflicts, echoes, duplicates and bad
commands change nothing they should not."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from datetime import timedelta

import pytest
from bitable_fake import FakeBitable
from feishu_support import NOW, callback, message
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.feishu.bitable import BitableWriter, bound_tables
from adapters.feishu.bitable_poll import BitablePoll
from bot.context import calendar_for
from bot.items.render import history_line
from genjin.config import load_settings
from genjin.serve import build_asgi
from storage import outbox
from storage.models import BitableLink, BitableRecord, Item, OutboxMessage

APP, TABLE = "bascnAPPtoken12345", "tblTable0001"
MS = int(NOW.timestamp() * 1000)
TODO = "@_user_1 /todo @_user_2 写活动页 by 周五"


@pytest.fixture
def settings():
    return load_settings(None, environ={"GENJIN_BITABLE_ENABLED": "true"})


@pytest.fixture
def fake():
    server = FakeBitable().start()
    server.users.update({"ou_pm": "王经理", "ou_lee": "李雷", "ou_han": "韩梅梅"})
    server.add_table(APP, TABLE)
    yield server
    server.stop()


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, runtime, app, payload: dict) -> None:
    body, headers = callback(payload)
    assert client.post("/feishu/events", content=body, headers=headers).json() == {"msg": "success"}
    runtime.runner.drain()
    while app.deliver(platform="feishu", sender=runtime.sender, now=NOW):
        pass


def say(client, runtime, app, event_id: str, text: str, **kwargs) -> None:
    post(client, runtime, app, message(event_id, text, **kwargs))


def texts(fake) -> list[str]:
    found = []
    for m in fake.messages.values():
        content = json.loads(m["content"])
        found.append(content.get("text") or json.dumps(content, ensure_ascii=False))
    return found


def rows(fake) -> dict[str, dict]:
    return fake.tables[(APP, TABLE)]["records"]


def item(app) -> Item:
    with app.sessions() as s:
        found = s.scalars(select(Item)).one()
        _ = found.owner, [h.actor for h in found.history]
        s.expunge_all()
        return found


def linked(client, runtime, app, fake) -> str:
    """A chat with one item, bound to the table; the record id of the item's row."""
    say(client, runtime, app, "ev_todo", TODO, lee_mentioned=True)
    say(client, runtime, app, "ev_link", f"@_user_1 /多维表格 绑定 {APP} {TABLE}")
    [record_id] = rows(fake)
    return record_id


def test_link_creates_the_fields_writes_the_items_and_subscribes(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    fields = {f["field_name"]: f for f in fake.tables[(APP, TABLE)]["fields"]}
    assert {n: fields[n]["type"] for n in ("任务", "负责人", "截止", "状态", "进度", "完成标准", "风险", "链接")} == {
        "任务": 1, "负责人": 11, "截止": 5, "状态": 3, "进度": 2, "完成标准": 1, "风险": 3, "链接": 15}
    assert {"name": "进行中"} in fields["状态"]["property"]["options"]
    assert fake.subscribed == {APP}
    cells = rows(fake)[record_id]
    assert cells["任务"] == "写活动页" and cells["负责人"] == [{"id": "ou_lee", "name": "李雷"}]
    assert cells["状态"] == "未开始" and cells["进度"] == 0 and cells["风险"] == "正常"
    assert cells["截止"] == int(item(app).deadline.timestamp() * 1000)
    assert cells["链接"]["link"].endswith("openChatId=oc_group")
    said = texts(fake)
    assert any("已将本群绑定到多维表格数据表 tblTable0001" in t and "写入 1 个事项" in t for t in said)
    assert any("字段已就绪" in t for t in said)
    with app.sessions() as s:
        assert s.scalars(select(BitableRecord.record_id)).all() == [record_id]
        assert s.scalars(select(BitableLink)).one().ready_at is not None

    say(client, runtime, app, "ev_show", "@_user_1 /bitable")
    assert "本群 → 数据表 tblTable0001（app bascnAPPtoken12345），1 个事项已写入，同步中。" in texts(fake)


def test_an_item_change_updates_its_row_once(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    updates_before = len(fake.bitable_calls("/batch_update"))
    say(client, runtime, app, "ev_p", "@_user_1 /进度 #1 50%", sender="ou_lee")
    [update] = fake.bitable_calls("/batch_update")[updates_before:]
    assert [r["record_id"] for r in update.body["records"]] == [record_id]
    assert rows(fake)[record_id]["进度"] == 50 and rows(fake)[record_id]["状态"] == "进行中"
    assert len(fake.bitable_calls("/batch_create")) == 1  # the row was created once, at link time
    # A command that changes nothing writes nothing.
    say(client, runtime, app, "ev_list", "@_user_1 /list")
    assert len(fake.bitable_calls("/batch_update")) == updates_before + 1


def test_a_table_edit_updates_the_item_with_history_and_the_usual_reply(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"状态": "已完成，待确认"}, by="ou_lee", at_ms=MS))
    done = item(app)
    assert done.status == "done" and done.progress == 100
    last = done.history[-1]
    assert last.action == "done" and last.actor.user_id == "ou_lee" and last.data["via"] == "bitable"
    calendar = calendar_for(runtime.runner.app.policy_for("feishu").calendar)
    assert history_line(last, lang="zh", calendar=calendar).endswith("李雷> · 报告完成 · 经多维表格")
    [answer] = [t for t in texts(fake) if t.startswith("🎉 #1")]
    assert answer.startswith('🎉 #1 <at user_id="ou_lee">李雷</at> 已完成。\n<at user_id="ou_pm">王经理</at> 请验收')
    # The row now reads as the item does (progress 100 written back); the echo of that write is no edit.
    assert rows(fake)[record_id]["进度"] == 100
    history = len(done.history)
    post(client, runtime, app, fake.record_changed(APP, TABLE, record_id, by="ou_lee", at_ms=MS))
    assert len(item(app).history) == history


def test_a_status_set_back_in_the_table_is_a_rejection_by_the_initiator(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"状态": "进行中"}, by="ou_lee", at_ms=MS))
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"状态": "已完成，待确认"}, by="ou_lee", at_ms=MS))
    # "进行中" was written by the bot before; the event names the field, so it is still an edit.
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"状态": "进行中"}, by="ou_pm", at_ms=MS))
    found = item(app)
    assert [h.action for h in found.history][-3:] == ["ack", "done", "reject"]
    assert found.status == "in_progress" and found.rework_count == 1 and found.history[-1].note == "经多维表格修改"
    assert rows(fake)[record_id]["状态"] == "进行中" and rows(fake)[record_id]["进度"] == 0


def test_a_forged_or_repeated_edit_event_changes_the_item_once(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    event = fake.edit(APP, TABLE, record_id, {"进度": 40}, by="ou_lee", at_ms=MS, event_id="ev_same")
    post(client, runtime, app, event)
    post(client, runtime, app, event)
    progress = [h for h in item(app).history if h.action == "progress"]
    assert len(progress) == 1 and item(app).progress == 40
    body, headers = callback(event, sign_with="not-the-key")
    assert client.post("/feishu/events", content=body, headers=headers).status_code == 401
    # The bot's own write reported as an edit by the bot: ignored.
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"进度": 90}, by="ou_bot", at_ms=MS))
    assert item(app).progress == 40


def test_a_refused_table_edit_is_told_and_set_back(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    # Only the owner reports progress: 韩梅梅 may not.
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"进度": 70}, by="ou_han", at_ms=MS))
    assert item(app).progress == 0
    assert any("在多维表格里对 #1 的修改未生效，表格已改回" in t for t in texts(fake))
    assert rows(fake)[record_id]["进度"] == 0


def test_conflict_the_later_change_wins_and_both_are_in_the_history(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    say(client, runtime, app, "ev_risk", "@_user_1 /风险 #1 高 物料未到", sender="ou_lee")  # at NOW
    # An edit made a minute earlier arrives after it: the chat's change stands.
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"风险": "滞后"}, by="ou_pm", at_ms=MS - 60_000))
    found = item(app)
    assert found.risk == "high"
    assert [h.action for h in found.history][-2:] == ["risk", "bitable_overridden"]
    assert found.history[-1].actor.user_id == "ou_pm" and "风险=滞后" in found.history[-1].note
    assert rows(fake)[record_id]["风险"] == "高"
    assert any("早于本群里更晚的一次变更" in t for t in texts(fake))
    # A later edit wins over the chat's change.
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"风险": "滞后"}, by="ou_pm", at_ms=MS + 60_000))
    assert item(app).risk == "late" and item(app).history[-1].data["via"] == "bitable"


@pytest.mark.parametrize(("text", "expected"), [
    ("/多维表格 绑定 bascnAPPtoken12345", "请给出 app_token 和数据表 ID"),
    ("/多维表格 绑定 短 tblTable0001", "不像多维表格的 app_token"),
    ("/多维表格 绑定 bascnAPPtoken12345 table1", "不像数据表 ID"),
    ("/多维表格 绑定 bascnAPPtoken12345 tblTable0001 项目 不存在", "本群没有名为「不存在」的项目"),
    ("/多维表格 清空", "不认识「清空」"),
    ("/多维表格 解绑", "本群尚未绑定多维表格"),
    ("/bitable", "本群尚未绑定多维表格"),
])
def test_bad_commands_are_explained_and_change_nothing(app, runtime, client, fake, text, expected):
    say(client, runtime, app, "ev_bad", "@_user_1 " + text)
    assert any(expected in t for t in texts(fake))
    with app.sessions() as s:
        assert s.scalars(select(BitableLink)).all() == []
        assert not [k for k in s.scalars(select(OutboxMessage.key)) if k.startswith("bitable:")]


def test_a_table_is_bound_once_and_unlink_stops_the_sync(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    say(client, runtime, app, "ev_again", f"@_user_1 /bitable link https://x.feishu.cn/base/{APP}?table={TABLE}&view=v1")
    assert any("已绑定数据表 tblTable0001；要换表请先" in t for t in texts(fake))
    say(client, runtime, app, "ev_unlink", "@_user_1 /多维表格 解绑")
    assert any("已解除本群与多维表格 tblTable0001 的绑定" in t for t in texts(fake))
    updates = len(fake.bitable_calls("/batch_update"))
    say(client, runtime, app, "ev_p", "@_user_1 /进度 #1 30%", sender="ou_lee")
    assert len(fake.bitable_calls("/batch_update")) == updates
    post(client, runtime, app, fake.edit(APP, TABLE, record_id, {"进度": 80}, by="ou_lee", at_ms=MS + 1000))
    assert item(app).progress == 30


def test_many_items_go_in_batches_and_a_project_binds_its_own_items(app, runtime, client, fake):
    say(client, runtime, app, "ev_proj", "@_user_1 /项目 新建 官网改版")
    for n in range(14):
        project = " 项目 官网改版" if n < 13 else ""
        say(client, runtime, app, f"ev_t{n}", f"@_user_1 /todo @_user_2 任务{n} by 周五{project}", lee_mentioned=True)
    say(client, runtime, app, "ev_link", f"@_user_1 /bitable link {APP} {TABLE} project 官网改版")
    creates = fake.bitable_calls("/batch_create")
    assert [len(c.body["records"]) for c in creates] == [12, 1]  # 13 project items, not the 14th
    assert sorted(cell["任务"] for cell in rows(fake).values()) == sorted(f"任务{n}" for n in range(13))
    assert any("已将项目「官网改版」绑定到多维表格" in t and "写入 13 个事项" in t for t in texts(fake))
    with app.sessions() as s:
        assert s.scalar(select(BitableLink.project_id)) is not None
        assert len([r for r in s.scalars(select(BitableRecord.record_id)) if r]) == 13
    say(client, runtime, app, "ev_p13", "@_user_1 /进度 #15 10%", sender="ou_lee")  # outside the project
    say(client, runtime, app, "ev_p1", "@_user_1 /进度 #2 10%", sender="ou_lee")
    [update] = fake.bitable_calls("/batch_update")
    assert len(update.body["records"]) == 1 and update.body["records"][0]["fields"]["进度"] == 10


def test_writes_are_retried_through_an_outage_and_a_lost_answer_creates_no_second_row(app, runtime, client, fake):
    say(client, runtime, app, "ev_todo", TODO, lee_mentioned=True)
    fake.fail_next("POST", f"/open-apis/bitable/v1/apps/{APP}/tables/{TABLE}/records/batch_create", 500,
                   {"code": 1254290, "msg": "TooManyRequest"})
    say(client, runtime, app, "ev_link", f"@_user_1 /多维表格 绑定 {APP} {TABLE}")
    assert rows(fake) == {}  # the write waits for its retry
    with app.sessions() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.key == "bitable:1:w1")).one()
        assert row.status == "pending" and row.attempts == 1
    later = NOW + timedelta(minutes=1)
    while app.deliver(platform="feishu", sender=runtime.sender, now=later):
        pass
    [record_id] = rows(fake)
    # The same request again (as after an answer lost in a crash): Feishu's client_token makes it once.
    with app.sessions() as s:
        msg = outbox.from_payload(s.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.key == "bitable:1:w1")).one())
        link_id = int(msg.extra["link"])
    fresh = BitableWriter(runtime.api, lambda _link, _items: {})  # as if its record id was never stored
    assert fresh.send(msg) == f"1:{record_id}" and list(rows(fake)) == [record_id]
    assert link_id == 1


def test_a_table_the_app_cannot_reach_is_given_up_and_bitable_says_why(app, runtime, client, fake):
    say(client, runtime, app, "ev_todo", TODO, lee_mentioned=True)
    say(client, runtime, app, "ev_link", f"@_user_1 /多维表格 绑定 {APP} tblOther0002")  # no such table
    with app.sessions() as s:
        rows_out = {o.key: o for o in s.scalars(select(OutboxMessage)) if o.target.startswith("bitable:")}
    assert rows_out["bitable:1:setup"].status == "failed" and "1254004" in rows_out["bitable:1:setup"].last_error
    assert rows_out["bitable:1:w1"].status == "failed"
    say(client, runtime, app, "ev_show", "@_user_1 /多维表格")
    assert any("无法访问这张表：请确认已把应用添加为多维表格的协作者" in t for t in texts(fake))
    assert not [t for t in texts(fake) if "未能送达" in t or "undeliverable" in t.lower()]


def test_unlink_drops_the_writes_still_waiting(app, runtime, client, fake):
    say(client, runtime, app, "ev_todo", TODO, lee_mentioned=True)
    fake.fail_next("GET", f"/open-apis/bitable/v1/apps/{APP}/tables/{TABLE}/fields", 500, {"code": 1, "msg": "x"})
    say(client, runtime, app, "ev_link", f"@_user_1 /多维表格 绑定 {APP} {TABLE}")
    say(client, runtime, app, "ev_unlink", "@_user_1 /多维表格 解绑")
    while app.deliver(platform="feishu", sender=runtime.sender, now=NOW + timedelta(minutes=5)):
        pass
    assert rows(fake) == {} and fake.subscribed == set()


def test_other_platforms_are_told_it_is_feishu_only(chat):
    out = chat.run("@pm: /多维表格 绑定 bascnAPPtoken12345 tblTable0001\n@pm: /settings lang en\n@pm: /bitable")
    assert "多维表格同步只在飞书群里可用（本平台没有多维表格）。" in out
    assert "Bitable sync works in Feishu chats only (this platform has no Bitable)." in out


def test_in_english(app, runtime, client, fake):
    app.policies["feishu"] = replace(app.policies["feishu"], lang="en")  # [feishu] lang = "en"
    say(client, runtime, app, "ev_bad", "@_user_1 /bitable link bascnAPPtoken12345 table1")
    say(client, runtime, app, "ev_link", f"@_user_1 /bitable link {APP} {TABLE}")
    said = texts(fake)
    assert any("“table1” does not look like a table id (it starts with tbl" in t for t in said)
    assert any(t.startswith("Bound this chat to Bitable table tblTable0001") for t in said)
    assert {"name": "in progress"} in next(f for f in fake.tables[(APP, TABLE)]["fields"]
                                           if f["field_name"] == "状态")["property"]["options"]


def test_a_row_deleted_in_the_table_is_written_again_at_the_items_next_change(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    del rows(fake)[record_id]
    post(client, runtime, app, fake.record_changed(APP, TABLE, record_id, by="ou_pm", at_ms=MS,
                                                   action="record_deleted"))
    assert rows(fake) == {} and item(app).status == "open"
    say(client, runtime, app, "ev_p", "@_user_1 /进度 #1 20%", sender="ou_lee")
    [(new_id, cells)] = rows(fake).items()
    assert new_id != record_id and cells["进度"] == 20
    with app.sessions() as s:
        assert s.scalars(select(BitableRecord.record_id)).all() == [new_id]


def test_with_admins_set_only_they_bind_a_table(app, runtime, client, fake):
    app.policies["feishu"] = replace(app.policies["feishu"], admins=("ou_pm",))
    say(client, runtime, app, "ev_lee", f"@_user_1 /bitable link {APP} {TABLE}", sender="ou_lee")
    assert any(t.startswith("只有管理员") and "可以绑定或解绑多维表格" in t for t in texts(fake))
    with app.sessions() as s:
        assert s.scalars(select(BitableLink)).all() == []
    say(client, runtime, app, "ev_pm", f"@_user_1 /bitable link {APP} {TABLE}", sender="ou_pm")
    with app.sessions() as s:
        assert len(s.scalars(select(BitableLink)).all()) == 1


def test_polling_brings_an_edit_whose_event_never_came_once(app, runtime, client, fake):
    record_id = linked(client, runtime, app, fake)
    poll = BitablePoll(runtime.api, tables=lambda: bound_tables(app.sessions), accept=runtime.accept, every_minutes=5)
    assert poll.run_once() == 1  # the first look offers every row: ours, so nothing changes
    runtime.runner.drain()
    assert item(app).history[-1].action == "created"
    fake.edit(APP, TABLE, record_id, {"进度": 35}, by="ou_lee", at_ms=MS)  # its event is lost
    assert poll.run_once() == 1
    runtime.runner.drain()
    while app.deliver(platform="feishu", sender=runtime.sender, now=NOW):
        pass
    found = item(app)
    assert found.progress == 35 and found.history[-1].data["via"] == "bitable"
    poll.run_once()  # the bot's write-back is seen: its own, nothing changes
    runtime.runner.drain()
    assert poll.run_once() == 0 and len(item(app).history) == len(found.history)
