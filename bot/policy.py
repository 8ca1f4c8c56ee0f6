"""The rules' numbers (DOMAIN.md defaults), as plain values handed to the core."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time

from bot.worktime import CalendarConfig


@dataclass(frozen=True)
class Policy:
    lang: str = "zh"
    # The platform has no reactions for bots (DingTalk): texts point to the card's buttons instead.
    buttons_only: bool = False
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    response_hours: float = 4  # everyday request: acknowledge within N working hours
    urgent_response_hours: float = 2
    emergency_response_minutes: int = 30  # wall clock
    warn_working_days_before: int = 1
    escalate_after_working_days: int = 3
    daily_digest_at: time = time(9, 30)
    weekly_report_at: time = time(17, 0)
    nudges_per_person_per_day: int = 5
    managers: tuple[str, ...] = ()  # platform user ids told about escalations and weekly reports
    admins: tuple[str, ...] = ()  # platform user ids who may change departments and settings; () = anyone
    list_limit: int = 20
    allow_open_ended: bool = False  # action items without a deadline (the handbooks require one)
    standard_reminder_hours: float = 4  # a missing completion standard: remind the initiator after N working hours
    escalate_step_working_days: int = 1  # from the department head to the managers, if still unresolved
    snooze_max_working_days: int = 3  # longer than this is a new deadline: /extend
    reminder_gap_minutes: int = 60  # reminders to one person come at most this often (bundled meanwhile)
    minutes_confirm_working_days: int = 1  # owners confirm their lines of meeting minutes within N working days
    # An owner asks to move a deadline at least N working days before it; later asks are marked late.
    extend_notice_working_days: int = 2
    # Chats that turned suggestions on (/settings suggest on) get at most N "要跟进吗？" offers a day.
    suggestions_per_chat_per_day: int = 3
    emergency_rooms: bool = False  # /emergency --room may open a coordination group ([feishu]/[slack] setting)
    email: bool = False  # [email] is configured: minutes and weekly reports also go to the chat's addresses
    jira_url: str = ""  # [jira] url: linked issues are shown as links under it ("" : as bare keys)
    jira_create: bool = False  # [jira] has an API token: /jira create may create issues
    bitable: bool = False  # /bitable may bind a Feishu chat to a Bitable table ([bitable] enabled)


def for_chat(policy: Policy, chat_settings: dict) -> Policy:
    """The organisation's policy with one chat's overrides applied."""
    changes: dict = {}
    if chat_settings.get("lang") in ("zh", "en"):
        changes["lang"] = chat_settings["lang"]
    calendar = {k: chat_settings[k] for k in ("timezone", "country") if chat_settings.get(k) is not None}
    if calendar:
        changes["calendar"] = replace(policy.calendar, **calendar)
    for key in ("daily_digest_at", "weekly_report_at"):
        if chat_settings.get(key):
            changes[key] = time.fromisoformat(chat_settings[key])
    if chat_settings.get("managers"):
        changes["managers"] = tuple(chat_settings["managers"])
    if isinstance(chat_settings.get("open_ended"), bool):
        changes["allow_open_ended"] = chat_settings["open_ended"]
    return replace(policy, **changes) if changes else policy
