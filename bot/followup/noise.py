"""Reminders that respect people: a gap between two reminders to one person, a daily cap.

Everything that falls due for one person within the gap (an hour by default) waits and goes
out as one bundled message when the gap is over; no more than `nudges_per_person_per_day`
reminder messages reach one person on a working day, across all chats. Urgent and emergency
items are never held, but what they send counts.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import calendar_for
from bot.followup.due import PERSONAL
from bot.policy import Policy
from storage.models import Reminder


def _sent(session: Session, user_id: int, since: datetime):
    return select(Reminder.at).where(Reminder.user_id == user_id, Reminder.at >= since,
                                     Reminder.kind.in_(tuple(PERSONAL)))


def hold_until(session: Session, *, user_id: int, now: datetime, policy: Policy) -> datetime | None:
    """None when a reminder may go to the person now; else the moment it may.

    Reminders issued by this very sweep (at `now`) don't hold the others back: they bundle.
    """
    cal = calendar_for(policy.calendar)
    day_start = datetime.combine(now.astimezone(cal.tz).date(), time(0), tzinfo=cal.tz)
    moments = set(session.scalars(_sent(session, user_id, day_start)))
    earlier = [m for m in moments if m < now]
    if len(earlier) >= policy.nudges_per_person_per_day:
        # Today's cap is reached: it stays due and goes out on the next working day.
        tomorrow = cal.next_working_day(now.astimezone(cal.tz).date())
        return cal.next_working_moment(datetime.combine(tomorrow, cal.config.work_start, tzinfo=cal.tz))
    gap = timedelta(minutes=policy.reminder_gap_minutes)
    latest = max(earlier, default=None)
    if latest is not None and now < latest + gap:
        return cal.next_working_moment(latest + gap)
    return None


def exempt(urgency: str) -> bool:
    """Urgent and emergency reminders are never held back (they still count)."""
    return urgency in ("urgent", "emergency")
