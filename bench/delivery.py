"""Figures 3 and 4: delivery against platforms' rate limits, with a real clock.

3: messages already in the outbox (platform "feishu"), delivered by the Runner's delivery thread
   (as `genjin run` does) and by App.deliver called back to back on this thread; against a fake
   with Feishu's limits. The platform's name is the real one, so a pacer that knows Feishu's
   limits applies them; the fake does not tell it its limits. Each fake call takes 50 ms.
4: a burst of slash commands (platform "slack") stored with Runner.accept at a steady rate,
   processed by its intake workers, the replies delivered by its delivery thread to a fake with
   chat.postMessage's limit of about one message per second per channel (50 ms a call).
"""

from __future__ import annotations

import inspect
import math
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import func, select

from bench.core import Config, Row, database, log, profiled, settings
from bench.fakes import LimitedPlatform
from bot.events import EventKind, IncomingEvent, Mention, OutgoingMessage, mention
from genjin.app import App
from genjin.serve import Runner
from storage.models import InboxEvent, Item, OutboxMessage
from storage.outbox import enqueue

FEISHU_PER_CHAT, FEISHU_PER_APP = 5, 50
LATENCY = 0.05  # seconds: each fake API call takes a round trip, as a real one does
SLACK_PER_CHANNEL = 1


def wall() -> datetime:
    return datetime.now(UTC)


def _deliver(app: App, platform: str, sender) -> int:
    """App.deliver with the real clock, whichever way the current signature takes it."""
    if "clock" in inspect.signature(app.deliver).parameters:
        return app.deliver(platform=platform, sender=sender, clock=wall)
    return app.deliver(platform=platform, sender=sender, now=wall())


def _fill(app: App, messages: int, chats: int) -> None:
    now = wall()
    with app.sessions.begin() as s:
        for i in range(messages):
            enqueue(session=s, now=now, msg=OutgoingMessage(
                key=f"bench:{i}", platform="feishu", chat_id=f"oc_{i % chats}", text=f"message {i}", created_at=now))


def _wait(fake: LimitedPlatform, total: int, deadline: float) -> None:
    while fake.delivered < total and time.monotonic() < deadline:
        time.sleep(0.02)


def throughput(cfg: Config, backend: str) -> None:
    messages, chats = (200, 20) if cfg.quick else (1000, 100)
    floor = max(messages / FEISHU_PER_APP, messages / chats / FEISHU_PER_CHAT)
    cap = max(60.0, 10 * floor)
    size = f"{messages}/{chats} chats"
    for how in ("runner", "loop"):
        with database(backend) as url:
            app = App(settings(), db_url=url)
            _fill(app, messages, chats)
            fake = LimitedPlatform(per_chat=FEISHU_PER_CHAT, per_app=FEISHU_PER_APP, latency=LATENCY)
            start = time.monotonic()
            if how == "runner":
                runner = Runner(app)
                runner.start_delivery("feishu", fake)
                _wait(fake, messages, start + cap)
                runner.stop()
            else:
                with profiled(cfg, f"3-deliver-loop-{backend}"):
                    while fake.delivered < messages and time.monotonic() < start + cap:
                        if not _deliver(app, "feishu", fake):
                            time.sleep(0.01)  # nothing could go: the next may in a moment
            app.close()
        done = fake.delivered == messages
        took = (fake.accepted[-1][0] - start) if fake.accepted else None
        label = "Runner delivery thread" if how == "runner" else "App.deliver back to back"
        note = (f"{fake.refused} answers of 429; {fake.out_of_order} out of order; {fake.duplicates} twice"
                + ("" if done else f"; only {fake.delivered} of {messages} after {cap:.0f} s"))
        # The figure is the Runner's (what `genjin run` does); App.deliver called back to back
        # is the unpaced one-round entry the console and tests use: shown for comparison, not judged.
        runner_row = how == "runner"
        cfg.add(Row(f"3 delivery, {label}", backend, size, took if done else None, "s", floor,
                    "≤ 1.1× floor, 0×429" if runner_row else "(for comparison)",
                    note + "; baseline: the rate-limit floor",
                    met=(done and took <= 1.1 * floor and fake.refused == 0) if runner_row else None))


