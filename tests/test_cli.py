"""The `genjin` command as a newcomer uses it."""

from __future__ import annotations

import io
import sys

import pytest

from genjin.cli import main


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("GENJIN_CONFIG", "GENJIN_DATABASE_URL", "GENJIN_LANG"):
        monkeypatch.delenv(name, raising=False)


def test_demo_plays_the_whole_loop(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["demo"])
    assert code == 0
    assert "本群全部事项（6）" in out and out.rstrip().endswith("· 已确认")


def test_console_script_from_stdin(monkeypatch, capsys, tmp_path):
    script = "@pm: /todo @lee write the spec by 2026-05-15\n@pm: /list\n"
    code, out, _ = run(monkeypatch, capsys, ["console", "--db", f"sqlite:///{tmp_path}/c.db", "--script", "-",
                                             "--now", "2026-05-11 10:00"], stdin=script)
    assert code == 0
    assert "> @pm: /todo @lee write the spec by 2026-05-15" in out
    assert "[m1 → #demo · 2026-05-11 10:00]" in out
    assert "#1 write the spec · @lee · 2026-05-15 周五 18:00 · 未开始" in out


def test_malformed_directive_stops_with_its_line_number(monkeypatch, capsys, tmp_path):
    script = "@pm: hello\n:advance soon\n@pm: /list\n"
    code, out, err = run(monkeypatch, capsys, ["console", "--db", f"sqlite:///{tmp_path}/c.db",
                                               "--script", "-"], stdin=script)
    assert code == 2
    assert "line 2" in err and "':advance' wants N followed by m, h or d" in err
    assert "/list" not in out  # nothing after the bad line ran


def test_clock_never_runs_backwards(monkeypatch, capsys, tmp_path):
    script = ":now 2026-05-11 10:00\n:now 2026-05-10 10:00\n"
    code, _, err = run(monkeypatch, capsys, ["console", "--db", f"sqlite:///{tmp_path}/c.db",
                                             "--script", "-"], stdin=script)
    assert code == 2 and "line 2" in err and "only moves forward" in err


def test_run_without_credentials_starts_the_console(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("GENJIN_DATABASE_URL", f"sqlite:///{tmp_path}/run.db")
    code, out, err = run(monkeypatch, capsys, ["run"], stdin="@pm: /help\n:quit\n")
    assert code == 0
    assert "starting the console simulator" in err
    assert "Genjin 跟进助手" in out


def test_a_wrong_setting_is_named_and_nothing_starts(monkeypatch, capsys):
    monkeypatch.setenv("GENJIN_LANG", "fr")
    code, out, err = run(monkeypatch, capsys, ["console", "--script", "-"], stdin="@pm: /help\n")
    assert code == 2
    assert "lang:" in err and out == ""


def test_a_platform_that_cannot_start_stops_start_up_with_a_plain_message(monkeypatch, capsys, tmp_path):
    import genjin.serve as serve

    class Unreachable:
        platform = "slack"
        sender = None

        def routes(self):
            return []

        def start(self):
            raise OSError("connection refused")

        def stop(self):
            self.stopped = True

    runtime = Unreachable()
    monkeypatch.setattr(serve, "build_runtimes", lambda settings, runner: [runtime])
    monkeypatch.setattr(serve.Runner, "start_delivery", lambda self, platform, sender: None)
    monkeypatch.setenv("GENJIN_SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("GENJIN_DATABASE_URL", f"sqlite:///{tmp_path}/s.db")
    code, _, err = run(monkeypatch, capsys, ["run"])
    assert code == 2
    assert "slack: could not start: connection refused" in err and "Traceback" not in err
    assert runtime.stopped
