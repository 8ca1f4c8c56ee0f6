"""Wiring: the database, the policy, and the two verbs every transport needs."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.dispatch import handle_event
from bot.events import IncomingEvent
from bot.followup.sweep import next_due, sweep
from bot.ports import Sender
from genjin.config import Settings
from reminders.delivery import deliver_due
from storage.db import make_engine, prune_processed, session_factory, upgrade

log = logging.getLogger(__name__)
DEDUPE_KEEP = timedelta(days=7)


class App:
    """One process's view of Genjin: process events in, deliver messages out."""

    def __init__(self, settings: Settings, *, db_url: str | None = None) -> None:
        self.settings = settings
        self.policy = settings.policy()
        # Each platform has its own default language (Slack: English, Feishu: Chinese).
        self.policies = {
            "slack": replace(self.policy, lang=settings.slack.lang),
            "feishu": replace(self.policy, lang=settings.feishu.lang),
        }
        self.engine = make_engine(db_url or settings.db_url())
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)

    def process(self, event: IncomingEvent, *, now: datetime) -> bool:
        """Handle one event in one transaction; False if it was a redelivery."""
        with self.sessions.begin() as session:
            policy = self.policy_for(event.platform)
            return handle_event(session=session, event=event, now=now, policy=policy)

    def policy_for(self, platform: str):
        return self.policies.get(platform, self.policy)

    def sweep(self, *, now: datetime) -> int:
        """Queue every reminder and digest due at `now` (one transaction)."""
        with self.sessions.begin() as session:
            return sweep(session=session, now=now, policy_for=self.policy_for)

    def next_due(self, *, after: datetime) -> datetime | None:
        with self.sessions() as session:
            return next_due(session=session, after=after, policy_for=self.policy_for)

    def prune(self, *, now: datetime) -> int:
        """Drop processed-event ids older than a week (platforms redeliver for hours, not days)."""
        with self.sessions.begin() as session:
            return prune_processed(session=session, before=now - DEDUPE_KEEP)

    def deliver(self, *, platform: str, sender: Sender, now: datetime) -> int:
        return deliver_due(sessions=self.sessions, platform=platform, sender=sender, now=now)

    def close(self) -> None:
        self.engine.dispose()
