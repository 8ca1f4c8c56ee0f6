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


def day_start(now: datetime, policy: Policy) -> datetime:
    """Midnight of `now`'s day in the policy's calendar: where today's cap starts counting."""
    cal = calendar_for(policy.calendar)
    return datetime.combine(now.astimezone(cal.tz).date(), time(0), tzinfo=cal.tz)


def sent_since(session: Session, *, user_ids: list[int], since: datetime) -> dict[int, set[datetime]]:
    """The moments personal reminders went to each of `user_ids` since `since`, in one query a chunk."""
    found: dict[int, set[datetime]] = {uid: set() for uid in user_ids}
    for start in range(0, len(user_ids), 500):
        rows = session.execute(select(Reminder.user_id, Reminder.at).where(
            Reminder.user_id.in_(user_ids[start:start + 500]), Reminder.at >= since,
            Reminder.kind.in_(tuple(PERSONAL))))
        for uid, moment in rows:
            if uid is not None:
                found[uid].add(moment)
    return found


def hold_until(session: Session, *, user_id: int, now: datetime, policy: Policy,
               sent: set[datetime] | None = None) -> datetime | None:
    """None when a reminder may go to the person now; else the moment it may.

    Reminders issued by this very sweep (at `now`) don't hold the others back: they bundle.
    `sent`: the person's moments from `sent_since` (read at or before the day's start), if at hand.
    """
    cal = calendar_for(policy.calendar)
    start = day_start(now, policy)
    moments = ({m for m in sent if m >= start} if sent is not None
               else set(session.scalars(_sent(session, user_id, start))))
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
