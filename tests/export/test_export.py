"""Export and archive: a scripted console chat (minutes, items with history, an issue, a retrospective
note) exported to Excel, CSV and Markdown and read back; file names; project and date scopes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from adapters.console.simulator import Simulator
from bot.export.names import file_name, safe
from genjin.export import FORMATS, Scope, export_files
from storage.models import Chat, Project

SCRIPT = (Path(__file__).parent / "chat_618.txt").read_text("utf-8")
NOW = datetime(2026, 5, 18, 2, 0, tzinfo=UTC)  # 2026-05-18 10:00 in Shanghai
SHEETS = ["行动项", "跟进记录", "会议纪要", "问题台账", "复盘要点"]


@pytest.fixture
def played(app, tmp_path):
    Simulator(app, out=io.StringIO(), now=datetime(2026, 5, 11, 10, 0), files_dir=tmp_path).run_script(
        SCRIPT.splitlines(), echo=False)
    with app.sessions() as s:
        return s.scalar(select(Chat.id)), s.scalar(select(Project.id))


def export(app, scope: Scope, formats=FORMATS, lang="zh"):
    with app.sessions() as s:
        return {f.name: f for f in export_files(s, scope, formats=formats, now=NOW, lang=lang)}


def test_every_format_is_named_as_the_handbooks_name_archives(app, played):
    chat_id, _ = played
    files = export(app, Scope(chat_id=chat_id))
    assert sorted(files) == sorted([
        "demo-跟进台账-20260518.xlsx", "demo-跟进台账-20260518.md", "demo-行动项-20260518.csv",
        "demo-跟进记录-20260518.csv", "demo-会议纪要-20260518.csv", "demo-问题台账-20260518.csv",
        "demo-复盘要点-20260518.csv"])
    assert files["demo-跟进台账-20260518.xlsx"].media_type.endswith("spreadsheetml.sheet")


def test_the_workbook_has_a_sheet_per_record_type_frozen_headers_real_dates_and_widths(app, played):
    chat_id, _ = played
    data = export(app, Scope(chat_id=chat_id), formats=["xlsx"])["demo-跟进台账-20260518.xlsx"].data
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[c].width >= 6 for c in "ABC")
    items = book["行动项"]
    header = [c.value for c in items[1]]
    assert header[:7] == ["编号", "类型", "项目", "需求部门", "对接部门", "目标", "任务/内容"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in items.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == ["#1", "#2", "#3"]
    first = rows["#1"]
    assert first["截止"] == datetime(2026, 5, 18, 18, 0)  # a real date, after the extension, local time
    assert isinstance(first["开始"], datetime) and first["开始"] == datetime(2026, 5, 11, 10, 0)
    assert (first["状态"], first["进度%"], first["受阻原因"], first["项目"]) == ("受阻", 60, "测试环境资源不足", "618大促")
    assert first["预计解决"] == datetime(2026, 5, 13, 18, 0)
    assert items["P2"].number_format == "yyyy-mm-dd hh:mm"
    second = rows["#2"]
    assert second["任务/内容"] == "对齐 A|B 方案 <script>x</script> 和 @wang 确认"  # the mention token is @name
    assert second["完成标准"] == "=1+1 评审通过" and items["L3"].data_type == "s"  # typed "=" is text, no formula
    assert second["确认"].startswith("pm 于 2026-05-11 10:00 确认") and second["需求部门"] == "市场部"
    assert rows["#3"]["对接部门"] == "技术部" and rows["#3"]["类型"] == "沟通需求"
    history = [r for r in book["跟进记录"].iter_rows(min_row=2, values_only=True)]
    change = next(r for r in history if r[0] == "#1" and r[5] == "调整截止")
    assert change[2] == "调整说明" and "测试环境延迟" in change[8] and isinstance(change[3], datetime)
    assert any(r[0] == "#2" and r[8] == "方案已对齐\n细节见 | 文档" for r in history)
    minutes = [c.value for c in book["会议纪要"][2]]
    assert minutes[:3] == ["#1", "618活动协同推进会", "2026-05-11 10:00 会议室A"]
    assert "#1 完成活动页前端 (lee)" in minutes[9]
    issue = [c.value for c in book["问题台账"][2]]
    assert issue[:5] == ["#4", "问题", "中度", "测试环境资源不足", "技术部"]
    assert [c.value for c in book["复盘要点"][2]][:3] == ["亮点", "周五同步会节省了时间", "pm"]


def test_csv_files_are_utf8_with_a_bom_and_keep_what_users_typed(app, played):
    chat_id, _ = played
    files = export(app, Scope(chat_id=chat_id), formats=["csv"])
    assert len(files) == 5 and all(f.data.startswith(b"\xef\xbb\xbf") for f in files.values())
    rows = list(csv.reader(io.StringIO(files["demo-行动项-20260518.csv"].data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "类型", "项目"] and len(rows) == 4
    assert rows[2][6] == "对齐 A|B 方案 <script>x</script> 和 @wang 确认"
    assert rows[2][11] == "'=1+1 评审通过"  # Excel would run it: kept as text (CSV injection)
    assert rows[1][15] == "2026-05-18 18:00"
    history = list(csv.reader(io.StringIO(files["demo-跟进记录-20260518.csv"].data.decode("utf-8-sig"))))
    assert ["方案已对齐\n细节见 | 文档"] == [r[8] for r in history if r[8].startswith("方案已对齐")]


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells, split at unescaped pipes only."""
    cells, current, escaped = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "|" and not escaped:
            cells.append(current.strip())
            current = ""
            continue
        escaped = ch == "\\" and not escaped
        current += ch
    return [*cells, current.strip()]


