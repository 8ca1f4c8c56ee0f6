"""A loopback fake of Slack: the Web API (/api/<method>) and the Socket Mode websocket.

Records every Web API call; answers with canned successes unless a failure was
scripted with `fail_next`. The websocket endpoint (the URL apps.connections.open
hands out) greets with hello, lets a test `push` envelopes, and records acks.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

BOT_USER_ID = "UBOT"


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
        self.names: dict[str, str] = {}
        self.closed_channels: set[str] = set()  # private channels / others' DMs the bot is not in
        self.responses: list[dict] = []  # what was posted to slash commands' response_urls
        self._failures: dict[str, list[tuple[int, dict, dict]]] = {}
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

    def answer(self, method: str, params: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.calls.append((method, params))
            scripted = self._failures.get(method)
            if scripted:
                return scripted.pop(0)
        if method == "auth.test":
            return 200, {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BBOT", "team_id": "T1"}, {}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": f"ws://127.0.0.1:{self._ws.socket.getsockname()[1]}/link/?ticket=t"}, {}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"1700000000.{next(self._ts):06d}"
            if method == "chat.postMessage":
                self.posted.append({"channel": params.get("channel"), "ts": ts, **params})
            return 200, {"ok": True, "channel": params.get("channel"), "ts": ts,
                         "message": {"text": params.get("text"), "ts": ts}}, {}
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
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": "D" + params.get("users", "")}}, {}
        if method == "users.info":
            user = params.get("user", "")
            name = self.names.get(user, "")
            return 200, {"ok": True, "user": {"id": user, "name": name.lower(),
                                              "profile": {"display_name": name, "real_name": name}}}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                status, body, headers = fake.answer(self.path.removeprefix("/api/").lstrip("/"), params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

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
