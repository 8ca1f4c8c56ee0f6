"""FeishuRuntime: the HTTP callback route, the long connection, and the sender.

Both transports hand a verified payload to `accept`, which commits it to the inbox
(`runner.accept`) before the transport acknowledges: the HTTP route answers 200 after
it returns, and the long connection's SDK echoes code 200 after its handler returns.
When storing fails, `accept` raises: HTTP answers 500 and the SDK answers 500, so
Feishu pushes the event again. Name and chat look-ups and the parse happen later, on
a runner worker (`to_event`). A card click is processed at once so its toast can say
how it went.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.feishu.api import FeishuApi
from adapters.feishu.bitable import BitableWriter, bound_chat, bound_tables, stored_record_ids
from adapters.feishu.bitable_poll import BitablePoll
from adapters.feishu.crypto import Rejected, open_callback
from adapters.feishu.directory import DirectorySync
from adapters.feishu.longconn import LongConnection
from adapters.feishu.lookup import ChatModes, chat_of_message, sent_at_of
from adapters.feishu.names import Names
from adapters.feishu.parse import (
    BITABLE_RECORD_CHANGED,
    CARD_ACTION,
    MESSAGE,
    PLATFORM,
    REACTION_CREATED,
    REACTION_DELETED,
    as_dict,
    event_id,
    event_type,
    parse,
    reaction_table,
)
from adapters.feishu.render import plain
from adapters.feishu.sender import MESSAGES, FeishuSender
from bot.directory_sync import DirectoryDepartment, sync_departments
from bot.events import IncomingEvent
from genjin.config import ConfigError, FeishuSettings
from genjin.serve import Runner

log = logging.getLogger(__name__)

PATH = "/feishu/events"
MAX_BODY = 1 << 20  # Feishu's events are a few KB; refuse anything near a megabyte unread
STORED = {MESSAGE, REACTION_CREATED, REACTION_DELETED, CARD_ACTION}  # others need nothing: ack only
CLICK_WAIT = 2.0  # of Feishu's 3 s for answering a click
TOASTS = {
    "done": {"zh": "已处理", "en": "Done"},
    "noop": {"zh": "已收到", "en": "Got it"},
    "pending": {"zh": "已收到，处理中", "en": "Got it, working on it"},
}


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused (TooLarge) once it is over `limit`: by its Content-Length before
    reading, and by what actually arrives (a chunked or lying sender)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise TooLarge(declared)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(size)
        chunks.append(chunk)
    return b"".join(chunks)


class FeishuRuntime:
    platform = PLATFORM

    def __init__(self, settings: FeishuSettings, runner: Runner) -> None:
        self.settings, self.runner = settings, runner
        self.api = FeishuApi(domain=settings.domain, app_id=settings.app_id, app_secret=settings.app_secret)
        bitable_on = runner.app.settings.bitable.enabled
        self.bitable = BitableWriter(self.api, stored_record_ids(runner.app.sessions)) if bitable_on else None
        self.stored = STORED | ({BITABLE_RECORD_CHANGED} if bitable_on else set())
        poll = runner.app.settings.bitable.poll_minutes
        self.bitable_poll = BitablePoll(self.api, tables=lambda: bound_tables(runner.app.sessions), accept=self.accept,
                                        every_minutes=poll) if bitable_on and poll > 0 else None
        self.sender = FeishuSender(self.api, lang=settings.lang, clock=runner.clock, bitable=self.bitable,
                                   sent_at=lambda message_id: sent_at_of(runner.app.sessions, message_id))
        self.names = Names(self.api)
        self.chats = ChatModes(self.api)
        self.reactions = reaction_table(settings.reactions)
        self.long_connection: LongConnection | None = None
        self.directory = DirectorySync(self.api, self.store_departments, every_hours=settings.directory_refresh_hours) \
            if settings.directory_departments else None
        runner.register(PLATFORM, self.to_event)

    # -- transports ------------------------------------------------------------------
    def routes(self) -> list:
        return [Route(PATH, self._http, methods=["POST"])] if self.settings.mode == "http" else []

    async def _http(self, request: Request) -> JSONResponse:
        try:
            body = await read_body(request)
        except TooLarge:
            return JSONResponse({"msg": "request too large"}, status_code=413)
        try:  # the signature is checked on the raw bytes before anything is parsed
            data = open_callback(body, request.headers, encrypt_key=self.settings.encrypt_key,
                                 verification_token=self.settings.verification_token,
                                 now=self.runner.clock().timestamp())
        except Rejected as why:  # 401, not the SDK's 500: Feishu must not retry a forgery
            log.warning("Feishu callback refused: %s", why)
            return JSONResponse({"msg": "unauthorized"}, status_code=401)
        except ValueError as why:
            log.warning("Feishu callback unreadable: %s", why)
            return JSONResponse({"msg": "bad request"}, status_code=400)
        if data.get("type") == "url_verification":
            return JSONResponse({"challenge": data.get("challenge", "")})
        try:
            answer = await run_in_threadpool(self.accept, data)
        except Exception as err:  # not stored: no ack, Feishu pushes it again
            log.error("Feishu event %s not stored, asking for a redelivery: %r", event_id(data), err)
            return JSONResponse({"msg": "try again"}, status_code=500)
        return JSONResponse(answer or {"msg": "success"})

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
        if self.directory is not None:
            self.directory.start()
        if self.bitable_poll is not None:
            self.bitable_poll.start()

    def store_departments(self, departments: list[DirectoryDepartment]) -> int:
        """The contact directory's departments, added to those /dept keeps (one workspace: no tenant)."""
        with self.runner.app.sessions.begin() as session:
            return sync_departments(session=session, platform=PLATFORM, tenant=None, departments=departments)

    def healthy(self) -> bool:
        """False once the long connection has given up (e.g. credentials revoked)."""
        return self.long_connection is None or self.long_connection.alive

    def stop(self) -> None:
        if self.long_connection is not None:
            self.long_connection.stop()
        if self.directory is not None:
            self.directory.stop()
        if self.bitable_poll is not None:
            self.bitable_poll.stop()

    def close(self) -> None:
        """After delivery has stopped: release the HTTP client."""
        self.api.close()

    # -- one path for both transports --------------------------------------------------
    def accept(self, data: dict) -> dict | None:
        """Store one verified payload; the answer for the platform (a card click gets a toast).

        Synchronous, and raises when the payload could not be stored: the caller must
        then not acknowledge.
        """
        kind, key = event_type(data), event_id(data)
        if kind not in self.stored or not key:
            return None
        click = kind == CARD_ACTION
        row = self.runner.accept(platform=PLATFORM, event_id=key, payload=data, wake=not click)
        if not click:
            return None
        outcome = self.runner.process_now(row, timeout=CLICK_WAIT) if row is not None else None
        lang = self.settings.lang if self.settings.lang in TOASTS["done"] else "zh"
        if outcome is None:  # slow, or a redelivery of a click already stored
            return {"toast": {"type": "info", "content": TOASTS["pending"][lang]}}
        if outcome.refusal:
            return {"toast": {"type": "error", "content": plain(outcome.refusal)[:300]}}
        return {"toast": {"type": "success" if outcome.handled else "info",
                          "content": TOASTS["done" if outcome.handled else "noop"][lang]}}

    def to_event(self, data: dict) -> IncomingEvent | None:
        """Look up what the payload lacks, then parse; enrich with the sender's name."""
        kind, chat_id, direct, bot, records, fields = event_type(data), None, False, None, None, None
        event = as_dict(data.get("event"))
        if kind == BITABLE_RECORD_CHANGED and self.bitable is not None:
            chat_id, records, fields = self._table_rows(event)
            bot = self.settings.bot_open_id or self.names.bot_open_id()  # its own writes are no edits
        elif kind in (REACTION_CREATED, REACTION_DELETED):
            chat_id, direct = self._reaction_chat(str(event.get("message_id") or ""))
        elif kind == MESSAGE:
            bot = self.settings.bot_open_id or self.names.bot_open_id()
            message = as_dict(event.get("message"))
            self.chats.learn(str(message.get("chat_id") or ""), message.get("chat_type") == "p2p")
        elif kind == CARD_ACTION:  # the callback names the chat but not its kind
            context = as_dict(event.get("context"))
            direct = self._direct(str(context.get("open_chat_id") or ""), str(context.get("open_message_id") or ""))
        event = parse(data, received_at=self.runner.clock(), bot_open_id=bot, chat_id=chat_id,
                      direct=direct, reactions=self.reactions, records=records,
                      field_names=fields)
        if event is not None and event.user_name is None:
            name = self.names.name(event.user_id)
            event = replace(event, user_name=name) if name else event
        return event

    def _table_rows(self, event: dict) -> tuple[str | None, dict | None, dict | None]:
        """(the chat the edited table is bound to, each changed row as it reads now, its field names)."""
        app_token, table_id = str(event.get("file_token") or ""), str(event.get("table_id") or "")
        chat_id = bound_chat(self.runner.app.sessions, app_token, table_id) if app_token and table_id else None
        if chat_id is None or self.bitable is None:
            return None, None, None
        ids = [str(a.get("record_id")) for a in event.get("action_list") or [] if as_dict(a).get("record_id")]
        return (chat_id, {r: self.bitable.read(app_token, table_id, r) for r in dict.fromkeys(ids)},
                self.bitable.field_names(app_token, table_id))

    def _direct(self, chat_id: str, message_id: str) -> bool:
        """Whether a click or reaction happened in a one-to-one chat with the bot."""
        if message_id and chat_of_message(self.runner.app.sessions, message_id) == (True, None):
            return True  # the card went to a person by open_id
        return bool(chat_id) and self.chats.is_p2p(chat_id)

    def _reaction_chat(self, message_id: str) -> tuple[str | None, bool]:
        """(the chat of a bot message, whether it is a direct chat); (None, False) if not ours."""
        if not message_id:
            return None, False
        sent, chat_id = chat_of_message(self.runner.app.sessions, message_id)
        if not sent:
            return None, False  # not the bot's message: nothing for the core to do
        if chat_id is not None:
            return chat_id, self.chats.is_p2p(chat_id)
        try:  # a direct message sent by open_id: ask Feishu where it is
            items = (self.api.call("GET", f"{MESSAGES}/{message_id}").get("data") or {}).get("items") or []
            return (items[0].get("chat_id") if items else None), True
        except Exception as err:
            log.info("cannot find the chat of %s: %s", message_id, err)
            return None, False
