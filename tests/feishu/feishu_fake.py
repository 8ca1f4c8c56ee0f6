"""A loopback fake of the Feishu open platform: the open API and the long-connection endpoint.

One aiohttp server on 127.0.0.1 (ephemeral port) in a thread of its own: tenant
token, message create / reply / patch / get, chat get, contact user get, bot info,
and the `/callback/ws/endpoint` + websocket that lark.ws.Client speaks (protobuf
frames). It records every call; `fail_next` scripts error answers (rate limits...).
Like Feishu it refuses a card body over 30 KB or a text body over 150 KB (230025).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

CARD_LIMIT, TEXT_LIMIT = 30 * 1024, 150 * 1024


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: dict
    status: int
    size: int = 0


@dataclass
class Failure:
    method: str
    path: str
    status: int
    body: dict
    headers: dict = field(default_factory=dict)


class FakeFeishu:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[str, dict] = {}
        self.users: dict[str, str] = {}
        self.chat_modes: dict[str, str] = {}  # chat id -> "p2p" | "group"; unknown chats answer 403
        # The contact directory: {"name", "open_department_id", "leader_user_id", "members": [open_id]};
        # None: the app lacks the contact scopes (Feishu answers "no dept authority").
        self.departments: list[dict] | None = None
        self.created_chats: dict[str, dict] = {}  # chats the bot created: name, members, uuid
        self.uploads: dict[str, dict] = {}  # file_key / image_key -> {"name", "type", "data", "kind"}
        self._chat_by_uuid: dict[str, str] = {}
        self.bot = {"open_id": "ou_bot", "app_name": "跟进"}
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self._failures: list[Failure] = []
        self._ids = itertools.count(1)
        self._by_uuid: dict[str, str] = {}
        self._ws: web.WebSocketResponse | None = None
        self._ws_ready = threading.Event()
        self._answers: dict[str, asyncio.Future] = {}
        self.ws_connections = 0
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-feishu", daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeFeishu:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake Feishu did not start")
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
        async def close_ws():
            if self._ws is not None:
                await self._ws.close()
        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(close_ws(), self.loop).result(5)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting and inspection ------------------------------------------------------
    def fail_next(self, method: str, path: str, status: int, body: dict, headers: dict | None = None) -> None:
        """Answer the next `method path` (path may end in '*') with this error instead."""
        self._failures.append(Failure(method, path, status, body, headers or {}))

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def sent(self, method: str | None = None, prefix: str = "/open-apis/im/v1/messages") -> list[Call]:
        """Successful message calls, in order."""
        return [c for c in self.calls if c.path.startswith(prefix) and c.status == 200
                and (method is None or c.method == method)]

    # -- the open API --------------------------------------------------------------------
    async def _route(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/ws":
            return await self._websocket(request)
        if request.content_type.startswith("multipart/"):  # uploads: fields, and the file's bytes
            form = await request.post()
            body = {k: (v if isinstance(v, str) else {"filename": v.filename, "data": v.file.read()})
                    for k, v in form.items()}
            raw = b"".join(v["data"] if isinstance(v, dict) else v.encode() for v in body.values())
        else:
            raw = await request.read() if request.can_read_body else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
        status, answer, headers = self._answer(request.method, request.path, dict(request.query), body,
                                               request.headers.get("Authorization", ""), len(raw))
        self.calls.append(Call(request.method, request.path, dict(request.query), body, status, len(raw)))
        return web.json_response(answer, status=status, headers=headers)

    def _scripted(self, method: str, path: str) -> Failure | None:
        for failure in self._failures:
            if failure.method == method and (failure.path == path or
                                             (failure.path.endswith("*") and path.startswith(failure.path[:-1]))):
                self._failures.remove(failure)
                return failure
        return None

    def _answer(self, method: str, path: str, query: dict, body: dict, auth: str,
                size: int) -> tuple[int, dict, dict]:
        if failure := self._scripted(method, path):
            return failure.status, failure.body, failure.headers
        if path == "/open-apis/auth/v3/tenant_access_token/internal":
            self.tokens_issued += 1
            token = f"t-fake-{self.tokens_issued}"
            self.valid_tokens.add(token)
            return 200, {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200}, {}
        if path == "/callback/ws/endpoint":
            return 200, {"code": 0, "data": {
                "URL": f"ws://127.0.0.1:{self.port}/ws?device_id=dev1&service_id=7",
                "ClientConfig": {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0,
                                 "PingInterval": 120}}}, {}
        if auth.removeprefix("Bearer ") not in self.valid_tokens:
            return 400, {"code": 99991663, "msg": "Invalid access token for authorization."}, {}
        ok = {"code": 0, "msg": "success"}
        parts = path.split("/")
        if path == "/open-apis/bot/v3/info":
            return 200, {**ok, "bot": self.bot}, {}
        if path.startswith("/open-apis/im/v1/messages") and method in ("POST", "PATCH", "PUT"):
            text = body.get("msg_type") == "text"
            if size > (TEXT_LIMIT if text else CARD_LIMIT):
                return 400, {"code": 230025, "msg": "The message content is too long."}, {}
        if path in ("/open-apis/im/v1/files", "/open-apis/im/v1/images") and method == "POST":
            return self._upload(path.rsplit("/", 1)[-1], body)
        if path == "/open-apis/im/v1/chats" and method == "POST":
            return 200, {**ok, "data": self._create_chat(body, query)}, {}
        if path.startswith("/open-apis/im/v1/chats/") and method == "GET":
            mode = self.chat_modes.get(parts[-1])
            if mode is None:
                return 400, {"code": 99991672, "msg": "Access denied: scope im:chat:readonly required"}, {}
            return 200, {**ok, "data": {"chat_id": parts[-1], "chat_mode": mode}}, {}
        if path.startswith("/open-apis/contact/v3/departments/") and path.endswith("/children"):
            if self.departments is None:
                return 400, {"code": 40004, "msg": "no dept authority error"}, {}
            return 200, {**ok, "data": self._page([{k: d[k] for k in ("name", "open_department_id", "leader_user_id")
                                                    if k in d} for d in self.departments], query)}, {}
        if path == "/open-apis/contact/v3/users/find_by_department":
            dept = next((d for d in self.departments or () if d["open_department_id"] == query.get("department_id")), None)
            if dept is None:
                return 400, {"code": 40004, "msg": "no dept authority error"}, {}
            return 200, {**ok, "data": self._page([{"open_id": u, "name": self.users.get(u, "")}
                                                   for u in dept["members"]], query)}, {}
        if path.startswith("/open-apis/contact/v3/users/"):
            name = self.users.get(parts[-1])
            if name is None:
                return 400, {"code": 41050, "msg": "no user authority error"}, {}
            return 200, {**ok, "data": {"user": {"open_id": parts[-1], "name": name}}}, {}
        if path == "/open-apis/im/v1/messages" and method == "POST":
            chat = body["receive_id"] if query.get("receive_id_type") == "chat_id" else f"oc_p2p_{body['receive_id']}"
            return 200, {**ok, "data": self._create(body, chat, None)}, {}
        if len(parts) == 7 and parts[-1] == "reply" and method == "POST":
            parent = self.messages.get(parts[-2])
            if parent is None:
                return 400, {"code": 230011, "msg": "message not found"}, {}
            return 200, {**ok, "data": self._create(body, parent["chat_id"], parts[-2])}, {}
        if len(parts) == 6 and parts[4] == "messages":
            found = self.messages.get(parts[-1])
            if found is None:
                return 400, {"code": 230011, "msg": "message not found"}, {}
            if method == "PATCH":
                found["content"] = body["content"]
                found["edits"] += 1
                return 200, {**ok, "data": {}}, {}
            if method == "GET":
                return 200, {**ok, "data": {"items": [{"message_id": parts[-1], "chat_id": found["chat_id"]}]}}, {}
        return 404, {"code": 404, "msg": f"fake: no route {method} {path}"}, {}

    @staticmethod
    def _page(items: list[dict], query: dict) -> dict:
        """One page of a paged contact API answer (page_token: the offset, as a string)."""
        start, size = int(query.get("page_token") or 0), int(query.get("page_size") or 50)
        more = start + size < len(items)
        return {"items": items[start:start + size], "has_more": more, "page_token": str(start + size) if more else ""}

    def _create_chat(self, body: dict, query: dict) -> dict:
        """im/v1/chats: a group with the bot as owner; one per `uuid` (Feishu dedupes it for hours)."""
        if query.get("uuid") in self._chat_by_uuid:
            chat_id = self._chat_by_uuid[query["uuid"]]
        else:
            chat_id = f"oc_room_{next(self._ids)}"
            self.created_chats[chat_id] = {"name": body.get("name"), "members": list(body.get("user_id_list") or []),
                                           "id_type": query.get("user_id_type"), "owner": self.bot["open_id"]}
            self.chat_modes[chat_id] = "group"
            if query.get("uuid"):
                self._chat_by_uuid[query["uuid"]] = chat_id
        return {"chat_id": chat_id, "name": self.created_chats[chat_id]["name"], "chat_mode": "group"}

    def _upload(self, kind: str, body: dict) -> tuple[int, dict, dict]:
        """im/v1/files (file_type, file_name, file) or im/v1/images (image_type, image): a key for it."""
        part = body.get("file" if kind == "files" else "image")
        if not isinstance(part, dict) or not part["data"]:
            return 400, {"code": 234001, "msg": "Invalid request param: empty file"}, {}
        key = f"{'file' if kind == 'files' else 'img'}_v3_{next(self._ids)}"
        self.uploads[key] = {"name": body.get("file_name") or part["filename"], "type": body.get("file_type"),
                             "data": part["data"], "kind": kind}
        return 200, {"code": 0, "msg": "success", "data": {"file_key" if kind == "files" else "image_key": key}}, {}

    def shared(self) -> list[dict]:
        """File and image messages posted: msg_type, the upload they show (name, type, data), parent."""
        found = []
        for message in self.messages.values():
            if message["msg_type"] in ("file", "image"):
                content = json.loads(message["content"])
                upload = self.uploads[content.get("file_key") or content.get("image_key")]
                found.append({"msg_type": message["msg_type"], **upload, "parent_id": message["parent_id"],
                              "chat_id": message["chat_id"]})
        return found

    def _create(self, body: dict, chat_id: str, parent: str | None) -> dict:
        if body.get("uuid") in self._by_uuid:  # Feishu's idempotency: same uuid, same message
            return {"message_id": self._by_uuid[body["uuid"]], "chat_id": chat_id}
        if body.get("msg_type") in ("file", "image"):
            content = json.loads(body.get("content") or "{}")
            if (content.get("file_key") or content.get("image_key")) not in self.uploads:
                raise ValueError("feishu fake: a file message names no uploaded file")
        message_id = f"om_{next(self._ids)}"
        self.messages[message_id] = {"chat_id": chat_id, "msg_type": body["msg_type"], "content": body["content"],
                                     "parent_id": parent, "thread": bool(body.get("reply_in_thread")),
                                     "edits": 0}
        if body.get("uuid"):
            self._by_uuid[body["uuid"]] = message_id
        return {"message_id": message_id, "chat_id": chat_id, "parent_id": parent or ""}

    # -- the long connection -------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.ws_connections += 1
        self._ws_ready.set()
        async for msg in ws:
            if msg.type != WSMsgType.BINARY:
                continue
            frame = Frame()
            frame.ParseFromString(msg.data)
            headers = {h.key: h.value for h in frame.headers}
            future = self._answers.pop(headers.get("message_id", ""), None)
            if frame.method == 1 and future is not None and not future.done():
                future.set_result(json.loads(frame.payload))
        return ws

    def wait_connected(self, timeout: float = 15) -> bool:
        return self._ws_ready.wait(timeout)

    def push(self, payload: dict, timeout: float = 10) -> dict:
        """Send one event frame over the long connection; the client's answer frame, decoded."""
        return asyncio.run_coroutine_threadsafe(self._push(payload), self.loop).result(timeout)

    async def _push(self, payload: dict) -> dict:
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        frame_id = f"frame-{next(self._ids)}"
        frame = Frame(SeqID=1, LogID=1, service=7, method=1, payload=json.dumps(payload).encode())
        for key, value in (("type", "event"), ("message_id", frame_id), ("trace_id", "trace"),
                           ("sum", "1"), ("seq", "0")):
            header = frame.headers.add()
            header.key, header.value = key, value
        future = self.loop.create_future()
        self._answers[frame_id] = future
        await self._ws.send_bytes(frame.SerializeToString())
        return await asyncio.wait_for(future, 8)
