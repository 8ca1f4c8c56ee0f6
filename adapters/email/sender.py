"""Sends the outbox's "email" messages over SMTP: one MIME message to all of its recipients.

Transient trouble (no connection, a 4xx answer, a login that fails) is raised as is, so
delivery retries with backoff; a 5xx refusal of every recipient, or of the message itself, is
a PermanentFailure. The Message-ID is derived from the outbox key: a message resent after a
crash (maybe_sent) carries the same one, so mail systems and readers see it as a duplicate.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from adapters.email import render
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure
from genjin.config import EmailSettings

log = logging.getLogger(__name__)


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def message_id(key: str, from_address: str) -> str:
    """The same id for every send of one outbox row (its key is unique forever)."""
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "genjin.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.genjin@{domain}>"


def recipients(msg: OutgoingMessage) -> list[str]:
    return [_ascii_domain(a.strip()) for a in (msg.user_id or "").split(",") if a.strip()]


def _ascii_domain(address: str) -> str:
    """wang@例子.中国 as wang@xn--fsqu00a.xn--fiqs8s: every SMTP server takes that (only an
    international local part needs the server's SMTPUTF8)."""
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def build(msg: OutgoingMessage, *, key: str, from_address: str) -> EmailMessage:
    """The MIME message: text and HTML alternatives, pictures related to the HTML (cid:),
    other files attached."""
    pictures = [a for a in msg.attachments if a.kind == "image" and a.data is not None]
    files = [a for a in msg.attachments if a not in pictures]
    ident = message_id(key, from_address)
    cids = [f"{n}.{ident.strip('<>')}" for n in range(len(pictures))]
    mail = EmailMessage()
    mail["From"] = from_address
    mail["To"] = ", ".join(recipients(msg))
    subject = render.plain(msg.extra.get("subject") or (msg.card.title if msg.card else msg.text.split("\n")[0]))
    mail["Subject"] = " ".join(subject.split())  # one line: no header can be smuggled in
    mail["Message-ID"] = ident
    if msg.created_at is not None:
        mail["Date"] = format_datetime(msg.created_at)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the bot
    names = [a.name for a in files]
    mail.set_content(render.text(msg, files=names))
    mail.add_alternative(render.html(msg, pictures=[render.Picture(a.name, cid) for a, cid in zip(pictures, cids, strict=True)],
                                     files=names), subtype="html")
    html_part = mail.get_body(("html",))
    assert html_part is not None  # just added
    for picture, cid in zip(pictures, cids, strict=True):
        maintype, subtype = _type_of(picture.name, "image/png").split("/")
        html_part.add_related(picture.data, maintype=maintype, subtype=subtype, cid=f"<{cid}>",
                              filename=picture.name, disposition="inline")
    for file in files:
        maintype, subtype = _type_of(file.name, "application/octet-stream").split("/")
        mail.add_attachment(file.data or b"", maintype=maintype, subtype=subtype, filename=file.name)
    if msg.extra.get("lang"):  # last: set_content and add_attachment move or drop Content-* headers
        mail["Content-Language"] = "en" if msg.extra["lang"] == "en" else "zh-CN"
    return mail


def _type_of(name: str, default: str) -> str:
    return mimetypes.guess_type(name)[0] or default


class EmailSender:
    """The Sender for platform "email" (see bot.ports.Sender)."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        to = recipients(msg)
        if not to:
            raise PermanentFailure("an email with no recipients", message_only=True)
        mail = build(msg, key=msg.key, from_address=self.settings.from_address)
        if maybe_sent:
            log.info("resending %s with the same Message-ID %s", msg.key, mail["Message-ID"])
        envelope_from = parseaddr(self.settings.from_address)[1]
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(mail, from_addr=envelope_from, to_addrs=to)
        except smtplib.SMTPRecipientsRefused as err:  # every recipient refused
            codes = [code for code, _ in err.recipients.values()]
            if all(_permanent(code) for code in codes):
                raise PermanentFailure(f"every recipient refused: {_said(err.recipients)}") from None
            raise
        except smtplib.SMTPNotSupportedError as err:  # an international mailbox name, a server without SMTPUTF8
            raise PermanentFailure(f"the mail server cannot take this address: {err}", message_only=True) from None
        except smtplib.SMTPAuthenticationError:
            raise  # a wrong password is fixed in the settings: retried meanwhile
        except smtplib.SMTPResponseException as err:  # sender refused, message refused (e.g. too large)
            if _permanent(err.smtp_code):
                raise PermanentFailure(f"SMTP {err.smtp_code}: {_text(err.smtp_error)}", message_only=True) from None
            raise
        if refused:  # some recipients took it: sent; the others are logged
            log.warning("email %s was refused for some recipients: %s", msg.key, _said(refused))
        return mail["Message-ID"]

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else str(said)


def _said(refused: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(text)}" for address, (code, text) in refused.items())
