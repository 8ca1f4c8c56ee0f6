"""The console script language: an indented line continues the `@USER:` message above it."""

from __future__ import annotations

import io
import sys

import pytest

from adapters.console.script import Say, ScriptError, logical_lines, parse_line
from genjin import cli


def parsed(script: str) -> list:
    return [parse_line(text, lineno) for lineno, text in logical_lines(script.splitlines())]


def test_indented_lines_continue_the_message_on_new_lines():
    said = parsed("@carol: /纪要 周会\n  时间: 周一\n\t- @bob 写周报 截止 周五\n@bob: /收到 #1")
    assert said == [Say("carol", "/纪要 周会\n时间: 周一\n- @bob 写周报 截止 周五"), Say("bob", "/收到 #1")]


def test_one_space_is_not_a_continuation():
    with pytest.raises(ScriptError, match="line 2"):
        parsed("@carol: /纪要 周会\n 时间: 周一")


@pytest.mark.parametrize("script", ["  - @bob orphan", "@pm react ✅ m1\n  more", "@pm: hi\n\n  after a blank"])
def test_an_indented_line_needs_a_message_right_above(script):
    with pytest.raises(ScriptError, match="continues an '@USER: TEXT' message"):
        parsed(script)


def test_the_simulator_sends_the_joined_message_as_one(chat):
    out = chat.run("@pm: /todo @lee write the spec\n  by 2026-05-15 standard: reviewed")
    assert "#1 行动项：write the spec" in out and "完成标准：reviewed" in out


def test_interactive_console_joins_piped_indented_lines(monkeypatch, capsys, tmp_path):
    script = "@carol: /minutes weekly sync\n  - @bob write the report by 2026-05-15\n:quit\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    code = cli.main(["console", "--db", f"sqlite:///{tmp_path / 'c.sqlite3'}", "--now", "2026-05-11 10:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "会议纪要 #1：weekly sync" in out and "#1 write the report · @bob" in out


def test_help_explains_continuation_lines():
    assert "indented line" in cli.INTERACTIVE_HELP


def test_a_colon_after_the_name_of_a_reaction_or_click_is_a_slip_not_part_of_the_name():
    from adapters.console.script import Click, React
    assert parsed("@pm: react ✅ m2\n@pm：click 同意 m3") == [React("pm", "✅", 2, True), Click("pm", "同意", 3)]


def test_a_reaction_on_a_message_not_posted_yet_is_refused_with_its_line(tmp_path):
    # A script reacting on a wrong mN used to go on silently; the mistake showed up much later.
    from adapters.console.simulator import Simulator
    from genjin.app import App
    from genjin.config import load_settings
    app = App(load_settings(None, environ={"GENJIN_DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}"}))
    sim = Simulator(app, out=io.StringIO())
    with pytest.raises(ScriptError, match="line 3: there is no message m9"):
        sim.run_script([":now 2026-05-11 10:00", "@pm: /todo @bob write it by friday", "@pm react ✅ m9"])
