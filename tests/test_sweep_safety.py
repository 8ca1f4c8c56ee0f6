"""Restarts and replicas: what fell due is sent once, by one process."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.events import MENTION_TOKEN, EventKind, IncomingEvent, Mention, OutgoingMessage
from genjin.app import App
from storage.models import Item, OutboxMessage
from storage.outbox import enqueue

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def mentioned(text: str) -> tuple[Mention, ...]:
    """What an adapter reports alongside the tokens it wrote (the core trusts nothing else)."""
    return tuple(Mention(uid, name or uid) for uid, name in MENTION_TOKEN.findall(text))


def say(app: App, user: str, text: str, when: datetime, n: int) -> None:
    app.process(IncomingEvent(platform="console", event_id=f"e{n}", chat_id="g", user_id=user, user_name=user,
                              kind=EventKind.MESSAGE, text=text, mentions=mentioned(text), received_at=when),
                now=when)


def keys(app: App, prefix: str) -> list[str]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like(prefix + "%"))
                              .order_by(OutboxMessage.id)))


def test_restart_after_downtime_sends_what_fell_due_once_coalesced(settings, db_url):
    first = App(settings, db_url=db_url)
    say(first, "pm", "/ask <@lee|lee> confirm the schedule", at("2026-11-23 09:00"), 1)
    for n in range(3):
        say(first, "pm", f"/todo <@lee|lee> task {n} by 2026-11-24 12:00 standard: ok", at("2026-11-23 09:00"),
            10 + n)
    first.sweep(now=at("2026-11-23 09:05"))
    first.close()  # down from Monday morning until Thursday

    second = App(settings, db_url=db_url)
    for _ in range(3):  # several ticks after the restart: no repeats
        second.sweep(now=at("2026-11-26 10:00"))
    remind = keys(second, "remind:")
    # The unanswered request: only the second-period nudge (its DM; in the group it joins the bundle
    # below), not a stale first one.
    assert [k for k in remind if "nudge" in k] == ["remind:nudge2:1:dm"]
    # Three overdue items and the request, all one person's: one bundled message, not four (and no
    # stale warnings).
    bundles = [k for k in remind if k.startswith("remind:bundle:")]
    assert len(bundles) == 1
    with second.sessions() as s:
        text = s.scalar(select(OutboxMessage.payload).where(OutboxMessage.key == bundles[0]))["text"]
    assert "4 项需要你关注" in text and text.count("已逾期") == 3 and text.count("仍未回复") == 1
    assert keys(second, "digest:daily:") and len(keys(second, "digest:daily:")) == 1
    second.close()


def test_two_replicas_sweeping_together_queue_each_reminder_once(settings, pg_url):
    from tests.conftest import _reset_pg

    _reset_pg(pg_url)
    seed = App(settings, db_url=pg_url)
    for n in range(12):
        say(seed, "pm", f"/ask <@u{n}|u{n}> request {n}", at("2026-11-23 09:00"), n)
    seed.close()
    replicas = [App(settings, db_url=pg_url) for _ in range(2)]
    moments = [at(f"2026-11-23 {h:02d}:{m:02d}") for h in range(10, 15) for m in (0, 30)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(app: App) -> None:
        try:
            start.wait()
            for moment in moments:
                app.sweep(now=moment)
        except BaseException as err:  # a deadlock or constraint error would surface here
            errors.append(err)

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    with replicas[0].sessions() as s:
        nudges = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key.like("remind:nudge1:%")))
        digests = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key.like("digest:%")))
    assert nudges == 12  # one first nudge per request, whichever replica won it
    assert digests == 1  # the day's digest of the one chat, posted by one replica
    for r in replicas:
        r.close()


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        with self.lock:
            self.sent.append(msg.key)
        return f"p{outbox_id}"


def test_two_replicas_delivering_together_send_each_key_once(settings, pg_url):
    from tests.conftest import _reset_pg

    _reset_pg(pg_url)
    replicas = [App(settings, db_url=pg_url) for _ in range(2)]
    now = at("2026-11-23 10:00")
    with replicas[0].sessions.begin() as s:
        for n in range(40):
            enqueue(session=s, msg=OutgoingMessage(key=f"k{n}", platform="console", chat_id="g", text=str(n)), now=now)
    sender = RecordingSender()
    start = threading.Barrier(2)

    def run(app: App) -> None:
        start.wait()
        for _ in range(5):
            app.deliver(platform="console", sender=sender, now=now)

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert sorted(sender.sent) == sorted(f"k{n}" for n in range(40))
    for r in replicas:
        r.close()


def test_first_events_of_a_new_chat_racing_on_two_workers_are_both_kept(settings, pg_url):
    from tests.conftest import _reset_pg

    _reset_pg(pg_url)
    app = App(settings, db_url=pg_url)
    start = threading.Barrier(4)
    results: list[bool] = []

    def first_words(n: int) -> None:
        start.wait()
        event = IncomingEvent(platform="console", event_id=f"race{n}", chat_id="brand-new", user_id="pm",
                              user_name="pm", kind=EventKind.MESSAGE, received_at=at("2026-11-23 10:00"),
                              text=f"/todo <@lee|lee> task {n} by 2026-11-27", mentions=mentioned("<@lee|lee>"))
        results.append(app.process(event, now=at("2026-11-23 10:00")))

    threads = [threading.Thread(target=first_words, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    with app.sessions() as s:
        titles = sorted(s.scalars(select(Item.title)))
    app.close()
    assert results == [True] * 4
    assert titles == ["task 0", "task 1", "task 2", "task 3"]


def test_two_events_on_one_item_at_once_apply_one_after_the_other(settings, pg_url):
    from tests.conftest import _reset_pg

    _reset_pg(pg_url)
    app = App(settings, db_url=pg_url)
    when = at("2026-11-23 10:00")
    say(app, "pm", "/todo <@lee|lee> page by 2026-11-27", when, 1)
    say(app, "lee", "/done #1", when, 2)
    start = threading.Barrier(2)

    def act(user: str, text: str, n: int) -> None:
        start.wait()
        say(app, user, text, when, n)

    threads = [threading.Thread(target=act, args=("pm", "/confirm #1", 3)),
               threading.Thread(target=act, args=("pm", "/reject #1 wrong colour", 4))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    with app.sessions() as s:
        item = s.get(Item, 1)
        actions = [h.action for h in item.history]
        card = s.scalar(select(OutboxMessage).where(OutboxMessage.edit_of_id.is_not(None))
                        .order_by(OutboxMessage.id.desc()).limit(1))
        status_field = dict(card.payload["card"]["fields"])["状态"]
    app.close()
    # Whichever came second was judged against the first one's result.
    assert actions[:2] == ["created", "done"] and len(actions) == 3
    assert (item.status, status_field) in (("confirmed", "已确认"), ("in_progress", "进行中"))


def test_a_restart_at_night_posts_nothing_until_the_next_working_moment(settings, db_url):
    app = App(settings, db_url=db_url)
    say(app, "pm", "/todo <@lee|lee> page by 2026-11-27 standard: ok", at("2026-11-26 10:00"), 1)
    app.sweep(now=at("2026-11-28 23:00"))  # down since Thursday; back on Saturday night
    assert keys(app, "remind:") == []
    app.sweep(now=at("2026-11-30 09:00"))
    # Monday morning: the overdue notice, and no "due on Friday" warning after the fact.
    assert keys(app, "remind:") == ["remind:overdue:1:20261127T1000"]
    app.close()


def test_old_event_ids_are_forgotten_recent_ones_kept(settings, db_url):
    from storage.models import ProcessedEvent

    app = App(settings, db_url=db_url)
    say(app, "pm", "/list", at("2026-11-01 10:00"), 1)
    say(app, "pm", "/list", at("2026-11-20 10:00"), 2)
    assert app.prune(now=at("2026-11-23 10:00")) == 1
    with app.sessions() as s:
        assert list(s.scalars(select(ProcessedEvent.event_id))) == ["e2"]
    app.close()
