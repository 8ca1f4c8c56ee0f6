"""Stream mode: dingtalk_stream's client in a thread of its own, with a fresh event loop.

The SDK does the protocol: the WebSocket, ping and disconnect frames, routing by topic,
the ACK frame written after a handler returns (`CallbackHandler.raw_process`). Genjin's part:

- Opening a connection (`open_connection`): the SDK's reads the API host from
  DINGTALK_OPENAPI_ENDPOINT when it is imported (a class attribute, fixed for the process)
  and posts without a timeout; ours uses the configured endpoint, a timeout, and waits
  longer after each failure (2 s, 4 s ... 60 s) before the SDK's own pause.
- Every frame of both topics goes, as an envelope, to `accept`, run off the event loop so
  pings keep flowing; the ACK carries what it returns. If storing fails, the ACK says 500.
- Stopping cancels the client's task (twice if need be: see `_halt`).

`alive` is what /healthz reports: false once the thread has died or no connection has been
up for `dead_after` seconds (credentials revoked, DingTalk unreachable).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

import httpx

from adapters.dingtalk.parse import CARD_TOPIC, MESSAGE_TOPIC, envelope

log = logging.getLogger(__name__)

OPEN_PATH = "/v1.0/gateway/connections/open"
Accept = Callable[[dict], object]


def _open(ws: object) -> bool:
    state = getattr(ws, "state", None)  # websockets >= 13: a State enum; older: `.open`
    return getattr(state, "name", "") == "OPEN" if state is not None else bool(getattr(ws, "open", False))


class StreamConnection:
    def __init__(self, *, client_id: str, client_secret: str, endpoint: str, accept: Accept,
                 dead_after: float = 90.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.client_id, self.client_secret, self.endpoint = client_id, client_secret, endpoint.rstrip("/")
        self.accept, self.dead_after, self.clock = accept, dead_after, clock
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = None
        self._task: asyncio.Task | None = None
        self._stopping = threading.Event()
        self._up_at = clock()  # last moment a connection was known to be up (start counts)
        self.failures = 0
        self.connections = 0

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        self._up_at = self.clock()
        self._thread = threading.Thread(target=self._run, name="genjin-dingtalk-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._client = self._make_client()
        self._task = loop.create_task(self._client.start())  # reconnects by itself until stop()
        self._loop = loop
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass  # stop() did that
        except Exception:
            log.exception("the DingTalk stream ended")
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.wait(tasks, timeout=2))
            loop.close()

    async def _halt(self) -> None:
        # dingtalk_stream 0.24.3's loop takes a cancellation for a network error and sleeps 10 s
        # before reconnecting: a second cancellation, in that sleep, ends it.
        while not self._task.done():
            self._task.cancel()
            await asyncio.sleep(0.05)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()  # no new connection from here on
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(self._halt(), loop)
            except RuntimeError:
                pass  # closed meanwhile
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def connected(self) -> bool:
        client = self._client
        return client is not None and _open(getattr(client, "websocket", None))

    @property
    def alive(self) -> bool:
        if self._thread is None or not self._thread.is_alive():
            return False
        if self.connected:
            self._up_at = self.clock()
            return True
        return self.clock() - self._up_at < self.dead_after

    # -- the SDK client ------------------------------------------------------------------
    def _make_client(self):
        import dingtalk_stream

        connection = self
        quiet = logging.getLogger("dingtalk_stream")  # ours: no handler of the SDK's own on it

        class Client(dingtalk_stream.DingTalkStreamClient):
            def open_connection(self):  # called by start(): see the module docstring
                return connection._open_connection(self)

        class Handler(dingtalk_stream.CallbackHandler):
            def __init__(self, topic: str) -> None:
                super().__init__()
                self.topic, self.logger = topic, quiet

            async def process(self, message):
                push = getattr(message.headers, "message_id", None)
                env = envelope(self.topic, message.data if isinstance(message.data, dict) else {}, push)
                try:
                    answer = await asyncio.get_running_loop().run_in_executor(None, connection.accept, env)
                except Exception as err:  # not stored: no 200
                    log.error("DingTalk %s frame %s not stored: %r", self.topic, push, err)
                    return dingtalk_stream.AckMessage.STATUS_SYSTEM_EXCEPTION, "not stored"
                return dingtalk_stream.AckMessage.STATUS_OK, answer if answer is not None else "OK"

        client = Client(dingtalk_stream.Credential(self.client_id, self.client_secret), logger=quiet)
        client.register_callback_handler(MESSAGE_TOPIC, Handler(MESSAGE_TOPIC))
        client.register_callback_handler(CARD_TOPIC, Handler(CARD_TOPIC))
        return client

    def _open_connection(self, client) -> dict | None:
        """POST connections/open; the endpoint and ticket, or None (the SDK then pauses and retries)."""
        if self.failures and self._stopping.wait(min(2 ** self.failures, 60)):
            return None
        if self._stopping.is_set():
            return None
        from dingtalk_stream.version import VERSION_STRING

        body = {"clientId": self.client_id, "clientSecret": self.client_secret,  # the SDK's own fields
                "subscriptions": [{"type": "CALLBACK", "topic": t} for t in client.callback_handler_map],
                "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union", "localIp": client.get_host_ip()}
        try:
            resp = httpx.post(self.endpoint + OPEN_PATH, json=body, timeout=10.0)
            resp.raise_for_status()
            answer = resp.json()
            if not answer.get("endpoint") or not answer.get("ticket"):
                raise ValueError(f"no endpoint or ticket in {answer!r}"[:300])
        except Exception as err:
            self.failures += 1
            log.warning("DingTalk stream: cannot open a connection (try %d): %s", self.failures, err)
            return None
        self.failures = 0
        self.connections += 1
        self._up_at = self.clock()
        return answer
