"""Operations: Prometheus metrics, the one log line per processed event, the database probe.

Counters live in prometheus-client's default registry (with its process metrics: memory, CPU,
open files); queue depths are read from the database at scrape time, so every replica reports
the shared queues as they are, not as it last saw them. reminders/scheduler.py keeps its own
histogram (genjin_sweep_seconds) beside the job it times.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from bot.dispatch import Outcome
from bot.events import EventKind, IncomingEvent, OutgoingMessage
from bot.ports import PermanentFailure, RetryLater, Sender
from storage.models import InboxEvent, OutboxMessage

log = logging.getLogger("genjin.events")
probe_log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
EVENTS = Counter("genjin_events", "Incoming events processed, by platform and outcome "
                 "(handled, refused, ignored, taken_over)", ["platform", "outcome"])
LATENCY = Histogram("genjin_event_latency_seconds", "From receipt (the inbox row stored before the ack) to "
                    "the event's records and replies committed", ["platform", "kind"], buckets=LATENCY_BUCKETS)
SENDS = Counter("genjin_sends", "The platforms' answers to sends, by platform and result "
                "(sent, retry_later, refused, error)", ["platform", "result"])
REMINDERS = Counter("genjin_reminders_sent", "Reminders and digests delivered, by kind", ["kind"])

ITEM_REF = re.compile(r"#(\d+)")
KIND = re.compile(r"^(remind|digest):([a-z0-9_]+)")


def outcome_name(event: IncomingEvent | None, outcome: Outcome | None) -> str:
    if outcome is None:
        return "taken_over"  # another worker held the row by then; it reports the event itself
    if not outcome.handled:
        return "ignored"  # chatter, a redelivery, or nothing the bot acts on
    return "refused" if outcome.refusal else "handled"


def item_of(event: IncomingEvent | None) -> int | None:
    """The item an event names, if any: a button's value ("confirm:12") or a command's first #N."""
    if event is None:
        return None
    if event.kind == EventKind.BUTTON:
        ref = (event.button_value or "").partition(":")[2]
        return int(ref) if ref.isdigit() else None
    if event.kind in (EventKind.MESSAGE, EventKind.COMMAND) and (m := ITEM_REF.search(event.text)):
        return int(m[1])
    return None


def event_done(platform: str, event_id: str, event: IncomingEvent | None, outcome: Outcome | None,
               received_at: datetime, now: datetime) -> None:
    """Count one processed inbox row and write its log line; never raises into the intake worker."""
    try:
        result = outcome_name(event, outcome)
        kind = event.kind.value if event is not None else "none"
        seconds = max((now - received_at).total_seconds(), 0.0)
        EVENTS.labels(platform, result).inc()
        LATENCY.labels(platform, kind).observe(seconds)
        # No text and no user: the line says what happened, not what was said.
        log.info("event %s/%s %s in %.1f ms", platform, event_id, result, seconds * 1000, extra={
            "event_id": event_id, "platform": platform, "chat": event.chat_id if event else None,
            "item": item_of(event), "kind": kind, "outcome": result, "latency_ms": round(seconds * 1000, 1)})
    except Exception:
        log.exception("could not record event %s/%s", platform, event_id)


def reminder_kind(key: str) -> str | None:
    """remind:nudge1:12 -> "nudge1", digest:daily:3:2026-11-23 -> "digest_daily"; None for replies."""
    m = KIND.match(key)
    if m is None:
        return None
    return m[2] if m[1] == "remind" else f"digest_{m[2]}"


class CountingSender:
    """Wraps a platform's sender to count its answers; anything else is passed through unchanged.

    Counting at the sender rather than inside the delivery loop sees every attempt, 429s
    included, without touching the loop's logic.
    """

    def __init__(self, platform: str, sender: Sender) -> None:
        self._platform, self._sender = platform, sender

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        try:
            posted = self._sender.send(msg, outbox_id=outbox_id, reply_to=reply_to, edit_of=edit_of,
                                       maybe_sent=maybe_sent)
        except RetryLater:
            SENDS.labels(self._platform, "retry_later").inc()
            raise
        except PermanentFailure:
            SENDS.labels(self._platform, "refused").inc()
            raise
        except Exception:
            SENDS.labels(self._platform, "error").inc()
            raise
        SENDS.labels(self._platform, "sent").inc()
        if (kind := reminder_kind(msg.key)) is not None:
            REMINDERS.labels(kind).inc()
        return posted

    def __getattr__(self, name: str):
        return getattr(self._sender, name)


