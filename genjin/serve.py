"""`genjin run` with a platform configured: the HTTP server, long connections, delivery.

One concurrency model: the core is synchronous. Transports hand parsed events to
`Runner.submit`, which acknowledges at once and processes on a small thread pool;
one delivery thread per platform drains the outbox.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.exc import OperationalError

from bot.events import IncomingEvent
from bot.ports import Sender
from genjin.app import App
from genjin.config import ConfigError, Settings
from reminders.scheduler import Scheduler

log = logging.getLogger(__name__)
RETRIES = 3


def wall_clock() -> datetime:
    return datetime.now(UTC)


class PlatformRuntime(Protocol):
    """What an adapter offers the server."""

    platform: str
    sender: Sender

    def routes(self) -> list:  # starlette Routes for HTTP mode (may be empty)
        ...

    def start(self) -> None:  # open long connections (Socket Mode, Feishu ws), if any
        ...

    def stop(self) -> None:  # stop receiving; queued events still reach the runner
        ...


@dataclass
class Runner:
    """Processes events after the transport has acknowledged them; delivers the outbox."""

    app: App
    clock: Callable[[], datetime] = wall_clock
    workers: int = 4
    poll_seconds: float = 1.0
    _pool: ThreadPoolExecutor = field(init=False)
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="genjin-event")

    def submit(self, event: IncomingEvent) -> None:
        """Queue `event`; returns at once so the transport can ack within its deadline."""
        self._pool.submit(self._process, event)

    def _process(self, event: IncomingEvent) -> None:
        # The platform has had its ack and won't redeliver: a database hiccup (deadlock,
        # busy SQLite, failover) gets a few more tries here.
        for attempt in range(1, RETRIES + 1):
            try:
                self.app.process(event, now=self.clock())
                break
            except OperationalError:
                log.warning("processing %s/%s hit a database error (try %d of %d)", event.platform,
                            event.event_id, attempt, RETRIES, exc_info=attempt == RETRIES)
                time.sleep(0.2 * attempt)
            except Exception:
                log.exception("processing %s/%s failed", event.platform, event.event_id)
                break
        self._wake.set()

    def start_delivery(self, platform: str, sender: Sender) -> None:
        thread = threading.Thread(target=self._deliver_loop, args=(platform, sender),
                                  name=f"genjin-deliver-{platform}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _deliver_loop(self, platform: str, sender: Sender) -> None:
        while not self._stop.is_set():
            try:
                self.app.deliver(platform=platform, sender=sender, now=self.clock())
            except Exception:
                log.exception("delivery round for %s failed", platform)
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._pool.shutdown(wait=True)
        for thread in self._threads:
            thread.join(timeout=5)


def build_runtimes(settings: Settings, runner: Runner) -> list[PlatformRuntime]:
    runtimes: list[PlatformRuntime] = []
    if settings.slack.configured:
        from adapters.slack.runtime import SlackRuntime

        runtimes.append(SlackRuntime(settings.slack, runner))
    if settings.feishu.configured:
        from adapters.feishu.runtime import FeishuRuntime

        runtimes.append(FeishuRuntime(settings.feishu, runner))
    return runtimes


def build_asgi(runtimes: list[PlatformRuntime]):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def healthz(_request):
        # A runtime may report a dead long connection; a monitor then sees 503.
        health = {r.platform: getattr(r, "healthy", lambda: True)() for r in runtimes}
        ok = all(health.values())
        return JSONResponse({"ok": ok, "platforms": health}, status_code=200 if ok else 503)

    routes = [Route("/healthz", healthz)]
    for runtime in runtimes:
        routes += runtime.routes()
    return Starlette(routes=routes)


def _start(runtime: PlatformRuntime) -> None:
    """Open the platform's connections; a failure stops start-up with a plain message."""
    try:
        runtime.start()
    except ConfigError:
        raise
    except Exception as err:  # unreachable API, refused token: say which platform and why
        raise ConfigError(f"{runtime.platform}: could not start: {err}") from None


def serve(settings: Settings, *, db_url: str | None = None) -> int:
    import uvicorn

    app = App(settings, db_url=db_url)
    runner = Runner(app)
    scheduler = Scheduler(app, clock=runner.clock, wake=runner.wake)
    runtimes: list[PlatformRuntime] = []
    try:
        runtimes = build_runtimes(settings, runner)
        for runtime in runtimes:
            runner.start_delivery(runtime.platform, runtime.sender)
            _start(runtime)
        scheduler.start()
        uvicorn.run(build_asgi(runtimes), host=settings.server.host, port=settings.server.port,
                    log_level=settings.log_level.lower())
    finally:  # stop taking work in, drain events and delivery, then close clients and the database
        if scheduler.running:
            scheduler.stop()
        for runtime in runtimes:
            runtime.stop()
        runner.stop()
        for runtime in runtimes:
            getattr(runtime, "close", lambda: None)()
        app.close()
    return 0
