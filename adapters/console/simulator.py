"""Runs the simulated group chat: feeds directives to the app, prints what the bot says."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from adapters.console import render
from adapters.console.parse import to_event
from adapters.console.script import (
    Advance,
    Click,
    React,
    Reply,
    Say,
    ScriptError,
    SetClock,
    SwitchChat,
    logical_lines,
    parse_line,
)
from bot.events import Attachment, OutgoingMessage
from genjin.app import App
from storage.models import Department
from storage.outbox import latest_version, platform_id_of


class ConsoleError(ValueError):
    """A directive that can't be carried out (clock backwards, no such button)."""

class ConsoleSender:
    """Prints each delivered message; its platform id is `mN`, N being its outbox id.

    A message's files are written under `files_dir` (in a folder per message, so two exports
    of the same name never overwrite each other) and their paths printed.
    """

    def __init__(self, out: TextIO, tz: ZoneInfo, clock: Callable[[], datetime], files_dir: Path) -> None:
        self.out, self.tz, self.clock, self.files_dir = out, tz, clock, files_dir

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        stamp = self.clock().astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        if edit_of:
            print(f"[m{outbox_id} ✎ {edit_of} · {stamp}] {render.summary(msg)}", file=self.out)
            return edit_of
        where = f"#{msg.chat_id}" if msg.chat_id else f"@{msg.user_id}"
        if msg.extra.get("ephemeral") and msg.chat_id and msg.user_id:
            where += f" (only @{msg.user_id})"
        print(f"[m{outbox_id} → {where} · {stamp}]", file=self.out)
        for line in render.body(msg):
            print(line, file=self.out)
        for attachment in msg.attachments:
            print(f"📎 {self._write(attachment, outbox_id)}", file=self.out)
        return f"m{outbox_id}"

    def _write(self, attachment: Attachment, outbox_id: int) -> Path:
        folder = self.files_dir / f"m{outbox_id}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(attachment.name).name  # a name is never a path out of the folder
        path.write_bytes(attachment.data or b"")
        return path


class Simulator:
    def __init__(self, app: App, *, out: TextIO | None = None, chat: str = "demo",
                 now: datetime | None = None, files_dir: Path | None = None) -> None:
        self.app, self.out, self.chat = app, out or sys.stdout, chat
        self.tz = ZoneInfo(app.settings.calendar.timezone)
        self._now = now.replace(tzinfo=self.tz) if now and now.tzinfo is None else now
        files = files_dir or Path(tempfile.gettempdir()) / "genjin-files"
        self.sender = ConsoleSender(self.out, self.tz, lambda: self.now, files)
        self.email = None  # [email] configured: formal records really go out by SMTP
        if app.settings.email.configured:
            from adapters.console.email import PrintingEmailSender

            self.email = PrintingEmailSender(app.settings.email, self.out)

    @property
    def now(self) -> datetime:
        if self._now is None:  # no :now yet: the simulation starts at the real time
            self._now = datetime.now(self.tz).replace(second=0, microsecond=0)
        return self._now

    def run_script(self, lines: Iterable[str], *, echo: bool = True, stop_on_error: bool = True) -> None:
        try:
            joined = list(logical_lines(lines))
        except ScriptError as err:
            if stop_on_error:
                raise
            print(f"! {err}", file=self.out)
            return
        for lineno, line in joined:
            try:
                directive = parse_line(line, lineno)
            except ScriptError as err:
                if stop_on_error:
                    raise
                print(f"! {err}", file=self.out)
                continue
            if directive is None:
                continue
            if echo:
                print("> " + "\n>   ".join(part.strip() for part in line.rstrip().split("\n")), file=self.out)
            try:
                self.apply(directive)
            except ConsoleError as err:
                if stop_on_error:
                    raise ScriptError(lineno, str(err)) from None
                print(f"! {err}", file=self.out)

    def apply(self, directive) -> None:
        if isinstance(directive, SwitchChat):
            self.chat = directive.name
        elif isinstance(directive, SetClock):
            self.set_clock(directive.at.replace(tzinfo=self.tz))
        elif isinstance(directive, Advance):
            self.set_clock(self.now + directive.by)
        elif isinstance(directive, Click):
            value = self._button_value(directive)
            self._process(to_event(directive, chat=self.chat, now=self.now, button_value=value,
                                   target=self._platform_id(directive.message)))
        elif isinstance(directive, React):
            with self.app.sessions() as session:
                if latest_version(session=session, outbox_id=directive.message) is None:
                    raise ConsoleError(f"there is no message m{directive.message} to react to (yet)")
            self._process(to_event(directive, chat=self.chat, now=self.now,
                                   target=self._platform_id(directive.message)))
        elif isinstance(directive, Reply):
            with self.app.sessions() as session:
                if latest_version(session=session, outbox_id=directive.message) is None:
                    raise ConsoleError(f"there is no message m{directive.message} to reply under (yet)")
            self._process(to_event(directive, chat=self.chat, now=self.now, departments=self._departments(),
                                   target=self._platform_id(directive.message)))
        elif isinstance(directive, Say):
            self._process(to_event(directive, chat=self.chat, now=self.now, departments=self._departments()))

    def set_clock(self, when: datetime) -> None:
        if self._now is not None and when < self._now:
            raise ConsoleError(f"the clock only moves forward (it is {self._now:%Y-%m-%d %H:%M})")
        # Everything the scheduler would do in between happens, in time order, starting with
        # what fell due at this very moment (the real scheduler sweeps every 30 seconds).
        moment = self._now or when
        if self._now is not None:
            self._tick(moment)
        while (due := self.app.next_due(after=moment)) is not None and due <= when:
            self._tick(due)
            moment = due
        self._tick(when)

    def _tick(self, moment: datetime) -> None:
        self._now = moment
        self.app.sweep(now=moment)
        self.flush()

    def flush(self) -> None:
        self.app.deliver(platform="console", sender=self.sender, now=self.now)
        if self.email is not None:
            self.app.deliver(platform="email", sender=self.email, now=self.now)

    def _process(self, event) -> None:
        try:
            self.app.process(event, now=self.now)
        except OperationalError as err:
            raise ConsoleError(f"the database failed, nothing was changed: {err.orig}") from None
        self.flush()

    def _departments(self) -> frozenset[str]:
        with self.app.sessions() as session:
            names = session.scalars(select(Department.name).where(Department.platform == "console"))
            return frozenset(n.lower() for n in names)

    def _platform_id(self, number: int) -> str:
        """mN as the chat knows it: an in-place update (✎) stands for the message it updated."""
        with self.app.sessions() as session:
            return platform_id_of(session=session, outbox_id=number) or f"m{number}"

    def _button_value(self, click: Click) -> str:
        with self.app.sessions() as session:
            msg = latest_version(session=session, outbox_id=click.message)
        buttons = msg.card.buttons if msg and msg.card else ()
        for button in buttons:
            if button.label.lower() == click.label.lower():
                return button.value
        offered = " ".join(f"[{b.label}]" for b in buttons) or "none"
        raise ConsoleError(f"m{click.message} has no button {click.label!r} (buttons: {offered})")

