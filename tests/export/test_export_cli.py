"""`genjin export`: the files of every chat, one chat or one project; a progress bar on a terminal
only; each mistake said in one line with exit code 2, never a traceback."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from adapters.console.simulator import Simulator
from genjin.cli import main

SCRIPT = (Path(__file__).parent / "chat_618.txt").read_text("utf-8")
DAY = r"\d{8}"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def db(app, db_url, tmp_path):
    Simulator(app, out=io.StringIO(), now=datetime(2026, 5, 11, 10, 0), files_dir=tmp_path / "console").run_script(
        SCRIPT.splitlines(), echo=False)
    return db_url


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("GENJIN_CONFIG", "GENJIN_DATABASE_URL", "GENJIN_LANG", "CI"):
        monkeypatch.delenv(name, raising=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_all_three_formats_by_default_each_path_printed(db, tmp_path, capsys):
    code, out, err = run(capsys, "--db", db, "--out", str(tmp_path / "archive"))
    assert code == 0 and err == ""
    names = [Path(line).name for line in out.splitlines()]
    assert len(names) == 7 and all(Path(line).exists() for line in out.splitlines())
    assert {re.sub(DAY, "D", n) for n in names} >= {"demo-跟进台账-D.xlsx", "demo-跟进台账-D.md", "demo-行动项-D.csv"}
    book = openpyxl.load_workbook(tmp_path / "archive" / next(n for n in names if n.endswith(".xlsx")))
    assert book.sheetnames == ["行动项", "跟进记录", "会议纪要", "问题台账", "复盘要点"]


def test_one_project_in_chosen_formats_and_language(db, tmp_path, capsys):
    code, out, _ = run(capsys, "--db", db, "--out", str(tmp_path), "--chat", "demo", "--project", "618大促",
                       "--format", "xlsx,md", "--lang", "en", "--since", "2026-05-01")
    assert code == 0
    assert [re.sub(DAY, "D", Path(p).name) for p in out.splitlines()] == ["618大促-tracker-D.xlsx", "618大促-tracker-D.md"]


def test_a_terminal_sees_a_progress_bar_and_ci_does_not(db, tmp_path, capsys, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["export", "--db", db, "--out", str(tmp_path / "a"), "--format", "csv"]) == 0
    assert "export: 100%" in terminal.getvalue() and "rows" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["export", "--db", db, "--out", str(tmp_path / "b"), "--format", "csv"]) == 0
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(("args", "said"), [
    (["--format", "pdf"], "unknown format 'pdf': use one or more of xlsx,csv,md"),
    (["--since", "2026-13-01"], "--since wants a date as YYYY-MM-DD, got '2026-13-01'"),
    (["--since", "yesterday"], "--since wants a date as YYYY-MM-DD"),
    (["--chat", "nowhere"], "no chat 'nowhere'; chats: 1 (console:demo)"),
    (["--project", "双11"], "no project '双11'; projects: 618大促"),
])
def test_mistakes_are_one_line_and_exit_code_2(db, tmp_path, capsys, args, said):
    code, out, err = run(capsys, "--db", db, "--out", str(tmp_path / "x"), *args)
    assert code == 2 and out == ""
    assert err.startswith("genjin: ") and said in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "x").exists()


def test_an_empty_database_says_there_is_nothing_to_export(tmp_path, capsys):
    code, out, err = run(capsys, "--db", f"sqlite:///{tmp_path}/empty.db", "--out", str(tmp_path / "x"))
    assert code == 0 and out == "" and "nothing to export" in err and not (tmp_path / "x").exists()
