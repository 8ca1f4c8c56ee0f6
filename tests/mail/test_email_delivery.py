"""Minutes and weekly reports by email, received by a local SMTP server (aiosmtpd).

Each arrives once, as HTML (the weekly report's chart inline by Content-ID) with the Excel
attached; a 4xx answer is retried, a 5xx refusal gives up; no email without addresses or
without [email]; what users typed stays text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.email.sender import EmailSender
from bot.events import Attachment, Card, OutgoingMessage
from genjin.config import load_settings
from storage.models import Chat, OutboxMessage
from tests.conftest import ChatDriver

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEEK = """
@pm: /settings email @lee lee@example.com
@pm: /settings email boss@example.com
@pm: /todo @lee build the <b>launch</b> page by 2026-11-25 standard: QA passes
@lee: /受阻 #1 vendor has not shipped
:now 2026-11-27 18:00
"""
MINUTES = """
@pm: /设置 邮件 @lee lee@example.com
@pm: /纪要 <script>alert(1)</script> 618 复盘
  记录: @pm
  - @lee 提交设计稿 截止 周五 标准：市场总监<b>确认</b>
"""


def _deliver(app, settings, now: datetime) -> int:
    return app.deliver(platform="email", sender=EmailSender(settings.email), now=now)


def _rows(app) -> list[OutboxMessage]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.platform == "email")))


def _chat_id(app) -> int:
    with app.sessions() as s:
        return s.scalar(select(Chat.id))


def _html(mail) -> str:
    return mail.get_body(("html",)).get_content()


def test_the_weekly_report_arrives_once_with_its_chart_inline_and_the_excel_attached(app, settings, mailbox,
                                                                                       producers):
    out = ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run(WEEK)
    assert "📊 周报 · 11-23 – 11-27" in out  # the group has it as before
    # The console delivers email too when [email] is configured, and says so.
    assert re.findall(r"^✉ m\d+ (→ .*)$", out, re.M) == [
        "→ lee@example.com, boss@example.com · #demo · 📊 周报 · 11-23 – 11-27 "
        "📎 demo-周报图表-20261127.png 📎 demo-周报-20261127.xlsx"]
    assert _deliver(app, settings, datetime(2026, 11, 27, 11, 0, tzinfo=UTC)) == 0  # once
    [(rcpt, mail)] = mailbox.received
    assert rcpt == ["lee@example.com", "boss@example.com"]
    assert mail["To"] == "lee@example.com, boss@example.com"
    assert mail["From"] == "Genjin 跟进 <genjin@example.com>"
    assert mail["Subject"] == "#demo · 📊 周报 · 11-23 – 11-27"
    html = _html(mail)
    assert "📊 周报 · 11-23 – 11-27" in html
    assert "build the &lt;b&gt;launch&lt;/b&gt; page" in html and "<b>launch" not in html
    assert "@lee" in html and "<@lee" not in html and "vendor has not shipped" in html
    [cid] = re.findall(r'<img src="cid:([^"]+)"', html)
    [picture] = [p for p in mail.walk() if p.get("Content-ID") == f"<{cid}>"]
    chat = str(_chat_id(app))
    assert picture.get_content_type() == "image/png"
    assert picture.get_content() == b"\x89PNG\r\n\x1a\n chart of chat " + chat.encode()
    [excel] = list(mail.iter_attachments())
    assert excel.get_filename() == "demo-周报-20261127.xlsx"
    assert excel.get_content_type() == XLSX
    assert excel.get_content() == b"PK\x03\x04 xlsx of chat " + chat.encode()
    # each file made once per message: the chart for the group's report and for the email, the workbook for the email
    assert sorted(producers, key=lambda p: p[0]) == [
        ("export", {"chat": chat, "project": "", "lang": "zh", "since": "", "format": "xlsx"}),
        ("weekly_chart", {"chat": chat, "project": "", "lang": "zh"}),
        ("weekly_chart", {"chat": chat, "project": "", "lang": "zh"})]
    assert "vendor has not shipped" in mail.get_body(("plain",)).get_content()


def test_minutes_arrive_by_email_with_everything_typed_kept_as_text(app, settings, mailbox, producers):
    ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run(MINUTES)
    assert _deliver(app, settings, datetime(2026, 11, 23, 2, 1, tzinfo=UTC)) == 0  # the console sent it
    [(rcpt, mail)] = mailbox.received
    assert rcpt == ["lee@example.com"]
    assert mail["Subject"] == "#demo · 📝 会议纪要 #1：<script>alert(1)</script> 618 复盘"
    html = _html(mail)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 618 复盘" in html and "<script>" not in html
    assert "市场总监&lt;b&gt;确认&lt;/b&gt;" in html and "<b>" not in html
    assert "@lee" in html and "@pm" in html and "&lt;@" not in html
    assert "<img" not in html  # minutes carry no chart
    [excel] = list(mail.iter_attachments())
    assert excel.get_filename() == "demo-会议纪要-20261123.xlsx"
    assert [name for name, _ in producers] == ["export"]
    text = mail.get_body(("plain",)).get_content()
    assert "<script>alert(1)</script> 618 复盘" in text and "<@" not in text


def test_a_busy_server_is_tried_again_and_the_email_still_arrives_once(app, settings, mailbox, producers):
    mailbox.busy = 1
    out = ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run(MINUTES)
    assert "→ lee@example.com: not sent ((451, b'4.3.0 Mailbox busy, try again later'))" in out
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    [row] = _rows(app)
    assert row.status == "pending" and "451" in row.last_error
    assert _deliver(app, settings, now + timedelta(seconds=2)) == 0  # backing off
    assert _deliver(app, settings, now + timedelta(seconds=5)) == 1
    assert len(mailbox.received) == 1
    assert [name for name, _ in producers] == ["export"]  # the file was made once, kept for the retry


def test_every_recipient_refused_is_given_up_and_one_refused_is_logged(app, settings, mailbox, producers):
    out = ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run("""
