"""Emergencies: a response within 30 minutes and a plan within 2 hours, on the wall clock.

2026-11-21 is a Saturday: the night and the weekend must not hold an emergency back.
"""

from __future__ import annotations

import pytest
from issue_support import TEAM, driver, issues, reminder_keys, with_text


def test_an_emergency_is_recorded_with_impact_urgency_and_its_clock(chat, app):
    chat.run(TEAM)
    out = chat.run("@pm: /紧急 支付页无法下单 @bob 影响 全部线上订单")
    assert "🆘 紧急事务 #1：支付页无法下单" in out
    assert "影响：全部线上订单" in out
    assert "紧急程度：特急" in out
    assert "相关人：@bob @wang" in out  # the person named and their department head
    assert "请在 2026-05-11 10:30 前响应（/收到 #1），2026-05-11 12:00 前给出处理方案（/方案 #1 方案）。" in out
    [e] = issues(app)
    assert (e.kind, e.impact, e.status, e.severity) == ("emergency", "全部线上订单", "open", None)


def test_unanswered_at_night_pings_the_people_and_heads_then_the_managers(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + "@pm: /emergency checkout is down @bob impact all orders\n:advance 3h")
    assert with_text(out, "30 分钟无人响应") == [("#demo", "2026-11-21 22:30"), ("@bob", "2026-11-21 22:30"),
                                            ("@wang", "2026-11-21 22:30")]
    assert "🆘 紧急事务 #1「checkout is down」30 分钟无人响应，已通知 @bob @wang。" in out
    assert with_text(out, "2 小时仍没有处理方案") == [("#demo", "2026-11-22 00:00"), ("@boss", "2026-11-22 00:00")]
    e = issues(app)[0]
    assert e.escalations == 2 and e.next_due_at is None
    assert reminder_keys(app) == [f"emergency_plan:{e.id}", f"emergency_response:{e.id}"]
    assert "无人响应" not in chat.run(":advance 2d")  # each once


def test_an_answer_in_time_stops_the_first_ping_and_a_plan_the_second(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + """
@pm: /emergency checkout is down @bob
:advance 10m
@bob: /收到 #1
:advance 1h
@bob: /方案 #1 roll back to the old checkout
:advance 3h
""")
    assert "✔ @bob 已响应紧急事务 #1（10 分钟）。" in out
    assert "🛠 #1 处理方案（@bob）：roll back to the old checkout" in out
    assert "无人响应" not in out and "没有处理方案" not in out
    e = issues(app)[0]
    assert e.plan == "roll back to the old checkout"
    assert e.responded_at is not None and e.next_due_at is None


def test_a_plan_also_answers_but_an_answer_without_a_plan_still_reaches_the_managers(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + "@pm: /emergency checkout is down @bob\n:advance 5m\n@bob: /ack #1\n:advance 3h")
    assert "无人响应" not in out
    assert with_text(out, "2 小时仍没有处理方案") == [("#demo", "2026-11-22 00:00"), ("@boss", "2026-11-22 00:00")]


def test_the_reporters_own_ack_does_not_stop_the_clock(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + "@pm: /emergency checkout is down @bob\n@pm: /ack #1\n:advance 40m")
    assert "#1 是你登记的，响应要由相关人给出" in out
    assert with_text(out, "30 分钟无人响应") != []


def test_an_emergency_naming_nobody_goes_to_the_managers(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + "@pm: /emergency the site is down\n:advance 40m")
    assert with_text(out, "30 分钟无人响应") == [("#demo", "2026-11-21 22:30"), ("@boss", "2026-11-21 22:30")]


def test_nobody_at_all_to_tell_says_how_to_name_someone(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run("@pm: /emergency the site is down\n:advance 3h")
    assert "30 分钟无人响应，已通知 —。" in out
    assert out.count("还没有可以通知的人") == 2


def test_resolve_closes_it_and_asks_for_a_review(app):
    chat = driver(app, "2026-11-21 22:00")
    out = chat.run(TEAM + "@pm: /emergency checkout is down @bob\n:advance 20m\n@bob: /resolve #1 rolled back")
    assert "✅ #1「checkout is down」已解决（用时 20 分钟）：rolled back" in out
    assert "请做个简短复盘：「/复盘 add 问题 #1 原因」「/复盘 add 改进 #1 措施」。" in out
    e = issues(app)[0]
    assert (e.status, e.result) == ("resolved", "rolled back")
    assert e.responded_at is not None  # resolving answers it too
    assert "无人响应" not in chat.run(":advance 3h")


def test_an_emergency_may_be_resolved_without_a_result(chat, app):
    chat.run(TEAM + "@pm: /emergency checkout is down @bob\n@bob: /resolve #1")
    assert issues(app)[0].status == "resolved"


@pytest.mark.parametrize("line, says", [
    ("@bob: /plan #1", "请写上处理方案"),
    ("@bob: /plan", "请写明编号"),
    ("@bob: /plan #2 roll back", "#2 是问题记录，不是紧急事务"),
    ("@stranger: /plan #1 roll back", "只有登记人"),
    ("@stranger: /ack #1", "只有登记人"),
    ("@pm: /emergency", "请写上发生了什么"),
    ("@pm: /emergency @bob", "请写上发生了什么"),
])
def test_bad_emergency_input_and_outsiders_change_nothing(chat, app, line, says):
    chat.run(TEAM + "@pm: /emergency checkout is down @bob\n@pm: /issue minor clash @Tech")
    out = chat.run(line)
    assert says in out
    assert [(i.plan, i.responded_at) for i in issues(app)] == [(None, None), (None, None)]


def test_ack_on_an_item_number_still_acknowledges_the_item(chat, app):
    chat.run(TEAM + "@pm: /ask @bob confirm the schedule\n@pm: /emergency site down @bob")
    out = chat.run("@bob: /ack #1\n@bob: /ack #2")
    assert "✔ #1 已收到，@bob 跟进中。" in out
    assert "✔ @bob 已响应紧急事务 #2（0 分钟）。" in out


def test_show_and_list_an_emergency(chat, app):
    chat.run(TEAM + "@pm: /emergency site down @bob 影响 all users\n@bob: /plan #1 failover")
    out = chat.run("@pm: /show #1\n@pm: /issues")
    assert "#1 紧急事务：site down" in out and "影响：all users" in out and "方案：failover" in out
    assert "#1 🆘 site down · 方案：failover" in out


def test_the_list_puts_emergencies_first(chat):
    chat.run(TEAM + "@pm: /issue minor clash @Tech\n@pm: /emergency site down @bob")
    out = chat.run("@pm: /issues")
    assert out.index("#2 🆘 site down · 待响应") < out.index("#1 [一般] clash")
