"""The long connection (lark.ws.Client) in a thread of its own.

lark-oapi 1.7.5 keeps one event loop in a module global, made at import time,
and `Client.start()` runs it with `run_until_complete`, so it cannot run inside
another loop (issues 96, 119, 133). The workaround: a dedicated thread with a
fresh loop, assigned to `lark_oapi.ws.client.loop` before `start()`. Being a
module global, it allows one long connection per process.

Private internals relied on (hence the pinned range in pyproject.toml, tested with
lark-oapi 1.5.1, 1.6.4 and 1.7.5): that module-global `loop`, the handler hook
`_do_without_validation` (`do_without_validation` before 1.6) and the ack written after
it returns, and `Client._auto_reconnect` / `Client._conn` for stopping.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Accept = Callable[[dict], dict | None]


def _frame_handler(accept: Accept):
    """An EventDispatcherHandler whose frames all go to `accept`, undecoded by the SDK's models:
    the long connection then shares the HTTP callback's parse function."""
    from lark_oapi.event.dispatcher_handler import EventDispatcherHandler

    class FrameHandler(EventDispatcherHandler):
        # The ws client (Client._handle_data_frame) calls this for every event frame, on
        # its event loop, and only after it returns writes the frame's answer: code 200
        # with the result (a card click's toast), or code 500 if it raised. So `accept`
        # stores the event right here, and a storage failure propagates: no 200, and
        # Feishu pushes the event again.
        def _do_without_validation(self, payload: bytes):
            try:
                data = json.loads(payload)
            except ValueError:  # can never succeed: acknowledge rather than loop
                log.warning("undecodable frame from the long connection dropped")
                return None
            return accept(data) if isinstance(data, dict) else None

        do_without_validation = _do_without_validation  # the name lark-oapi < 1.6 calls

    return FrameHandler()


class LongConnection:
    def __init__(self, *, app_id: str, app_secret: str, domain: str, accept: Accept) -> None:
        self.app_id, self.app_secret, self.domain, self.accept = app_id, app_secret, domain, accept
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = None
        self._stopping = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="genjin-feishu-ws", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import lark_oapi
        import lark_oapi.ws.client as ws_client

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_client.loop = loop  # see the module docstring
        self._loop = loop
        self._client = ws_client.Client(self.app_id, self.app_secret, event_handler=_frame_handler(self.accept),
                                        domain=self.domain, log_level=lark_oapi.LogLevel.WARNING)
        try:
            if not self._stopping.is_set():
                self._client.start()  # blocks, reconnecting by itself, until stop()
        except RuntimeError:
            pass  # "Event loop stopped before Future completed": stop() did that
        except Exception:
            log.exception("the Feishu long connection ended")
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    async def _close(self) -> None:
        client = self._client
        if client is not None:
            client._auto_reconnect = False  # the SDK has no stop(); closing must not reconnect
            conn = client._conn
            if conn is not None:
                await conn.close()
        asyncio.get_running_loop().stop()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(self._close(), loop)
            except RuntimeError:
                pass  # the loop closed meanwhile
        if self._thread is not None:
            self._thread.join(timeout)
