"""A loopback fake of DingTalk: the open API, session webhooks, and the Stream gateway.

One aiohttp server on 127.0.0.1 (ephemeral port) in a thread of its own: the access token,
card instances (create-and-deliver, deliver, update), robot group and one-to-one messages,
DING, card callback registration, `/robot/sendBySession` webhooks, and the Stream protocol:
`POST /v1.0/gateway/connections/open` answers a ws:// endpoint and a ticket, and the
websocket at `/connect` pushes CALLBACK frames and reads the ACK frames the client writes
back. Written from DingTalk's documented request and answer shapes (and what
dingtalk_stream sends), so it proves the wiring, not DingTalk's own behaviour. Every call is
recorded; `fail_next` scripts error answers (throttling ...).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

CLIENT_ID, CLIENT_SECRET = "dingclient0001", "app-secret-0001"


@dataclass
class Call:
    method: str
    path: str
    body: dict
    status: int


@dataclass
class Failure:
    method: str
    path: str
    status: int
    body: dict
    headers: dict = field(default_factory=dict)


class FakeDingTalk:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.cards: dict[str, dict] = {}  # outTrackId -> {"data", "space", "delivered", "edits", "at"}
        self.messages: list[dict] = []  # robot messages: {"to", "msgKey", "param"}
        self.hooks: list[dict] = []  # session webhook posts: {"session", "body"}
        self.dings: list[dict] = []
        self.media: dict[str, dict] = {}  # media id -> {"type", "name", "data"} (oapi /media/upload)
        self.registered: list[dict] = []
        self.templates = {"tpl-genjin.schema"}
        self.card_permission = True
        self.gateway_up = True
        self.dead_sessions: set[str] = set()
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self.ws_connections = 0
        self.opened: list[dict] = []  # connections/open request bodies
        self._failures: list[Failure] = []
        self._ids = itertools.count(1)
        self._ws: web.WebSocketResponse | None = None
        self._ws_ready = threading.Event()
        self._acks: dict[str, asyncio.Future] = {}
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-dingtalk", daemon=True)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeDingTalk:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake DingTalk did not start")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._route)
        self._runner = web.AppRunner(app)
        self.loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._started.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._runner.cleanup())
        self.loop.close()

    def stop(self) -> None:
        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self._close_ws(), self.loop).result(5)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def webhook(self, session: str) -> str:
        return f"{self.url}/robot/sendBySession?session={session}"

    # -- scripting and inspection ----------------------------------------------------------
    def fail_next(self, method: str, path: str, status: int, body: dict, headers: dict | None = None) -> None:
        self._failures.append(Failure(method, path, status, body, headers or {}))

    def sent(self, path: str, method: str = "POST") -> list[Call]:
        return [c for c in self.calls if c.path == path and c.method == method and c.status == 200]

    # -- the open API ----------------------------------------------------------------------
    async def _route(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/connect":
            return await self._websocket(request)
        if request.path == "/media/upload":
            return await self._upload(request)
        raw = await request.read() if request.can_read_body else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        status, answer, headers = self._answer(request, body)
        self.calls.append(Call(request.method, request.path, body, status))
        return web.json_response(answer, status=status, headers=headers)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """The older API's media upload: access_token and type in the query, the file in "media"."""
        form = await request.post()
        part = form.get("media")
        query = request.query
        if failure := self._scripted("POST", "/media/upload"):
            status, answer, headers = failure.status, failure.body, failure.headers
        elif query.get("access_token") not in self.valid_tokens:
            status, answer, headers = 200, {"errcode": 40014, "errmsg": "不合法的access_token"}, {}
        elif part is None or isinstance(part, str) or query.get("type") not in ("file", "image", "voice", "video"):
            status, answer, headers = 200, {"errcode": 40004, "errmsg": "不合法的媒体文件类型"}, {}
        else:
            media_id = f"@lAz{next(self._ids)}"
            self.media[media_id] = {"type": query["type"], "name": part.filename, "data": part.file.read()}
            status, answer, headers = 200, {"errcode": 0, "errmsg": "ok", "media_id": media_id,
                                            "type": query["type"], "created_at": 1778464800000}, {}
        self.calls.append(Call("POST", "/media/upload", {"type": query.get("type", "")}, status))
        return web.json_response(answer, status=status, headers=headers)

    def files_sent(self) -> list[dict]:
        """File and picture messages the robot sent: to, msgKey, and the upload they show."""
        found = []
        for m in self.messages:
            media = m["param"].get("mediaId") or m["param"].get("photoURL")
            if m["msgKey"] in ("sampleFile", "sampleImageMsg"):
                found.append({"to": m["to"], "msgKey": m["msgKey"], "param": m["param"], **self.media[media]})
        return found

    def _scripted(self, method: str, path: str) -> Failure | None:
        for failure in self._failures:
            if failure.method == method and failure.path == path:
                self._failures.remove(failure)
                return failure
        return None

    def _answer(self, request: web.Request, body: dict) -> tuple[int, dict, dict]:
        method, path = request.method, request.path
        if failure := self._scripted(method, path):
            return failure.status, failure.body, failure.headers
        if path == "/v1.0/oauth2/accessToken":
            if (body.get("appKey"), body.get("appSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return 400, {"code": "invalidClientIdOrSecret", "message": "无效的clientId或clientSecret"}, {}
            self.tokens_issued += 1
            token = f"at-fake-{self.tokens_issued}"
            self.valid_tokens.add(token)
            return 200, {"accessToken": token, "expireIn": 7200}, {}
        if path == "/v1.0/gateway/connections/open":
            if not self.gateway_up:
                return 503, {"code": "system.busy", "message": "busy"}, {}
            if (body.get("clientId"), body.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return 401, {"code": "InvalidAuthentication", "message": "bad credentials"}, {}
            self.opened.append(body)
            return 200, {"endpoint": f"ws://127.0.0.1:{self.port}/connect", "ticket": f"ticket-{next(self._ids)}"}, {}
        if path == "/robot/sendBySession":
            session = request.query.get("session", "")
            if session in self.dead_sessions:
                return 200, {"errcode": 300001, "errmsg": "session expired"}, {}
            self.hooks.append({"session": session, "body": body})
            return 200, {"errcode": 0, "errmsg": "ok"}, {}
        if request.headers.get("x-acs-dingtalk-access-token") not in self.valid_tokens:
            return 401, {"code": "InvalidAuthentication", "message": "不合法的access_token"}, {}
        if path.startswith("/v1.0/card/") and not self.card_permission:
            return 403, {"code": "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                         "message": "没有调用该接口的权限", "accessdenieddetail": {"requiredScopes": ["Card.Instance.Write"]}}, {}
        return self._api(method, path, body)

    def _api(self, method: str, path: str, body: dict) -> tuple[int, dict, dict]:
        track = body.get("outTrackId", "")
        if path == "/v1.0/card/instances/createAndDeliver" and method == "POST":
            if body.get("cardTemplateId") not in self.templates:
                return 400, {"code": "param.templateNotExist", "message": "模板不存在"}, {}
            if track in self.cards:
                return 400, {"code": "param.cardAlreadyExist", "message": "卡片已经存在"}, {}
            self.cards[track] = {"data": dict(body["cardData"]["cardParamMap"]), "space": body["openSpaceId"],
                                 "delivered": 1, "edits": 0, "body": body}
            return 200, self._delivered(track, body), {}
        if path == "/v1.0/card/instances/deliver" and method == "POST":
            if track not in self.cards:
                return 400, {"code": "param.cardNotExist", "message": "卡片不存在"}, {}
            self.cards[track]["delivered"] += 1
            return 200, self._delivered(track, body), {}
        if path == "/v1.0/card/instances" and method == "PUT":
            if track not in self.cards:
                return 400, {"code": "param.cardNotExist", "message": "卡片不存在"}, {}
            self.cards[track]["data"].update(body["cardData"]["cardParamMap"])
            self.cards[track]["edits"] += 1
            return 200, {"success": True, "result": True}, {}
        if path in ("/v1.0/robot/groupMessages/send", "/v1.0/robot/oToMessages/batchSend"):
            to = body.get("openConversationId") or ",".join(body.get("userIds") or [])
            param = json.loads(body["msgParam"])
            if body["msgKey"] in ("sampleFile", "sampleImageMsg") and (
                    param.get("mediaId") or param.get("photoURL")) not in self.media:
                return 400, {"code": "param.mediaIdInvalid", "message": "mediaId 不存在"}, {}
            self.messages.append({"to": to, "msgKey": body["msgKey"], "param": json.loads(body["msgParam"])})
            answer = {"processQueryKey": f"pqk-{next(self._ids)}"}
            if "userIds" in body:
                answer.update(invalidStaffIdList=[], flowControlledStaffIdList=[])
            return 200, answer, {}
        if path == "/v1.0/robot/ding/send":
            self.dings.append(body)
            return 200, {"openDingId": f"ding-{next(self._ids)}"}, {}
        if path == "/v1.0/card/callbacks/register":
            self.registered.append(body)
            return 200, {"success": True, "result": {"callbackUrl": body["callbackUrl"]}}, {}
        return 404, {"code": "notFound", "message": f"fake: no route {method} {path}"}, {}

    @staticmethod
    def _delivered(track: str, body: dict) -> dict:
        space_type, _, space_id = body["openSpaceId"].removeprefix("dtv1.card//").partition(".")
        return {"success": True, "result": {"outTrackId": track, "deliverResults": [
            {"spaceType": space_type, "spaceId": space_id, "success": True, "carrierId": "carrier-1"}]}}

    # -- the Stream gateway ----------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.ws_connections += 1
        self._ws_ready.set()
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            ack = json.loads(msg.data)
            future = self._acks.pop((ack.get("headers") or {}).get("messageId", ""), None)
            if future is not None and not future.done():
                future.set_result(ack)
        return ws

    async def _close_ws(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    def wait_connected(self, timeout: float = 15) -> bool:
        return self._ws_ready.wait(timeout)

    def drop_connection(self) -> None:
        """Close the websocket from DingTalk's side (the client should open a new one)."""
        self._ws_ready.clear()
        asyncio.run_coroutine_threadsafe(self._close_ws(), self.loop).result(5)

    def push(self, topic: str, data: dict, *, message_id: str | None = None, timeout: float = 10) -> dict:
        """Push one CALLBACK frame; the client's ACK frame, its data decoded."""
        return asyncio.run_coroutine_threadsafe(self._push(topic, data, message_id), self.loop).result(timeout)

    async def _push(self, topic: str, data: dict, message_id: str | None) -> dict:
        frame_id = message_id or f"frame-{next(self._ids)}"
        frame = {"specVersion": "1.0", "type": "CALLBACK", "data": json.dumps(data, ensure_ascii=False),
                 "headers": {"messageId": frame_id, "topic": topic, "contentType": "application/json",
                             "time": "1778464800000", "appId": "app-1"}}
        future = self.loop.create_future()
        self._acks[frame_id] = future
        await self._ws.send_str(json.dumps(frame, ensure_ascii=False))
        ack = await asyncio.wait_for(future, 8)
        return {**ack, "data": json.loads(ack["data"]) if isinstance(ack.get("data"), str) else ack.get("data")}

    def ping(self) -> None:
        frame = {"specVersion": "1.0", "type": "SYSTEM", "data": json.dumps({"opaque": "o-1"}),
                 "headers": {"messageId": "ping-1", "topic": "ping", "contentType": "application/json"}}
        asyncio.run_coroutine_threadsafe(self._ws.send_str(json.dumps(frame)), self.loop).result(5)
