"""A loopback fake of WeCom's server API (qyapi.weixin.qq.com) and group robot webhooks.

One aiohttp server on 127.0.0.1 (ephemeral port) in a thread of its own: `gettoken`,
`message/send` (markdown, template cards with a response code), `message/update_template_card`
(each response code good once), `appchat/send` (only chats the app created) and
`webhook/send?key=` (markdown, an inline image, a file), and the uploads: `media/upload` (the
app's token) and `webhook/upload_media?key=` (WeCom's size limits: 5 B to 20 MB, an app image
10 MB, a webhook image 2 MB). Written from WeCom's documented request and answer shapes
(`{"errcode": 0, "errmsg": "ok", ...}`), so it proves the wiring, not WeCom's own behaviour.
Every call is recorded; `fail_next` scripts error answers (42001, 45009 ...).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import threading
from dataclasses import dataclass

from aiohttp import web

CORP_ID, SECRET = "ww1234567890abcdef", "app-secret-wecom-0001"
MB = 1024 * 1024
LARGEST = 20 * MB  # any upload
UPLOADS = {"/cgi-bin/media/upload", "/cgi-bin/webhook/upload_media"}


@dataclass
class Call:
    path: str
    query: dict
    body: dict
    answer: dict


class FakeWeCom:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.cards: dict[str, dict] = {}  # task_id -> {"to", "card", "updates"}
        self.messages: list[dict] = []  # message/send bodies that were not cards
        self.appchats: dict[str, list[dict]] = {}  # chats the app created -> what it posted there
        self.hooks: list[dict] = []  # {"key", "body"}
        self.codes: dict[str, str] = {}  # unused response code -> task_id
        self.media: dict[str, dict] = {}  # media_id -> {"type", "name", "data", "key"} (uploads)
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self._failures: list[tuple[str, dict]] = []
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-wecom", daemon=True)

    def start(self) -> FakeWeCom:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake WeCom did not start")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application(client_max_size=64 * 1024 * 1024)  # uploads up to WeCom's 20 MB and more
        app.router.add_route("*", "/{tail:.*}", self._route)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._started.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def webhook(self, key: str) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    def fail_next(self, path: str, answer: dict) -> None:
        self._failures.append((path, answer))

    def code_for(self, task: str) -> str:
        """A fresh response code for a press on card `task` (WeCom puts it in the click event)."""
        code = f"rc-{next(self._ids)}"
        self.codes[code] = task
        return code

    async def _route(self, request: web.Request) -> web.StreamResponse:
        if request.path in UPLOADS:
            return await self._upload(request)
        raw = await request.read() if request.can_read_body else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        answer = self._answer(request.path, dict(request.query), body)
        self.calls.append(Call(request.path, dict(request.query), body, answer))
        return web.json_response(answer)

    def _scripted(self, path: str) -> dict | None:
        for failure in self._failures:
            if failure[0] == path:
                self._failures.remove(failure)
                return failure[1]
        return None

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """A multipart upload, file in the field "media" (its filename is the name shown)."""
        query = dict(request.query)
        part = (await request.post()).get("media")
        data = part.file.read() if isinstance(part, web.FileField) else b""
        name = part.filename if isinstance(part, web.FileField) else ""
        answer = self._scripted(request.path) or self._store(request.path, query, name, data)
        self.calls.append(Call(request.path, query, {"name": name, "size": len(data)}, answer))
        return web.json_response(answer)

    def _store(self, path: str, query: dict, name: str, data: bytes) -> dict:
        kind = query.get("type")
        if path == "/cgi-bin/webhook/upload_media":
            if not query.get("key") or kind not in ("file", "voice"):
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
        elif query.get("access_token") not in self.valid_tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        elif kind not in ("file", "image", "voice", "video"):
            return {"errcode": 40004, "errmsg": "invalid media type"}
        if not name or not 5 <= len(data) <= LARGEST:
            return {"errcode": 40006, "errmsg": "invalid file size"}
        if kind == "image" and len(data) > 10 * MB:
            return {"errcode": 40009, "errmsg": "invalid image size"}
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = {"type": kind, "name": name, "data": data, "key": query.get("key")}
        return {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id, "created_at": "1778464800"}

    def _media_refused(self, body: dict, *, key: str | None = None) -> dict | None:
        """Why a file or image message is refused: a media_id this fake did not issue (or, for a
        webhook, one another robot uploaded), an inline image that is too large or not its md5."""
        kind = body.get("msgtype")
        if kind == "image" and "base64" in (body.get("image") or {}):
            data = base64.b64decode(body["image"]["base64"])
            if len(data) > 2 * MB:
                return {"errcode": 40009, "errmsg": "invalid image size"}
            if hashlib.md5(data).hexdigest() != body["image"].get("md5"):
                return {"errcode": 40009, "errmsg": "invalid image md5"}  # (the real code is not documented)
            return None
        if kind in ("file", "image"):
            media = self.media.get((body.get(kind) or {}).get("media_id"))
            if media is None or media["type"] != kind or media["key"] != key:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
        return None

    def files(self) -> list[dict]:
        """The file and image messages sent, in order: where to ("to": a userid, "chat:<id>" or
        "hook:<key>"), msgtype, and the file (name and bytes; an inline image has no name)."""
        found = []
        for call in self.calls:
            kind = call.body.get("msgtype") if call.answer.get("errcode") == 0 else None
            if kind not in ("file", "image"):
                continue
            if call.path == "/cgi-bin/webhook/send":
                to = "hook:" + str(call.query.get("key"))
            else:
                to = call.body.get("touser") or "chat:" + str(call.body.get("chatid"))
            part = call.body[kind]
            if "base64" in part:
                found.append({"to": to, "msgtype": kind, "name": None, "data": base64.b64decode(part["base64"])})
            else:
                media = self.media[part["media_id"]]
                found.append({"to": to, "msgtype": kind, "name": media["name"], "data": media["data"]})
        return found

    def _answer(self, path: str, query: dict, body: dict) -> dict:
        scripted = self._scripted(path)
        if scripted is not None:
            return scripted
        if path == "/cgi-bin/gettoken":
            if (query.get("corpid"), query.get("corpsecret")) != (CORP_ID, SECRET):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            self.tokens_issued += 1
            token = f"wecom-token-{self.tokens_issued}"
            self.valid_tokens.add(token)
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        if path == "/cgi-bin/webhook/send":
            if refused := self._media_refused(body, key=query.get("key")):
                return refused
            self.hooks.append({"key": query.get("key"), "body": body})
            return {"errcode": 0, "errmsg": "ok"}
        if query.get("access_token") not in self.valid_tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if refused := self._media_refused(body):
            return refused
        if path == "/cgi-bin/message/send":
            ok = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msgid-{next(self._ids)}"}
            if body.get("msgtype") == "template_card":
                task = body["template_card"]["task_id"]
                if task in self.cards:  # task ids are unique per app; the duplicate check drops a resend
                    return ok if body.get("enable_duplicate_check") else {"errcode": 40058, "errmsg": "task_id used"}
                self.cards[task] = {"to": body["touser"], "card": body["template_card"], "updates": 0}
                return {**ok, "response_code": self.code_for(task)}
            kind = body.get("msgtype")
            if body.get("enable_duplicate_check") and any(
                    (m["touser"], m["msgtype"], m.get(kind)) == (body["touser"], kind, body.get(kind))
                    for m in self.messages):
                return ok  # the same content to the same person within the window: dropped
            self.messages.append(body)
            return ok
        if path == "/cgi-bin/message/update_template_card":
            task = self.codes.pop(body.get("response_code"), None)
            if task is None:
                return {"errcode": 40041, "errmsg": "invalid response_code"}  # unknown or used
            self.cards[task]["card"] = body["template_card"]
            self.cards[task]["updates"] += 1
            return {"errcode": 0, "errmsg": "ok", "invaliduser": []}
        if path == "/cgi-bin/appchat/send":
            if body.get("chatid") not in self.appchats:
                return {"errcode": 86003, "errmsg": "invalid chatid"}
            self.appchats[body["chatid"]].append(body)
            return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 404, "errmsg": f"no such API {path}"}
