"""The weekly report's chart: the right figures, drawn with Chinese that is not boxes, sent once
with the report (group and managers) and kept for a retry."""

from __future__ import annotations

import warnings
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from matplotlib.text import Text
from sqlalchemy import select

from bot.followup import trends
from bot.worktime import CalendarConfig, WorkCalendar
from genjin import charts
from storage.models import Chat, OutboxFile
from tests.conftest import ChatDriver

TZ = ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n"

# Three weeks of a team: Monday 2026-11-02 is the first day.
THREE_WEEKS = """
@pm: /dept 技术部 head @wang members @lee
@pm: /dept 仓储部 members @bob
@pm: /settings managers @boss
@pm: /todo @lee 活动页开发 by 11月4日 standard: 测试通过
@pm: /todo @amy 报价单 by 11月10日 standard: 发给客户
@pm: /todo @bob 仓储排期 by 11月12日 standard: 排期表
@pm: /todo @lee 接口联调 by 11月11日 standard: 联调通过
@lee: /done #1 上线了
@pm: /confirm #1
:now 2026-11-09 10:00
@amy: /progress #2 50%
@bob: /block #3 等待IT资源
:now 2026-11-16 10:00
@amy: /done #2 发了
@pm: /confirm #2
"""


def played(app, tmp_path) -> ChatDriver:
    chat = ChatDriver(app, datetime(2026, 11, 2, 10, 0), files_dir=tmp_path)
    chat.run(THREE_WEEKS)
    return chat


def test_the_figures_replay_each_week_as_it_was(app, tmp_path):
    played(app, tmp_path)
    now = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
    with app.sessions() as s:
        chat = s.scalar(select(Chat))
        items = trends.scope_items(s, chat_id=chat.id, project_id=None)
        data = trends.compute(s, items, now=now, calendar=WorkCalendar(CalendarConfig()))
    assert [w.monday.isoformat() for w in data.weeks] == ["2026-11-02", "2026-11-09", "2026-11-16"]
    # end of week 1: #2 #3 #4 open (#1 confirmed); week 2: #2 in progress, #3 blocked, #4 open;
    # now: #3 blocked, #4 open (#2 confirmed on the 16th)
    assert [w.by_state for w in data.weeks] == [
        {"open": 3, "in_progress": 0, "blocked": 0, "done": 0},
        {"open": 1, "in_progress": 1, "blocked": 1, "done": 0},
        {"open": 1, "in_progress": 0, "blocked": 1, "done": 0},
    ]
    # #1 done on the 2nd before its deadline; #2 done on the 16th, after the 10th
    assert [(w.confirmed, w.on_time, w.on_time_rate) for w in data.weeks] == [(1, 1, 1.0), (0, 0, None), (1, 0, 0.0)]
    # overdue now: #3 (bob, 仓储部, blocked since the 9th) and #4 (lee, 技术部); #2 is closed
    assert data.overdue_by_department == [("仓储部", 1), ("技术部", 1)]


@pytest.fixture
def cjk_font():
    font = charts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk); .ci/run installs one")
    return font


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_chinese_labels_are_drawn_with_a_font_that_has_every_glyph(cjk_font):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    data = trends.Trends(weeks=[trends.Week(datetime(2026, 11, 16).date(), {"open": 2, "in_progress": 1,
                                                                            "blocked": 1, "done": 0}, 2, 1)],
                         overdue_by_department=[("仓储部", 2), (None, 1)])
    fig = charts.figure(data, scope="618大促", lang="zh")
    texts = _texts(fig)
    assert {"618大促 · 近 1 周", "未关闭事项（按状态，周末时）", "逾期事项（按部门，当前）", "受阻"} <= set(texts)
    path = font_manager.findfont(font_manager.FontProperties(family=[cjk_font]), fallback_to_default=False)
    font = FT2Font(path)
    wide = {ch for text in texts for ch in text if ord(ch) > 0x2E80}
    assert wide and all(font.get_char_index(ord(ch)) for ch in wide)  # 0 would be the box
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" when it draws a box
        png = charts.render(data, scope="618大促", lang="zh")
    assert png.startswith(PNG)


def test_without_a_cjk_font_the_chart_is_labelled_in_english(monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    data = trends.Trends(weeks=[trends.Week(datetime(2026, 11, 16).date(), {"open": 1}, 0, 0)],
                         overdue_by_department=[])
    texts = _texts(charts.figure(data, scope="demo", lang="zh"))
    assert "Open items by state (at each week's end)" in texts and "Nothing is overdue ✓" in texts
    assert not any("未关闭" in t for t in texts)


def test_the_weekly_report_carries_its_chart_to_the_group_and_each_manager(app, tmp_path, cjk_font):
    chat = played(app, tmp_path)
    out = chat.run(":now 2026-11-20 17:01")  # Friday's weekly report at 17:00
    paths = [line[2:] for line in out.splitlines() if line.startswith("📎 ")]
    assert len(paths) == 2  # the group's report and the manager's copy
    assert all(p.endswith("demo-周报图表-20261120.png") for p in paths)
    assert all(open(p, "rb").read().startswith(PNG) for p in paths)
    with app.sessions() as s:  # kept with their messages: a retry would upload the same bytes
        kept = s.scalars(select(OutboxFile.content).where(OutboxFile.name == "demo-周报图表-20261120.png")).all()
        assert kept == [open(p, "rb").read() for p in paths]


def test_a_weekly_report_asked_for_has_the_chart_and_a_daily_digest_has_none(app, tmp_path, cjk_font):
    chat = played(app, tmp_path)
    weekly = chat.run("@pm: /周报")
    assert weekly.splitlines()[-1].endswith("demo-周报图表-20261116.png")
    daily = chat.run("@pm: /日报")
    assert "📎" not in daily
