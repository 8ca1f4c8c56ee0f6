"""SlackRuntime: Socket Mode or HTTP (POST /slack/events) on Bolt, into the Runner.

Every transport does the same: Bolt checks the request is Slack's, `intake.Intake`
stores the raw payload (runner.accept) and only then acks; later a runner worker calls
`translate`, which reads the stored payload with parse.to_event and the look-ups it
needs (display names, can the bot post here). Redeliveries keep their inbox key
(parse.event_key), so the inbox drops them. One bot token serves one workspace; with
client_id/client_secret the "Add to Slack" install serves many (workspaces.py).
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install, extract_team_id
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from starlette.routing import Route

from adapters.slack import intake
from adapters.slack.parse import PLATFORM, to_event
from adapters.slack.sender import SlackSender
from adapters.slack.users import UserNames
from adapters.slack.workspaces import NotInstalled, Workspaces
from bot.events import EventKind, IncomingEvent
from genjin.config import ConfigError, SlackSettings

if TYPE_CHECKING:
    from genjin.serve import Runner

log = logging.getLogger(__name__)
EVENTS_PATH = intake.EVENTS_PATH
# The bot scopes manifest.yaml asks for; the OAuth install asks for the same unless slack.scopes says.
SCOPES = ("app_mentions:read", "channels:history", "groups:history", "im:history", "mpim:history", "im:write",
          "chat:write", "chat:write.public", "commands", "reactions:read", "users:read", "channels:read",
          "groups:read", "im:read", "mpim:read", "files:write")
UNSURE_FOR = 600  # seconds a "the bot cannot post here" answer is trusted (another replica saw the join)
NOT_A_MEMBER = {
    "en": "I can't post in this conversation, so nothing was recorded. Invite me first "
          "(/invite @genjin), or use a channel I'm in or our direct message.",
    "zh": "我不在这个会话里，无法在这里回复，所以没有登记任何内容。请先邀请我（/invite @genjin），"
          "或在我所在的频道、与我的私信里使用。",
}


class SlackRuntime:
    platform = PLATFORM

    def __init__(self, settings: SlackSettings, runner: Runner, *, sender: SlackSender | None = None,
                 clock=time.monotonic) -> None:
        _check(settings)
        self.settings, self.runner, self.clock = settings, runner, clock
        self.workspaces, oauth = self._workspaces(settings, runner)
        self.sender = sender or SlackSender(self.workspaces.client_for, lang=settings.lang,
                                            room_created=self.workspaces.same_workspace)
        self.names = UserNames()
        self._postable: dict[str, tuple[bool, float]] = {}  # channel -> (can the bot post there, when seen)
        self._lock = threading.Lock()
        self.bolt = intake.build_bolt(settings, intake.Intake(self._accept, self._seen), oauth_settings=oauth,
                                      client=self.workspaces.single or WebClient(base_url=settings.api_url))
        self._socket: SocketModeHandler | None = None
        runner.register(PLATFORM, self.translate)

    @staticmethod
    def _workspaces(settings: SlackSettings, runner: Runner) -> tuple[Workspaces, OAuthSettings | None]:
        if not settings.oauth:
            return Workspaces(settings), None
        # slack_sdk's SQLAlchemy stores on Genjin's own database (tables from migration 0005).
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
        from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

        engine = runner.app.engine
        store = SQLAlchemyInstallationStore(client_id=settings.client_id, engine=engine)
        oauth = OAuthSettings(
            client_id=settings.client_id, client_secret=settings.client_secret,
            scopes=settings.scopes or list(SCOPES), installation_store=store, installation_store_bot_only=True,
            state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
            install_path=settings.install_path, redirect_uri_path=settings.redirect_uri_path,
            redirect_uri=settings.redirect_uri or None)
        return Workspaces(settings, store=store, sessions=runner.app.sessions), oauth

    # -- intake (on the request path: quick, no Slack API calls) ----------------------------------
    def _accept(self, key: str, body: dict) -> None:
        self.runner.accept(platform=PLATFORM, event_id=key, payload=body)

    def _seen(self, body: dict) -> None:
        event = body.get("event") or {}
        if event.get("type") == "member_joined_channel":
            with self._lock:  # someone (perhaps the bot) joined: ask again whether the bot can post
                self._postable.pop(event.get("channel"), None)

    # -- after the ack, on a runner worker ----------------------------------------------------
    def translate(self, payload: dict) -> IncomingEvent | None:
        """A stored payload -> the core's event (None: nothing for the core). Raising retries it later."""
        team, enterprise = extract_team_id(payload), extract_enterprise_id(payload)
        event_type = (payload.get("event") or {}).get("type")
        if event_type == "app_uninstalled" or (
                event_type == "tokens_revoked" and (payload["event"].get("tokens") or {}).get("bot")):
            self.workspaces.forget(team, enterprise)
            return None
        try:
            workspace = self.workspaces.get(team, enterprise,
                                            is_enterprise_install=bool(extract_is_enterprise_install(payload)))
        except NotInstalled as err:
            log.warning("ignoring a Slack payload: %s", err)
            return None
        if workspace.bot_user_id is None:  # auth.test failed just now: read it when it can tell @bot apart
            raise RuntimeError("the bot's own user id is not known yet (auth.test failed)")
        event = to_event(payload, now=self.runner.clock(), bot_user_id=workspace.bot_user_id,
                         name_of=partial(self.names, client=workspace.client),
                         tenant=team if self.settings.oauth else None)
        if event is None:
            return None
        self.workspaces.remember(team, enterprise, [event.chat_id, event.user_id,
                                                    *(m.user_id for m in event.mentions)])
        if event.kind == EventKind.COMMAND and not self._can_post(workspace.client, event.chat_id):
            self._answer_privately(payload.get("response_url"), NOT_A_MEMBER[self.settings.lang])
            return None  # an item nobody could see is worse than none: nothing is recorded
        return event

    def _can_post(self, client: WebClient, channel: str) -> bool:
        """Whether the bot can answer in `channel`: a member, its own DM, or a public channel
        (chat:write.public). Private channels and other people's DMs refuse it."""
        with self._lock:
            hit = self._postable.get(channel)
        if hit is not None and (hit[0] or self.clock() - hit[1] < UNSURE_FOR):
            return hit[0]
        try:
            info = client.conversations_info(channel=channel)["channel"]
            postable = bool(info.get("is_member") or info.get("is_im") or not info.get("is_private"))
        except SlackApiError as err:
            if err.response.get("error") != "channel_not_found":
                return True  # unsure (scope, hiccup): try, and let delivery report a refusal
            postable = False
        with self._lock:
            self._postable[channel] = (postable, self.clock())
        return postable

    def _answer_privately(self, response_url: str | None, text: str) -> None:
        """Slack's response_url reaches the person who typed the command, wherever they are."""
        if not response_url:
            return
        try:
            WebhookClient(response_url).send(text=text, response_type="ephemeral")
        except Exception as err:  # nothing else can reach them; log it
            log.warning("could not answer a slash command through its response_url: %s", err)

    # -- transports ---------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        return intake.routes(self.bolt, self.settings)

    def start(self) -> None:
        self.workspaces.check()
        if self.settings.mode == "socket":
            self._socket = SocketModeHandler(self.bolt, app_token=self.settings.app_token,
                                             web_client=WebClient(base_url=self.settings.api_url))
            self._socket.connect()

    def healthy(self) -> bool:
        return self._socket is None or self._socket.client.is_connected()

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _check(settings: SlackSettings) -> None:
    if settings.mode == "http" and not settings.signing_secret:
        raise ConfigError("slack.mode = \"http\" needs slack.signing_secret (Basic Information page)")
    if settings.mode == "socket" and not settings.app_token:
        raise ConfigError("slack.mode = \"socket\" needs slack.app_token (xapp-…, scope connections:write)")
    if settings.oauth and not (settings.client_id and settings.client_secret):
        raise ConfigError("the Slack install for several workspaces needs both slack.client_id and "
                          "slack.client_secret (Basic Information → App Credentials)")
    if settings.oauth and settings.bot_token:
        raise ConfigError("set either slack.bot_token (one workspace) or slack.client_id and "
                          "slack.client_secret (\"Add to Slack\", many workspaces), not both")
