"""FeishuRuntime: the HTTP callback route, the long connection, and the sender.

Both transports hand the decoded event to `accept`, which queues it and answers at
once (Feishu wants an answer within 3 s): the name and chat look-ups, the parse
and `runner.submit` happen on one intake thread.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.feishu.api import FeishuApi
from adapters.feishu.crypto import Rejected, open_callback
from adapters.feishu.longconn import LongConnection
from adapters.feishu.lookup import chat_of_message
from adapters.feishu.names import Names
from adapters.feishu.parse import (
    CARD_ACTION,
    MESSAGE,
    REACTION_CREATED,
    REACTION_DELETED,
    event_type,
    parse,
    reaction_table,
)
from adapters.feishu.sender import MESSAGES, FeishuSender
from bot.events import IncomingEvent
from genjin.config import ConfigError, FeishuSettings
from genjin.serve import Runner

log = logging.getLogger(__name__)

PATH = "/feishu/events"
TOAST = {"zh": "已收到，处理中", "en": "Got it, working on it"}


class FeishuRuntime:
    platform = "feishu"

    def __init__(self, settings: FeishuSettings, runner: Runner, *, intake: Executor | None = None) -> None:
        self.settings, self.runner = settings, runner
        self.api = FeishuApi(domain=settings.domain, app_id=settings.app_id, app_secret=settings.app_secret)
        self.sender = FeishuSender(self.api)
        self.names = Names(self.api)
        self.reactions = reaction_table(settings.reactions)
        self._intake = intake or ThreadPoolExecutor(max_workers=1, thread_name_prefix="genjin-feishu-intake")
        self.long_connection: LongConnection | None = None

    # -- transports ------------------------------------------------------------------
    def routes(self) -> list:
        return [Route(PATH, self._http, methods=["POST"])] if self.settings.mode == "http" else []

    async def _http(self, request: Request) -> JSONResponse:
        body = await request.body()
        try:
            data = open_callback(body, request.headers, encrypt_key=self.settings.encrypt_key,
                                 verification_token=self.settings.verification_token,
                                 now=self.runner.clock().timestamp())
        except Rejected as why:  # 401, not the SDK's 500: Feishu must not retry a forgery
            log.warning("Feishu callback refused: %s", why)
            return JSONResponse({"msg": "unauthorized"}, status_code=401)
        except ValueError:
            return JSONResponse({"msg": "bad request"}, status_code=400)
        if data.get("type") == "url_verification":
            return JSONResponse({"challenge": data.get("challenge", "")})
        return JSONResponse(self.accept(data) or {"msg": "success"})

    def start(self) -> None:
        try:  # fetching a tenant token proves the credentials and the domain, in either mode
            self.api.token()
        except Exception as err:
            raise ConfigError(f"feishu: cannot get a tenant token with app_id {self.settings.app_id!r} "
                              f"from {self.settings.domain}: {err}") from None
        if self.settings.mode == "ws":
            self.long_connection = LongConnection(app_id=self.settings.app_id, app_secret=self.settings.app_secret,
                                                  domain=self.settings.domain, accept=self.accept)
            self.long_connection.start()

    def healthy(self) -> bool:
        """False once the long connection has given up (e.g. credentials revoked)."""
        return self.long_connection is None or self.long_connection.alive

    def stop(self) -> None:
        if self.long_connection is not None:
            self.long_connection.stop()
        self._intake.shutdown(wait=True)  # queued events still reach the runner

    def close(self) -> None:
        """After delivery has stopped: release the HTTP client."""
        self.api.close()

    # -- one path for both transports --------------------------------------------------
    def accept(self, data: dict) -> dict | None:
        """Queue one verified event; the answer for the platform (a card click gets a toast)."""
        self._intake.submit(self._ingest, data)
        if event_type(data) == CARD_ACTION:
            return {"toast": {"type": "success", "content": TOAST.get(self.settings.lang, TOAST["zh"])}}
        return None

    def _ingest(self, data: dict) -> None:
        try:
            event = self.to_event(data)
            if event is not None:
                self.runner.submit(event)
        except Exception:  # logged, never raised into a transport
            log.exception("Feishu event %s dropped", (data.get("header") or {}).get("event_id"))

    def to_event(self, data: dict) -> IncomingEvent | None:
        """Look up what the payload lacks, then parse; enrich with the sender's name."""
        kind, chat_id, direct, bot = event_type(data), None, False, None
        if kind in (REACTION_CREATED, REACTION_DELETED):
            chat_id, direct = self._reaction_chat(str((data.get("event") or {}).get("message_id") or ""))
        elif kind == MESSAGE:
            bot = self.settings.bot_open_id or self.names.bot_open_id()
        event = parse(data, received_at=self.runner.clock(), bot_open_id=bot, chat_id=chat_id,
                      direct=direct, reactions=self.reactions)
        if event is not None and event.user_name is None:
            name = self.names.name(event.user_id)
            event = replace(event, user_name=name) if name else event
        return event

    def _reaction_chat(self, message_id: str) -> tuple[str | None, bool]:
        """(the chat of a bot message, whether it is a direct chat); (None, False) if not ours."""
        if not message_id:
            return None, False
        sent, chat_id = chat_of_message(self.runner.app.sessions, message_id)
        if not sent:
            return None, False  # not the bot's message: nothing for the core to do
        if chat_id is not None:
            return chat_id, False
        try:  # a direct message sent by open_id: ask Feishu where it is
            items = (self.api.call("GET", f"{MESSAGES}/{message_id}").get("data") or {}).get("items") or []
            return (items[0].get("chat_id") if items else None), True
        except Exception as err:
            log.info("cannot find the chat of %s: %s", message_id, err)
            return None, False
