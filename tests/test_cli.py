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
    assert "本群全部事项（7）" in out and out.rstrip().endswith("· 已确认")


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


# --- a database URL that leads nowhere: one plain line, nothing started ---------------------

def _bad_urls(tmp_path) -> dict[str, tuple[str, str]]:
    """name -> (URL, what the line must say)."""
    (tmp_path / "a-file").write_text("not a folder")
    return {
        "unknown driver": ("foo://db.example/genjin", "unknown or uninstalled driver 'foo'"),
        "not a URL": ("genjin.sqlite3", "is not a URL"),
        "unreachable server": ("postgresql://127.0.0.1:1/genjin", "Connection refused"),
        "unwritable SQLite path": (f"sqlite:///{tmp_path}/a-file/genjin.sqlite3", "unable to open database file"),
        "SQLite path is a folder": (f"sqlite:///{tmp_path}", "is a folder"),
    }


@pytest.mark.parametrize("case", ["unknown driver", "not a URL", "unreachable server", "unwritable SQLite path",
                                  "SQLite path is a folder"])
@pytest.mark.parametrize("argv", [["run"], ["console", "--script", "-"]])
def test_a_bad_database_url_stops_with_one_plain_line(monkeypatch, capsys, tmp_path, case, argv):
    url, says = _bad_urls(tmp_path)[case]
    monkeypatch.setenv("GENJIN_DATABASE_URL", url)
    code, out, err = run(monkeypatch, capsys, argv, stdin="@pm: /help\n")
    lines = [ln for ln in err.splitlines() if "starting the console simulator" not in ln]
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("genjin: database ") and says in lines[0], err
    assert "Traceback" not in err and "Genjin 跟进助手" not in out


def test_a_missing_postgresql_database_is_named(monkeypatch, capsys):
    from tests.conftest import PG_ADMIN_URL, _pg_reachable

    if (reason := _pg_reachable()) is not None:
        pytest.skip(reason)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/genjin_no_such_database"
    code, _, err = run(monkeypatch, capsys, ["console", "--db", url, "--script", "-"], stdin="@pm: /help\n")
    assert code == 2
    assert err.count("\n") == 1 and 'database "genjin_no_such_database" does not exist' in err


def test_a_bad_database_url_stops_the_served_bot_before_any_platform_starts(monkeypatch, capsys):
    import genjin.serve as serve

    monkeypatch.setattr(serve, "build_runtimes", lambda *a, **k: pytest.fail("started a platform"))
    monkeypatch.setenv("GENJIN_SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("GENJIN_DATABASE_URL", "postgresql://genjin:s3cret@127.0.0.1:1/genjin")
    code, _, err = run(monkeypatch, capsys, ["run"])
    assert code == 2
    assert err.startswith("genjin: database ") and err.count("\n") == 1, err
    assert "s3cret" not in err  # the password is not printed


def test_an_unreachable_server_fails_fast_and_plainly_as_a_process(tmp_path):
    """The real command, as a shell runs it: exit 2, one line on stderr, no traceback, in seconds."""
    import os
    import subprocess
    import time

    env = {**os.environ, "GENJIN_DATABASE_URL": "postgresql://127.0.0.1:1/genjin"}
    env.pop("GENJIN_CONFIG", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "genjin.cli", "console", "--script", "-"], input="@pm: /help\n",
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 15
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("genjin: database ") and done.stderr.count("\n") == 1, done.stderr
