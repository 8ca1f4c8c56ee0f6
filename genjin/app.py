"""Wiring: the database, the policy, and the two verbs every transport needs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.bitable import sync as bitable_sync
from bot.dispatch import Outcome, apply_event, handle_event
from bot.events import IncomingEvent
from bot.followup import due_index
from bot.followup.sweep import next_due, sweep
from bot.ports import Sender
from genjin import charts
from genjin.config import Settings
from genjin.export import register_producer as register_export
from genjin.web.links import SignedLinks
from reminders import attachments
from reminders.delivery import deliver_due
from storage import inbox
from storage.db import make_engine, prune_processed, session_factory, upgrade
from storage.write_gate import urgent

log = logging.getLogger(__name__)
DEDUPE_KEEP = timedelta(days=7)
SWEEP_RETRIES = 3


class App:
    """One process's view of Genjin: process events in, deliver messages out."""

    def __init__(self, settings: Settings, *, db_url: str | None = None) -> None:
        self.settings = settings
        register_export()  # /export's files are made at delivery, by whichever process delivers
        self.policy = settings.policy()
        # Each platform has its own default language (Slack: English, Feishu and DingTalk: Chinese);
        # DingTalk robots see no reactions, so its texts point to the card buttons.
        self.policies = {
            "slack": replace(self.policy, lang=settings.slack.lang, emergency_rooms=settings.slack.emergency_rooms),
            "feishu": replace(self.policy, lang=settings.feishu.lang,
                              emergency_rooms=settings.feishu.emergency_rooms, bitable=settings.bitable.enabled),
            "dingtalk": replace(self.policy, lang=settings.dingtalk.lang, buttons_only=True),
            "wecom": replace(self.policy, lang=settings.wecom.lang, buttons_only=True),  # no reactions either
        }
        # The web view's links (/dashboard): signed here, in the shell, with the [web] secret.
        self.links = SignedLinks(settings.web.base_url, settings.web.secret) if settings.web.configured else None
        self.engine = make_engine(db_url or settings.db_url())
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)
        due_index.watch(self.sessions)
        attachments.register(charts.SOURCE, charts.producer(self.policy_for))
        if settings.bitable.enabled:
            bitable_sync.watch(self.sessions)
        with self.sessions.begin() as session:  # new rules (a changed config): recompute every moment
            due_index.rebuild_if_rules_changed(session=session, rules=repr((self.policy, sorted(self.policies.items()))))

    def process(self, event: IncomingEvent, *, now: datetime) -> bool:
        """Handle one event in one transaction; False if it was a redelivery."""
        with self.sessions.begin() as session:
            policy = self.policy_for(event.platform)
            return handle_event(session=session, event=event, now=now, policy=policy, links=self.links)

    def store(self, *, platform: str, event_id: str, payload: dict, now: datetime) -> int | None:
        """Keep a raw payload before the platform is acknowledged; None for a redelivery."""
        with urgent(), self.sessions.begin() as session:  # the platform is waiting: ahead of the workers
            return inbox.store(session=session, platform=platform, event_id=event_id, payload=payload, now=now)

    def process_stored(self, row_id: int, event: IncomingEvent | None, *, owner: str,
                       now: datetime) -> Outcome | None:
        """Apply the event read from inbox row `row_id` and mark the row done, in one transaction.

        None when the row is no longer ours (another worker took it over): nothing applied.
        """
        with self.sessions.begin() as session:
            if not inbox.finish(session=session, row_id=row_id, owner=owner, now=now):
                return None
            if event is None:
                return Outcome(False)
            return apply_event(session=session, event=event, now=now, policy=self.policy_for(event.platform),
                               links=self.links)

    def apply_stored(self, row_id: int, apply: Callable[[Session, datetime], None], *, owner: str,
                     now: datetime) -> Outcome | None:
        """Apply a stored payload that is no chat event (a Jira webhook) and mark its row done,
        in one transaction; None when the row is no longer ours."""
        with self.sessions.begin() as session:
            if not inbox.finish(session=session, row_id=row_id, owner=owner, now=now):
                return None
            apply(session, now)
            return Outcome(True)

    def policy_for(self, platform: str):
        return self.policies.get(platform, self.policy)

    def sweep(self, *, now: datetime) -> int:
        """Queue every reminder and digest due at `now`, a page per transaction."""
        queued, conflicts = 0, 0
        while True:
            try:
                with self.sessions.begin() as session:
                    page = sweep(session=session, now=now, policy_for=self.policy_for)
            except OperationalError:
                # Two replicas claiming the same chat-wide reminder can deadlock; the database
                # picks one to roll back, and that page is simply swept again.
                conflicts += 1
                if conflicts > SWEEP_RETRIES:
                    raise
                log.info("sweep page rolled back by a conflict with another replica; again (%d)", conflicts)
                continue
            queued += page.queued
            if not page.more:
                return queued

    def next_due(self, *, after: datetime) -> datetime | None:
        with self.sessions() as session:
            return next_due(session=session, after=after)

    def prune(self, *, now: datetime) -> int:
        """Drop processed-event ids older than a week (platforms redeliver for hours, not days)."""
        with self.sessions.begin() as session:
            inbox.prune(session=session, before=now - DEDUPE_KEEP)
            return prune_processed(session=session, before=now - DEDUPE_KEEP)

    def deliver(self, *, platform: str, sender: Sender, now: datetime | None = None,
                clock: Callable[[], datetime] | None = None) -> int:
        """Send what is due; give a `clock` (read per lease) in production, a fixed `now` in tests."""
        return deliver_due(sessions=self.sessions, platform=platform, sender=sender, clock=clock or (lambda: now))

    def close(self) -> None:
        self.engine.dispose()
