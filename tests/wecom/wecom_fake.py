"""A loopback fake of WeCom's server API (qyapi.weixin.qq.com) and group robot webhooks.

One aiohttp server on 127.0.0.1 (ephemeral port) in a thread of its own: `gettoken`,
`message/send` (markdown, template cards with a response code), `message/update_template_card`
(each response code good once), `appchat/send` (only chats the app created) and
`webhook/send?key=`. Written from WeCom's documented request and answer shapes
(`{"errcode": 0, "errmsg": "ok", ...}`), so it proves the wiring, not WeCom's own behaviour.
Every call is recorded; `fail_next` scripts error answers (42001, 45009 ...).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass

from aiohttp import web

CORP_ID, SECRET = "ww1234567890abcdef", "app-secret-wecom-0001"


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
        app = web.Application()
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
        raw = await request.read() if request.can_read_body else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        answer = self._answer(request.path, dict(request.query), body)
        self.calls.append(Call(request.path, dict(request.query), body, answer))
        return web.json_response(answer)

    def _answer(self, path: str, query: dict, body: dict) -> dict:
        for failure in self._failures:
            if failure[0] == path:
                self._failures.remove(failure)
                return failure[1]
        if path == "/cgi-bin/gettoken":
            if (query.get("corpid"), query.get("corpsecret")) != (CORP_ID, SECRET):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            self.tokens_issued += 1
            token = f"wecom-token-{self.tokens_issued}"
            self.valid_tokens.add(token)
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        if path == "/cgi-bin/webhook/send":
            self.hooks.append({"key": query.get("key"), "body": body})
            return {"errcode": 0, "errmsg": "ok"}
        if query.get("access_token") not in self.valid_tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if path == "/cgi-bin/message/send":
            ok = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msgid-{next(self._ids)}"}
            if body.get("msgtype") == "template_card":
                task = body["template_card"]["task_id"]
                if task in self.cards:  # task ids are unique per app; the duplicate check drops a resend
                    return ok if body.get("enable_duplicate_check") else {"errcode": 40058, "errmsg": "task_id used"}
                self.cards[task] = {"to": body["touser"], "card": body["template_card"], "updates": 0}
                return {**ok, "response_code": self.code_for(task)}
            if body.get("enable_duplicate_check") and any(
                    (m["touser"], m.get("markdown")) == (body["touser"], body.get("markdown")) for m in self.messages):
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
