"""/export (/导出) in the console: the files are written and their paths printed; mistakes get a
helpful reply and no file."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from adapters.console.simulator import Simulator

SCRIPT = (Path(__file__).parent / "chat_618.txt").read_text("utf-8")


@pytest.fixture
def console(app, tmp_path):
    out = io.StringIO()
    sim = Simulator(app, out=out, now=datetime(2026, 5, 11, 10, 0), files_dir=tmp_path)

    def say(lines: str) -> str:
        start = out.tell()
        sim.run_script(lines.strip().splitlines(), echo=False)
        out.seek(start)
        said = out.read()
        out.seek(0, io.SEEK_END)
        return said
    return say


def paths(said: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"^📎 (.+)$", said, flags=re.M)]


def test_an_empty_chat_has_nothing_to_export_and_gets_no_file(console):
    said = console("@pm: /导出")
    assert "没有可导出的记录" in said and paths(said) == []


def test_export_writes_the_archive_and_prints_where(console):
    console(SCRIPT)
    said = console("@pm: /导出")
    assert "📦 本群的归档已生成（行动项 3 条，跟进记录" in said
    written = paths(said)
    assert [p.name for p in written] == [
        "demo-跟进台账-20260511.xlsx", "demo-跟进台账-20260511.md", "demo-行动项-20260511.csv",
        "demo-跟进记录-20260511.csv", "demo-会议纪要-20260511.csv", "demo-问题台账-20260511.csv",
        "demo-复盘要点-20260511.csv"]
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
    book = openpyxl.load_workbook(written[0])
    assert [r[0] for r in book["行动项"].iter_rows(min_row=2, values_only=True)] == ["#1", "#2", "#3"]
    assert written[2].read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_of_a_project_names_its_files_after_it(console):
    console(SCRIPT)
    said = console("@pm: /导出 项目 618大促")
    assert "项目「618大促」的归档" in said
    assert paths(said)[0].name == "618大促-跟进台账-20260511.xlsx"
    assert "demo" not in " ".join(p.name for p in paths(said))


def test_mistakes_get_a_helpful_reply_and_no_file(console):
    console(SCRIPT)
    unknown = console("@pm: /导出 项目 双11")
    assert "双11" in unknown and "618大促" in unknown and paths(unknown) == []
    bad = console("@pm: /导出 自 2026-13-01")
    assert "看不懂日期「2026-13-01」" in bad and "/导出 [项目 名称] [自 日期]" in bad and paths(bad) == []
    future = console("@pm: /导出 自 2027-01-01")
    assert "还没到" in future and paths(future) == []
    which = console("@pm: /导出 项目")
    assert "请写项目名称" in which and paths(which) == []
    last_year = console("@pm: /导出 自 5月12日")  # said on 5-11 without a year: last year's 5-12
    assert "本群自 2025-05-12 起的归档已生成" in last_year


def test_english(console):
    console(SCRIPT)
    console("@pm: /settings lang en")
    said = console("@pm: /export since 2026-05-01")
    assert "The archive of this chat since 2026-05-01 is ready (items 3, history" in said
    assert paths(said)[0].name == "demo-tracker-20260511.xlsx"
    assert "Can't read the date" in console("@pm: /export since yesterdayish")
