"""A loopback fake of Slack: the Web API (/api/<method>) and the Socket Mode websocket.

Records every Web API call (and the token it came with); answers with canned
successes unless a failure was scripted with `fail_next`, or `lose_answer_next` lets
a post land but loses its answer (a timeout after Slack acted). Posts are kept per
channel with their metadata, for conversations.history / .replies. Each bot token
belongs to a workspace (`install`); oauth.v2.access hands out such tokens. The
websocket endpoint (the URL apps.connections.open hands out) greets with hello, lets
a test `push` envelopes, and records acks.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

BOT_USER_ID = "UBOT"
TRAPS = re.compile(r"<!(channel|here|everyone)[^>]*>|<!subteam\^")  # mass mentions in mrkdwn


def wait_for(predicate, *, timeout: float = 5.0, what: str = "condition"):
    """Poll until `predicate()` is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.acks: list[dict] = []
        self.posted: list[dict] = []  # chat.postMessage answers that succeeded: channel, ts
        self.ephemeral: list[dict] = []  # chat.postEphemeral calls that succeeded: channel, user, message_ts
        self.names: dict[str, str] = {}
        self.closed_channels: set[str] = set()  # private channels / others' DMs the bot is not in
        self.responses: list[dict] = []  # what was posted to slash commands' response_urls
        self.tokens: list[tuple[str, str]] = []  # (method, bot token) of every call
        self.messages: dict[str, list[dict]] = {}  # channel -> posts (ts, text, blocks, metadata, thread_ts)
        # bot token -> the workspace and bot it speaks for (auth.test); oauth.v2.access codes -> tokens
        self.bots: dict[str, dict] = {"xoxb-test": {"team_id": "T1", "user_id": BOT_USER_ID, "bot_id": "BBOT"}}
        self.codes: dict[str, str] = {}
        self.channels: dict[str, dict] = {}  # channels the bot created: name, is_private, members
        # files.getUploadURLExternal -> the bytes POSTed to its upload URL -> completeUploadExternal
        self.uploads: dict[str, dict] = {}  # file id -> {"name", "length", "data", "shared"}
        self.refuse_upload_of: set[str] = set()  # file names whose next upload (step 2) fails with a 500
        self._failures: dict[str, list[tuple[int, dict, dict]]] = {}
        self._lost: set[str] = set()
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._sockets: list[ServerConnection] = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._ws = serve(self._on_socket, "127.0.0.1", 0)
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        threading.Thread(target=self._ws.serve_forever, daemon=True).start()

    # -- what tests use ----------------------------------------------------------------

    @property
    def response_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/response/T1/1/abc"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/api/"

    def fail_next(self, method: str, status: int, body: dict, headers: dict | None = None) -> None:
        """The next call of `method` gets this answer instead of a success."""
        self._failures.setdefault(method, []).append((status, body, headers or {}))

    def lose_answer_next(self, method: str) -> None:
        """The next call of `method` takes effect, but its caller gets a 503 (as after a timeout)."""
        self._lost.add(method)

    def install(self, team_id: str, bot_user_id: str, code: str) -> str:
        """Slack's side of "Add to Slack" in `team_id`: oauth.v2.access will trade `code` for a token."""
        token = f"xoxb-{team_id}"
        self.bots[token] = {"team_id": team_id, "user_id": bot_user_id, "bot_id": "B" + bot_user_id}
        self.codes[code] = token
        return token

    def tokens_for(self, method: str) -> list[str]:
        with self._lock:
            return [token for name, token in self.tokens if name == method]

    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def push(self, envelope: dict) -> None:
        """Send a Socket Mode envelope to every connected client."""
        wait_for(lambda: self._sockets, what="a Socket Mode client to connect")
        for conn in list(self._sockets):
            conn.send(json.dumps(envelope))

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._ws.shutdown()

    # -- the Web API -------------------------------------------------------------------

    def answer(self, method: str, params: dict, token: str = "") -> tuple[int, dict, dict]:
        with self._lock:
            self.calls.append((method, params))
            self.tokens.append((method, token))
            scripted = self._failures.get(method)
            if scripted:
                return scripted.pop(0)
            lost = method in self._lost
            self._lost.discard(method)
        status, body, headers = self._succeed(method, params, token)
        return (503, {"ok": False, "error": "service_unavailable"}, {}) if lost else (status, body, headers)

    def _succeed(self, method: str, params: dict, token: str) -> tuple[int, dict, dict]:
        if method == "auth.test":
            bot = self.bots.get(token) or self.bots["xoxb-test"]
            return 200, {"ok": True, "user_id": bot["user_id"], "bot_id": bot["bot_id"], "team_id": bot["team_id"]}, {}
        if method == "oauth.v2.access":
            token = self.codes.pop(params.get("code", ""), "")
            if not token:
                return 200, {"ok": False, "error": "invalid_code"}, {}
            bot = self.bots[token]
            return 200, {"ok": True, "app_id": "A1", "access_token": token, "token_type": "bot",
                         "scope": "commands,chat:write", "bot_user_id": bot["user_id"], "enterprise": None,
                         "team": {"id": bot["team_id"], "name": f"Team {bot['team_id']}"},
                         "authed_user": {"id": "U_INSTALLER"}, "is_enterprise_install": False}, {}
        if method in ("conversations.history", "conversations.replies"):
            return 200, {"ok": True, "messages": self._history(method, params), "has_more": False}, {}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": f"ws://127.0.0.1:{self._ws.socket.getsockname()[1]}/link/?ticket=t"}, {}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"{int(time.time())}.{next(self._ts):06d}"
            if method == "chat.postMessage":
                self.posted.append({"channel": params.get("channel"), "ts": ts, **params})
                self.messages.setdefault(params.get("channel"), []).append({"ts": ts, **params})
            return 200, {"ok": True, "channel": params.get("channel"), "ts": ts,
                         "message": {"text": params.get("text"), "ts": ts}}, {}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            self.uploads[file_id] = {"name": params.get("filename"), "length": int(params.get("length") or 0),
                                     "data": None, "shared": None}
            port = self._http.server_address[1]
            return 200, {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{port}/upload/{file_id}"}, {}
        if method == "files.completeUploadExternal":
            return self._complete_upload(params)
        if method == "chat.postEphemeral":  # seen by `user` alone; Slack keeps no copy in the history
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            self.ephemeral.append({"channel": params.get("channel"), "message_ts": ts, **params})
            return 200, {"ok": True, "message_ts": ts}, {}
        if method.startswith("response/"):
            self.responses.append(params)
            return 200, {"ok": True}, {}
        if method == "conversations.info":
            channel = params.get("channel", "")
            if channel in self.closed_channels and channel.startswith("D"):
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            member = channel not in self.closed_channels
            return 200, {"ok": True, "channel": {"id": channel, "is_member": member, "is_private": not member,
                                                 "is_im": channel.startswith("D") and member}}, {}
        if method == "conversations.create":
            name = params.get("name", "")
            if any(c["name"] == name for c in self.channels.values()):
                return 200, {"ok": False, "error": "name_taken"}, {}
            channel = f"G{next(self._ts)}"
            private = params.get("is_private") in (True, "1", "true")
            self.channels[channel] = {"id": channel, "name": name, "is_private": private, "members": [BOT_USER_ID]}
            return 200, {"ok": True, "channel": {"id": channel, "name": name, "is_private": private}}, {}
        if method == "conversations.invite":
            found = self.channels.get(params.get("channel", ""))
            if found is None:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            users = [u for u in params.get("users", "").split(",") if u]
            if all(u in found["members"] for u in users):
                return 200, {"ok": False, "error": "already_in_channel"}, {}
            found["members"] += [u for u in users if u not in found["members"]]
            return 200, {"ok": True, "channel": {"id": found["id"]}}, {}
        if method == "users.conversations":
            return 200, {"ok": True, "channels": [{"id": c["id"], "name": c["name"]} for c in self.channels.values()],
                         "response_metadata": {"next_cursor": ""}}, {}
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": "D" + params.get("users", "")}}, {}
        if method == "users.info":
            user = params.get("user", "")
            name = self.names.get(user, "")
            return 200, {"ok": True, "user": {"id": user, "name": name.lower(),
                                              "profile": {"display_name": name, "real_name": name}}}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _complete_upload(self, params: dict) -> tuple[int, dict, dict]:
        """Share uploaded files in a channel (a thread): they show as one message with `files`."""
        listed = json.loads(params.get("files") or "[]")
        found = [self.uploads.get(f.get("id", "")) for f in listed]
        if not listed or any(f is None or f["data"] is None for f in found):
            return 200, {"ok": False, "error": "file_not_found"}, {}
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        files = [{"id": f["id"], "name": u["name"], "title": f.get("title")} for f, u in zip(listed, found, strict=True)]
        for u in found:
            u["shared"] = {"channel": params.get("channel_id"), "thread_ts": params.get("thread_ts")}
        self.messages.setdefault(params.get("channel_id"), []).append(
            {"ts": ts, "text": params.get("initial_comment") or "", "thread_ts": params.get("thread_ts"), "files": files})
        return 200, {"ok": True, "files": files}, {}

    def shared_files(self, channel: str) -> list[dict]:
        """Files shared in `channel`: name, bytes, the thread they went to."""
        return [{"name": u["name"], "data": u["data"], "thread_ts": u["shared"]["thread_ts"]}
                for u in self.uploads.values() if u["shared"] and u["shared"]["channel"] == channel]

    def _history(self, method: str, params: dict) -> list[dict]:
        """Newest first; a channel's history leaves out thread replies, .replies is one thread."""
        posts = self.messages.get(params.get("channel"), [])
        oldest = float(params.get("oldest") or 0)
        if method == "conversations.replies":
            posts = [p for p in posts if p["ts"] == params.get("ts") or p.get("thread_ts") == params.get("ts")]
        else:
            posts = [p for p in posts if not p.get("thread_ts")]
        with_metadata = params.get("include_all_metadata") in (True, "1", "true")
        return [{"type": "message", "ts": p["ts"], "text": p.get("text"),
                 **({"files": p["files"]} if p.get("files") else {}),
                 **({"metadata": p["metadata"]} if with_metadata and p.get("metadata") else {})}
                for p in reversed(posts) if float(p["ts"]) >= oldest]

    def traps(self) -> list[str]:
        """Mass mentions, and mentions of people not mentioned for real, in everything posted."""
        found = []
        for post in self.calls_to("chat.postMessage") + self.calls_to("chat.update"):
            shown = json.dumps([post.get("text"), post.get("blocks")])
            found += [m.group(0) for m in TRAPS.finditer(shown)]
        return found

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query = self.path.partition("?")
                if path.startswith("/upload/"):  # files upload v2, step 2: the bytes themselves
                    return self._upload(path.removeprefix("/upload/"), body)
                raw = body.decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                params.update({k: v[0] for k, v in parse_qs(query).items()})
                self.path = path
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                token = token or params.get("token", "")
                status, body, headers = fake.answer(self.path.removeprefix("/api/").lstrip("/"), params, token)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _upload(self, file_id: str, data: bytes) -> None:
                with fake._lock:
                    fake.calls.append(("upload", {"file_id": file_id, "size": len(data)}))
                    scripted = fake._failures.get("upload")
                    failure = scripted.pop(0) if scripted else None
                    name = (fake.uploads.get(file_id) or {}).get("name")
                    if failure is None and name in fake.refuse_upload_of:
                        fake.refuse_upload_of.discard(name)
                        failure = (500, {}, {})
                    if failure is None and file_id in fake.uploads:
                        fake.uploads[file_id]["data"] = data
                status = failure[0] if failure else (200 if file_id in fake.uploads else 404)
                answer = b"OK - " + str(len(data)).encode() if status == 200 else b"failed"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args) -> None:
                pass

        return Handler

    # -- Socket Mode -------------------------------------------------------------------

    def _on_socket(self, conn: ServerConnection) -> None:
        conn.send(json.dumps({"type": "hello", "num_connections": 1}))
        self._sockets.append(conn)
        try:
            for message in conn:
                self.acks.append(json.loads(message))
        except ConnectionClosed:
            pass
        finally:
            self._sockets.remove(conn)