# -- 4: replies after a burst of slash commands ---------------------------------------------------

def translate(payload: dict) -> IncomingEvent:
    """A Slack-like slash command (already verified and acked): `/todo @owner ...` in a channel."""
    names = re.findall(r"@(\w+)", payload["text"])
    text = re.sub(r"@(\w+)", lambda m: mention(m.group(1), m.group(1)), payload["text"])
    return IncomingEvent(platform="slack", event_id="replaced by the runner", chat_id=payload["channel"],
                         user_id=payload["user"], user_name=payload["user"], kind=EventKind.COMMAND, text=text,
                         mentions=tuple(Mention(n, n) for n in names), addressed_to_bot=True, received_at=wall())


def _count(app: App, query) -> int:
    with app.sessions() as s:
        return s.scalar(query) or 0


def burst(cfg: Config, backend: str) -> None:
    commands, channels, rate = (200, 50, 200) if cfg.quick else (2000, 50, 200)
    floor = max(commands / rate, math.ceil(commands / channels) / SLACK_PER_CHANNEL)
    cap = 60.0 if cfg.quick else 180.0
    with database(backend) as url:
        app = App(settings(), db_url=url)
        fake = LimitedPlatform(per_chat=SLACK_PER_CHANNEL, per_app=None, latency=LATENCY)
        runner = Runner(app)
        runner.register("slack", translate)
        runner.start()
        runner.start_delivery("slack", fake)
        # Open loop, as a web server's thread pool would call accept: one request every 1/rate s,
        # whether or not the earlier ones were answered. Latency counts from the request's due time.
        latencies: list[float] = []

        def accept(i: int, due: float) -> None:
            runner.accept(platform="slack", event_id=f"cmd-{i}", payload={
                "channel": f"C{i % channels:03d}", "user": f"pm{i % 7}",
                "text": f"/todo @dev{i % 13} task {i} by friday"})
            latencies.append(time.monotonic() - due)

        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=40, thread_name_prefix="bench-http") as pool:
            for i in range(commands):
                due = start + i / rate
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                pool.submit(accept, i, due)
        burst_took = time.monotonic() - start
        processed_at = None
        at_cap = None
        while time.monotonic() < start + cap:
            pending = _count(app, select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "pending"))
            if processed_at is None and pending == 0:
                processed_at = time.monotonic() - start
            replies = _count(app, select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.platform == "slack"))
            if processed_at is not None and fake.delivered >= replies:
                break
            time.sleep(0.2)
        else:
            at_cap = fake.delivered
        runner.stop()
        replies = _count(app, select(func.count()).select_from(OutboxMessage).where(OutboxMessage.platform == "slack"))
        created = _count(app, select(func.count()).select_from(Item))
        failed = _count(app, select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "failed"))
        app.close()
    by_60 = sum(1 for t, _ in fake.accepted if t - start <= 60)
    last = fake.accepted[-1][0] - start if fake.accepted else None
    done = at_cap is None
    p50, p99 = statistics.median(latencies), sorted(latencies)[int(len(latencies) * 0.99) - 1]
    log(f"    burst: all accepted after {burst_took:.1f} s; accept p50 {p50 * 1000:.1f} ms p99 {p99 * 1000:.1f} ms")
    note = (f"{fake.delivered} of {replies} replies" + ("" if done else f" after {cap:.0f} s")
            + f"; {by_60} by 60 s; all commands processed at "
            + (f"{processed_at:.1f} s" if processed_at is not None else "—")
            + f"; accept p50 {p50 * 1000:.1f} ms p99 {p99 * 1000:.1f} ms; {fake.refused}×429; "
            f"{fake.out_of_order} out of order; baseline: the limit floor"
            + ("" if created == commands else f"; WARNING: only {created} of {commands} commands made an item")
            + (f" ({failed} inbox rows failed)" if failed else ""))
    cfg.add(Row("4 replies after command burst", backend, f"{commands} cmds", last if done else None, "s", floor,
                f"all ≤ {1.25 * floor:.0f} s, 0×429", note,
                met=done and last is not None and last <= 1.25 * floor and created == commands and fake.refused == 0))
