"""`genjin run` with a platform configured: the HTTP server, long connections, delivery.

One concurrency model: the core is synchronous. Transports store each verified
payload with `Runner.accept` and ack only then; intake workers process stored rows;
one delivery thread per platform drains the outbox, sending on a small pool at the
platform's own pace (reminders/deliverer.py, reminders/pacing.py).
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from bot.dispatch import Outcome
from bot.events import IncomingEvent
from bot.ports import Sender
from genjin import metrics
from genjin.app import App
from genjin.config import ConfigError, Settings
from reminders.deliverer import Deliverer, Wakeups
from reminders.scheduler import Scheduler
from storage import inbox, leases
from storage.models import InboxEvent

log = logging.getLogger(__name__)
INTAKE_TRIES = 6  # then the row is kept as failed, with its error, and logged
INTAKE_BACKOFF = timedelta(seconds=2)  # 2 s, 4 s, ... about a minute in all


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


Translate = Callable[[dict], IncomingEvent | None]
# A stored payload that is no chat event (a Jira webhook): applied as it is, given the session of
# the transaction that marks its row done, the payload, its event id and now.
Apply = Callable[[Session, dict, str, datetime], None]


@dataclass
class Runner:
    """Stores events before the transport acks them, processes them after; delivers the outbox.

    Intake is durable: `accept` commits the raw payload to the inbox and only then may
    the transport acknowledge. Workers (here or on another replica) lease stored rows,
    translate them with the platform's `translate` (which may call the platform's API),
    and apply them in the transaction that marks the row done.
    """

    app: App
    clock: Callable[[], datetime] = wall_clock
    workers: int = 4
    poll_seconds: float = 1.0
    owner: str = field(default_factory=lambda: f"genjin-{uuid.uuid4().hex[:12]}")
    _translators: dict[str, Translate] = field(default_factory=dict)
    _appliers: dict[str, Apply] = field(default_factory=dict)
    _work: threading.Event = field(default_factory=threading.Event)
    _wake: Wakeups = field(default_factory=lambda: Wakeups())  # set(): new replies may be in the outbox
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _deliverers: list[Deliverer] = field(default_factory=list)
    _inline: ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        self._inline = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="genjin-inline")

    # -- intake ----------------------------------------------------------------------------
    def register(self, platform: str, translate: Translate) -> None:
        """How to turn `platform`'s stored payloads into events (runs after the ack, on a worker)."""
        self._translators[platform] = translate

    def register_applier(self, platform: str, apply: Apply) -> None:
        """How to apply `platform`'s stored payloads that are no chat events (a Jira webhook)."""
        self._appliers[platform] = apply

    def accept(self, *, platform: str, event_id: str, payload: dict, wake: bool = True) -> int | None:
        """Commit a verified raw payload; the transport acks only after this returns.

        None for an event id stored before (a redelivery: ack it, nothing more). Raises when
        the database fails: the transport must then not ack, so the platform redelivers.
        `wake=False` when the caller processes the row itself next (process_now).
        """
        row_id = self.app.store(platform=platform, event_id=event_id, payload=payload, now=self.clock())
        if row_id is not None and wake:
            self._work.set()
        return row_id

    def process_now(self, row_id: int, *, timeout: float = 2.0) -> Outcome | None:
        """Process stored row `row_id` at once (a card click's answer shows the outcome).

        None when it could not be done in time or another worker has it; it is then
        processed as usual.
        """
        future = self._inline.submit(self._process_row, row_id)
        try:
            return future.result(timeout=timeout)
        except Exception:  # a timeout, or a failure already recorded on the row
            return None

    def recover(self) -> None:
        """Before anything starts: take back what this replica's earlier run had leased when it died."""
        with self.app.sessions.begin() as session:
            rows = inbox.release_owner(session=session, owner=self.owner)
            sends = leases.release_owner(session=session, owner=self.owner, now=self.clock())
        if rows or sends:
            log.warning("took back %d events and %d messages left leased by an earlier run of %s",
                        rows, sends, self.owner)

    def start(self) -> None:
        """Start the intake workers; rows left pending by an earlier run are picked up first."""
        for n in range(self.workers):
            self._spawn(self._intake_loop, f"genjin-intake-{n}")

    def _intake_loop(self) -> None:
        while not self._stop.is_set():
            if self._take_one():
                self._work.set()  # there may be more: let the other workers look too
            else:
                self._work.wait(self.poll_seconds)
                self._work.clear()

    def drain(self) -> int:
        """Process every stored row due now on this thread; how many were taken (tests, tools)."""
        taken = 0
        while self._take_one():
            taken += 1
        return taken

    def _take_one(self) -> bool:
        try:
            with self.app.sessions.begin() as session:
                claimed = inbox.claim(session=session, now=self.clock(), owner=self.owner)
        except Exception:
            log.exception("could not read the inbox")
            return False
        if claimed:
            self._process_claimed(claimed[0])
        return bool(claimed)

    def _process_row(self, row_id: int) -> Outcome | None:
        with self.app.sessions.begin() as session:
            claimed = inbox.claim(session=session, now=self.clock(), owner=self.owner, row_id=row_id)
        return self._process_claimed(row_id) if claimed else None

    def _process_claimed(self, row_id: int) -> Outcome | None:
        """Translate and apply one leased row; on failure, back off, and give up after a few tries."""
        try:
            with self.app.sessions() as session:
                row = session.get(InboxEvent, row_id)
                platform, event_id, payload = row.platform, row.event_id, row.payload
            apply = self._appliers.get(platform)
            translate = self._translators.get(platform)
            event = None
            if apply is not None:
                outcome = self.app.apply_stored(row_id, lambda session, now: apply(session, payload, event_id, now),
                                                owner=self.owner, now=self.clock())
            elif translate is None:
                raise LookupError(f"no transport registered for {platform!r}")
            else:
                event = translate(payload)
                if event is not None:
                    event = replace(event, event_id=event_id)
                outcome = self.app.process_stored(row_id, event, owner=self.owner, now=self.clock())
        except Exception as err:
            self._record_failure(row_id, err)
            return None
        self._wake.set()  # replies may be waiting in the outbox
        metrics.event_done(platform, event_id, event, outcome, row.received_at, self.clock())
        return outcome

    def _record_failure(self, row_id: int, err: Exception) -> None:
        now = self.clock()
        try:
            with self.app.sessions.begin() as session:
                tries = session.get(InboxEvent, row_id).attempts + 1
                retry_at = now + INTAKE_BACKOFF * 2 ** (tries - 1) if tries < INTAKE_TRIES else None
                inbox.fail(session=session, row_id=row_id, error=f"{type(err).__name__}: {err}", retry_at=retry_at)
        except Exception:
            log.exception("could not record the failure of inbox row %s", row_id)
            return
        if retry_at is None:
            log.error("inbox row %s failed %d times and is kept as failed: %r", row_id, tries, err,
                      exc_info=err)
        else:
            log.warning("inbox row %s failed (try %d of %d), retrying: %r", row_id, tries, INTAKE_TRIES, err)

    # -- delivery --------------------------------------------------------------------------
    def start_delivery(self, platform: str, sender: Sender) -> None:
        """Deliver `platform`'s outbox on a thread of its own (and its pool of senders), paced to
        the platform's limits, until `stop`; woken at once when replies are written."""
        deliverer = Deliverer(sessions=self.app.sessions, platform=platform, sender=sender, clock=self.clock,
                              poll=self.poll_seconds, worker=self.owner)
        self._wake.add(deliverer.wake)
        self._deliverers.append(deliverer)
        self._spawn(deliverer.run, f"genjin-deliver-{platform}")

    def wake(self) -> None:
        self._wake.set()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._work.set()
        for deliverer in self._deliverers:
            deliverer.stop()  # it finishes the sends in flight and gives back the rest
        self._inline.shutdown(wait=True)
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
    if settings.dingtalk.configured:
        from adapters.dingtalk.runtime import DingTalkRuntime

        runtimes.append(DingTalkRuntime(settings.dingtalk, runner))
    if settings.wecom.configured:
        from adapters.wecom.runtime import WeComRuntime

        runtimes.append(WeComRuntime(settings.wecom, runner))
    if settings.jira.configured:
        from adapters.jira.runtime import JiraRuntime

        runtimes.append(JiraRuntime(settings.jira, runner))
    return runtimes