class _Families(Collector):
    def __init__(self, families: Sequence[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> Iterable[GaugeMetricFamily]:
        return self.families


class Probe:
    """Reads for /healthz and /metrics on short-lived connections of their own.

    Their own engine, without the application's SQLite BEGIN IMMEDIATE: a scrape never takes
    the write lock nor waits behind the sweep (WAL readers do not wait for writers), and short
    timeouts keep a dead database from hanging the check.
    """

    def __init__(self, engine: Engine, platforms: Iterable[str] = (), *, timeout: float = 2.0) -> None:
        url = engine.url
        self.platforms = sorted(set(platforms))
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            self.engine = engine  # a private in-memory database: only the app's own engine sees it
        elif url.get_backend_name() == "sqlite":
            self.engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": timeout})
        elif url.get_backend_name() == "postgresql":
            self.engine = create_engine(url, poolclass=NullPool, connect_args={
                "connect_timeout": max(1, round(timeout)), "options": f"-c statement_timeout={int(timeout * 1000)}"})
        else:
            self.engine = create_engine(url, poolclass=NullPool)

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as err:
            probe_log.warning("database check failed: %s", err)
            return False

    def families(self, now: datetime) -> list[GaugeMetricFamily]:
        """The queues as the database has them now: two grouped queries over indexed columns."""
        up = GaugeMetricFamily("genjin_database_up", "1 when the database answered this scrape")
        o, i = OutboxMessage, InboxEvent
        try:
            with self.engine.connect() as conn:
                outbox = conn.execute(select(o.platform, func.count(), func.min(o.created_at))
                                      .where(o.status == "pending").group_by(o.platform)).all()
                inbox = conn.execute(select(i.status, func.count(), func.min(i.received_at))
                                     .where(i.status.in_(("pending", "failed"))).group_by(i.status)).all()
        except Exception as err:
            probe_log.warning("metrics: could not read the queues: %s", err)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        depth = GaugeMetricFamily("genjin_outbox_pending", "Messages waiting to be delivered", labels=["platform"])
        oldest = GaugeMetricFamily("genjin_outbox_oldest_pending_seconds",
                                   "Age of the oldest message waiting to be delivered", labels=["platform"])
        found = {platform: (count, first) for platform, count, first in outbox}
        for platform in sorted(set(self.platforms) | set(found)):
            count, first = found.get(platform, (0, None))
            depth.add_metric([platform], count)
            oldest.add_metric([platform], _age(now, first))
        rows = GaugeMetricFamily("genjin_inbox_rows", "Incoming events stored but not done: pending "
                                 "(waiting or retrying) and failed (given up, kept)", labels=["status"])
        inbox_oldest = GaugeMetricFamily("genjin_inbox_oldest_pending_seconds",
                                         "Age of the oldest incoming event not yet processed")
        by_status = {status: (count, first) for status, count, first in inbox}
        for status in ("pending", "failed"):
            rows.add_metric([status], by_status.get(status, (0, None))[0])
        inbox_oldest.add_metric([], _age(now, by_status.get("pending", (0, None))[1]))
        return [up, depth, oldest, rows, inbox_oldest]

    def exposition(self) -> bytes:
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(_Families(self.families(datetime.now(UTC))))
        return generate_latest(REGISTRY) + generate_latest(scraped)

    # -- HTTP ------------------------------------------------------------------------------
    async def database_up(self) -> bool:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.database_ok)  # off the event loop: acks must not wait

    def routes(self) -> list:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response
        from starlette.routing import Route

        async def metrics(_request):
            return Response(await run_in_threadpool(self.exposition), media_type=CONTENT_TYPE_LATEST)

        return [Route("/metrics", metrics)]


def _age(now: datetime, first: datetime | None) -> float:
    if first is None:
        return 0.0
    first = first if first.tzinfo else first.replace(tzinfo=UTC)
    return max((now - first).total_seconds(), 0.0)
