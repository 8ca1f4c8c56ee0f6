"""Which token speaks for which Slack workspace.

Either one bot token (the app installed in one workspace), or the "Add to Slack" OAuth
install: one bot token per workspace, kept by slack_sdk's SQLAlchemy installation
store. Events name their team; outgoing messages name only a channel or a user, so the
team of each conversation and person is remembered (slack_conversations) as events
are read, and the sender asks for the token by conversation.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.ports import PermanentFailure
from genjin.config import ConfigError, SlackSettings
from storage.models import SlackConversation

log = logging.getLogger(__name__)
REFUSED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked")


class NotInstalled(LookupError):
    """No installation for this workspace (never installed, or uninstalled since)."""


@dataclass(frozen=True)
class Workspace:
    team_id: str | None
    client: WebClient
    bot_user_id: str | None


class Workspaces:
    def __init__(self, settings: SlackSettings, *, store: InstallationStore | None = None,
                 sessions: sessionmaker[Session] | None = None, ttl: float = 300,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.store, self.sessions, self.ttl, self.clock = settings, store, sessions, ttl, clock
        self.single = None if store else WebClient(token=settings.bot_token, base_url=settings.api_url)
        self._bot_user_id: str | None = None
        self._cache: dict[tuple[str | None, str | None], tuple[Workspace, float]] = {}
        self._teams: dict[str, tuple[str | None, str | None]] = {}  # conversation -> (enterprise, team)
        self._lock = threading.Lock()

    # -- one token -------------------------------------------------------------------------
    def check(self) -> None:
        """At start: the single bot token must be one Slack accepts (OAuth installs are per request)."""
        if self.single is not None:
            self._single_bot_user_id(strict=True)

    def _single_bot_user_id(self, *, strict: bool = False) -> str | None:
        with self._lock:
            if self._bot_user_id is None:
                try:
                    self._bot_user_id = self.single.auth_test()["user_id"]
                except SlackApiError as err:
                    if err.response.get("error") in REFUSED:
                        raise ConfigError(f"slack.bot_token refused by auth.test: {err.response['error']}") from None
                    if strict:
                        raise
                    log.warning("auth.test failed: %s", err)
            return self._bot_user_id

    # -- by workspace ----------------------------------------------------------------------
    def get(self, team_id: str | None, enterprise_id: str | None = None, *,
            is_enterprise_install: bool = False) -> Workspace:
        """The client and bot user of a workspace; NotInstalled when there is no installation."""
        if self.single is not None:
            return Workspace(team_id, self.single, self._single_bot_user_id())
        key = (enterprise_id if is_enterprise_install else None, team_id)
        with self._lock:
            hit = self._cache.get(key)
        if hit and self.clock() - hit[1] < self.ttl:  # a reinstall's new token is seen within ttl
            return hit[0]
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                  is_enterprise_install=is_enterprise_install)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"Genjin is not installed in Slack workspace {team_id or enterprise_id}")
        workspace = Workspace(team_id, WebClient(token=bot.bot_token, base_url=self.settings.api_url),
                              bot.bot_user_id)
        with self._lock:
            self._cache[key] = (workspace, self.clock())
        return workspace

    def forget(self, team_id: str | None, enterprise_id: str | None = None) -> None:
        """The app was uninstalled or its tokens revoked: drop the installation."""
        if self.store is None:
            return
        self.store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=None)
        self.store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if k[1] != team_id}

    # -- conversations ---------------------------------------------------------------------
    def remember(self, team_id: str | None, enterprise_id: str | None, ids: Iterable[str]) -> None:
        """Note the workspace of channels and people seen in its events (multi-workspace only)."""
        if self.store is None or not team_id:
            return
        new = [i for i in dict.fromkeys(ids) if i and self._teams.get(i) != (enterprise_id, team_id)]
        for conversation in new:
            try:
                with self.sessions.begin() as session:
                    session.merge(SlackConversation(conversation_id=conversation, team_id=team_id,
                                                    enterprise_id=enterprise_id))
            except IntegrityError:  # another worker wrote it first: same answer
                pass
            self._teams[conversation] = (enterprise_id, team_id)

    def same_workspace(self, known: str, new: str) -> None:
        """`new` (a channel the bot just created) is in the workspace of `known`."""
        if self.store is not None:
            enterprise_id, team_id = self._team_of(known)
            self.remember(team_id, enterprise_id, [new])

    def client_for(self, conversation: str, team_id: str | None = None) -> WebClient:
        """The sender's way in: the client of the workspace `conversation` (channel or user) is in."""
        if self.single is not None:
            return self.single
        enterprise_id = None
        if team_id is None:
            enterprise_id, team_id = self._team_of(conversation)
        try:
            return self.get(team_id, enterprise_id, is_enterprise_install=team_id is None).client
        except NotInstalled as err:
            raise PermanentFailure(str(err)) from None

    def _team_of(self, conversation: str) -> tuple[str | None, str | None]:
        if conversation not in self._teams:
            with self.sessions() as session:
                row = session.get(SlackConversation, conversation)
            if row is None:
                raise PermanentFailure(f"no Slack workspace is known for {conversation!r} "
                                       "(none of its events has been seen)")
            self._teams[conversation] = (row.enterprise_id, row.team_id)
        return self._teams[conversation]