def test_markdown_has_a_table_per_record_type_that_typed_text_cannot_break(app, played):
    chat_id, _ = played
    text = export(app, Scope(chat_id=chat_id), formats=["md"])["demo-跟进台账-20260518.md"].data.decode()
    assert text.startswith("# demo · 跟进台账 · 2026-05-18")
    sections = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert sections == SHEETS
    for block in text.split("\n## ")[1:]:
        table = [line for line in block.splitlines() if line.startswith("|")]
        widths = {len(_cells(line)) for line in table}
        assert len(widths) == 1, block  # no typed | or newline adds or splits a column
    row = next(line for line in text.splitlines() if line.startswith("| #2 | 行动项"))
    assert "对齐 A\\|B 方案 &lt;script&gt;x&lt;/script&gt; 和 @wang 确认" in row
    assert "方案已对齐<br>细节见 \\| 文档" in text
    assert "<@" not in text and "<script>" not in text


def test_a_project_scope_holds_only_the_projects_records(app, played):
    _, project_id = played
    files = export(app, Scope(project_id=project_id), formats=["xlsx"])
    book = openpyxl.load_workbook(io.BytesIO(files["618大促-跟进台账-20260518.xlsx"].data))
    assert book.sheetnames == ["行动项", "跟进记录", "会议纪要", "问题台账"]  # the retro note has no project
    assert [r[0] for r in book["行动项"].iter_rows(min_row=2, values_only=True)] == ["#1", "#3"]
    assert {r[0] for r in book["跟进记录"].iter_rows(min_row=2, values_only=True)} == {"#1", "#3"}


def test_since_leaves_out_what_happened_before(app, played):
    chat_id, _ = played
    assert export(app, Scope(chat_id=chat_id, since=date(2026, 5, 12))) == {}  # nothing since: no files at all
    assert "demo-跟进台账-20260518.md" in export(app, Scope(chat_id=chat_id, since=date(2026, 5, 11)))


def test_english_headers_and_names(app, played):
    chat_id, _ = played
    files = export(app, Scope(chat_id=chat_id), lang="en")
    assert "demo-tracker-20260518.xlsx" in files and "demo-items-20260518.csv" in files
    book = openpyxl.load_workbook(io.BytesIO(files["demo-tracker-20260518.xlsx"].data))
    assert book.sheetnames == ["items", "history", "minutes", "issues", "retrospective"]
    assert [c.value for c in book["items"][1]][:4] == ["ID", "Kind", "Project", "Requesting dept"]
    assert book["items"]["Q2"].value == "blocked"


def test_an_unknown_format_is_refused(app, played):
    with app.sessions() as s, pytest.raises(ValueError, match="pdf"):
        export_files(s, Scope(), formats=["pdf"], now=NOW, lang="zh")


def test_file_names_keep_chinese_and_lose_what_no_file_system_allows():
    assert file_name("618大促", "行动项", date(2026, 11, 16), "xlsx") == "618大促-行动项-20261116.xlsx"
    assert safe('a/b\\c:d*e?f"g<h>i|j\nk') == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe("../..") == "genjin" and safe("  .hidden  ") == "hidden"
    assert len(safe("长" * 300)) == 80
