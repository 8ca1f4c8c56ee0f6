"""DingTalkRuntime: Stream mode or the HTTP route, into the Runner; the sender.

Both transports hand an envelope (parse.py) to `accept`, which commits it to the inbox
(runner.accept) before the transport acknowledges: the HTTP route answers 200 after it
returns, the Stream ACK frame is written after its handler returns. If storing fails,
`accept` raises: HTTP answers 500 and the ACK says 500. (DingTalk does not push a robot
message again, so that message is lost either way; it is logged.) Look-ups and the parse
happen later, on a runner worker (`to_event`). A card click is processed at once, within
DingTalk's two seconds, so its answer can update the card in place and tell the presser how
it went.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.dingtalk import lookup, signing
from adapters.dingtalk.api import DingTalkApi, DingTalkError
from adapters.dingtalk.parse import CARD_TOPIC, MESSAGE_TOPIC, PLATFORM, as_dict, envelope, event_key, parse
from adapters.dingtalk.render import defuse, plain
from adapters.dingtalk.sender import Answering, DingTalkSender
from adapters.dingtalk.stream import StreamConnection
from bot.events import IncomingEvent
from genjin.config import ConfigError, DingTalkSettings

if TYPE_CHECKING:
    from genjin.serve import Runner

log = logging.getLogger(__name__)

PATH = "/dingtalk/events"
MAX_BODY = 1 << 20  # DingTalk's callbacks are a few KB
CLICK_WAIT = 1.2  # seconds of DingTalk's two for answering a click
REGISTER_PATH = "/v1.0/card/callbacks/register"
NOTICES = {
    "pending": {"zh": "已收到，处理中…", "en": "Got it, working on it…"},
    "noop": {"zh": "已收到", "en": "Got it"},
}


async def read_body(request: Request) -> bytes | None:
    """The body, or None once it is over MAX_BODY (declared or actually sent)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class DingTalkRuntime:
    platform = PLATFORM

    def __init__(self, settings: DingTalkSettings, runner: Runner) -> None:
        self.settings, self.runner = settings, runner
        self.lang = settings.lang
        self.tz = runner.app.settings.calendar.timezone
        self.api = DingTalkApi(endpoint=settings.openapi_endpoint, client_id=settings.client_id,
                               client_secret=settings.client_secret, oapi=settings.oapi_endpoint)
        self.webhooks = lookup.Webhooks(clock=lambda: runner.clock().timestamp())
        self.answering = Answering()
        self.sender = DingTalkSender(self.api, settings, sessions=runner.app.sessions, webhooks=self.webhooks,
                                     tz=self.tz, answering=self.answering, clock=runner.clock)
        self.stream: StreamConnection | None = None
        runner.register(PLATFORM, self.to_event)

    # -- transports ------------------------------------------------------------------------
    def routes(self) -> list:
        return [Route(PATH, self._http, methods=["POST"])] if self.settings.mode == "http" else []

    async def _http(self, request: Request) -> JSONResponse:
        body = await read_body(request)
        if body is None:
            return JSONResponse({"msg": "request too large"}, status_code=413)
        try:  # the signature is checked before the body is read as JSON
            kind = signing.verify(request.headers, app_secret=self.settings.client_secret,
                                  card_secret=self.settings.card_callback_secret,
                                  now=self.runner.clock().timestamp())
        except signing.Rejected as why:
            log.warning("DingTalk callback refused: %s", why)
            return JSONResponse({"msg": "unauthorized"}, status_code=401)
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError as why:
            log.warning("DingTalk callback unreadable: %s", why)
            return JSONResponse({"msg": "bad request"}, status_code=400)
        if kind == signing.CARD:  # the signed timestamp tells one delivery of a click from another
            env = envelope(CARD_TOPIC, data, request.headers.get("x-ddpaas-signature-timestamp"))
        else:
            env = envelope(MESSAGE_TOPIC, data)
        try:
            answer = await run_in_threadpool(self.accept, env)
        except Exception as err:  # not stored: no 200
            log.error("DingTalk callback %s not stored: %r", event_key(env), err)
            return JSONResponse({"msg": "try again"}, status_code=500)
        return JSONResponse(answer if isinstance(answer, dict) else {})

    def start(self) -> None:
        """Check the credentials (an access token), register the card callback URL in HTTP
        mode, open the stream in Stream mode. A wrong setting stops start-up, saying which."""
        try:
            self.api.token()
        except DingTalkError as err:
            raise ConfigError(f"dingtalk: client_id {self.settings.client_id!r} and client_secret were refused "
                              f"by {self.settings.openapi_endpoint}: {err.code} {err.message}") from None
        except Exception as err:
            raise ConfigError(f"dingtalk: cannot get an access token from {self.settings.openapi_endpoint}: "
                              f"{err}") from None
        if self.settings.mode == "http" and self.settings.card_callback_url:
            self._register_card_callback()
        if self.settings.mode == "stream":
            self.stream = StreamConnection(client_id=self.settings.client_id,
                                           client_secret=self.settings.client_secret,
                                           endpoint=self.settings.openapi_endpoint, accept=self.accept)
            self.stream.start()

    def _register_card_callback(self) -> None:
        s = self.settings
        if not s.card_callback_secret:
            raise ConfigError("dingtalk: card_callback_url needs card_callback_secret (DingTalk signs clicks with it)")
        try:
            self.api.call("POST", REGISTER_PATH, json={"callbackRouteKey": s.card_callback_route_key,
                                                      "callbackUrl": s.card_callback_url,
                                                      "apiSecret": s.card_callback_secret, "forceUpdate": True})
        except DingTalkError as err:
            raise ConfigError(f"dingtalk: cannot register card_callback_url {s.card_callback_url!r}: "
                              f"{err.code} {err.message}") from None

    def healthy(self) -> bool:
        """False once the stream is dead (the thread ended, or no connection for a while)."""
        return self.stream is None or self.stream.alive

    def stop(self) -> None:
        if self.stream is not None:
            self.stream.stop()

    def close(self) -> None:
        self.api.close()

    # -- one path for both transports ------------------------------------------------------
    def accept(self, env: dict) -> dict | None:
        """Store one envelope; the answer for DingTalk (a click gets the card's new data).
        Synchronous; raises when the envelope could not be stored (then no ACK)."""
        key = event_key(env)
        if not key:
            return None
        click = env.get("topic") == CARD_TOPIC
        track = str(as_dict(env.get("data")).get("outTrackId") or "")
        if click:
            self.answering.begin(track)  # hold the card's own updates until this answer is out
        try:
            row = self.runner.accept(platform=PLATFORM, event_id=key, payload=env, wake=not click)
            if not click:
                return None
            outcome = self.runner.process_now(row, timeout=CLICK_WAIT) if row is not None else None
            return self._click_answer(track, outcome)
        finally:
            if click:
                self.answering.end(track)

    def _click_answer(self, track: str, outcome) -> dict:
        """The card as it reads now (the update the outbox is about to send, already written),
        and for the presser alone, how the click went."""
        public: dict[str, str] = {}
        latest = lookup.latest_card(self.runner.app.sessions, track)
        if latest is not None and latest.card is not None:
            public = self.sender.params_for(latest, latest.card)
        if outcome is None:
            notice = NOTICES["pending"].get(self.lang, NOTICES["pending"]["zh"])
        elif outcome.refusal:
            notice = defuse(plain(outcome.refusal))[:300]
        else:
            notice = "" if outcome.handled else NOTICES["noop"].get(self.lang, NOTICES["noop"]["zh"])
        return {"cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
                "cardData": {"cardParamMap": public}, "userPrivateData": {"cardParamMap": {"notice": notice}}}

    def to_event(self, env: dict) -> IncomingEvent | None:
        """Look up what the envelope lacks, then parse; remember the chat's sessionWebhook."""
        data, now = as_dict(env.get("data")), self.runner.clock()
        if env.get("topic") == CARD_TOPIC:
            home = lookup.card_home(self.runner.app.sessions, str(data.get("outTrackId") or ""))
            event = parse(env, received_at=now, chat_id=home)
        else:
            people = [str(u.get("staffId")) for u in data.get("atUsers") or [] if isinstance(u, dict)]
            event = parse(env, received_at=now, names=lookup.names_of(self.runner.app.sessions, people))
            hook = str(data.get("sessionWebhook") or "")
            if event is not None and self._fresh(event, now) and self._trusted(hook):
                self.webhooks.learn(event.chat_id, hook, data.get("sessionWebhookExpiredTime"))
        if event is not None and event.user_name is None:
            name = lookup.names_of(self.runner.app.sessions, [event.user_id]).get(event.user_id)
            event = replace(event, user_name=name) if name else event
        return event

    def _trusted(self, url: str) -> bool:
        """Genjin posts to a webhook URL it was sent: only to DingTalk's own hosts (or the
        configured API host), whatever a payload says."""
        host = urlsplit(url).hostname or ""
        return url.startswith("https://") and (host == "dingtalk.com" or host.endswith(".dingtalk.com")) or (
            urlsplit(url)[:2] == urlsplit(self.settings.openapi_endpoint)[:2])

    @staticmethod
    def _fresh(event: IncomingEvent, now: datetime) -> bool:
        return abs((now - event.received_at).total_seconds()) < 3600  # an old row's webhook is long dead
