"""The weekly project report (项目周报): with the weekly report, on its day and time, once, to the group,
the chat's managers and the lead department's head."""

from __future__ import annotations

from project_support import TEAM, driver, messages
from sqlalchemy import select

from storage.models import OutboxMessage

WEEK = TEAM + """
@pm: /项目 新建 618大促 目标 活动页上线 牵头 @Tech
@pm: /里程碑 设计定稿 11月25日
@pm: /todo @lee 完成设计稿 by 2026-11-24 standard: ok 项目 618大促/设计定稿
@pm: /todo @lee 前端开发 by 2026-11-27 standard: ok 项目 618大促
@pm: /todo @lee 素材 by 2026-11-25 standard: ok 项目 618大促
@pm: /需求 @Tech 确认排期 项目 618大促
@pm: /todo @lee 测试环境 by 2026-12-04 standard: ok 项目 618大促
@pm: /todo @lee 不在项目里 by 2026-12-04 standard: ok
@pm: /依赖 #2 #1
@pm: /项目 新建 空项目
@pm: /项目 新建 已关闭
@pm: /todo @lee 旧事 by 2026-12-04 standard: ok 项目 已关闭
@pm: /项目 关闭 已关闭
@lee: /完成 #3
@pm: /确认 #3
@lee: /风险 #5 高 测试环境资源不足
:now 2026-11-27 16:59
"""


def reports(out: str) -> list[tuple[str, str, str]]:
    return [(where, when, body) for where, when, body in messages(out) if body.startswith("📁 项目周报")]


def test_the_project_report_goes_once_at_the_weekly_time_to_the_group_managers_and_lead_head(app):
    chat = driver(app, "2026-11-23 10:00")
    before = chat.run(WEEK)
    assert reports(before) == []  # not before its time
    out = chat.run(":now 2026-11-27 17:01")
    found = reports(out)
    assert sorted((where, when) for where, when, _ in found) == [
        ("#demo", "2026-11-27 17:00"), ("@boss", "2026-11-27 17:00"), ("@wang", "2026-11-27 17:00")]
    charts = [b.splitlines()[-1] for _, _, b in found]  # the chart goes with each copy
    assert all(c.startswith("📎 ") and c.endswith("/618大促-周报图表-20261127.png") for c in charts)
    bodies = {b.rsplit("\n", 1)[0] for _, _, b in found}
    assert len(bodies) == 1  # the same report to each
    body = bodies.pop()
    assert body == "\n".join((
        "📁 项目周报 · 618大促 · 11-23 – 11-27",
        "总体进度 20%（已确认 1/5 项），本周完成 1 项，逾期 1 项，按时率（至今）100%（1/1）。",
        "【里程碑】",
        "🏁 设计定稿 · 11-25 · 0/1 · 滞后",
        "【本周完成】",
        "#3 素材 · @lee",
        "【逾期（原因）】",
        "#1 完成设计稿 · @lee · 逾期 2 个工作日 · 原因：未说明",
        "【风险】",
        "#2 前端开发 · 因 #1「完成设计稿」逾期 2 个工作日而有风险",
        "#5 测试环境 · @lee · 高风险：测试环境资源不足",
        "【需要协调】",
        "#4 确认排期 · @li · 待回复",
    ))
    assert "不在项目里" not in body
    # the chat's own weekly report still goes, once; no report for an empty or a closed project
    chat_weekly = [(w, b) for w, _, b in messages(out) if b.startswith("📊 周报")]
    assert sorted(w for w, _ in chat_weekly) == ["#demo", "@boss"]
    assert "【关键路径风险】\n#2 前端开发 · 因 #1「完成设计稿」逾期 2 个工作日而有风险" in chat_weekly[0][1]
    again = chat.run(":now 2026-11-27 18:30\n:now 2026-11-30 10:00")
    assert reports(again) == []
    with app.sessions() as s:
        keys = s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like("digest:project:%"))
                         .order_by(OutboxMessage.id)).all()
    assert keys == ["digest:project:1:2026-W48", "digest:project:1:2026-W48:dm:boss",
                    "digest:project:1:2026-W48:dm:wang"]


def test_on_a_make_up_working_saturday_and_at_the_chats_own_weekly_time(app):
    # 2026-10-10 is a make-up working Saturday: the last working day of its week.
    chat = driver(app, "2026-10-08 10:00")
    out = chat.run("@pm: /settings weekly 16:30\n@pm: /项目 新建 P\n"
                   "@pm: /todo @lee one by 2026-10-16 standard: ok project P\n:now 2026-10-09 18:00")
    assert reports(out) == []  # Friday is not the week's last working day
    out = chat.run(":now 2026-10-10 16:29")
    assert reports(out) == []
    out = chat.run(":now 2026-10-10 16:31")
    assert [(w, when) for w, when, _ in reports(out)] == [("#demo", "2026-10-10 16:30")]
    assert reports(out)[0][2].startswith("📁 项目周报 · P · 10-05 – 10-10\n总体进度 0%（已确认 0/1 项），本周完成 0 项，逾期 0 项，按时率（至今）—。")


def test_on_demand_and_in_english(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /settings lang en\n@pm: /project new P\n@pm: /project report P\n"
                   "@pm: /todo @lee one by 2026-11-24 standard: ok project P\n@pm: /project report P")
    said = [b for _, _, b in messages(out)]
    assert said[2] == "No items in this project yet."
    assert said[-1].startswith("📁 Project report · P · 11-23 – 11-23\nProgress 0% (0/1 confirmed), 0 completed this week, "
                               "0 late, on time so far —.")


def test_a_second_sweep_of_the_same_moment_sends_nothing_more_and_one_failing_project_spares_the_others(
        app, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import update

    from bot.followup.due_index import REVIEW
    from bot.projects import view
    from storage.models import Chat

    chat = driver(app, "2026-11-23 10:00")
    chat.run("@pm: /项目 新建 A\n@pm: /项目 新建 B\n@pm: /todo @lee one by 2026-12-04 standard: ok project A\n"
             "@pm: /todo @lee two by 2026-12-04 standard: ok project B\n:now 2026-11-27 16:00")
    real = view.weekly_card

    def failing_for_a(snap, **kw):
        if snap.project.name == "A":
            raise RuntimeError("a bug in one project's report")
        return real(snap, **kw)

    monkeypatch.setattr(view, "weekly_card", failing_for_a)
    out = chat.run(":now 2026-11-27 17:00")
    assert [b.split("\n")[0] for _, _, b in reports(out)] == ["📁 项目周报 · B · 11-23 – 11-27"]
    monkeypatch.setattr(view, "weekly_card", real)
    out = chat.run(":now 2026-11-27 17:02")  # the chat is looked at again a minute later
    assert [b.split("\n")[0] for _, _, b in reports(out)] == ["📁 项目周报 · A · 11-23 – 11-27"]
    with app.sessions.begin() as s:  # another replica, or a restart, looks at the chat again
        s.execute(update(Chat).values(next_digest_at=REVIEW))
    app.sweep(now=datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    with app.sessions() as s:
        keys = s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like("digest:project:%"))).all()
    assert sorted(keys) == ["digest:project:1:2026-W48", "digest:project:2:2026-W48"]
