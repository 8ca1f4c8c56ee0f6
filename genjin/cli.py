"""The `genjin` command: run, console, demo, export."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from genjin import logs
from genjin.config import ConfigError, Settings, load_settings

INTERACTIVE_HELP = """\
Type lines of the console script language:
  @USER: TEXT               USER says TEXT (e.g. @pm: /todo @dev write the spec by tomorrow)
    MORE TEXT               an indented line (2+ spaces or a tab) continues that message on a
                            new line: paste meeting minutes (/minutes TITLE + its lines) at once
  TEXT                      said by the current speaker (:as USER to change it)
  @USER react ✅ mN         reaction on bot message mN (✅ confirm, ❌ reject, 👀 acknowledge)
  @USER click LABEL mN      press a button on message mN
  @USER reply mN: TEXT      USER says TEXT in the thread of bot message mN (an item's owner
                            replying there adds a follow-up note: "60% done", "搞定了")
  :chat NAME  :now YYYY-MM-DD HH:MM  :advance 4h  :as USER  :help  :quit
"""


def _settings(args: argparse.Namespace) -> Settings:
    path = args.config or os.environ.get("GENJIN_CONFIG")
    if path is None and Path("genjin.toml").exists():
        path = "genjin.toml"
    return load_settings(path)


def _parse_now(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise ConfigError(f"--now wants \"YYYY-MM-DD HH:MM\", got {text!r}") from None


def _console(settings: Settings, *, db: str | None, script: str | None, now: str | None, chat: str,
             files: str | None = None) -> int:
    from adapters.console.script import ScriptError
    from adapters.console.simulator import Simulator
    from genjin.app import App

    app = App(settings, db_url=db)
    sim = Simulator(app, chat=chat, now=_parse_now(now), files_dir=Path(files) if files else None)
    try:
        if script is None:
            return _interactive(sim)
        lines = sys.stdin.read().splitlines() if script == "-" else Path(script).read_text("utf-8").splitlines()
        sim.run_script(lines)
    except ScriptError as err:
        print(f"genjin: {script}: {err}", file=sys.stderr)
        return 2
    finally:
        app.close()
    return 0


def _pasted_more() -> bool:
    """Whether more lines are already waiting on a terminal (the rest of a pasted block).
    Piped input is read to its end first: a message's indented lines may follow it."""
    if not sys.stdin.isatty():
        return True
    import select

    try:
        return bool(select.select([sys.stdin], [], [], 0.05)[0])
    except (OSError, ValueError):  # no select() on this stream (e.g. Windows consoles)
        return False


def _read_block(prompt: str) -> list[str]:
    """One typed line, plus the indented lines pasted right after it (they continue it)."""
    lines = [input(prompt).rstrip()]
    while _pasted_more():
        try:
            lines.append(input().rstrip())
        except EOFError:
            lines.append(":quit")
            break
    return lines


def _interactive(sim) -> int:
    from adapters.console.script import is_continuation

    print(f"Genjin console · chat #{sim.chat} · :help for help, :quit to leave")
    speaker = "me"
    waiting: list[str] = []
    while True:
        try:
            if not waiting:
                waiting = _read_block(f"{speaker}@#{sim.chat}> ")
            line = waiting.pop(0).strip()
            while waiting and is_continuation(waiting[0]):  # sent with the message above
                line += "\n" + waiting.pop(0)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line in (":quit", ":q", ":exit"):
            return 0
        if line == ":help":
            print(INTERACTIVE_HELP)
            continue
        if line.startswith(":as "):
            speaker = line[4:].strip().lstrip("@") or speaker
            continue
        if line and not line.startswith(("@", ":", "#")) or line.startswith(("@genjin ", "@bot ")):
            line = f"@{speaker}: {line}"
        sim.run_script(line.split("\n"), echo=False, stop_on_error=False)


def _demo(settings: Settings) -> int:
    script = files("genjin").joinpath("examples/demo_618.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        from adapters.console.script import ScriptError
        from adapters.console.simulator import Simulator
        from genjin.app import App

        app = App(settings, db_url=db)
        try:
            Simulator(app).run_script(script.splitlines())
        except ScriptError as err:  # the shipped script and the code disagree: say so plainly
            print(f"genjin demo: {err}", file=sys.stderr)
            return 2
        finally:
            app.close()
    return 0


def _run(settings: Settings, db: str | None) -> int:
    if (settings.slack.configured or settings.feishu.configured or settings.dingtalk.configured
            or settings.wecom.configured):
        from genjin.serve import serve

        return serve(settings, db_url=db)
    print("No platform credentials configured: starting the console simulator (SQLite).", file=sys.stderr)
    return _console(settings, db=db, script=None, now=None, chat="demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genjin", description="Genjin (跟进): the follow-up bot.")
    sub = parser.add_subparsers(dest="command")
    for name, text in (("run", "run the bot (the console simulator when no platform is configured)"),
                       ("console", "a simulated group chat in the terminal"),
                       ("demo", "play the 618 campaign example end to end"),
                       ("export", "write records to files: Excel, CSV, Markdown (项目名称-文档类型-日期)")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", help="TOML settings file (default: $GENJIN_CONFIG or ./genjin.toml)")
        p.add_argument("--db", help="database URL (default: SQLite in the user data dir)")
        if name == "console":
            p.add_argument("--script", help="play this script file ('-' for stdin) instead of prompting")
            p.add_argument("--now", help='start the simulated clock at "YYYY-MM-DD HH:MM"')
            p.add_argument("--chat", default="demo", help="the chat to start in (default: demo)")
            p.add_argument("--files", help="write the files the bot sends (exports, charts) here "
                                           "(default: genjin-files in the temporary folder)")
        if name == "export":
            p.add_argument("--out", required=True, help="the folder to write the files to (created if missing)")
            p.add_argument("--chat", help="only this chat: its database id or the platform's chat id")
            p.add_argument("--project", help="only this project (by name; add --chat when two chats share it)")
            p.add_argument("--since", help="only records created or changed since this day (YYYY-MM-DD)")
            p.add_argument("--format", help="comma-separated: xlsx,csv,md (default: all three)")
            p.add_argument("--lang", choices=("zh", "en"), help="headers' language (default: each chat's own)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings(args) if args.command else load_settings(os.environ.get("GENJIN_CONFIG"))
    except ConfigError as err:
        print(f"genjin: {err}", file=sys.stderr)
        return 2
    logs.setup(settings, command)  # JSON lines when serving a platform; secrets redacted
    db = getattr(args, "db", None) or os.environ.get("GENJIN_DATABASE_URL") or None
    from storage.db import DatabaseUnavailable  # here, not at the top: `genjin --help` needs no SQLAlchemy

    try:
        if command == "console":
            return _console(settings, db=db, script=args.script, now=args.now, chat=args.chat, files=args.files)
        if command == "demo":
            return _demo(settings)
        if command == "export":
            from genjin.export.cli import run as export

            return export(settings, db=db, out=args.out, chat=args.chat, project=args.project, since=args.since,
                          formats=args.format, lang=args.lang)
        return _run(settings, db)
    except (ConfigError, DatabaseUnavailable) as err:  # one plain line, like a bad setting
        print(f"genjin: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