@pm: /settings email gone@refused.example
@pm: /minutes weekly sync
""")
    assert "→ gone@refused.example: not sent (every recipient refused: gone@refused.example: 550" in out
    [row] = _rows(app)
    assert row.status == "failed" and "550" in row.last_error
    assert mailbox.received == []
    ChatDriver(app, datetime(2026, 11, 23, 10, 5)).run("""
@pm: /settings email ok@example.com
@pm: /minutes second sync
""")
    [(rcpt, mail)] = mailbox.received
    assert rcpt == ["ok@example.com"] and "second sync" in mail["Subject"]


def test_no_email_without_addresses(app, settings, mailbox, producers):
    ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run(WEEK.replace("@pm: /settings email", "@pm: /settings"))
    ChatDriver(app, datetime(2026, 11, 27, 18, 5)).run(MINUTES.replace("/设置 邮件 @lee lee@example.com", "/设置"))
    assert _rows(app) == []


def test_no_email_when_email_is_not_configured(db_url, mailbox, producers):
    from genjin.app import App

    app = App(load_settings(None, environ={}), db_url=db_url)
    try:
        out = ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run(WEEK + MINUTES)
        assert "还没有配置邮件服务" in out  # said when the address was added; the address is kept
        with app.sessions() as s:
            assert [e["address"] for e in s.scalar(select(Chat)).settings["email"]] == [
                "lee@example.com", "boss@example.com"]
        assert _rows(app) == []
    finally:
        app.close()


def test_a_resend_after_a_crash_carries_the_same_message_id(settings, mailbox):
    msg = OutgoingMessage(key="digest:weekly:5:2026-W48:email", platform="email", user_id="a@example.com",
                          card=Card(title="📊 Weekly report", lines=("#1 ship it · <@U1|lee>",)),
                          created_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC), extra={"lang": "en"},
                          attachments=(Attachment(name="Launch-weekly-report-20261127.xlsx", source="export",
                                                  data=b"xlsx"),))
    sender = EmailSender(settings.email)
    first = sender.send(msg, outbox_id=9, reply_to=None, edit_of=None)
    again = sender.send(msg, outbox_id=9, reply_to=None, edit_of=None, maybe_sent=True)
    assert first == again and first.endswith("@example.com>")
    assert [m["Message-ID"] for _, m in mailbox.received] == [first, first]
    mail = mailbox.received[0][1]
    assert mail["Subject"] == "📊 Weekly report" and mail["Content-Language"] == "en"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert "#1 ship it · @lee" in mail.get_body(("plain",)).get_content()


def test_a_projects_weekly_report_goes_by_email_too_named_after_the_project(app, settings, mailbox, producers):
    from storage.models import Project

    ChatDriver(app, datetime(2026, 11, 23, 10, 0)).run("""
@pm: /settings email boss@example.com
@pm: /项目 新建 618大促 目标 活动页上线
@pm: /todo @lee 完成设计稿 by 2026-12-24 standard: ok 项目 618大促
:now 2026-11-27 17:01
""")
    assert len(mailbox.received) == 2
    by_subject = {str(mail["Subject"]): mail for _, mail in mailbox.received}
    assert set(by_subject) == {"#demo · 📊 周报 · 11-23 – 11-27", "#demo · 📁 项目周报 · 618大促 · 11-23 – 11-27"}
    project_mail = by_subject["#demo · 📁 项目周报 · 618大促 · 11-23 – 11-27"]
    [excel] = list(project_mail.iter_attachments())
    assert excel.get_filename() == "618大促-周报-20261127.xlsx"  # 项目名称-文档类型-YYYYMMDD
    with app.sessions() as s:
        project_id = str(s.scalar(select(Project.id)))
    assert ("export", {"chat": str(_chat_id(app)), "project": project_id, "lang": "zh", "since": "",
                       "format": "xlsx"}) in producers


def test_a_name_becomes_a_safe_file_name():
    from bot.email.messages import file_stem

    assert file_stem("618大促") == "618大促"
    assert file_stem("../市场部: Q4 <计划>") == "市场部_ Q4 _计划"
    assert file_stem("..") == "genjin"


def test_genjin_run_delivers_email_when_it_is_configured(app, settings, mailbox, producers):
    import time

    from genjin.serve import Runner, email_sender
    from storage.outbox import enqueue

    assert email_sender(load_settings(None, environ={})) is None  # not configured: no email delivery
    with app.sessions.begin() as s:
        enqueue(session=s, now=datetime.now(UTC), msg=OutgoingMessage(
            key="minutes:1:email", platform="email", user_id="lee@example.com", card=Card(title="📝 会议纪要 #1"),
            attachments=(Attachment(name="demo-会议纪要-20261123.xlsx", source="export", params={"chat": "1"}),)))
    runner = Runner(app, poll_seconds=0.05)
    runner.start_delivery("email", email_sender(settings))
    try:
        deadline = time.monotonic() + 10
        while not mailbox.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    [(rcpt, mail)] = mailbox.received
    assert rcpt == ["lee@example.com"] and mail["Subject"] == "📝 会议纪要 #1"
    assert [a.get_filename() for a in mail.iter_attachments()] == ["demo-会议纪要-20261123.xlsx"]
    assert [r.status for r in _rows(app)] == ["sent"]