def email_sender(settings: Settings) -> Sender | None:
    """The sender of the outbox's "email" messages, when [email] is configured."""
    if not settings.email.configured:
        return None
    from adapters.email.sender import EmailSender

    return EmailSender(settings.email)


def build_asgi(runtimes: list[PlatformRuntime], app: App | None = None,
               clock: Callable[[], datetime] = wall_clock):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    probe = metrics.Probe(app.engine, [r.platform for r in runtimes]) if app is not None else None

    async def healthz(_request):
        # A runtime may report a dead long connection, the database may not answer: a monitor then sees 503.
        health = {r.platform: getattr(r, "healthy", lambda: True)() for r in runtimes}
        database = await probe.database_up() if probe is not None else None
        ok = all(health.values()) and database is not False
        return JSONResponse({"ok": ok, "database": database, "platforms": health}, status_code=200 if ok else 503)

    routes = [Route("/healthz", healthz), *(probe.routes() if probe is not None else [])]
    for runtime in runtimes:
        routes += runtime.routes()
    if app is not None and app.links is not None:  # [web] set up: the read-only view under /dashboard/
        from genjin.web import pages

        routes += pages.routes(app, app.links, clock)
    return Starlette(routes=routes)


def _start(runtime: PlatformRuntime) -> None:
    """Open the platform's connections; a failure stops start-up with a plain message."""
    try:
        runtime.start()
    except ConfigError:
        raise
    except Exception as err:  # unreachable API, refused token: say which platform and why
        raise ConfigError(f"{runtime.platform}: could not start: {err}") from None


def replica_name(settings: Settings) -> str:
    """Stable across restarts of one replica, distinct between replicas (host and port)."""
    return settings.server.replica or f"{socket.gethostname()}:{settings.server.port}"


def serve(settings: Settings, *, db_url: str | None = None) -> int:
    import uvicorn

    app = App(settings, db_url=db_url)
    runner = Runner(app, owner=replica_name(settings))
    runner.recover()
    scheduler = Scheduler(app, clock=runner.clock, wake=runner.wake)
    runtimes: list[PlatformRuntime] = []
    try:
        runtimes = build_runtimes(settings, runner)
        for runtime in runtimes:
            runner.start_delivery(runtime.platform, metrics.CountingSender(runtime.platform, runtime.sender))
            _start(runtime)
        mail = email_sender(settings)
        if mail is not None:  # minutes and weekly reports also by email (docs/email.md)
            runner.start_delivery("email", metrics.CountingSender("email", mail))
        runner.start()
        scheduler.start()
        # log_config=None: uvicorn's records go through our handler (JSON, redaction) like the rest.
        uvicorn.run(build_asgi(runtimes, app, runner.clock), host=settings.server.host, port=settings.server.port,
                    log_level=settings.log_level.lower(), log_config=None)
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
