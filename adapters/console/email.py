"""The console with [email] configured: minutes and weekly reports really go out by SMTP, and
the console says so (or why not yet) in one line each."""

from __future__ import annotations

from typing import TextIO

from adapters.email.sender import EmailSender
from bot.events import OutgoingMessage
from genjin.config import EmailSettings


class PrintingEmailSender:
    def __init__(self, settings: EmailSettings, out: TextIO) -> None:
        self.sender, self.out = EmailSender(settings), out

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        files = "".join(f" 📎 {a.name}" for a in msg.attachments)
        try:
            sent = self.sender.send(msg, outbox_id=outbox_id, reply_to=reply_to, edit_of=edit_of,
                                    maybe_sent=maybe_sent)
        except Exception as err:  # said, then judged by delivery as usual (retry or give up)
            print(f"✉ m{outbox_id} → {msg.user_id}: not sent ({err})", file=self.out)
            raise
        print(f"✉ m{outbox_id} → {msg.user_id} · {msg.extra.get('subject', '')}{files}", file=self.out)
        return sent
