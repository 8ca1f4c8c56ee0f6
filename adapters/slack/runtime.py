"""SlackRuntime: Socket Mode (no public URL) or HTTP (POST /slack/events) into the Runner.

Every transport does the same four things: check the request is Slack's, ack at
once, translate with parse.to_event, and hand the event to runner.submit. The
translation runs off the request path because it may ask users.info for a name,
and Slack wants its ack within 3 seconds. Redeliveries (X-Slack-Retry-Num,
Socket Mode retry_attempt) keep their event id, so the core's dedupe drops them.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.slack.parse import to_event
from adapters.slack.sender import SlackSender
from adapters.slack.users import UserNames
from bot.events import EventKind
from genjin.config import ConfigError, SlackSettings

if TYPE_CHECKING:
    from genjin.serve import Runner

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
NOT_A_MEMBER = {
    "en": "I can't post in this conversation, so nothing was recorded. Invite me first "
          "(/invite @genjin), or use a channel I'm in or our direct message.",
    "zh": "我不在这个会话里，无法在这里回复，所以没有登记任何内容。请先邀请我（/invite @genjin），"
          "或在我所在的频道、与我的私信里使用。",
}


def decode_body(body: bytes, content_type: str) -> dict:
    """Events come as JSON, slash commands as a form, interactivity as a form field `payload`."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    form = {key: values[0] for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    return json.loads(form["payload"]) if "payload" in form else form


class SlackRuntime:
    platform = "slack"

    def __init__(self, settings: SlackSettings, runner: Runner, *, verifier: SignatureVerifier | None = None,
                 sender: SlackSender | None = None) -> None:
        if settings.mode == "http" and not settings.signing_secret:
            raise ConfigError("slack.mode = \"http\" needs slack.signing_secret (Basic Information page)")
        if settings.mode == "socket" and not settings.app_token:
            raise ConfigError("slack.mode = \"socket\" needs slack.app_token (xapp-…, scope connections:write)")
        self.settings, self.runner = settings, runner
        self.client = WebClient(token=settings.bot_token, base_url=settings.api_url)
        self.sender = sender or SlackSender(self.client)
        self.names = UserNames(self.client)
        self.verifier = verifier or (SignatureVerifier(settings.signing_secret) if settings.signing_secret else None)
        self._bot_user_id: str | None = None
        self._bot_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="genjin-slack")
        self._socket: SocketModeClient | None = None
        self._postable: dict[str, bool] = {}  # channel -> can the bot post there (a join needs a restart)

    # -- shared ------------------------------------------------------------------------

    def bot_user_id(self) -> str | None:
        """The bot's own user id (auth.test), to spot @bot and its own messages."""
        with self._bot_lock:
            if self._bot_user_id is None:
                try:
                    self._bot_user_id = self.client.auth_test()["user_id"]
                except SlackApiError as err:
                    if err.response.get("error") in ("invalid_auth", "not_authed", "account_inactive"):
                        raise ConfigError(f"slack.bot_token refused by auth.test: {err.response['error']}") from None
                    log.warning("auth.test failed: %s", err)
            return self._bot_user_id

    def ingest(self, payload: dict) -> None:
        """Translate one acknowledged payload and queue it for the core; never raises."""
        try:
            event = to_event(payload, now=self.runner.clock(), bot_user_id=self.bot_user_id(), name_of=self.names)
        except Exception:  # a payload we misread must not take the transport down
            log.exception("could not read a Slack payload of type %r", payload.get("type"))
            return
        if event is None:
            return
        if event.kind == EventKind.COMMAND and not self._can_post(event.chat_id):
            self._answer_privately(payload.get("response_url"), NOT_A_MEMBER[self.settings.lang])
            return  # an item nobody could see is worse than none: nothing is recorded
        self.runner.submit(event)

    def _can_post(self, channel: str) -> bool:
        """Whether the bot can answer in `channel`: a member, its own DM, or a public channel
        (chat:write.public). Private channels and other people's DMs refuse it."""
        if channel not in self._postable:
            try:
                info = self.client.conversations_info(channel=channel)["channel"]
                self._postable[channel] = bool(info.get("is_member") or info.get("is_im")
                                               or not info.get("is_private"))
            except SlackApiError as err:
                if err.response.get("error") != "channel_not_found":
                    return True  # unsure (scope, hiccup): try, and let delivery report a refusal
                self._postable[channel] = False
        return self._postable[channel]

    def _answer_privately(self, response_url: str | None, text: str) -> None:
        """Slack's response_url reaches the person who typed the command, wherever they are."""
        if not response_url:
            return
        try:
            WebhookClient(response_url).send(text=text, response_type="ephemeral")
        except Exception as err:  # nothing else can reach them; log it
            log.warning("could not answer a slash command through its response_url: %s", err)

    # -- HTTP mode ---------------------------------------------------------------------

    def routes(self) -> list[Route]:
        if self.settings.mode != "http":
            return []
        return [Route(EVENTS_PATH, self.handle_http, methods=["POST"])]

    async def handle_http(self, request: Request) -> Response:
        body = await request.body()
        if not self._signed(body, dict(request.headers)):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        try:
            payload = decode_body(body, request.headers.get("content-type", ""))
        except (ValueError, KeyError):
            return JSONResponse({"error": "unreadable body"}, status_code=400)
        if payload.get("type") == "url_verification":
            return JSONResponse({"challenge": payload.get("challenge", "")})
        self._pool.submit(self.ingest, payload)
        return Response(status_code=200)  # empty: the answer comes as a message from the outbox

    def _signed(self, body: bytes, headers: dict) -> bool:
        if self.verifier is None:
            return False
        try:
            return self.verifier.is_valid_request(body, headers)
        except ValueError:  # a non-numeric timestamp header: a forgery, not our error
            return False

    # -- Socket Mode -------------------------------------------------------------------

    def start(self) -> None:
        self.bot_user_id()
        if self.settings.mode != "socket":
            return
        self._socket = SocketModeClient(app_token=self.settings.app_token, web_client=self.client)
        self._socket.socket_mode_request_listeners.append(self._on_socket_request)
        self._socket.connect()

    def _on_socket_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        # Ack before anything else: an unacked envelope is redelivered.
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        if request.type in ("events_api", "slash_commands", "interactive"):
            self.ingest(request.payload)

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._pool.shutdown(wait=True)
