"""WeComRuntime: `GET/POST /wecom/events` into the Runner; the sender.

One URL serves both receivers WeCom offers a self-built setup: the app (one-to-one chats
and template card presses, XML) and the smart robot (@mentions in groups, JSON); the
signature says whose token signed it. GET answers WeCom's URL verification with the
decrypted echostr. A POST is verified, decrypted and committed to the inbox
(runner.accept) before the empty 200 that acknowledges it: a failure to store answers 500,
and WeCom pushes it again (three tries in all). A bad signature, a stale timestamp or a
ciphertext that does not open answers 401 and changes nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from xml.parsers.expat import ExpatError

from sqlalchemy import or_, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from adapters.wecom import crypto
from adapters.wecom.api import WeComApi, WeComError
from adapters.wecom.parse import (
    APP,
    AT_WORD,
    CLICK_EVENT,
    PLATFORM,
    ROBOT,
    TRAILING,
    as_dict,
    direct_chat,
    envelope,
    event_key,
    parse,
)
from adapters.wecom.sender import WeComSender
from bot.events import IncomingEvent
from genjin.config import ConfigError, WeComSettings
from storage.models import OutboxMessage, User

if TYPE_CHECKING:
    from genjin.serve import Runner

log = logging.getLogger(__name__)

PATH = "/wecom/events"
MAX_BODY = 1 << 20  # WeCom's callbacks are a few KB


def _is_click(env: dict) -> bool:
    data = as_dict(env.get("data"))
    return env.get("source") == APP and data.get("MsgType") == "event" and data.get("Event") == CLICK_EVENT


class WeComRuntime:
    platform = PLATFORM

    def __init__(self, settings: WeComSettings, runner: Runner) -> None:
        self.settings, self.runner = settings, runner
        self.api = WeComApi(base=settings.api_base, corp_id=settings.corp_id, secret=settings.secret)
        self.sender = WeComSender(self.api, settings, sessions=runner.app.sessions)
        self.receivers = [crypto.Receiver(APP, settings.token, settings.encoding_aes_key, settings.corp_id)]
        if settings.robot_token and settings.robot_encoding_aes_key:
            self.receivers.append(crypto.Receiver(ROBOT, settings.robot_token, settings.robot_encoding_aes_key, ""))
        runner.register(PLATFORM, self.to_event)

    # -- the HTTP route --------------------------------------------------------------------
    def routes(self) -> list:
        return [Route(PATH, self._http, methods=["GET", "POST"])]

    async def _http(self, request: Request) -> PlainTextResponse:
        now = self.runner.clock().timestamp()
        query = dict(request.query_params)
        if request.method == "GET":
            try:
                return PlainTextResponse(crypto.verify_url(self.receivers, query, now=now))
            except crypto.Rejected as why:
                log.warning("WeCom URL verification refused: %s", why)
                return PlainTextResponse("unauthorized", status_code=401)
        body = await self._read(request)
        if body is None:
            return PlainTextResponse("request too large", status_code=413)
        try:
            source, payload = crypto.open_callback(self.receivers, query, body, now=now)
        except crypto.Rejected as why:
            log.warning("WeCom callback refused: %s", why)
            return PlainTextResponse("unauthorized", status_code=401)
        except (ValueError, ExpatError, AttributeError) as why:
            log.warning("WeCom callback unreadable: %s", why)
            return PlainTextResponse("bad request", status_code=400)
        env = envelope(source, payload)
        try:
            await run_in_threadpool(self.accept, env)
        except Exception as err:  # not stored: no 200, WeCom pushes it again
            log.error("WeCom callback %s not stored: %r", event_key(env), err)
            return PlainTextResponse("try again", status_code=500)
        return PlainTextResponse("")  # an empty answer: no passive reply

    @staticmethod
    async def _read(request: Request) -> bytes | None:
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

    def accept(self, env: dict) -> int | None:
        """Store one envelope (synchronous; raises when it could not be stored). A press also
        hands over a fresh response code, with which the card can be updated once."""
        key = event_key(env)
        if not key:
            return None
        row = self.runner.accept(platform=PLATFORM, event_id=key, payload=env)
        if row is not None and _is_click(env):
            data = as_dict(env.get("data"))
            self.sender.codes.learn(str(data.get("TaskId") or ""), data.get("ResponseCode"))
        return row

    def to_event(self, env: dict) -> IncomingEvent | None:
        """Look up where a pressed card lives, then parse."""
        now = self.runner.clock()
        if _is_click(env):
            return parse(env, received_at=now, chat_id=self._card_home(str(as_dict(env["data"]).get("TaskId") or "")))
        data = as_dict(env.get("data"))
        text = data.get("Content") if env.get("source") == APP else as_dict(data.get("text")).get("content")
        return parse(env, received_at=now, known=self._known(text if isinstance(text, str) else ""))

    def _known(self, text: str) -> dict[str, str]:
        """userid or name -> userid of the people on record (or configured) that the text's
        `@words` could name; a name two people on record share names nobody."""
        words = {m.group(1).rstrip(TRAILING) for m in AT_WORD.finditer(text)} - {""}
        if not words:
            return {}
        with self.runner.app.sessions() as session:
            rows = session.execute(select(User.user_id, User.name).where(
                User.platform == PLATFORM, or_(User.user_id.in_(words), User.name.in_(words)))).all()
        known = {uid: uid for uid, _ in rows if uid in words}
        by_name: dict[str, set[str]] = {}
        for uid, name in rows:
            if name in words and name != uid:
                by_name.setdefault(name, set()).add(uid)
        known.update({name: next(iter(ids)) for name, ids in by_name.items() if len(ids) == 1 and name not in known})
        # The configured names ([wecom] people) are the admin's word: they come first.
        known.update({name: uid for name, uid in self.settings.people.items() if name in words and uid})
        return known

    def _card_home(self, task: str) -> str | None:
        """The chat a card of ours went to; None if WeCom names a card Genjin did not send."""
        if not task:
            return None
        with self.runner.app.sessions() as session:
            row = session.scalar(select(OutboxMessage).where(
                OutboxMessage.platform == PLATFORM, OutboxMessage.platform_message_id == task,
                OutboxMessage.edit_of_id.is_(None)).order_by(OutboxMessage.id).limit(1))
            if row is None:
                return None
            return row.chat_id or (direct_chat(row.user_id) if row.user_id else None)

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Check the settings and the credentials (an access token); a wrong one stops start-up."""
        s = self.settings
        for receiver in self.receivers:
            if not receiver.token or len(receiver.aes_key) != 43:
                prefix = "robot_" if receiver.source == ROBOT else ""
                raise ConfigError(f"wecom: {prefix}token and a 43-character {prefix}encoding_aes_key are needed "
                                  "to receive callbacks (接收消息 → 设置API接收)")
        try:
            self.api.token()
        except WeComError as err:
            raise ConfigError(f"wecom: corp_id {s.corp_id!r} and secret were refused by {s.api_base}: "
                              f"errcode {err.code} {err.message}") from None
        except Exception as err:
            raise ConfigError(f"wecom: cannot get an access token from {s.api_base}: {err}") from None

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.api.close()
